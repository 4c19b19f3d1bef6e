"""What reflect writes away from a terminal, without loading rich: the same characters rich
would write there, for the read commands (`list`, `show`, `search`, `stats`).

rich takes longer to import than a list takes to read, and has nothing to style when the
output is a pipe or a file. For `list` the layout here serves the terminal too (render.py
styles the same cells). For the others, render.py lays out the terminal's output and this
module writes what rich would write, character for character (the tests hold the two
together); where only rich can tell (a tab, characters two cells wide), it writes nothing
and leaves the output to rich.
"""

from __future__ import annotations

import os
import re
import sys
from itertools import pairwise
from typing import TYPE_CHECKING

from reflect.present import (
    LATER,
    entry_about,
    entry_head,
    found_words,
    intensity,
    long_date,
    short_date,
)
from reflect.safe_text import printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reflect.entry import Entry
    from reflect.insights import Insights
    from reflect.overview import Block
    from reflect.present import Reader
    from reflect.query import Hit

HEADINGS = ("#", "When", "Moment", "Need", "Strength", "What happened")
LIMITS = (6, 16, 18, 20, 8, 0)
"""The most cells each column of the list takes; the last takes what is left."""
MOMENT = 2
STRENGTH = 4
WORDS = 5
WIDE = 100
"""From this width on, the list has room for the moment as well."""


def wanted() -> bool:
    """Whether standard output is somewhere rich would not style: not a terminal, and no
    setting that tells rich to treat it as one."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return False
    try:
        return not sys.stdout.isatty()
    except ValueError:  # closed
        return False


def width() -> int:
    """The width rich gives output that is not a terminal: COLUMNS, else the size of the
    first of standard input, output and error that is a terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            found = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        return found or 80
    return 80


_ONE_CELL = re.compile("[ -~\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u2010-\u2027"
                       "\u2500-\u25fc\u2800-\u28ff]*")
"""Characters rich counts as one terminal cell each: the ranges rich itself takes as
one cell without looking further (Latin, Greek, Cyrillic, box drawing, Braille), and the
dashes, quotation marks, bullet and ellipsis of general punctuation."""


def _narrow(text: str) -> bool:
    """Whether each character of the (printable) text takes one terminal cell, as rich
    counts them, told quickly: ASCII, accented letters, curly quotes, the ellipsis that
    ends a long title, the block that draws the bars of `reflect stats`."""
    return text.isascii() or _ONE_CELL.fullmatch(text) is not None


