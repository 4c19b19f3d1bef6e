"""The journal on disk: the entry, the file's format, the TinyDB store, encryption, backups
and migrations."""
