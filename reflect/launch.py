"""Starting reflect: the commands people run most, served without typer or rich.

Typer and rich take longer to import than everything a reflection needs, and a person who
types `reflect` wants the first question. So `reflect --version`, `reflect --help`, a
reflection (`reflect`, `reflect new` and its options) and the plain forms of `list`, `show`,
`search`, `export` and `stats` (reading.py does their work), each after any
`--journal PATH`, start here.
Anything else, and anything unusual (a narrow terminal for --help, a filter, an option
written some other way), goes to the typer app in cli.py, which stays the definition of the command
line; the tests check that the two read a command line alike. An error on the way is shown
by cli.explain, as for every command.

What a reflection shares with cli.py lives here, free of typer: opening the journal (the one
place every command does it) and the reflection itself, from the first question to the
follow-up. This module imports only the standard library at the top; each path imports what
it needs.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path
    from typing import Any

    from reflect.errors import ReflectError
    from reflect.journal import Journal
    from reflect.packs import Pack
    from reflect.session import Asker

UNLOCK_VARIABLE = "REFLECT_PASSPHRASE"

HELP_FILE = "help.txt"
"""`reflect --help` as typer renders it for a terminal 80 or more columns wide."""
HELP_COLUMNS = 80


def run(args: Sequence[str], at_once: bool = False) -> int | None:
    """Serve the command line if it is one of the quick ones: its exit code, else None.

    at_once (for the `reflect` command itself, never in tests): a read command ends the
    process straight after its output is written out (leave_at_once)."""
    if list(args) == ["--version"]:
        from reflect import __version__

        sys.stdout.write(f"reflect {__version__}\n")
        return 0
    if list(args) in (["--help"], ["-h"]) and _columns() >= HELP_COLUMNS:
        with open(os.path.join(os.path.dirname(__file__), HELP_FILE), encoding="utf-8") as f:
            sys.stdout.write(f.read())
        return 0
    wanted = _reflection_options(args)
    if wanted is not None:
        journal, pack, quick, resume = wanted
        return _guarded(reflection, journal, pack, quick, resume)
    read = _read_options(args)
    if read is not None:
        journal, command, *given = read
        code = _guarded(_read, journal, command, *given)
        if at_once:
            leave_at_once(code)
        return code
    return None


def leave_at_once(code: int) -> None:
    """End the process now, once standard output and error are written out.

    A read command holds every entry of the journal, many small objects, and Python
    frees them one by one on the way out: 0.05 s for 10,000 reflections, 0.08 s for
    list at 100,000. Nothing else is left to do by then: the read commands write files
    only inside `with` blocks, which close them."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (`| head`)
            code = code or 1
        except (OSError, ValueError):  # closed: nothing more can be written anyway
            pass
    os._exit(code)


def _guarded(command: Callable[..., int | None], journal: Path | None,
             *given: object) -> int:
    """Run the command on the journal; an error shown as cli.py shows it, with its code."""
    from reflect import paths
    from reflect.errors import ReflectError

    try:
        return command(paths.journal_path(journal), *given) or 0
    except (ReflectError, KeyboardInterrupt) as problem:
        from reflect.cli import explain

        return explain(problem)


def _read(journal_file: Path, command: str, *given: Any) -> int:
    """A read command (reading.py), then everything written out. A reader that
    stops early (`reflect list --all | head`) ends it, with exit code 1 as under typer."""
    from reflect import reading

    try:
        getattr(reading, command)(journal_file, *given)
        sys.stdout.flush()
    except BrokenPipeError:
        let_output_go()
        return 1
    return 0


def unwritable(error: OSError) -> ReflectError:
    """What to say when standard output cannot take the output (a full disk, a device that
    failed), with what is left of it let go."""
    from reflect.errors import ReflectError
    from reflect.files import describe

    let_output_go()
    return ReflectError(f"Cannot write the output: {describe(error)}.")


def let_output_go() -> None:
    """After the reader of standard output went away (`| head`): what is still buffered
    goes nowhere, so Python's last flush raises nothing."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _columns() -> int:
    """The terminal's width the way click measures it for help (shutil's rules)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


