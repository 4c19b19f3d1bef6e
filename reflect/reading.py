"""The commands that read the journal most: list, show and search, free of typer.

cli.py defines their options and launch.py serves their plain forms without loading typer;
both call these, so a command does the same work whichever way it came in. Output goes
through render (rich, loaded only where the output needs it) or, for --json, straight to
standard output.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from reflect.entry import Entry
    from reflect.present import Reader
    from reflect.query import Filters


def read(journal_file: Path) -> tuple[list[Entry], Reader]:
    """Every entry and a Reader that knows the packs they were written with."""
    from reflect import paths
    from reflect.launch import open_journal
    from reflect.packs import discover
    from reflect.present import Reader

    entries = open_journal(journal_file).entries()
    available, _ = discover(paths.user_packs_dir())
    return entries, Reader(available)


def _chosen(entries: list[Entry], reader: Reader, filters: Filters | None) -> list[Entry]:
    """The entries the filters (if any) let through, newest first."""
    from reflect.query import newest_first

    if filters is not None:
        entries = filters.labelled(reader.label).select(entries)
    return newest_first(entries)


def print_json(data: Any) -> None:
    """JSON on standard output; non-ASCII escaped, so no byte can act on a terminal."""
    from reflect.export import json_text

    sys.stdout.write(json_text(data) + "\n")


def list_entries(journal_file: Path, limit: int, every: bool, as_json: bool,
                 filters: Filters | None = None) -> None:
    """`reflect list`: the newest reflections (or every one), one line each."""
    from reflect.present import summary_record

    entries, reader = read(journal_file)
    chosen = _chosen(entries, reader, filters)
    shown = chosen if every else chosen[:limit]
    if as_json:
        print_json([summary_record(entry) for entry in shown])
    elif not entries:
        from reflect import render

        render.empty_journal()
    elif not chosen:
        from reflect import render

        render.nothing_matches()
    else:
        from reflect import plain

        if plain.wanted():
            plain.entry_list(shown, reader, hidden=len(chosen) - len(shown))
        else:
            from reflect import render

            render.entry_list(shown, reader, hidden=len(chosen) - len(shown))


def show(journal_file: Path, ref: str, as_json: bool) -> None:
    """`reflect show N`: one whole reflection, and any entry linked with it."""
    from reflect import render
    from reflect.query import find

    entries, reader = read(journal_file)
    if not entries:
        render.empty_journal()
        return
    entry = find(entries, ref)
    if as_json:
        print_json(entry.to_record())
    else:
        from reflect.prepare import related

        render.entry(entry, reader, related(entries, entry))


def search(journal_file: Path, words: Sequence[str], as_json: bool,
           filters: Filters | None = None) -> None:
    """`reflect search WORDS`: every answer holding the words, newest first."""
    from reflect import render
    from reflect.query import search as find_words
    from reflect.query import worth_reading

    needle = " ".join(words)
    entries, reader = read(journal_file)
    chosen = worth_reading(_chosen(entries, reader, filters), needle, reader.vocabulary())
    hits = find_words(chosen, needle, reader.answer_texts)
    if as_json:
        print_json([{
            "id": hit.entry.id, "number": hit.entry.number, "created": hit.entry.created,
            "title": hit.entry.derived.get("title", ""), "step": hit.step,
            "question": reader.answer(hit.entry, hit.step).question,
            "snippet": hit.snippet, "matches": [list(span) for span in hit.spans],
        } for hit in hits])
    elif not entries:
        render.empty_journal()
    elif not hits:
        render.no_hits(needle)
    else:
        render.search_hits(hits, reader, needle)
