"""The conflict copies that sync tools leave beside a journal, found by their names.

When two computers each change the journal while apart, a sync tool keeps one version
under the journal's name and the other beside it, named after the journal:

- Syncthing: `journal.sync-conflict-20261205-101500-ABCDEFG.json` (the date, the time and
  the first characters of the device id; older versions leave the device out);
- Dropbox: `journal (conflicted copy 2026-12-05).json` or
  `journal (Sam's conflicted copy 2026-12-05).json`;
- Nextcloud and ownCloud: `journal (conflicted copy 2026-12-05 101500).json` (a user name
  can come before the date), and in their older clients `journal_conflict-20261205-101500.json`.

Only files named after this journal are taken, so another journal's copies in the same
folder, and reflect's own files (`journal.damaged-….json`), are left alone.
"""

from __future__ import annotations

import re
from pathlib import Path


def patterns(journal: Path) -> list[re.Pattern[str]]:
    stem, suffix = re.escape(journal.stem), re.escape(journal.suffix)
    return [
        re.compile(rf"^{stem}\.sync-conflict-\d{{8}}-\d{{6}}(?:-[A-Za-z0-9]+)?{suffix}$"),
        re.compile(rf"^{stem} \([^/]*conflicted copy[^/]*\){suffix}$", re.IGNORECASE),
        re.compile(rf"^{stem}_conflict-[^/]*{suffix}$"),
    ]


def is_copy_of(journal: Path, name: str) -> bool:
    """Whether a file name is one a sync tool gives a conflict copy of this journal."""
    return any(pattern.match(name) for pattern in patterns(journal))


def find(journal: Path) -> list[Path]:
    """The conflict copies beside the journal that are ordinary files, oldest name first
    (the names hold the date); none when the folder cannot be read."""
    try:
        candidates = [path for path in journal.parent.iterdir()
                      if is_copy_of(journal, path.name)]
    except OSError:
        return []
    found = []
    for path in candidates:
        try:
            if path.is_file() and not path.is_symlink():
                found.append(path)
        except OSError:
            continue
    return sorted(found)
