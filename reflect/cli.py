"""The `reflect` command line: parse options, call the core, show the result."""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import sys
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import typer

from reflect import __version__
from reflect.base import paths
from reflect.base.errors import ReflectError
from reflect.base.files import NotOrdinaryFile, read_if_present, write_private
from reflect.base.safe_text import cut, echoed
from reflect.engine.edit import choose_step, edit_answers
from reflect.engine.followup import next_ready, open_items, ready_words
from reflect.engine.session import Asker, Interrupted, Prompt
from reflect.journal import backups, crypto
from reflect.journal.backups import Backup
from reflect.journal.crypto import Keyring, check_new_passphrase
from reflect.journal.entry import PREPARE_PACK, Entry
from reflect.journal.store import Journal, Restored, merge_files
from reflect.packs.load import (
    DEFAULT_PACK,
    builtin_packs_dir,
    check_pack_file,
    discover,
    new_pack_text,
)
from reflect.packs.model import PackError
from reflect.review.entry_text import Reader, short_date
from reflect.review.export import MAX_IMPORT_BYTES, read_export, relabel
from reflect.review.filters import MAX_NUMBER_DIGITS, Filters, find
from reflect.settings import resources as crisis
from reflect.settings.config import SettingsError, load_settings
from reflect.terminal import merge_commands, read_commands, render
from reflect.terminal import plain_asker as plain
from reflect.terminal.editor import EditorAsker
from reflect.terminal.read_commands import read
from reflect.terminal.reflection import (
    UNLOCK_VARIABLE,
    ask_secret,
    drafts_of,
    make_asker,
    open_journal,
    passphrase,
    reflection,
)
from reflect.terminal.reflection import follow_up as ask_follow_up
from reflect.terminal.sync import taken_in_words

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_LIMIT = 20
"""How many reflections `reflect list` shows unless told."""

app = typer.Typer(
    name="reflect",
    help=(
        "A private coach for the moment after hearing no.\n\n"
        "Run `reflect` on its own to start a guided reflection: what happened, how it "
        "feels, the need underneath, other ways to meet it, and a kinder reading of the "
        "no. Entries stay in a journal on this computer; nothing is sent anywhere."
    ),
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def explain(problem: ReflectError | KeyboardInterrupt) -> int:
    """Show a ReflectError (or Ctrl-C outside a question) as one red line, offer a backup
    for a damaged journal, and give the exit code. __main__.py uses it too."""

    if isinstance(problem, KeyboardInterrupt):
        render.error("Stopped. Nothing saved was changed.")
        return 130
    if problem.calm:
        render.say(problem.message)
    else:
        render.error(problem.message)
        _offer_restore(problem)
    return problem.exit_code


def _guarded(func: F) -> F:
    """Turn a ReflectError (or Ctrl-C outside a question) into one red line and a code."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ReflectError, KeyboardInterrupt) as problem:
            raise typer.Exit(explain(problem)) from None

    return run  # type: ignore[return-value]


def command(name: str, group: typer.Typer | None = None,
            hidden: bool = False) -> Callable[[F], F]:
    """Register a command (on the app, or a group of it) whose errors go through _guarded."""

    def register(func: F) -> F:
        (group or app).command(name, hidden=hidden)(_guarded(func))
        return func

    return register


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"reflect {__version__}\n")
        raise typer.Exit()


PLAIN_HELP = ("Ask in plain lines and read typed answers: numbered choices, no colours, "
              "no cursor movement. For screen readers, simple terminals and scripts (input "
              "from a pipe, one answer a line). Also REFLECT_PLAIN=1, or TERM=dumb.")


def _completing(role: str) -> Callable[[str], list[tuple[str, str]]]:
    """The shell's completion of a filter's value, from the packs' choices (typer reads
    the parameter's name, so this is a function and not a partial)."""

    def complete(incomplete: str) -> list[tuple[str, str]]:
        return read_commands.pack_words(role, incomplete)

    return complete


# The options of a reflection, taken by a bare `reflect` and by `reflect new` alike.
PLAIN = typer.Option(False, "--plain", help=PLAIN_HELP)
REFLECT_PACK = typer.Option(
    None, "--pack", "-p", metavar="NAME", autocompletion=_completing("pack"),
    help="Reflect with this pack (see `reflect packs`).")
QUICK = typer.Option(
    False, "--quick", "-q", help="The short version: six steps, for when time is short.")
RESUME = typer.Option(
    False, "--resume",
    help="Pick up a reflection you paused earlier (the latest first, if there are several).")


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    journal: str | None = typer.Option(
        None, "--journal", metavar="PATH", envvar=None,
        help="Use this journal file instead of the usual one (see `reflect where`).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Show the version and exit.",
    ),
    plain_mode: bool = PLAIN,
    pack: str | None = REFLECT_PACK,
    quick: bool = QUICK,
    resume: bool = RESUME,
) -> None:
    """A private coach for the moment after hearing no."""
    if plain_mode:
        plain.choose()
    # Kept as typed: a Path would make '' the current folder and drop a closing '/'.
    ctx.obj = journal
    if journal is not None:
        _guarded(paths.journal_path)(journal)  # a wrong --journal stops every command
    if ctx.invoked_subcommand is None:
        _guarded(_reflect)(_journal(ctx), pack=pack, quick=quick, resume=resume)
    elif pack is not None or quick or resume:
        given = "--pack" if pack is not None else "--quick" if quick else "--resume"
        raise typer.Exit(explain(ReflectError(
            f"{given} starts a reflection, so it goes without a command: `reflect {given}` "
            f"or `reflect new {given}`.", exit_code=2)))


