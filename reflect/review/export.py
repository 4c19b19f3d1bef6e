"""Exports (Markdown, JSON, CSV, plain text, HTML) and reading a JSON export back in.

Terminal-free. Each writer yields the export piece by piece, one entry at a time, so a
long journal is never held twice in memory and progress can be shown as it goes.
Everything a person wrote is passed through printable(): an export never carries terminal
control codes, and Markdown's own characters are escaped so the words read as written
(in HTML, everything is escaped with html.escape).
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
import textwrap
import uuid
from collections.abc import Generator, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from reflect.base.errors import ReflectError
from reflect.base.safe_text import has_control_characters, printable
from reflect.journal.entry import (
    MAX_RATING,
    OUTCOME_WORDS,
    Entry,
    derive,
    derived_problem,
    is_preparation,
    timestamp_problem,
)
from reflect.packs.model import DERIVED_ROLES
from reflect.review import stats
from reflect.review.entry_text import Answer, Reader, intensity, long_date
from reflect.review.stats import compute

FORMATS = ("md", "json", "csv", "txt", "html")
FORMAT_NAMES = {"md": "Markdown", "json": "JSON", "csv": "CSV", "txt": "plain text",
                "html": "HTML"}
ENDINGS = {".md": "md", ".markdown": "md", ".json": "json", ".csv": "csv", ".txt": "txt",
           ".text": "txt", ".html": "html", ".htm": "html"}
"""The file name endings that say which format an export is written in."""
DEFAULT_FORMAT = "md"
EXPORT_FORMAT = "reflect-export"
EXPORT_SCHEMA = 1
MAX_IMPORT_BYTES = 512 * 1024 * 1024
MAX_TEXT = 50_000
MAX_ITEMS = 100
MAX_ANSWERS = 200
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}\Z")  # \Z: $ would let a final newline in
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")
_MD_BLOCK = re.compile(r"^(\s*)([#+=-])")
_MD_NUMBER = re.compile(r"^(\s*\d+)([.)])")

Writer = Generator[str, None, None]
"""An export, piece by piece; closed when the export stops early."""

PRIVATE_NOTE = "Private notes: whoever has this file can read them."

def _span(entries: Sequence[Entry]) -> str:
    """'12 reflections, Thursday 2 October 2026 to Friday 30 October 2026'."""
    count = f"{len(entries)} reflection{'s' if len(entries) != 1 else ''}"
    if not entries:
        return count
    first = long_date(entries[0].created).rsplit(",", 1)[0]
    last = long_date(entries[-1].created).rsplit(",", 1)[0]
    return f"{count}, {first}" + (f" to {last}" if last != first else "")


def _exported_on(today: date | None) -> str:
    today = today or date.today()
    return f"{today.day} {today:%B %Y}"


def choose_format(given: str | None, output: Path | None) -> str:
    """The format to write: the one given, else the one the output file's ending names
    (`notes.csv`), else Markdown. A format given that the ending contradicts is an error,
    so a file is never written in a format its name belies."""
    named = ENDINGS.get(output.suffix.lower()) if output is not None else None
    if given is None:
        return named or DEFAULT_FORMAT
    if output is not None and named is not None and named != given:
        raise ReflectError(
            f"--format {given} writes {FORMAT_NAMES[given]}, but the name {output.name} "
            f"ends in {output.suffix}, which is {FORMAT_NAMES[named]}. Leave out --format "
            f"to write {FORMAT_NAMES[named]}, or name the file for {FORMAT_NAMES[given]}. "
            "Nothing was written.", exit_code=2)
    return given


# Markdown -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)  # questions and choices come again: see CHANGELOG
def md_escape(text: str) -> str:
    """A person's words as Markdown that shows them exactly, on lines of their own."""
    escaped = _MD_SPECIAL.sub(r"\\\1", printable(text))
    lines = []
    for line in escaped.splitlines():
        # A line that would start a heading, a list or a rule reads as words instead.
        lines.append(_MD_NUMBER.sub(r"\1\\\2", _MD_BLOCK.sub(r"\1\\\2", line.rstrip())))
    if len(lines) == 1:
        return lines[0]
    # Two spaces keep a line break inside a paragraph; an empty line starts a new one.
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        out.append(line + ("  " if line and following else ""))
    return "\n".join(out).strip("\n")


