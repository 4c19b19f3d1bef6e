"""What reflect writes away from a terminal, without loading rich: the same characters rich
would write there, for the output scripts pipe most (`reflect list`).

rich takes longer to import than a list takes to read, and has nothing to style when the
output is a pipe or a file. The layout here serves the terminal too: render.py styles the
same cells.
"""

from __future__ import annotations

import os
import re
import sys
from itertools import pairwise
from typing import TYPE_CHECKING

from reflect.present import intensity, short_date
from reflect.safe_text import printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reflect.entry import Entry
    from reflect.insights import Insights
    from reflect.overview import Block
    from reflect.present import Reader

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


def _narrow(text: str) -> bool:
    """Whether each character of the (printable) text takes one terminal cell, as rich
    counts them, told quickly: ASCII, the ellipsis that ends a long title, and the block
    that draws the bars of `reflect stats`."""
    return text.isascii() or text.replace("…", "").replace("█", "").isascii()


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


def wrapped(words: str, columns: int) -> list[str]:
    """Printable ASCII text on one line, in lines of at most `columns` cells, broken as
    rich breaks it (rich._wrap.divide_line): before a word that does not fit, a word
    longer than a line folded across lines, each line keeping the spaces after its last
    word as far as they fit."""
    breaks = []
    used = 0
    for found in _WORD.finditer(words):
        start, word = found.start(), found.group()
        size = len(word.rstrip())
        if columns - used >= size:
            used += len(word)
        elif size > columns:  # on lines of its own, the last of them shared
            pieces = [word[at:at + columns] for at in range(0, len(word), columns)]
            for piece in pieces:
                if start:
                    breaks.append(start)
                start += len(piece)
            used = len(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = len(word)
    edges = [0, *breaks, len(words)]
    return [words[begin:end][:columns] for begin, end in pairwise(edges)]


def entry_list(entries: Sequence[Entry], reader: Reader, hidden: int) -> None:
    """`reflect list` for a pipe or a file: each line cut to the width, as rich would."""
    columns = width()
    write = sys.stdout.write
    for row in list_rows(entries, reader, columns):
        write(cropped("  ".join(cell for _, cell in row), columns) + "\n")
    if hidden:
        write("\n".join(wrapped(more_words(hidden), columns)) + "\n")


def overview_lines(blocks: Sequence[Block], columns: int) -> list[str] | None:
    """The stats overview's blocks as rich writes them `columns` cells wide (rich.padding
    pads every line of an indented block to its width); None where only rich can tell:
    a table, text beyond ASCII to wrap, a line cut on a screen too narrow for it."""
    from reflect.overview import Rows, Words

    if columns < 10:
        return None
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Words):
            if not (block.text.isascii() and block.text.isprintable()):
                return None
            if not block.indented:
                lines += wrapped(block.text, columns)
                continue
            room = columns - 2 if block.full else min(len(block.text), columns - 2)
            if room < 1:
                return None
            lines += ["  " + line.ljust(room) for line in wrapped(block.text, room)]
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
    lines = overview_lines(blocks(found, columns), columns)
    if lines is None:
        return False
    sys.stdout.write("".join(line + "\n" for line in lines))
    return True