def _journal(ctx: typer.Context) -> Path:
    override: str | None = ctx.find_root().obj
    return paths.journal_path(override)


@command("new")
def new(
    ctx: typer.Context,
    pack: str | None = REFLECT_PACK,
    quick: bool = QUICK,
    resume: bool = RESUME,
    plain_mode: bool = PLAIN,
) -> None:
    """Start a guided reflection (what `reflect` on its own does).

    Shift+Tab goes back a step. Ctrl-C pauses, and offers to keep your answers as a draft
    for `reflect new --resume`. With --plain, type back, skip or pause instead.
    Examples: `reflect new --quick`, `reflect new --pack after-a-date`.
    """
    if plain_mode:
        plain.choose()
    _reflect(_journal(ctx), pack, quick, resume)


def _reflect(journal_file: Path, pack: str | None, quick: bool, resume: bool) -> None:
    code = reflection(journal_file, pack, quick, resume)
    if code:
        raise typer.Exit(code)


# Reading the journal -------------------------------------------------------------------
# The filters every read command shares. typer keeps these option objects as descriptions
# only, so one of each can serve every command.

SINCE = typer.Option(
    None, "--since", metavar="WHEN",
    help="Only reflections from this day on: 2026-11-02, 2026-11, 7d, 2w, 3m, yesterday, "
         "'last week', 'last month'.")
UNTIL = typer.Option(
    None, "--until", metavar="WHEN",
    help="Only reflections up to and including this day (same forms as --since; "
         "'last month' ends on its last day).")
NEED = typer.Option(
    None, "--need", metavar="NEED", autocompletion=_completing("needs"),
    help="Only reflections that named this need, e.g. closeness. Repeat for any of several.")
EMOTION = typer.Option(
    None, "--emotion", metavar="FEELING", autocompletion=_completing("emotions"),
    help="Only reflections that named this feeling, e.g. hurt. Repeat for any of several.")
KIND = typer.Option(
    None, "--kind", metavar="MOMENT", autocompletion=_completing("kind"),
    help="Only this kind of moment, e.g. asked-out or declined-closeness (the words you "
         "picked work too). Repeat for any of several.")
PACK = typer.Option(
    None, "--pack", metavar="NAME", autocompletion=_completing("pack"),
    help="Only reflections made with this pack.")
JSON = typer.Option(False, "--json", help="Print JSON for scripts (shape in the README).")


def _filters(since: str | None, until: str | None, need: list[str] | None,
             emotion: list[str] | None, kind: list[str] | None, pack: str | None) -> Filters:
    """The filters as given; a date that cannot be read is an error before any reading."""

    return Filters.parse(since, until, need or [], emotion or [], kind or [],
                         [pack] if pack else [])


def _read(ctx: typer.Context) -> tuple[list[Entry], Reader]:
    """Every entry and a Reader that knows the packs they were written with."""

    return read(_journal(ctx))


def _limit(text: str | int) -> int:
    """--limit: a whole number of 1 or more. typer's own reading repeats a wrong value
    whole, even one of 5,000 digits (which int() refuses past 4,300)."""
    if isinstance(text, int):  # the default
        return text
    digits = text.strip()
    # Past 18 digits every journal is shorter: the first 19 say as much as all of them.
    if not (digits.isascii() and digits.isdigit()) or int(digits[:19]) < 1:
        raise typer.BadParameter(f"{echoed(text)} is not a whole number of 1 or more.")
    return int(digits[:19])