def markdown(entries: Sequence[Entry], reader: Reader,
             today: date | None = None) -> Writer:
    yield "# Reflections\n\n"
    yield f"{_span(entries)}. Exported from reflect on {_exported_on(today)}.  \n"
    yield f"*{PRIVATE_NOTE}*\n"
    def one(entry: Entry) -> str:
        pack = reader.pack_of(entry)
        title = entry.derived.get("title") or (pack.title if pack else "Reflection")
        parts = [f"\n---\n\n## #{entry.number} · {md_escape(str(title))}\n\n"]
        about = [long_date(entry.created)]
        if pack is not None:
            about.append(md_escape(pack.title))
        strength = intensity(entry)
        if strength:
            about.append(f"how strong: {strength} (out of 10)")
        parts.append("*" + " · ".join(about) + "*\n")
        parts += map(_md_answer, reader.answers(entry))
        later = reader.followups(entry)
        if later:
            parts.append("\n**Later: how the other ways went**\n\n")
            parts.append("".join(f"- {md_escape(what)}: {md_escape(how)}\n"
                                 for what, how in later))
        return "".join(parts)

    yield from map(one, entries)


def _md_answer(answer: Answer) -> str:
    """An answer in Markdown: the question in bold, then the words (a list, for several)."""
    if answer.listed:
        words = "".join(f"- {md_escape(line)}\n" for line in answer.lines)
    else:
        words = md_escape(answer.text) + "\n"
    return f"\n**{md_escape(answer.question)}**\n\n{words}"



# Plain text ---------------------------------------------------------------------------

def text(entries: Sequence[Entry], reader: Reader, today: date | None = None,
         width: int = 78) -> Writer:

    # Kept: questions and choices come up in entry after entry, and wrapping each again
    # with textwrap put the text export well over its time budget (see CHANGELOG).
    @functools.lru_cache(maxsize=4096)
    def wrap(words: str, indent: str = "  ", first: str | None = None) -> str:
        lines = []
        for line in printable(words).splitlines() or [""]:
            lines.append(textwrap.fill(line, width, initial_indent=first or indent,
                                       subsequent_indent=indent) if line else "")
        return "\n".join(lines)

    def laid_out(answer: Answer) -> str:
        """The question, then the words wrapped below it (a list, for several)."""
        if answer.listed:
            words = "".join(wrap(line, "    ", "  - ") + "\n" for line in answer.lines)
        else:
            words = wrap(answer.text) + "\n"
        return f"\n{wrap(answer.question, '')}\n{words}"

    yield f"REFLECTIONS\n{_span(entries)}. Exported from reflect on {_exported_on(today)}.\n"
    yield f"{PRIVATE_NOTE}\n"

    def one(entry: Entry) -> str:
        pack = reader.pack_of(entry)
        title = printable(str(entry.derived.get("title") or "Reflection"),
                          keep_newlines=False)
        heading = f"#{entry.number}  {title}"
        parts = [f"\n{'=' * min(width, max(len(heading), 20))}\n{heading}\n"]
        parts.append(f"{long_date(entry.created)}"
                     + (f" - {printable(pack.title)}" if pack else "") + "\n")
        parts += map(laid_out, reader.answers(entry))
        return "".join(parts)

    yield from map(one, entries)


# CSV ----------------------------------------------------------------------------------

