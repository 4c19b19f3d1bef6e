"""The commands that read the journal: list, show, search, export and stats, free of typer.

cli.py defines their options and calls these. Output goes
through render (rich, loaded only where the output needs it) or, for --json, straight to
standard output.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from reflect.base import paths
from reflect.base.errors import ReflectError
from reflect.base.files import describe, kind_of, private_writer
from reflect.base.safe_text import printable
from reflect.engine.prepare import related
from reflect.journal.entry import Entry, is_preparation, now
from reflect.packs.load import discover
from reflect.review.entry_text import Reader, summary_record
from reflect.review.export import FORMAT_NAMES, choose_format
from reflect.review.export import render as export_render
from reflect.review.filters import Filters, find, newest_first
from reflect.review.filters import search as find_words
from reflect.review.stats import compute
from reflect.terminal import render
from reflect.terminal.reflection import open_journal


def read(journal_file: Path) -> tuple[list[Entry], Reader]:
    """Every entry and a Reader that knows the packs they were written with."""

    entries = open_journal(journal_file).entries()
    return entries, _reader()


def _reader() -> Reader:
    """A Reader that knows every pack there is."""

    available, _ = discover(paths.user_packs_dir())
    return Reader(available)


def _selected(entries: list[Entry], reader: Reader, filters: Filters | None) -> list[Entry]:
    """The entries the filters (if any) let through, in journal order; a need, feeling,
    moment or pack that nothing could match is an error first."""
    if filters is None:
        return entries
    if filters.needs or filters.emotions or filters.kinds or filters.packs:
        filters.check(_known_words(entries, reader))
    return filters.labelled(reader.label).select(entries)


def _known_words(entries: Sequence[Entry], reader: Reader) -> dict[str, list[tuple[str, str]]]:
    """What the filters may name: for the moment ("kind"), needs and feelings, each choice
    of every pack (its value and its label) and every word the journal holds (a person's
    own words too); for packs, the ids of those here and those the journal was written
    with."""
    known = {role: _choices_for(reader, role) for role in ("kind", "needs", "emotions")}
    for entry in entries:
        for role, pairs in known.items():
            value = entry.derived.get(role)
            for item in value if isinstance(value, list) else [] if value is None else [value]:
                pairs.append((str(item), reader.label(entry, role, str(item))))
    known["pack"] = [(name, name) for name in
                     dict.fromkeys([*reader.packs, *(entry.pack_id for entry in entries)])]
    return known


def pack_words(role: str, start: str) -> list[tuple[str, str]]:
    """What the shell may complete for a filter (`kind`, `needs`, `emotions` or `pack`):
    the values of the packs' choices that begin with `start`, each with its label. Only
    the packs are read, never the journal, so completing a word asks for no passphrase;
    a pack that cannot be read simply offers nothing."""
    try:
        reader = _reader()
    except (ReflectError, OSError):
        return []
    if role == "pack":
        found = [(pack_id, pack.title) for pack_id, pack in reader.packs.items()]
    else:
        found = [(value, printable(label)) for value, label in _choices_for(reader, role)]
    return [pair for pair in dict(found).items() if pair[0].startswith(start)]


def _choices_for(reader: Reader, role: str) -> list[tuple[str, str]]:
    """(value, label) of every choice, in every pack, of the step that gives `role`."""
    pairs: list[tuple[str, str]] = []
    for pack_id in reader.packs:
        step = reader.for_pack(pack_id).role_step(role)
        if step is not None:
            pairs += [(choice.value, choice.label) for choice in step.all_choices()]
    return pairs


def _chosen(entries: list[Entry], reader: Reader, filters: Filters | None) -> list[Entry]:
    """The entries the filters (if any) let through, newest first."""

    return newest_first(_selected(entries, reader, filters))


def print_json(data: Any) -> None:
    """JSON on standard output; non-ASCII escaped, so no byte can act on a terminal."""

    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def list_entries(journal_file: Path, limit: int, every: bool, as_json: bool,
                 filters: Filters | None = None) -> None:
    """`reflect list`: the newest reflections (or every one), one line each."""

    entries, reader = read(journal_file)
    chosen = _chosen(entries, reader, filters)
    shown = chosen if every else chosen[:limit]
    if as_json:
        print_json([summary_record(entry) for entry in shown])
    elif not entries:

        render.empty_journal()
    elif not chosen:

        render.nothing_matches(_no_match(filters, len(entries)) + ".")
    else:

        render.entry_list(shown, reader, hidden=len(chosen) - len(shown))


def show(journal_file: Path, ref: str, as_json: bool) -> None:
    """`reflect show N`: one whole reflection, and any entry linked with it."""

    entries, reader = read(journal_file)
    if not entries:

        render.empty_journal()
        return
    entry = find(entries, ref)
    if as_json:
        print_json(entry.to_record())
        return

    linked = related(entries, entry)

    render.entry(entry, reader, linked)


def search(journal_file: Path, words: Sequence[str], as_json: bool,
           filters: Filters | None = None) -> None:
    """`reflect search WORDS`: every answer holding the words, newest first."""

    needle = " ".join(words)
    entries, reader = read(journal_file)
    chosen = _chosen(entries, reader, filters)
    hits = find_words(chosen, needle, reader.answer_texts)
    if as_json:
        print_json([{
            "id": hit.entry.id, "number": hit.entry.number, "created": hit.entry.created,
            "title": hit.entry.derived.get("title", ""), "step": hit.step,
            "question": reader.answer(hit.entry, hit.step).question,
            "snippet": hit.snippet, "matches": [list(span) for span in hit.spans],
        } for hit in hits])
        return

    if not entries:
        render.empty_journal()
    elif filters is not None and filters.active and not chosen:
        render.nothing_matches(_no_match(filters, len(entries)) + ".")
    elif not hits and filters is not None and filters.active:
        # Whether the filters kept the words out of reach: say so, rather than that
        # nothing mentions them.
        found = find_words(entries, needle, reader.answer_texts)
        render.no_hits(needle, filters.described(), len({hit.entry.id for hit in found}))
    elif not hits:
        render.no_hits(needle)
    else:
        render.search_hits(hits, reader, needle)


def export(journal_file: Path, fmt: str | None, output: Path | None, force: bool,
           filters: Filters | None = None) -> None:
    """`reflect export`: the chosen reflections oldest first, to standard output or FILE,
    in the format given, or else the one FILE's name ends in (Markdown otherwise).

    With nothing to write (no reflection matches, or the journal is empty) it says so
    and exits 1, writing nothing, so a script never takes a missing file for an export."""

    fmt = choose_format(fmt, output)
    entries, reader = read(journal_file)
    chosen = sorted(_selected(entries, reader, filters), key=lambda e: (e.created, e.number))
    if not chosen:
        nothing = (f"nothing was written to {output}" if output is not None
                   else "there is nothing to export")
        if entries:
            raise ReflectError(f"{_no_match(filters, len(entries))}, so {nothing}.")
        raise ReflectError(f"Your journal is empty so far, so {nothing}. When you are "
                           "ready, start your first reflection with: reflect")
    if output is not None:
        _check_output(output, journal_file, force)
    # closing: however the export ends, its writer ends with it
    with contextlib.closing(export_render(fmt, chosen, reader, now())) as pieces:
        if output is None:
            _export_to_stdout(pieces)
            return

        with (render.progress(len(chosen), "Exporting") as step,
              private_writer(output) as out):
            for piece in pieces:
                out.write(piece)
                step()
    render.exported(len(chosen), output, FORMAT_NAMES[fmt])


def _no_match(filters: Filters | None, total: int) -> str:
    """'No reflections match --since 2027, out of 8 in your journal' (no full stop)."""
    described = filters.described() if filters is not None else "those filters"
    return f"No reflections match {described}, out of {total} in your journal"


def _export_to_stdout(pieces: Iterable[str]) -> None:
    """The export on standard output; rich is loaded only to warn on a terminal. A reader
    that goes away (`reflect export | head`) ends it, with exit code 1 as for `list`."""
    for piece in pieces:
        sys.stdout.write(piece)
    sys.stdout.flush()
    if not sys.stdout.isatty() and sys.stderr.isatty():

        render.warn("The export went to standard output. If you saved it to a file, that "
                    "file is not encrypted and may be readable by others on this computer; "
                    "`--output FILE` writes one that only you can read.")


def _check_output(output: Path, journal_file: Path, force: bool) -> None:
    """FILE may be neither the journal (nor its draft) nor a folder, nor replace a file
    unless --force says so."""


    target = os.path.realpath(output)
    ours = {os.path.realpath(p) for p in (journal_file, paths.draft_path(journal_file))}
    drafts = os.path.realpath(paths.drafts_dir(journal_file))
    if target in ours or os.path.dirname(target) == drafts:
        raise ReflectError(f"{output} is your journal itself; export to another file.",
                           exit_code=2)


    try:
        mode = os.stat(output).st_mode
    except (FileNotFoundError, NotADirectoryError):  # the writer says which folder is amiss
        return
    except OSError as error:  # a name too long, a loop of links
        raise ReflectError(f"Cannot write {output}: {describe(error)}.") from None
    if stat.S_ISDIR(mode):
        raise ReflectError(f"{output} is a folder; give a file name, like {output}/notes.md.",
                           exit_code=2)
    if not stat.S_ISREG(mode):
        # --force or not: replacing it would put a file where a pipe or a device (even
        # /dev/null, for root) should be.
        raise ReflectError(f"{output} is {kind_of(mode)}, not an ordinary file; export to "
                           "a file.", exit_code=2)
    if not force:
        raise ReflectError(f"{output} already exists. Choose another name, or add --force "
                           "to replace it.", exit_code=2)


def stats(journal_file: Path, as_json: bool, filters: Filters | None = None) -> None:
    """`reflect stats`: patterns across the chosen reflections, preparations left out
    (they are made before an ask, not after a no)."""

    entries, reader = read(journal_file)
    chosen = [e for e in _selected(entries, reader, filters) if not is_preparation(e)]
    found = compute(chosen, reader)
    if as_json:
        print_json(found.to_json())
        return

    if not entries:
        render.empty_journal()
    elif not chosen:
        render.nothing_matches(_no_match(filters, len(entries)) + ".")
    else:
        render.stats(found)