# list, show, search, export and stats do their work in terminal/read_commands.py.

@command("list")
def list_entries(
    ctx: typer.Context,
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", "-n", metavar="N", parser=_limit,
                              help="How many of the newest to show (1 or more)."),
    every: bool = typer.Option(False, "--all", "-a", help="Show every reflection."),
    since: str | None = SINCE, until: str | None = UNTIL, need: list[str] | None = NEED,
    emotion: list[str] | None = EMOTION, kind: list[str] | None = KIND,
    pack: str | None = PACK, as_json: bool = JSON,
) -> None:
    """Your reflections, newest first: when, the moment, the need, how strong, what happened.

    Examples: `reflect list`, `reflect list --since 2w --need closeness`,
    `reflect list --all --json`.
    """

    read_commands.list_entries(_journal(ctx), limit, every, as_json,
                         _filters(since, until, need, emotion, kind, pack))


REF = typer.Argument(..., metavar="NUMBER",
                     help="The reflection's number from `reflect list` (or the start of its id).")


@command("show")
def show(ctx: typer.Context, ref: str = REF, as_json: bool = JSON) -> None:
    """One whole reflection, question by question.

    Example: `reflect show 12`.
    """

    read_commands.show(_journal(ctx), ref, as_json)


@command("search")
def search(
    ctx: typer.Context,
    words: list[str] = typer.Argument(..., metavar="TEXT",
                                      help="A word or phrase; capitals do not matter."),
    since: str | None = SINCE, until: str | None = UNTIL, need: list[str] | None = NEED,
    emotion: list[str] | None = EMOTION, kind: list[str] | None = KIND,
    pack: str | None = PACK, as_json: bool = JSON,
) -> None:
    """Find reflections by what you wrote: every answer is searched, newest first.

    Examples: `reflect search tired`, `reflect search "early start" --since 'last month'`.
    """

    read_commands.search(_journal(ctx), words, as_json,
                   _filters(since, until, need, emotion, kind, pack))


class Format(str, Enum):
    md = "md"
    json = "json"
    csv = "csv"
    txt = "txt"
    html = "html"


@command("export")
def export(
    ctx: typer.Context,
    fmt: Format | None = typer.Option(
        None, "--format", "-f", show_default=False,
        help="md reads well for a person; json keeps everything and can be imported "
             "again; csv is one row per reflection and a column per question, for a "
             "spreadsheet; txt is plain text; html is one page that opens in a browser, "
             "with the patterns of `reflect stats` first. Without it, the ending of FILE "
             "decides (.md, .json, .csv, .txt, .html), else md."),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write to this file (private to you) instead of the screen."),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
    since: str | None = SINCE, until: str | None = UNTIL, need: list[str] | None = NEED,
    emotion: list[str] | None = EMOTION, kind: list[str] | None = KIND,
    pack: str | None = PACK,
) -> None:
    """Write your reflections out, oldest first, to read, share or keep.

    Examples: `reflect export --since 'last month' --until 'last month' -o october.md`,
    `reflect export -o backup.json` (read back with `reflect import`),
    `reflect export -o notes.csv`. Exits 1, writing nothing, when no reflection matches.
    """

    read_commands.export(_journal(ctx), fmt.value if fmt else None, output, force,
                   _filters(since, until, need, emotion, kind, pack))


@command("stats")
def stats(
    ctx: typer.Context,
    since: str | None = SINCE, until: str | None = UNTIL, need: list[str] | None = NEED,
    emotion: list[str] | None = EMOTION, kind: list[str] | None = KIND,
    pack: str | None = PACK, as_json: bool = JSON,
) -> None:
    """Patterns across your reflections: how often, how strong at the start and the end,
    and the needs, reasons and other ways you chose most.

    Examples: `reflect stats`, `reflect stats --since 3m`, `reflect stats --json`.
    """

    read_commands.stats(_journal(ctx), as_json, _filters(since, until, need, emotion, kind, pack))


