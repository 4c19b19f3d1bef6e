"""Rolling copies of the journal file, in a private `backups` folder beside it.

A copy is taken before the first change of a day (when the newest copy is from an earlier
day, or there is none yet) and before the file is migrated to a newer schema. The newest
`keep` copies are kept (10, unless `[backups] keep` in config.toml says otherwise). A copy is
the file's bytes exactly, so the copies of an encrypted journal are encrypted too. The
journal takes them while it holds its write lock; each is written atomically, 0600, in a
0700 folder.

A copy's name says which journal it is of, when it was taken and why:
`journal.2026-11-02_10-15-00.daily.json`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from reflect.base.errors import ReflectError
from reflect.base.files import ensure_private_folder, read_if_present, write_private

FOLDER = "backups"
DEFAULT_KEEP = 10
MAX_KEEP = 1000
STAMP = "%Y-%m-%d_%H-%M-%S"
DAILY = "daily"
BEFORE_MERGE = "before-merge"
TAKEN_IN = "taken-in"
REASONS = {
    DAILY: "daily copy",
    "before-restore": "before a restore",
    BEFORE_MERGE: "before merging in another copy",
    TAKEN_IN: "a conflict copy, taken in",
}


def local_now() -> datetime:
    """The local time now; backups are named and counted by the local day."""
    return datetime.now()


class Backup(NamedTuple):
    """One copy of the journal."""

    path: Path
    taken: datetime
    reason: str
    sequence: int = 0

    @property
    def what(self) -> str:
        """Why it was taken, in words."""
        if self.reason.startswith("before-schema-"):
            return f"before updating the file to schema {self.reason.rsplit('-', 1)[1]}"
        return REASONS.get(self.reason, self.reason.replace("-", " "))

    @property
    def when(self) -> str:
        return self.taken.strftime("%Y-%m-%d %H:%M")


def folder(journal: Path) -> Path:
    """Where the copies of this journal are kept."""
    return journal.parent / FOLDER


def _pattern(journal: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(journal.stem)}\."
                      r"(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d)(?:-(\d+))?\.([a-z0-9-]+)\.json$")


def listing(journal: Path) -> list[Backup]:
    """The copies of this journal, oldest first."""
    where = folder(journal)
    pattern = _pattern(journal)
    found = []
    try:
        names = [p.name for p in where.iterdir()]
    except OSError:
        return []
    for name in names:
        match = pattern.match(name)
        if match is None:
            continue
        try:
            taken = stamp_time(match.group(1))
        except ValueError:
            continue
        found.append(Backup(where / name, taken, match.group(3), int(match.group(2) or 0)))
    return sorted(found, key=lambda b: (b.taken, b.sequence, b.path.name))


def stamp_time(stamp: str) -> datetime:
    """The moment in a copy's name; ValueError for one that is no moment (a 30 February)."""
    return datetime.strptime(stamp, STAMP)


def newest(journal: Path) -> Backup | None:
    copies = listing(journal)
    return copies[-1] if copies else None


def due(journal: Path, now: datetime) -> bool:
    """Whether today's copy is still to be taken."""
    latest = newest(journal)
    return latest is None or latest.taken.date() < now.date()


def take(journal: Path, raw: bytes, reason: str, keep: int, now: datetime) -> Backup:
    """Write a copy of the journal's bytes, then let the oldest copies beyond `keep` go."""
    where = folder(journal)
    ensure_private_folder(where)
    remove_leftovers(journal)
    moment = now.replace(microsecond=0)
    used = {(copy.taken, copy.sequence) for copy in listing(journal)}
    sequence = 0
    while (moment, sequence) in used:
        sequence += 1
    suffix = f"-{sequence}" if sequence else ""
    path = where / f"{journal.stem}.{moment.strftime(STAMP)}{suffix}.{reason}.json"
    write_private(path, raw)
    prune(journal, keep)
    return Backup(path, moment, reason, sequence)


def prune(journal: Path, keep: int) -> list[Path]:
    """Remove the oldest copies so that `keep` are left; returns what was removed."""
    copies = listing(journal)
    gone = []
    for old in copies[:max(len(copies) - keep, 0)]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
            gone.append(old.path)
    return gone


def remove_leftovers(journal: Path) -> None:
    """Remove the temporary files of a copy that a killed writer never finished."""
    where = folder(journal)
    if where.is_dir():
        for leftover in where.glob(f".{journal.stem}.*.json.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def convert(journal: Path, change: Callable[[bytes], bytes | None]) -> tuple[int, int]:
    """Rewrite each copy through `change` (None leaves one as it is), atomically.

    Returns how many were rewritten and how many could not be; used when a journal is
    encrypted or decrypted, so its copies follow it."""
    changed = failed = 0
    for copy in listing(journal):
        raw = read_if_present(copy.path, "the backup")
        if raw is None:
            continue
        try:
            new = change(raw)
        except ReflectError:
            failed += 1
            continue
        if new is not None:
            write_private(copy.path, new)
            changed += 1
    return changed, failed


def keep_aside(journal: Path, raw: bytes, label: str, now: datetime) -> Path:
    """Keep the journal's current bytes beside it, under a name that is not yet taken."""
    stamp = now.strftime(STAMP)
    sequence = 0
    while True:
        suffix = f"-{sequence}" if sequence else ""
        path = journal.with_name(f"{journal.stem}.{label}-{stamp}{suffix}.json")
        if not path.exists():
            break
        sequence += 1
    write_private(path, raw)
    return path