CSV_FIRST = ("number", "date", "pack")
CSV_LAST = ("id",)
"""The columns around the answers: which reflection a row is, and its stable id."""


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: never run as a formula, never a control code.
    A cell that starts (after any spaces) with = + - or @, or with a tab or a line
    break, could be read as a formula, so a ' goes in front."""
    value = printable(value, keep_newlines=True)
    if value[:1] in ("\t", "\r", "\n") or value.lstrip(" ")[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_columns(entries: Sequence[Entry], reader: Reader) -> list[str]:
    """The header: number, date and pack, then every step any of the reflections has, by
    its id (each pack's steps in its order, shared ids once, steps no pack here knows
    last), then the id. A step whose id is one of those columns' names is told apart."""
    steps: dict[str, None] = {}
    for pack_id in dict.fromkeys(entry.pack_id for entry in entries):
        steps.update(dict.fromkeys(reader.for_pack(pack_id).order))
    for entry in entries:
        if not steps.keys() >= entry.answers.keys():
            steps.update(dict.fromkeys(entry.answers))
    return [*CSV_FIRST, *steps, *CSV_LAST]


def _csv_answer(reader: Reader, entry: Entry, step_id: str, value: Any) -> str:
    """One answer in its cell: the labels of the choices picked, joined by '; ' (a
    person's own words as written), a rating as its number, yes or no, or the words."""
    if value is None or value == "" or value == []:
        return ""
    if type(value) is int:  # a rating: a number, which no spreadsheet runs
        return str(value)
    index = reader.for_pack(entry.pack_id)
    if step_id in index.choice_steps:
        words = index.words(step_id, hint=False)
        items = value if isinstance(value, list) else [value]
        return _cell("; ".join([words.get(item, item) for item in map(str, items)]))
    return _cell("; ".join(index.answer(step_id, value).lines))


def csv_rows(entries: Sequence[Entry], reader: Reader) -> Writer:
    """One row per reflection, one column per step (see csv_columns), labels as values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return chunk

    columns = csv_columns(entries, reader)
    steps = columns[len(CSV_FIRST):len(columns) - len(CSV_LAST)]
    taken = set(CSV_FIRST) | set(CSV_LAST)
    writer.writerow([*CSV_FIRST, *(f"{step} (answer)" if step in taken else step
                                   for step in steps), *CSV_LAST])
    yield flush()

    def one(entry: Entry) -> str:
        answers = entry.answers
        writer.writerow([
            str(entry.number), _cell(entry.created), _cell(entry.pack_id),
            *(_csv_answer(reader, entry, step, answers.get(step)) for step in steps),
            _cell(entry.id),
        ])
        return flush()

    yield from map(one, entries)


# JSON ---------------------------------------------------------------------------------

def json_export(entries: Sequence[Entry], exported: str) -> Writer:
    """Every field of every entry, in a shape `reflect import` reads back: one reflection
    a line, so that a long journal is written by json's fast encoder (with an indent it
    runs in Python, about twice as long), and two exports compare line by line."""
    yield ('{\n  "format": "' + EXPORT_FORMAT + '",\n  "schema": ' + str(EXPORT_SCHEMA)
           + ',\n  "exported": ' + json.dumps(exported) + ',\n  "count": '
           + str(len(entries)) + ',\n  "entries": [')
    for index, entry in enumerate(entries):
        yield ("," if index else "") + "\n    " + _json_record(entry.to_record())
    yield "\n  ]\n}\n"


def _json_record(record: dict[str, Any]) -> str:
    """The record as json.dumps writes it, on one line; with control characters taken out
    first if it holds any (only a journal edited by hand does, so the others are not
    walked through string by string)."""
    text = json.dumps(record, ensure_ascii=False)
    if has_control_characters(text) or _ESCAPED_CONTROL.search(text):
        text = json.dumps(_printable_record(record), ensure_ascii=False)
    return text


_ESCAPED_CONTROL = re.compile(r"\\(?:u00[01]|[bfr])")
"""How json.dumps writes the control characters below space but for line break and tab
(the rest it writes as they are). A backslash of a person's own, written as two, can match
too: that record is cleaned for nothing, and comes out the same."""


def _printable_record(value: Any) -> Any:
    """The record with control characters taken out of every string (a journal edited by
    hand may hold some; an export never does, so it always imports again)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_printable_record(item) for item in value]
    if isinstance(value, dict):
        return {printable(key) if isinstance(key, str) else key: _printable_record(item)
                for key, item in value.items()}
    return value