@command("import")
def import_entries(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE",
                                help="A file made by `reflect export --format json`."),
) -> None:
    """Bring in reflections from a JSON export, from this computer or another.

    Everything is checked before anything is written. Reflections already in your journal
    (the same id) are skipped, so importing twice adds nothing. Example:
    `reflect import backup.json`.
    """

    try:
        size = file.stat().st_size
    except OSError as error:
        raise ReflectError(f"Cannot read {file}: {error.strerror or error}.") from None
    if file.is_dir():
        raise ReflectError(f"{file} is a folder; give the export file itself.", exit_code=2)
    if size > MAX_IMPORT_BYTES:
        raise ReflectError(f"Cannot import {file}: it is larger than "
                           f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB. Nothing was imported.")
    raw = read_if_present(file, "the file", MAX_IMPORT_BYTES) or b""
    entries = read_export(raw, str(file))
    _, reader = _read(ctx)
    relabel(entries, reader.packs, str(file))
    added, skipped = open_journal(_journal(ctx)).import_entries(entries)
    render.imported(added, skipped)


@command("merge")
def merge(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE",
                                help="Another copy of the journal, or a JSON export."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n",
                                 help="Show what would change, and change nothing."),
) -> None:
    """Merge another copy of your journal (or a JSON export) into this one, by reflection.

    A reflection in either is kept; one in both keeps the version changed last; one deleted
    in either stays deleted. A backup comes first. Example: `reflect merge old-laptop.json`.
    """

    journal = open_journal(_journal(ctx))
    report = journal.merge_in(merge_commands.read_incoming(journal, file), dry_run=dry_run)
    for line in merge_commands.merge_lines(report):
        render.say(line, whole=True)
    if not report.anything:
        render.say(f"Nothing to merge: every reflection in {file.name} is in the journal "
                   "already. Nothing was changed.", whole=True)
    elif dry_run:
        render.say(f"{taken_in_words(report, file.name, dry_run=True)}. Nothing was "
                   "changed (--dry-run).", whole=True)
    else:
        render.say(f"{taken_in_words(report, file.name)}.", whole=True)


@command("git-setup")
def git_setup(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, metavar="[PATH]",
        help="The journal file, or the folder holding it; the journal reflect uses when "
             "left out."),
) -> None:
    """Let git merge the journal by reflection when two computers changed it.

    Adds `journal.json merge=reflect` to the .gitattributes beside the journal and sets
    the driver in the repository's config; run it once in each clone, since git keeps that
    config per clone. reflect itself never commits, pulls or pushes. Example:
    `reflect git-setup`.
    """

    journal_file = _journal(ctx) if path is None else (
        path / _journal(ctx).name if path.is_dir() else path)
    for line in merge_commands.git_setup(journal_file):
        render.say(line, whole=True)
    render.say("From now on `git pull` merges the journal by reflection instead of "
               "leaving conflict markers in it.")


@command("merge-driver", hidden=True)
def merge_driver(
    base: Path = typer.Argument(..., metavar="BASE",
                                help="The version both came from (git's %O); not read."),
    ours: Path = typer.Argument(..., metavar="OURS",
                                help="This clone's journal (git's %A); the merge goes here."),
    theirs: Path = typer.Argument(..., metavar="THEIRS",
                                  help="The other journal (git's %B)."),
) -> None:
    """git's merge driver for the journal: THEIRS merged into OURS in place (BASE, the
    version both came from, is not needed: each journal remembers its deletions).

    Exits 0 once OURS holds the merge; otherwise says why, leaves OURS as it was, and exits
    1, so git reports a conflict."""

    keyring = Keyring(functools.partial(passphrase, ours, []))
    merge_files(ours, theirs, keyring)


def _needs_terminal(what: str, instead: str) -> None:
    """Questions need a terminal, except in plain mode, which reads typed lines anywhere."""
    if not plain.wanted() and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ReflectError(f"{what} needs an interactive terminal to ask. {instead}",
                           exit_code=2)


@command("delete")
def delete(
    ctx: typer.Context, ref: str = REF,
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking (for scripts)."),
) -> None:
    """Delete one reflection for good, after showing which and asking.

    Example: `reflect delete 12`. The other reflections keep their numbers.
    """

    entries, _ = _read(ctx)
    if not entries:
        render.empty_journal()
        return
    entry = find(entries, ref)
    title = entry.derived.get("title") or ""
    render.say(f"#{entry.number}  {short_date(entry.created)}  {title}")
    if not yes:
        _needs_terminal("Deleting", "Add --yes to delete without being asked.")

        try:
            sure = make_asker().ask(Prompt(
                key="_delete", kind="confirm", default=False,
                question=f"Delete reflection #{entry.number} for good? It cannot be undone."))
        except Interrupted:
            sure = False
        if sure is not True:
            render.say("Kept it. Nothing was deleted.")
            return
    render.deleted(open_journal(_journal(ctx)).delete(entry.id))