def _reflection_options(args: Sequence[str]) -> tuple[Path | None, str | None, bool,
                                                      bool] | None:
    """[--journal PATH] [new [--pack NAME] [--quick] [--resume]], else None.

    Only the spellings typer would read the same way; anything else is typer's to judge."""
    journal, rest = _journal_option(args)
    if rest is None:
        return None
    pack: str | None = None
    quick = resume = False
    if rest and rest[0] == "new":
        rest.pop(0)
        while rest:
            if rest[0] in ("--quick", "-q"):
                quick = True
                rest.pop(0)
            elif rest[0] == "--resume":
                resume = True
                rest.pop(0)
            elif rest[0] in ("--pack", "-p") or rest[0].startswith("--pack="):
                pack, rest = _value(rest)
                if pack is None:
                    return None
            else:
                return None
    if rest:
        return None
    return journal, pack, quick, resume


READ_COMMANDS = {"list": "list_entries", "show": "show", "search": "search",
                 "export": "export", "stats": "stats"}
"""The read commands served here, by the name of the function in reading.py."""
DEFAULT_LIMIT = 20
"""How many reflections `reflect list` shows unless told (as cli.py says too)."""
EXPORT_FORMATS = ("md", "json", "csv", "txt", "html")
"""What `reflect export --format` takes (cli.py's Format), the first the default."""


def _read_options(args: Sequence[str]) -> tuple[Any, ...] | None:
    """[--journal PATH] and one of `list [--limit N] [--all] [--json]`, `show REF [--json]`,
    `search WORD... [--json]`, `export [--format F] [--output FILE] [--force]` or
    `stats [--json]`: (journal, function, its arguments), else None.

    Each option at most once and no filter: anything else is typer's to read."""
    from pathlib import Path

    journal, rest = _journal_option(args)
    if rest is None or not rest or rest[0] not in READ_COMMANDS:
        return None
    command, rest = rest[0], rest[1:]
    as_json = every = force = False
    limit: int | None = None
    fmt: str | None = None
    output: str | None = None
    words: list[str] = []
    while rest:
        if rest[0] == "--json" and not as_json and command != "export":
            as_json = True
        elif command == "list" and rest[0] in ("--all", "-a") and not every:
            every = True
        elif (command == "list" and limit is None
              and (rest[0] in ("--limit", "-n") or rest[0].startswith("--limit="))):
            value, rest = _value(rest)
            if value is None or not (value.isascii() and value.isdigit()) or int(value) < 1:
                return None
            limit = int(value)
            continue
        elif (command == "export" and fmt is None
              and (rest[0] in ("--format", "-f") or rest[0].startswith("--format="))):
            fmt, rest = _value(rest)
            if fmt not in EXPORT_FORMATS:
                return None
            continue
        elif (command == "export" and output is None
              and (rest[0] in ("--output", "-o") or rest[0].startswith("--output="))):
            output, rest = _value(rest)
            if output is None:
                return None
            continue
        elif command == "export" and rest[0] == "--force" and not force:
            force = True
        elif command in ("show", "search") and not rest[0].startswith("-"):
            words.append(rest[0])
        else:
            return None
        rest = rest[1:]
    function = READ_COMMANDS[command]
    if command == "list":
        return journal, function, DEFAULT_LIMIT if limit is None else limit, every, as_json
    if command == "export":
        return (journal, function, fmt or EXPORT_FORMATS[0],
                None if output is None else Path(output), force)
    if command == "stats":
        return journal, function, as_json
    if not words or (command == "show" and len(words) > 1):
        return None
    if command == "show":
        return journal, function, words[0], as_json
    return journal, function, words, as_json


def _journal_option(args: Sequence[str]) -> tuple[Path | None, list[str] | None]:
    """The journal named by any leading `--journal PATH` (the last wins, as in typer), and
    the arguments after it; None for those when the option has no usable value."""
    from pathlib import Path

    journal: Path | None = None
    rest = list(args)
    while rest and (rest[0] == "--journal" or rest[0].startswith("--journal=")):
        value, rest = _value(rest)
        if value is None:
            return None, None
        journal = Path(value)
    return journal, rest


def _value(rest: list[str]) -> tuple[str | None, list[str]]:
    """The value of the option at the front, from `--name=value` or `--name value`."""
    _, equals, value = rest[0].partition("=")
    if not equals:
        if len(rest) < 2:
            return None, rest
        value = rest[1]
        rest = rest[1:]
    if not value or value.startswith("-"):
        return None, rest
    return value, rest[1:]


def open_journal(journal_file: Path) -> Journal:
    """The one place a command opens the journal, so every command opens it the same way.

    The settings are read here, so a mistake in them shows before any question is asked;
    the passphrase is asked for only if the journal turns out to be encrypted."""
    import functools

    from reflect import paths
    from reflect.config import load_settings
    from reflect.journal import Journal

    settings = load_settings(paths.config_file())
    return Journal(journal_file, passphrase=functools.partial(passphrase, journal_file),
                   keep_backups=settings.keep_backups)