def cells(text: str) -> int:
    """How many terminal cells the (printable) text takes."""
    if _narrow(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _cell(text: str, size: int, right: bool = False) -> str:
    """The (printable) text in exactly `size` terminal cells: padded, or cut with an
    ellipsis."""
    if _narrow(text):
        if len(text) > size:
            return text[:size - 1] + "…"
        return text.rjust(size) if right else text.ljust(size)
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > size:
        return set_cell_size(text, size - 1) + "…"
    return text.rjust(size) if right else set_cell_size(text, size)


def cropped(line: str, size: int) -> str:
    """The line cut to `size` cells, as rich cuts it."""
    if _narrow(line):
        return line[:size]
    from rich.cells import cell_len, set_cell_size

    return set_cell_size(line, size) if cell_len(line) > size else line


def list_rows(entries: Sequence[Entry], reader: Reader,
              columns: int) -> list[list[tuple[int, str]]]:
    """The table `reflect list` shows, headings first, laid out for `columns` cells: each
    row's cells as (column, text padded or cut to the column's size), the last one's end
    left unpadded. Laid out here rather than by rich's Table, which measures every cell
    several times and takes seconds for a few thousand rows."""
    rows = [HEADINGS]
    for item in entries:
        kind = item.derived.get("kind")
        rows.append((
            str(item.number), short_date(item.created),
            printable(str(kind).replace("-", " ") if kind else "", keep_newlines=False),
            printable(", ".join(reader.labels(item, "needs")), keep_newlines=False),
            intensity(item),
            printable(str(item.derived.get("title") or ""), keep_newlines=False)))
    sizes = [min(limit, max(cells(row[i]) for row in rows)) if limit else 0
             for i, limit in enumerate(LIMITS)]
    # On a narrow screen the moment gives way to the words.
    shown = [i for i in range(len(HEADINGS)) if i != MOMENT or columns >= WIDE]
    sizes[WORDS] = max(16, columns - sum(sizes[i] + 2 for i in shown[:-1]))
    laid = []
    for row in rows:
        line = []
        for i in shown:
            if i == STRENGTH:
                cell = row[i].center(sizes[i])
            else:
                cell = _cell(row[i], sizes[i], right=i == 0)
            line.append((i, cell.rstrip() if i == WORDS else cell))
        laid.append(line)
    return laid


def more_words(hidden: int) -> str:
    """The note under a list that leaves some out."""
    return (f"{hidden} older not shown: `reflect list --all` shows every one, "
            "`--limit N` more or fewer.")


_WORD = re.compile(r"\s*\S+\s*")
"""A word as rich's wrap sees it: with the spaces before it (at the start) and after it."""


def wrapped(words: str, columns: int, fold: bool = True) -> list[str]:
    """One line of one-cell characters, in lines of at most `columns` cells, broken as
    rich breaks it (rich._wrap.divide_line): before a word that does not fit, each line
    keeping the spaces after its last word as far as they fit. A word longer than a line
    is folded across lines; or, where rich ends an overflowing line with an ellipsis (in
    a table's cell), it has a line of its own, cut."""
    if len(words) <= columns:
        return [words]
    breaks = []
    used = 0
    for found in _WORD.finditer(words):
        start, word = found.start(), found.group()
        size = len(word.rstrip())
        if columns - used >= size:
            used += len(word)
        elif size > columns and fold:  # on lines of its own, the last of them shared
            pieces = [word[at:at + columns] for at in range(0, len(word), columns)]
            for piece in pieces:
                if start:
                    breaks.append(start)
                start += len(piece)
            used = len(pieces[-1])
        elif size > columns:
            if start:
                breaks.append(start)
            used = len(word)
        elif used and start:
            breaks.append(start)
            used = len(word)
    edges = [0, *breaks, len(words)]
    lines = [words[begin:end] for begin, end in pairwise(edges)]
    if fold:
        return [line[:columns] for line in lines]
    return [line if len(line) <= columns
            else line[:columns - 1] + "…" if len(line.rstrip()) > columns
            else line[:columns] for line in lines]


def entry_list(entries: Sequence[Entry], reader: Reader, hidden: int) -> None:
    """`reflect list` for a pipe or a file: each line cut to the width, as rich would."""
    columns = width()
    write = sys.stdout.write
    for row in list_rows(entries, reader, columns):
        write(cropped("  ".join(cell for _, cell in row), columns) + "\n")
    if hidden:
        write("\n".join(wrapped(more_words(hidden), columns)) + "\n")


class _Unfit(Exception):
    """Text only rich can lay out: a tab (rich expands it), or characters that are not one
    cell each (rich measures them)."""


def _parts(text: str) -> list[str]:
    """The (printable) text's lines, as rich splits them; _Unfit unless each character is
    one cell."""
    if _ONE_CELL.fullmatch(text.replace("\n", "")) is None:
        raise _Unfit
    return text.split("\n")


def _paragraph(text: str, columns: int) -> list[str]:
    """Text as rich prints it `columns` cells wide: each of its lines wrapped."""
    return [line for part in _parts(text) for line in wrapped(part, columns)]


def _indented(text: str, columns: int, indent: int, whole: bool = False) -> list[str]:
    """Text as rich.padding.Padding prints it, `indent` cells in: every line padded to the
    width of the longest (to the whole width, for `whole`)."""
    parts = _parts(text)
    room = columns - indent
    if not whole:
        room = min(max(map(len, parts)), room)
    if room < 1:
        raise _Unfit
    return [" " * indent + line.ljust(room)
            for part in parts for line in wrapped(part, room)]


def _bullets(items: Sequence[str], columns: int) -> list[str]:
    """Items as the grid of render._bullets prints them: a bullet right in three cells,
    a space, then the item wrapped in a column as wide as the longest (or what is left)."""
    parted = [_parts(item) for item in items]
    room = min(max(len(part) for parts in parted for part in parts), columns - 4)
    if room < 1:
        raise _Unfit
    lines = []
    for parts in parted:
        for number, line in enumerate(
                line for part in parts for line in wrapped(part, room, fold=False)):
            lines.append(("  • " if number == 0 else "    ") + line.ljust(room))
    return lines


def entry_lines(entry: Entry, reader: Reader, related: Sequence[tuple[str, Entry]],
                columns: int) -> list[str] | None:
    """One whole reflection as render.entry prints it `columns` cells wide; None where
    only rich can lay it out."""
    if columns < 10:
        return None
    try:
        lines = _paragraph("".join(entry_head(entry)), columns)
        lines += _paragraph("".join(entry_about(entry, reader)), columns)
        for answer in reader.answers(entry):
            lines.append("")
            lines += _paragraph(printable(answer.question), columns)
            if answer.listed:
                lines += _bullets([printable(line) for line in answer.lines], columns)
            else:
                lines += _indented(printable(answer.text), columns, 2)
        for heading, other in related:
            lines.append("")
            lines += _paragraph(f"{heading}: #{other.number}, {long_date(other.created)}",
                                columns)
            for answer in reader.answers(other):
                lines += _indented(printable(answer.question) + "  "
                                   + printable("; ".join(answer.lines)), columns, 2, True)
        later = reader.followups(entry)
        if later:
            lines += ["", *_paragraph(LATER, columns)]
            lines += _bullets([f"{printable(what)}: {printable(how)}"
                               for what, how in later], columns)
    except _Unfit:
        return None
    return lines


def search_lines(hits: Sequence[Hit], reader: Reader, needle: str,
                 columns: int) -> list[str] | None:
    """The hits as render.search_hits prints them `columns` cells wide; None where only
    rich can lay them out."""
    if columns < 10:
        return None
    lines: list[str] = []
    seen = None
    try:
        for hit in hits:
            if hit.entry is not seen:
                seen = hit.entry
                if lines:
                    lines.append("")
                number, title = entry_head(hit.entry)
                lines += _paragraph(f"{number}{short_date(hit.entry.created)}  {title}",
                                    columns)
            question = reader.answer(hit.entry, hit.step).question
            lines += _paragraph("    " + printable(question, keep_newlines=False), columns)
            lines += _indented(hit.snippet, columns, 6, whole=True)
        lines.append("")
        lines += _paragraph("".join(found_words(needle, hits)), columns)
    except _Unfit:
        return None
    return lines


def written(lines: list[str] | None) -> bool:
    """The lines on standard output, if there are any: False (nothing written) for None."""
    if lines is None:
        return False
    sys.stdout.write("".join(line + "\n" for line in lines))
    return True


def overview_lines(blocks: Sequence[Block], columns: int) -> list[str] | None:
    """The stats overview's blocks as rich writes them `columns` cells wide (rich.padding
    pads every line of an indented block to its width); None where only rich can tell:
    a table, words that are not one cell each, a line cut on a screen too narrow for it."""
    from reflect.overview import Rows, Words

    if columns < 10:
        return None
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Words):
            try:
                lines += (_indented(block.text, columns, 2, block.full) if block.indented
                          else _paragraph(block.text, columns))
            except _Unfit:
                return None
        elif isinstance(block, Rows):
            laid = ["".join(words for words, _ in line) for line in block.lines]
            sizes = [cells(line) for line in laid]
            room = min(max(sizes), columns - 2)
            for line, size in zip(laid, sizes, strict=True):
                if size > room:  # cut, as rich cuts it, where every character is one cell
                    if not _narrow(line):
                        return None
                    line, size = line[:room - 1] + "…", room
                lines.append("  " + line + " " * (room - size))
        else:
            return None
    return lines


def stats(found: Insights) -> bool:
    """`reflect stats` for a pipe or a file: True once written, False (nothing written)
    where overview_lines leaves it to rich."""
    from reflect.overview import WIDTH, blocks

    columns = min(width(), WIDTH)
    return written(overview_lines(blocks(found, columns), columns))