@command("edit")
def edit(
    ctx: typer.Context, ref: str = REF,
    step: str | None = typer.Option(
        None, "--step", "-s", metavar="STEP",
        help="The step to answer again, by its id (as `reflect show N --json` lists them). "
             "Without it, you pick from a list."),
) -> None:
    """Answer one step of a reflection again; what follows from it is kept in step.

    Long answers open in your $VISUAL or $EDITOR when one is set (not for an encrypted
    journal). Examples: `reflect edit 12`, `reflect edit 12 --step reframe`.
    """


    journal_file = _journal(ctx)
    entries, reader = _read(ctx)
    if not entries:
        render.empty_journal()
        return
    entry = find(entries, ref)
    pack = reader.pack_of(entry)
    if pack is None:
        raise ReflectError(f"Reflection #{entry.number} was written with the pack "
                           f"{entry.pack_id!r}, which is not here any more, so its questions "
                           "cannot be asked again.")
    _needs_terminal("Editing", "Run `reflect edit` in a terminal window.")
    asker: Asker = make_asker()
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor and open_journal(journal_file).is_encrypted():
        # An editor works on a plain file on disk: with an encrypted journal, that copy
        # would undo the encryption for as long as it lasts. Long answers are asked here.
        render.say("Your journal is encrypted, so long answers are changed here rather than "
                   "in $EDITOR, which would need a plain copy on disk.", "dim")
        editor = None
    if editor:

        asker = EditorAsker(asker, editor, journal_file.parent)
    chosen = choose_step(pack, entry, asker, step)
    change = edit_answers(pack, entry, asker, chosen)
    if change.answers == entry.answers:
        render.say("Nothing changed.")
        return
    updated = open_journal(journal_file).update(entry.id, change.answers, pack)
    render.edited(updated, change.dropped)


@command("resources")
def resources(
    country: str | None = typer.Option(
        None, "--country", "-c", metavar="XX",
        help="The lines for this country: a two-letter code like US, CA, GB, IE, AU or NZ "
             "(any case; UK works too)."),
    every: bool = typer.Option(False, "--all", "-a",
                               help="Every country's lines, grouped by country."),
) -> None:
    """People to talk to, and when to reach out. Works offline.

    Shows the crisis lines for your country, with how to reach each one, its hours and what
    it is for. The country is the one given with --country, else `[resources] country` in
    config.toml (`reflect where` shows the file), else the region of your locale (LC_ALL,
    LC_MESSAGES or LANG: en_CA.UTF-8 means CA). The lines are part of reflect, checked on
    the date shown below them; nothing is looked up online.

    \b
    Examples:
      reflect resources               # your locale's country
      reflect resources --country gb  # the United Kingdom
      reflect resources --all         # every country reflect has lines for
    """

    try:
        configured = load_settings(paths.config_file()).country
    except (SettingsError, paths.PathError) as problem:
        # A mistake in the settings must not stand between someone and a crisis line.
        render.warn(problem.message)
        configured = None
    render.resources(crisis.guide(crisis.load(), country, every, configured, os.environ))


@command("where")
def where(ctx: typer.Context) -> None:
    """Show where your journal, drafts, backups, settings and packs are kept.

    REFLECT_HOME moves them all to one folder; --journal PATH before the command moves the
    journal (with its drafts and backups). Example: `reflect --journal ~/private/journal.json
    where`."""

    journal_file = _journal(ctx)
    copies = backups.listing(journal_file)
    rows = [
        ("Journal", journal_file, _journal_note(journal_file)),
        ("Unfinished reflections", paths.drafts_dir(journal_file), ""),
        ("Backups", backups.folder(journal_file),
         f"{len(copies)} kept, the newest from {copies[-1].when}" if copies else "none yet"),
        ("Settings", paths.config_file(), ""),
        ("Your packs", paths.user_packs_dir(), ""),
        ("Built-in packs", builtin_packs_dir(), ""),
    ]
    render.where([(name, path, path.exists(), note) for name, path, note in rows])


def _journal_note(journal_file: Path) -> str:

    try:
        return "encrypted" if crypto.file_is_encrypted(journal_file) else ""
    except NotOrdinaryFile:
        raise  # a pipe or device: a note in a table would hide it
    except ReflectError:
        return "cannot be read"


