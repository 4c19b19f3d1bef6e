"""Foundations every layer uses: the error a person reads, safe text, private files, folders."""