# HTML ---------------------------------------------------------------------------------
# One file that opens in any browser with nothing else: the styles are inline, the charts
# are bars drawn with CSS, there is no script, and the page's own security policy forbids
# loading anything at all, so even a mistake could not make it reach the network.

_CSS = """
:root { color-scheme: light dark; --ink: #222; --soft: #666; --line: #ddd;
  --bar: #3b7f8c; --after: #8fb8c0; --paper: #fff; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e6e6e6; --soft: #a8a8a8; --line: #444; --bar: #6fb3c0;
    --after: #3f6f78; --paper: #1b1b1b; } }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  background: var(--paper); max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
.soft, .about { color: var(--soft); }
.private { font-style: italic; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 0 1rem; }
ul { margin: 0; }
li { overflow-wrap: anywhere; }
table.chart { border-collapse: collapse; margin: 0.5rem 0; }
table.chart th { text-align: left; font-weight: normal; padding: 0.1rem 0.8rem 0.1rem 0;
  white-space: nowrap; }
table.chart td { padding: 0.1rem 0.4rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.track { width: 12rem; }
.track.short { width: 6rem; }
.bar { background: var(--bar); height: 0.9rem; min-width: 1px; }
.bar.after { background: var(--after); }
.legend { font-size: 0.9rem; }
article { break-inside: avoid-page; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _h(text: Any) -> str:
    """Words (a person's or a pack's) as HTML text: control characters out, all escaped."""
    return html.escape(printable(str(text)), quote=True)


def _bar(value: float, most: float, css: str = "bar") -> str:
    width = 0.0 if most <= 0 or value <= 0 else min(100.0, value / most * 100)
    return (f'<div class="{css}" style="width: {width:.1f}%"></div>' if width
            else "")


def _chart(rows: Iterable[tuple[str, str, str]], short: bool = False) -> str:
    """A table of (heading, bar, number) rows; the cells are HTML already."""
    track = "track short" if short else "track"
    return ('<table class="chart">\n'
            + "".join(f'<tr><th>{head}</th><td class="{track}">{bar}</td>'
                      f'<td class="n">{number}</td></tr>\n' for head, bar, number in rows)
            + "</table>\n")


def _html_ranking(title: str, ranking: stats.Ranking, answered_words: str) -> str:
    if not ranking.items:
        return ""
    rows = "".join(
        f'<tr><th>{_h(item.label)}</th><td class="n">{item.count}</td>'
        f'<td class="n soft">{round(item.share * 100)}%</td></tr>\n'
        for item in ranking.items)
    return (f"<h3>{_h(title)}</h3>\n<table class=\"chart\">\n{rows}</table>\n"
            f'<p class="soft">Out of {ranking.answered} {_h(answered_words)}.</p>\n')


def _html_stats(found: stats.Insights) -> str:

    parts = ['<section id="at-a-glance">\n<h2>At a glance</h2>\n']
    if not found.enough:
        parts.append(f"<p>{_h(stats.few_words(found.count))}</p>\n<ul>\n")
        for change in found.changes:
            parts.append(f"<li>#{change.number}: how strong, {change.before} at the start "
                         f"and {change.after} at the end (out of {change.out_of}).</li>\n")
        if found.needs.items:
            parts.append("<li>The need underneath: " + _h(", ".join(
                item.label for item in found.needs.items)) + ".</li>\n")
        if found.alternatives.items:
            parts.append("<li>Other ways you chose: " + _h(", ".join(
                item.label for item in found.alternatives.items)) + ".</li>\n")
        parts.append("</ul>\n</section>\n")
        return "".join(parts)
    if found.periods:
        most = max(period.count for period in found.periods)
        parts.append("<h3>How often you reflected, "
                     + ("week by week (weeks start on Monday)" if found.unit == "week"
                        else "month by month") + "</h3>\n")
        parts.append(_chart((_h(period.name), _bar(period.count, most),
                             str(period.count) if period.count else "")
                            for period in found.periods))
    if found.changes:
        parts.append("<h3>How strong, at the start and at the end</h3>\n"
                     '<p class="legend soft">In each row the first bar is the start of a '
                     "reflection, the second its end.</p>\n")
        parts.append('<table class="chart">\n')
        for change in found.changes:
            day = f"{change.day.day} {change.day:%b %Y}"
            parts.append(
                f"<tr><th>#{change.number} · {_h(day)}</th>"
                f'<td class="n">{change.before}</td>'
                f'<td class="track short">{_bar(change.before, change.out_of)}</td>'
                f'<td class="n">{change.after}</td>'
                f'<td class="track short">{_bar(change.after, change.out_of, "bar after")}'
                "</td></tr>\n")
        parts.append("</table>\n")
        said = stats.change_words(found)
        if said:
            parts.append(f"<p>{_h(said)}</p>\n")
    if found.months:
        parts.append("<h3>How strong at the start, month by month</h3>\n")
        parts.append(_chart(((_h(f"{month.start:%b %Y}"), _bar(month.average, 10),
                              stats.number_words(month.average))
                             for month in found.months), short=True))
        parts.append("<p>" + _h(stats.trend_words(found)
                                or "One month so far; a comparison needs two.") + "</p>\n")
    parts.append(_html_ranking("The needs underneath", found.needs,
                               "reflections that named a need"))
    parts.append(_html_ranking("What else it might have been about", found.reasons,
                               "reflections that looked for other reasons"))
    parts.append(_html_ranking("Thinking traps you noticed", found.traps,
                               "reflections that looked at thinking traps"))
    parts.append(_html_ranking("Other ways you chose", found.alternatives,
                               "reflections that chose one"))
    parts.append(f'<p class="soft">{_h(stats.NOT_A_FORECAST)}</p>\n</section>\n')
    return "".join(parts)


def _html_entry(entry: Entry, reader: Reader) -> str:
    pack = reader.pack_of(entry)
    title = entry.derived.get("title") or (pack.title if pack else "Reflection")
    about = [long_date(entry.created)]
    if pack is not None:
        about.append(pack.title)
    strength = intensity(entry)
    if strength:
        about.append(f"how strong: {strength.replace('->', '→')} (out of 10)")
    parts = [f'<article id="reflection-{entry.number}">\n'
             f"<h2>#{entry.number} · {_h(printable(str(title), keep_newlines=False))}</h2>\n"
             f'<p class="about">{_h(about[0])}'
             + "".join(f" · {_h(item)}" for item in about[1:]) + "</p>\n"]
    parts += map(_html_answer, reader.answers(entry))
    parts.append("</article>\n")
    return "".join(parts)


def _html_answer(answer: Answer) -> str:
    if answer.listed:
        words = "<ul>\n" + "".join(f"<li>{_h(line)}</li>\n" for line in answer.lines) + "</ul>\n"
    else:
        words = f'<p class="answer">{_h(answer.text)}</p>\n'
    return f"<h3>{_h(answer.question)}</h3>\n{words}"



def html_export(entries: Sequence[Entry], reader: Reader,
                today: date | None = None) -> Writer:
    """A page with the patterns first, then every reflection, question by question."""
    yield ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
           '<meta name="referrer" content="no-referrer">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>Reflections</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
           f"<header>\n<h1>Reflections</h1>\n<p>{_h(_span(entries))}. Exported from "
           f"reflect on {_h(_exported_on(today))}.</p>\n"
           f'<p class="private soft">{_h(PRIVATE_NOTE)}</p>\n</header>\n<main>\n')

    # As in `reflect stats`: preparations are made before an ask, not after a no.
    yield _html_stats(compute([e for e in entries if not is_preparation(e)], reader))
    yield '<section id="reflections">\n'
    for entry in entries:
        yield _html_entry(entry, reader)
    yield "</section>\n</main>\n</body>\n</html>\n"


def render(fmt: str, entries: Sequence[Entry], reader: Reader, exported: str,
           today: date | None = None) -> Writer:
    if fmt == "html":
        return html_export(entries, reader, today)
    if fmt == "md":
        return markdown(entries, reader, today)
    if fmt == "txt":
        return text(entries, reader, today)
    if fmt == "csv":
        return csv_rows(entries, reader)
    return json_export(entries, exported)


# Import -------------------------------------------------------------------------------

class ImportRefused(ReflectError):
    """The file cannot be imported; nothing was written."""


_DONE = {"import": "imported", "merge": "merged"}


def read_export(raw: bytes, source: str, doing: str = "import") -> list[Entry]:
    """Every entry of a JSON export, checked in full before anything is written.

    Anything unexpected refuses the whole file, naming the entry and the field; `doing`
    says what was asked (import, merge)."""

    def refuse(problem: str) -> ImportRefused:
        return ImportRefused(f"Cannot {doing} {source}: {problem}. Nothing was "
                             f"{_DONE[doing]}; your journal is unchanged.")

    if len(raw) > MAX_IMPORT_BYTES:
        raise refuse(f"it is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise refuse("it is not UTF-8 text") from None
    except _DuplicateKey as duplicate:
        raise refuse(f"the key {duplicate.args[0]!r} appears twice in one object") from None
    except ValueError as error:
        raise refuse(f"it is not valid JSON ({error})") from None
    except RecursionError:
        raise refuse("it is nested too deeply to be an export") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise refuse("it is not a reflect JSON export (make one with "
                     "`reflect export --format json`)")
    schema = data.get("schema")
    if type(schema) is not int or schema < 1:
        raise refuse("its schema version is missing or not a number")
    if schema > EXPORT_SCHEMA:
        raise refuse(f"it was made by a newer reflect (export schema {schema}; this one "
                     f"reads {EXPORT_SCHEMA}). Update reflect, then import it")
    unknown = set(data) - {"format", "schema", "exported", "count", "entries"}
    if unknown:
        raise refuse(f"it has fields an export never has: {', '.join(sorted(unknown))}")
    records = data.get("entries")
    if not isinstance(records, list):
        raise refuse("its 'entries' is not a list")
    entries: list[Entry] = []
    seen: set[str] = set()
    for position, record in enumerate(records, start=1):
        try:
            entry = _entry(record)
        except ValueError as problem:
            raise refuse(f"entry {position}: {problem}") from None
        if entry.id in seen:
            raise refuse(f"entry {position}: the id {entry.id} appears twice in the file")
        seen.add(entry.id)
        entries.append(entry)
    return entries


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


_RECORD_KEYS = {"id", "number", "created", "updated", "pack", "answers", "derived",
                "followups", "links"}


def _entry(record: Any) -> Entry:
    if not isinstance(record, dict):
        raise ValueError("it is not an object")
    unknown = set(record) - _RECORD_KEYS
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]!r}")
    entry_id = record.get("id")
    if not isinstance(entry_id, str) or not _is_uuid(entry_id):
        raise ValueError("'id' is not a uuid")
    number = record.get("number")
    if type(number) is not int or number < 1:
        raise ValueError("'number' is not a whole number above 0")
    for name in ("created", "updated"):
        _timestamp(record.get(name), name)
    pack = record.get("pack")
    if not isinstance(pack, dict) or set(pack) - {"id", "version"}:
        raise ValueError("'pack' is not {id, version}")
    if not isinstance(pack.get("id"), str) or not _ID.match(pack["id"]):
        raise ValueError("'pack.id' is not a pack name (small letters, digits, - and _)")
    if type(pack.get("version")) is not int or pack["version"] < 0:
        raise ValueError("'pack.version' is not a whole number")
    answers = _table(record.get("answers"), "answers", MAX_ANSWERS)
    derived = _table(record.get("derived", {}), "derived", len(DERIVED_ROLES))
    stray = set(derived) - set(DERIVED_ROLES)
    if stray:
        raise ValueError(f"'derived.{sorted(stray)[0]}' is not a derived field")
    wrong = derived_problem(derived)
    if wrong:
        raise ValueError(wrong)
    followups = _followups(record.get("followups", {}))
    links = record.get("links", {})
    if not isinstance(links, dict) or set(links) - {"preparation"} or not all(
            isinstance(v, str) and _is_uuid(v) for v in links.values()):
        raise ValueError("'links' is not {preparation: an id}")
    return Entry(id=entry_id.lower(), number=number, created=record["created"],
                 updated=record["updated"], pack_id=pack["id"], pack_version=pack["version"],
                 answers=answers, derived=derived, followups=followups, links=dict(links))


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _followups(value: Any) -> dict[str, dict[str, str]]:

    if not isinstance(value, dict) or len(value) > MAX_ITEMS:
        raise ValueError("'followups' is not a table of alternatives")
    kept: dict[str, dict[str, str]] = {}
    for key, item in value.items():
        _text(key, "followups")
        if not isinstance(item, dict) or set(item) != {"outcome", "at"}:
            raise ValueError("'followups' holds something other than {outcome, at}")
        if item["outcome"] not in OUTCOME_WORDS:
            raise ValueError(f"'followups' has an unknown outcome {str(item['outcome'])[:40]!r}")
        _timestamp(item["at"], "followups.at")
        kept[key] = {"outcome": item["outcome"], "at": item["at"]}
    return kept


def _timestamp(value: Any, name: str) -> None:
    problem = timestamp_problem(value)
    if problem:
        raise ValueError(f"'{name}' {problem}")


def _table(value: Any, name: str, most: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"'{name}' is not an object")
    if len(value) > most:
        raise ValueError(f"'{name}' has {len(value)} fields, more than an entry can have")
    for key, item in value.items():
        where = f"{name}.{key[:64]}"
        if not _ID.match(key):
            raise ValueError(f"'{where}' is not a step name")
        _value(item, where)
    return dict(value)


def _value(item: Any, where: str) -> None:
    if item is None or isinstance(item, bool):
        return
    if type(item) is int:
        if not -MAX_RATING <= item <= MAX_RATING:
            raise ValueError(f"'{where}' is a number far outside any scale")
        return
    if isinstance(item, str):
        _text(item, where)
        return
    if isinstance(item, list):
        if len(item) > MAX_ITEMS:
            raise ValueError(f"'{where}' has {len(item)} items, more than {MAX_ITEMS}")
        for piece in item:
            if not isinstance(piece, str):
                raise ValueError(f"'{where}' holds something other than words")
            _text(piece, where)
        return
    raise ValueError(f"'{where}' is not words, a number, yes/no or a list")


def _text(value: str, where: str) -> None:
    if len(value) > MAX_TEXT:
        raise ValueError(f"'{where}' is {len(value)} characters long, more than "
                         f"{MAX_TEXT} (a reflection is never that long)")
    if has_control_characters(value.replace("\r\n", "\n")):
        raise ValueError(f"'{where}' holds terminal control characters")


_ANSWER_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,), "long_text": (str,), "select": (str,), "checkbox": (list,),
    "scale": (int,), "confirm": (bool,)}


def relabel(entries: Sequence[Entry], packs: Mapping[str, Any], source: str = "the file",
            doing: str = "import") -> None:
    """Recompute derived fields for entries whose pack is here, so they agree with answers.

    An answer of the wrong type for its step (yes/no for a rating) refuses the whole file."""

    for position, entry in enumerate(entries, start=1):
        pack = packs.get(entry.pack_id)
        if pack is None:
            continue
        steps = {step.id: step for step in pack.steps}
        for step_id, value in entry.answers.items():
            step = steps.get(step_id)
            if step is None or value is None:
                continue
            if type(value) not in _ANSWER_TYPES.get(step.kind, (type(value),)):
                raise ImportRefused(
                    f"Cannot {doing} {source}: entry {position}: 'answers.{step_id}' is not "
                    f"a {step.kind} answer ({json.dumps(value)[:40]}). Nothing was "
                    f"{_DONE[doing]}; "
                    "your journal is unchanged.")
        entry.derived = derive(pack, entry.answers)