@command("prepare")
def prepare(ctx: typer.Context) -> None:
    """Before you ask for something: what you hope for, how to ask so a no is easy to say,
    and what you will do if it is no.

    Saved like a reflection. If a reflection follows within a week, reflect offers to keep
    the two together. Example: `reflect prepare`.
    """

    _reflect(_journal(ctx), PREPARE_PACK, quick=False, resume=False)


@command("followup")
def follow_up(ctx: typer.Context) -> None:
    """Say how the other ways you planned went: it helped, it didn't, not yet...

    After a reflection, reflect asks about one earlier reflection at most, and only once
    about each thing; this asks about all of them, including the ones you said "not yet" to.
    Any of them can be told "don't ask me about this one again". Example: `reflect followup`.
    """

    journal = open_journal(_journal(ctx))
    entries = journal.entries()
    if not entries:
        render.empty_journal()
        return


    if not open_items(entries, again=True):
        at = datetime.now().astimezone()
        coming = next_ready(entries, at)
        if coming is None:
            render.nothing_to_follow_up()
        else:
            render.nothing_to_follow_up(coming[0].number, ready_words(coming[1], at))
        return
    _needs_terminal("Following up", "Run `reflect followup` in a terminal window.")
    available, _ = discover(paths.user_packs_dir())
    ask_follow_up(journal, available, make_asker(), only_one=False)


packs_app = typer.Typer(
    name="packs", no_args_is_help=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="The reflection packs: list them, check one, or start your own.\n\n"
         "`reflect packs` on its own lists the packs you can use with "
         "`reflect new --pack NAME`, shipped and your own.")
app.add_typer(packs_app)


@packs_app.callback(invoke_without_command=True)
def packs(ctx: typer.Context) -> None:
    """List the reflection packs you can use with `reflect new --pack NAME`.

    `reflect packs new NAME` starts a pack of your own from a copy of the default one;
    `reflect packs validate FILE` checks a pack and names every problem.
    """
    if ctx.invoked_subcommand is not None:
        return
    _guarded(_list_packs)()


def _list_packs() -> None:

    available, problems = discover(paths.user_packs_dir())
    render.packs(available, problems, paths.user_packs_dir(), DEFAULT_PACK)


@command("validate", packs_app)
def validate_pack(
    file: Path = typer.Argument(..., metavar="FILE", help="The pack file (TOML) to check."),
) -> None:
    """Check a pack file and name every problem, with its step and field.

    Exits 0 when the pack is ready to use, 1 when it has problems. Example:
    `reflect packs validate ~/.config/reflect/packs/mine.toml`.
    """

    pack, problems = check_pack_file(file)
    if pack is not None:
        shipped, _ = discover(None)
        clash = next((p for p in shipped if p.id == pack.id), None)
        if clash is not None and file.resolve() != (clash.path or file).resolve():

            problems = [PackError(file, f"the id {pack.id!r} is already a built-in pack; "
                                        "choose another", field="pack.id")]
    if problems:
        render.pack_problems(file, problems)
        raise typer.Exit(1)
    assert pack is not None
    render.say(f"{file}: ready to use, {len(pack.steps)} steps. "
               f"Start it with: reflect new --pack {pack.id}")


@command("new", packs_app)
def new_pack(
    name: str = typer.Argument(..., metavar="NAME",
                               help="The new pack's id: lower-case letters, digits, - and _."),
) -> None:
    """Start a pack of your own, from a copy of the default one, in your packs folder.

    Example: `reflect packs new after-a-date`, then edit the file it names and run
    `reflect new --pack after-a-date`.
    """

    folder = paths.user_packs_dir()
    target = folder / f"{name}.toml"
    text = new_pack_text(name)
    shipped, _ = discover(None)
    if name in {pack.id for pack in shipped}:  # it would be left out as a clash
        raise ReflectError(f"{name!r} is the name of a built-in pack; choose another, like "
                           f"my-{name}.", exit_code=2)
    if target.exists():
        raise ReflectError(f"{target} already exists; edit it, or choose another name.")

    write_private(target, text.encode("utf-8"))
    render.say(f"Made {target}, a copy of the default pack with the id {name!r}.")
    render.say("Change its questions and choices, check it with "
               f"`reflect packs validate {target}`, and use it with `reflect new --pack {name}`.",
               "dim")