def passphrase(journal_file: Path) -> str:
    """The passphrase: REFLECT_PASSPHRASE if set, else asked on the terminal, hidden."""
    from reflect.errors import ReflectError

    given = os.environ.get(UNLOCK_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise ReflectError(
            f"The journal {journal_file} is encrypted. Run reflect in a terminal to type its "
            f"passphrase, or set {UNLOCK_VARIABLE}.", exit_code=2)
    import getpass

    return getpass.getpass("Passphrase for your journal: ")


def reflection(journal_file: Path, pack: str | None, quick: bool, resume: bool) -> int:
    """A guided reflection in the terminal: 0 once it is saved, 130 when it is paused."""
    from reflect.errors import ReflectError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ReflectError(
            "A reflection needs an interactive terminal to ask its questions. "
            "Run `reflect` in a terminal window, without piping its input or output.",
            exit_code=2,
        )
    import gc

    # Starting makes a great many objects and next to no garbage, so the collector's passes
    # over them only delay the first question. It is off until the modules are loaded; then
    # what they made is set aside for good (freeze) and it is back on before any question.
    gc.disable()
    try:
        from reflect import paths
        from reflect.drafts import DraftStore
        from reflect.guide import reflect_new
        from reflect.packs import discover, find_pack

        available, problems = discover(paths.user_packs_dir(), paths.cache_dir())
        if problems:
            from reflect import render

            for problem in problems:
                render.warn(f"Left out a pack: {problem.message}")
        chosen = find_pack(available, pack, quick)
        journal = open_journal(journal_file)
        journal.verify()
        drafts = DraftStore(paths.draft_path(journal_file), journal)
        if not journal.exists() and drafts.load() is None:
            _first_run_note()

        from reflect.ask import QuestionaryAsker

        asker = QuestionaryAsker()
    finally:
        gc.freeze()
        gc.enable()
    outcome = reflect_new(available, chosen, asker, journal, drafts,
                          resume=True if resume else None)
    from reflect import render

    if outcome.entry is None:
        render.paused(outcome.kept_draft)
        return 130
    used = next(p for p in available if p.id == outcome.entry.pack_id)
    render.summary(outcome.entry, used, journal_file)
    from reflect.guide import still_heavy

    if still_heavy(outcome.entry):
        from reflect.resources import STILL_HEAVY

        render.say(STILL_HEAVY)
    from reflect.prepare import LINK, ask_to_link, recent_preparation

    preparation = recent_preparation(journal.entries(), outcome.entry)
    if preparation is not None and ask_to_link(preparation, QuestionaryAsker()):
        journal.link(outcome.entry.id, LINK, preparation.id)
        render.say(f"Linked: `reflect show {outcome.entry.number}` shows the two together.",
                   "dim")
    follow_up(journal, available, QuestionaryAsker(), only_one=True,
              leave_out=outcome.entry.id)
    return 0


def follow_up(journal: Journal, available: Iterable[Pack], asker: Asker, only_one: bool,
              leave_out: str | None = None) -> int:
    """Ask how earlier alternatives went: after a reflection, one entry's at most."""
    from reflect import followup, render
    from reflect.present import Reader

    items = [item for item in followup.open_items(journal.entries(), again=not only_one)
             if item.entry.id != leave_out]
    if only_one:
        items = followup.one_entry(items)
    if not items:
        return 0
    if only_one:
        render.say("\nOne more thing, only if you like (Ctrl-C to leave it):", "dim")
    outcomes = followup.ask(items, Reader(available), asker)
    journal.record_followups(outcomes)
    count = sum(len(items) for items in outcomes.values())
    render.followed_up(count)
    return count


def _first_run_note() -> None:
    """The one-time note that reflect is a coach, not a therapist: dim, at most 88 wide.

    Plain text rather than rich, which this path does not otherwise need; styled only where
    rich would style it (a terminal that is not 'dumb'), and dim even under NO_COLOR, as
    rich keeps non-colour styles then."""
    import shutil
    import textwrap

    from reflect.resources import COACH_NOT_THERAPIST

    width = min(shutil.get_terminal_size().columns, 88)
    lines = textwrap.wrap(COACH_NOT_THERAPIST, width=width)
    styled = os.environ.get("TERM", "").lower() not in ("dumb", "unknown")
    for line in lines:
        sys.stdout.write(f"\x1b[2m{line}\x1b[0m\n" if styled else f"{line}\n")
    sys.stdout.flush()
