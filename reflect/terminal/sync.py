"""Conflict copies taken in when the journal is opened, said in one line each.

reflect never syncs anything itself and never touches the network: Syncthing, Dropbox or
Nextcloud move the file, and when two computers changed it while apart they leave a
conflict copy beside it; this merges it in (reflect.journal.merge says how). `reflect
merge` and git's merge driver are in merge_commands.
"""

from __future__ import annotations

from pathlib import Path

from reflect.base.errors import ReflectError
from reflect.journal import sync_copies
from reflect.journal.merge import Report
from reflect.journal.store import Journal

_warned: set[Path] = set()
"""Copies already named as unreadable in this run, so each is named once."""


def take_in_copies(journal: Journal) -> None:
    """Merge in the conflict copies beside the journal, saying one line for each.

    Called by every command as it opens the journal; with no copy there (nearly always),
    it costs a look at the folder. When the journal itself cannot be read, the command
    that opened it says why, so nothing is said here."""
    copies = [copy for copy in sync_copies.find(journal.path) if copy not in _warned]
    if not copies:
        return
    try:
        outcomes = journal.take_in(copies)
    except ReflectError as problem:
        if problem.exit_code == 130:  # Ctrl-C at the passphrase: the person stopped
            raise
        return
    # Deferred like the reflection's own: rich is loaded only when there is something to say.
    from reflect.terminal import render

    for outcome in outcomes:
        if outcome.report is None:
            _warned.add(outcome.copy)
            render.warn(f"Not merged, left where it is: {outcome.problem}")
            continue
        kept = f" (kept in {outcome.kept.parent.name}/)" if outcome.kept else ""
        render.say(f"{taken_in_words(outcome.report, outcome.copy.name)}{kept}.", "dim",
                   whole=True)


def taken_in_words(report: Report, name: str, dry_run: bool = False) -> str:
    """'2 reflections from NAME merged', and what else changed (or, for a dry run, what
    merging would do)."""
    count = report.taken_in
    reflections = f"{count} {'reflection' if count == 1 else 'reflections'}"
    gone = len(report.removed)
    if dry_run:
        words = f"Merging {name} would bring in {reflections}"
        if gone:
            words += f" and delete {gone} here that {'was' if gone == 1 else 'were'} deleted there"
        return words
    words = f"{reflections} from {name} merged" if count else f"Nothing new in {name}"
    if gone:
        words += f"; {gone} deleted there {'is' if gone == 1 else 'are'} deleted here too"
    return words