FORGET_WARNING = (
    "Encrypting locks the journal with a passphrase only you know. If you forget it, the "
    "journal cannot be read by anyone: not by you, and not by the people who make reflect. "
    "There is no reset. Keep the passphrase somewhere safe."
)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _new_passphrase() -> str:
    """A new passphrase, typed twice (hidden), after an honest warning."""

    given = os.environ.get(UNLOCK_VARIABLE)
    if not given and not sys.stdin.isatty():
        raise ReflectError("Encrypting needs a terminal to type the new passphrase in (or "
                           f"{UNLOCK_VARIABLE}). Nothing was changed.", exit_code=2)
    render.say(FORGET_WARNING)
    if given:
        render.say(f"Using the passphrase in {UNLOCK_VARIABLE}.")
        check_new_passphrase(given)
        return given

    first = ask_secret("New passphrase: ")
    check_new_passphrase(first)
    if ask_secret("The same passphrase again: ") != first:
        raise ReflectError("The two passphrases are not the same. Nothing was changed.")
    return first


def _yes(question: str) -> bool:
    """A yes/no question on the terminal; anything but yes (or Ctrl-C) is no."""

    render.say(question)
    try:
        answer = input("[y/N] ")
    except (EOFError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")


def _restore_command(journal_file: Path) -> str:
    if journal_file == paths.journal_path(None):
        return "reflect restore"
    return f"reflect --journal {shlex.quote(str(journal_file))} restore"


def _offer_restore(problem: ReflectError) -> None:
    """After a damaged journal is refused: say what to do, and on a terminal, offer to do it."""
    damaged = getattr(problem, "damaged", None)
    if not isinstance(damaged, Path):
        return

    newest = backups.newest(damaged)
    if newest is None:
        render.say("There is no backup of it yet. Keep a copy of the file somewhere safe "
                   "before trying anything else.")
        return
    render.say(f"Its newest backup is from {newest.when} ({newest.what}). "
               f"`{_restore_command(damaged)}` puts it back and keeps the damaged file "
               "beside it.", whole=True)
    if not _terminal():
        return
    count = _count_in(open_journal(damaged), newest.path)
    holds = f" It holds {_count(count, 'reflection', 'reflections')}." if count is not None \
        else ""
    if not _yes(f"Put the newest backup back now?{holds}"):
        render.say("Nothing was changed.")
        return
    try:
        restored = open_journal(damaged).restore(newest.path)
    except ReflectError as failure:
        render.error(failure.message)
        return
    _tell_restored(restored, newest)
    render.say("Run your command again.")


def _tell_restored(restored: Restored, backup: Backup) -> None:

    render.say(f"Put back the backup from {backup.when} ({backup.what}), with "
               f"{_count(restored.entries, 'reflection', 'reflections')}.")
    if restored.kept_aside is None:
        render.say("There was no journal in its place.")
    elif restored.was_damaged:
        render.say(f"The damaged journal is kept as {restored.kept_aside}", whole=True)
    else:
        render.say(f"The journal that was in its place is kept as {restored.kept_aside}",
                   whole=True)
    if restored.was_encrypted and not restored.encrypted:
        render.warn("That backup was taken before the journal was encrypted, so the journal "
                    "is plain now; `reflect encrypt` encrypts it again.")
    elif restored.encrypted and not restored.was_encrypted:
        render.say("That backup is encrypted, so the journal is encrypted again.")


def _choose_backup(copies: list[Backup], chosen: str | None, journal_file: Path) -> Backup:
    """The backup asked for: its number in `--list` (1 is the newest), its name, or a path."""

    if chosen is None:
        if not copies:
            raise ReflectError(f"There are no backups of the journal {journal_file} yet "
                               f"(they are kept in {backups.folder(journal_file)}).")
        return copies[0]
    if chosen.isdecimal():

        # int() refuses more than 4,300 digits; far fewer are past the last backup.
        number = int(chosen) if len(chosen) <= MAX_NUMBER_DIGITS else 0
        if 1 <= number <= len(copies):
            return copies[number - 1]
        raise ReflectError(f"There is no backup number {cut(chosen)}; `reflect restore "
                           f"--list` shows the {len(copies)} there are.")
    for copy in copies:
        if copy.path.name == chosen:
            return copy
    path = Path(chosen)
    with contextlib.suppress(RuntimeError):  # ~name of no user
        path = path.expanduser()
    if _is_file(path):

        return backups.Backup(path, datetime.fromtimestamp(path.stat().st_mtime), "your file")
    raise ReflectError(f"There is no backup called {cut(chosen)}; `reflect restore --list` "
                       "shows them.")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long, a loop of links: no backup either way
        return False


@command("restore")
def restore(
    ctx: typer.Context,
    backup: str | None = typer.Argument(
        None, metavar="[BACKUP]",
        help="The number --list shows (1 is the newest), or a backup's file name. "
             "The newest when left out.",
    ),
    list_them: bool = typer.Option(
        False, "--list", help="List the backups, newest first, and change nothing.",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Put the backup back without asking."),
) -> None:
    """Put a backup of the journal back, keeping the file now in its place beside it.

    It says how many reflections the backup and the journal hold, and asks first. Examples:
    `reflect restore --list`, `reflect restore` (the newest), `reflect restore 3`.
    """

    journal_file = _journal(ctx)
    journal = open_journal(journal_file)
    copies = list(reversed(journal.backups()))
    if list_them:
        render.backups([(copy, _count_in(journal, copy.path)) for copy in copies],
                       backups.folder(journal_file))
        return
    chosen = _choose_backup(copies, backup, journal_file)
    if not yes:
        if not _terminal():
            raise ReflectError("Restoring asks before it changes anything; add --yes to "
                               "restore without a terminal. Nothing was changed.",
                               exit_code=2)
        # Read before asking: a backup that cannot be put back is refused here.
        holds = _count(journal.count_in(chosen.path), "reflection", "reflections")
        if not _yes(f"Put back the backup from {chosen.when} ({chosen.what}), which holds "
                    f"{holds}? {_in_its_place(journal)}"):
            render.say("Nothing was changed.")
            return
    _tell_restored(journal.restore(chosen.path), chosen)


def _count_in(journal: Journal, backup: Path) -> int | None:
    """How many reflections a backup holds; None when it cannot be read."""
    try:
        return journal.count_in(backup)
    except ReflectError:
        return None


def _in_its_place(journal: Journal) -> str:
    """What a restore would put aside: the journal there now, and how many it holds."""
    if not journal.exists():
        return "There is no journal in its place now."
    try:
        holds = _count(len(journal.entries()), "reflection", "reflections")
    except ReflectError:
        return "The journal now in its place cannot be read; it is kept beside it."
    return f"The journal now in its place, which holds {holds}, is kept beside it."


@command("encrypt")
def encrypt(ctx: typer.Context) -> None:
    """Encrypt the journal, its unfinished reflections and its backups with a passphrase.

    If you forget the passphrase, nobody can read the journal: there is no reset. After this,
    reflect asks for it when it opens the journal (or reads REFLECT_PASSPHRASE, for scripts).
    """

    journal_file = _journal(ctx)
    journal = open_journal(journal_file)
    if journal.is_encrypted():
        raise ReflectError(f"The journal {journal_file} is encrypted already. "
                           "Nothing was changed.")
    result = journal.encrypt(_new_passphrase())
    _say_resealed("Encrypted", journal_file, journal, result)
    render.say("From now on reflect asks for the passphrase when it opens the journal.")
    if result.backups_left:
        render.warn(f"{_count(result.backups_left, 'backup', 'backups')} could not be "
                    "encrypted and stayed as they were.")


def _say_resealed(done: str, journal_file: Path, journal: Journal, result: Any) -> None:
    """Bring the draft in line with the journal, and say what was changed."""

    drafts = drafts_of(journal_file, journal).reseal()
    also = [_count(result.backups_changed, "backup", "backups")] if result.backups_changed else []
    if drafts:
        also.insert(0, "the unfinished reflection" if drafts == 1
                    else f"the {drafts} unfinished reflections")
    render.say(f"{done} the journal {journal_file} "
               f"({_count(result.entries, 'reflection', 'reflections')})"
               + (f", and {' and '.join(also)}" if also else "") + ".", whole=True)


@command("decrypt")
def decrypt(ctx: typer.Context) -> None:
    """Write an encrypted journal (and its unfinished reflections and backups) plain again."""

    journal_file = _journal(ctx)
    journal = open_journal(journal_file)
    if not journal.is_encrypted():
        raise ReflectError(f"The journal {journal_file} is not encrypted. Nothing was "
                           "changed.")
    result = journal.decrypt()
    _say_resealed("Decrypted", journal_file, journal, result)
    render.say("It is plain again: anyone who can read your files can read it.")
    if result.backups_left:
        render.warn(f"{_count(result.backups_left, 'backup', 'backups')} did not open with "
                    "this passphrase and stayed encrypted.")
