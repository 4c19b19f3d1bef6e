"""The `reflect` command line: parse options, call the core, show the result."""

from __future__ import annotations

import functools
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from reflect import __version__, paths
from reflect.errors import ReflectError

if TYPE_CHECKING:
    from reflect.backups import Backup
    from reflect.journal import Journal, Restored

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="reflect",
    help=(
        "A private coach for the moment after hearing no.\n\n"
        "Run `reflect` on its own to start a guided reflection: what happened, how it "
        "feels, the need underneath, other ways to meet it, and a kinder reading of the "
        "no. Entries stay in a journal on this computer; nothing is sent anywhere."
    ),
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _guarded(func: F) -> F:
    """Turn a ReflectError (or Ctrl-C outside a question) into one red line and a code."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        from reflect import render

        try:
            return func(*args, **kwargs)
        except ReflectError as problem:
            if problem.calm:
                render.say(problem.message)
            else:
                render.error(problem.message)
                _offer_restore(problem)
            raise typer.Exit(problem.exit_code) from None
        except KeyboardInterrupt:
            render.error("Stopped. Nothing saved was changed.")
            raise typer.Exit(130) from None

    return run  # type: ignore[return-value]


def command(name: str) -> Callable[[F], F]:
    """Register a command whose errors go through _guarded."""

    def register(func: F) -> F:
        app.command(name)(_guarded(func))
        return func

    return register


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"reflect {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    journal: Path | None = typer.Option(
        None, "--journal", metavar="PATH", envvar=None,
        help="Use this journal file instead of the usual one (see `reflect where`).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """A private coach for the moment after hearing no."""
    ctx.obj = journal
    if ctx.invoked_subcommand is None:
        _guarded(_reflect)(_journal(ctx), pack=None, quick=False, resume=False)


def _journal(ctx: typer.Context) -> Path:
    override: Path | None = ctx.find_root().obj
    return paths.journal_path(override)


def _open_journal(journal_file: Path) -> Journal:
    """The one place a command opens the journal, so every command opens it the same way.

    The settings are read here, so a mistake in them shows before any question is asked;
    the passphrase is asked for only if the journal turns out to be encrypted."""
    from reflect.config import load_settings
    from reflect.journal import Journal

    settings = load_settings(paths.config_file())
    return Journal(journal_file, passphrase=functools.partial(_passphrase, journal_file),
                   keep_backups=settings.keep_backups)


@command("new")
def new(
    ctx: typer.Context,
    pack: str | None = typer.Option(
        None, "--pack", "-p", metavar="NAME",
        help="Reflect with this pack (see `reflect packs`).",
    ),
    quick: bool = typer.Option(
        False, "--quick", "-q", help="The short version: four steps, for when time is short.",
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Pick up the reflection you paused earlier.",
    ),
) -> None:
    """Start a guided reflection (what `reflect` on its own does).

    Shift+Tab goes back a step. Ctrl-C pauses, and offers to keep your answers as a draft
    for `reflect new --resume`.
    """
    _reflect(_journal(ctx), pack, quick, resume)


def _reflect(journal_file: Path, pack: str | None, quick: bool, resume: bool) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ReflectError(
            "A reflection needs an interactive terminal to ask its questions. "
            "Run `reflect` in a terminal window, without piping its input or output.",
            exit_code=2,
        )
    from reflect import render
    from reflect.drafts import DraftStore
    from reflect.guide import reflect_new
    from reflect.packs import discover, find_pack

    available, problems = discover(paths.user_packs_dir())
    for problem in problems:
        render.warn(f"Left out a pack: {problem.message}")
    chosen = find_pack(available, pack, quick)
    journal = _open_journal(journal_file)
    journal.verify()
    drafts = DraftStore(paths.draft_path(journal_file), journal)
    if not journal.exists() and drafts.load() is None:
        render.first_run()

    from reflect.ask import QuestionaryAsker

    outcome = reflect_new(available, chosen, QuestionaryAsker(), journal, drafts,
                          resume=True if resume else None)
    if outcome.entry is None:
        render.paused(outcome.kept_draft)
        raise typer.Exit(130)
    used = next(p for p in available if p.id == outcome.entry.pack_id)
    render.summary(outcome.entry, used, journal_file)


@command("resources")
def resources() -> None:
    """People to talk to, and when to reach out. Works offline."""
    from reflect import render

    render.resources()


@command("where")
def where(ctx: typer.Context) -> None:
    """Show where your journal, draft, backups, settings and packs are kept."""
    from reflect import backups, render
    from reflect.packs import builtin_packs_dir

    journal_file = _journal(ctx)
    copies = backups.listing(journal_file)
    rows = [
        ("Journal", journal_file, _journal_note(journal_file)),
        ("Unfinished reflection", paths.draft_path(journal_file), ""),
        ("Backups", backups.folder(journal_file),
         f"{len(copies)} kept, the newest from {copies[-1].when}" if copies else "none yet"),
        ("Settings", paths.config_file(), ""),
        ("Your packs", paths.user_packs_dir(), ""),
        ("Built-in packs", builtin_packs_dir(), ""),
    ]
    render.where([(name, path, path.exists(), note) for name, path, note in rows])


def _journal_note(journal_file: Path) -> str:
    from reflect import crypto

    try:
        return "encrypted" if crypto.file_is_encrypted(journal_file) else ""
    except ReflectError:
        return "cannot be read"


@command("packs")
def packs() -> None:
    """List the reflection packs you can use with `reflect new --pack NAME`."""
    from reflect import render
    from reflect.packs import DEFAULT_PACK, discover

    available, problems = discover(paths.user_packs_dir())
    render.packs(available, problems, paths.user_packs_dir(), DEFAULT_PACK)


UNLOCK_VARIABLE = "REFLECT_PASSPHRASE"
FORGET_WARNING = (
    "Encrypting locks the journal with a passphrase only you know. If you forget it, the "
    "journal cannot be read by anyone: not by you, and not by the people who make reflect. "
    "There is no reset. Keep the passphrase somewhere safe."
)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _passphrase(journal_file: Path) -> str:
    """The passphrase: REFLECT_PASSPHRASE if set, else asked on the terminal, hidden."""
    given = os.environ.get(UNLOCK_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise ReflectError(
            f"The journal {journal_file} is encrypted. Run reflect in a terminal to type its "
            f"passphrase, or set {UNLOCK_VARIABLE}.", exit_code=2)
    import getpass

    return getpass.getpass("Passphrase for your journal: ")


def _new_passphrase() -> str:
    """A new passphrase, typed twice (hidden), after an honest warning."""
    from reflect import render
    from reflect.crypto import check_new_passphrase

    given = os.environ.get(UNLOCK_VARIABLE)
    if not given and not sys.stdin.isatty():
        raise ReflectError("Encrypting needs a terminal to type the new passphrase in (or "
                           f"{UNLOCK_VARIABLE}). Nothing was changed.", exit_code=2)
    render.say(FORGET_WARNING)
    if given:
        render.say(f"Using the passphrase in {UNLOCK_VARIABLE}.")
        check_new_passphrase(given)
        return given
    import getpass

    first = getpass.getpass("New passphrase: ")
    check_new_passphrase(first)
    if getpass.getpass("The same passphrase again: ") != first:
        raise ReflectError("The two passphrases are not the same. Nothing was changed.")
    return first


def _yes(question: str) -> bool:
    """A yes/no question on the terminal; anything but yes (or Ctrl-C) is no."""
    from reflect import render

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
    from reflect import backups, render

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
    if not _yes("Put the newest backup back now?"):
        render.say("Nothing was changed.")
        return
    try:
        restored = _open_journal(damaged).restore(newest.path)
    except ReflectError as failure:
        render.error(failure.message)
        return
    _tell_restored(restored, newest)
    render.say("Run your command again.")


def _tell_restored(restored: Restored, backup: Backup) -> None:
    from reflect import render

    render.say(f"Put back the backup from {backup.when} ({backup.what}), with "
               f"{_count(restored.entries, 'entry', 'entries')}.")
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
    from reflect import backups

    if chosen is None:
        if not copies:
            raise ReflectError(f"There are no backups of the journal {journal_file} yet "
                               f"(they are kept in {backups.folder(journal_file)}).")
        return copies[0]
    if chosen.isdigit():
        if 1 <= int(chosen) <= len(copies):
            return copies[int(chosen) - 1]
        raise ReflectError(f"There is no backup number {chosen}; `reflect restore --list` "
                           f"shows the {len(copies)} there are.")
    for copy in copies:
        if copy.path.name == chosen:
            return copy
    path = Path(chosen).expanduser()
    if path.is_file():
        from datetime import datetime

        return backups.Backup(path, datetime.fromtimestamp(path.stat().st_mtime), "your file")
    raise ReflectError(f"There is no backup called {chosen}; `reflect restore --list` shows "
                       "them.")


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
    """Put a backup of the journal back, keeping the file now in its place beside it."""
    from reflect import backups, render

    journal_file = _journal(ctx)
    journal = _open_journal(journal_file)
    copies = list(reversed(journal.backups()))
    if list_them:
        render.backups(copies, backups.folder(journal_file))
        return
    chosen = _choose_backup(copies, backup, journal_file)
    if not yes:
        if not _terminal():
            raise ReflectError("Restoring asks before it changes anything; add --yes to "
                               "restore without a terminal. Nothing was changed.",
                               exit_code=2)
        if not _yes(f"Put back the backup from {chosen.when} ({chosen.what})? The journal "
                    "now in its place is kept beside it."):
            render.say("Nothing was changed.")
            return
    _tell_restored(journal.restore(chosen.path), chosen)


@command("encrypt")
def encrypt(ctx: typer.Context) -> None:
    """Encrypt the journal, its unfinished reflection and its backups with a passphrase."""
    from reflect import render
    from reflect.drafts import DraftStore

    journal_file = _journal(ctx)
    journal = _open_journal(journal_file)
    if journal.is_encrypted():
        raise ReflectError(f"The journal {journal_file} is encrypted already. "
                           "Nothing was changed.")
    result = journal.encrypt(_new_passphrase())
    draft = DraftStore(paths.draft_path(journal_file), journal).reseal()
    also = [_count(result.backups_changed, "backup", "backups")] if result.backups_changed else []
    if draft:
        also.insert(0, "the unfinished reflection")
    render.say(f"Encrypted the journal {journal_file} "
               f"({_count(result.entries, 'entry', 'entries')})"
               + (f", and {' and '.join(also)}" if also else "") + ".", whole=True)
    render.say("From now on reflect asks for the passphrase when it opens the journal.")
    if result.backups_left:
        render.warn(f"{_count(result.backups_left, 'backup', 'backups')} could not be "
                    "encrypted and stayed as they were.")


@command("decrypt")
def decrypt(ctx: typer.Context) -> None:
    """Write an encrypted journal (and its unfinished reflection and backups) plain again."""
    from reflect import render
    from reflect.drafts import DraftStore

    journal_file = _journal(ctx)
    journal = _open_journal(journal_file)
    if not journal.is_encrypted():
        raise ReflectError(f"The journal {journal_file} is not encrypted. Nothing was "
                           "changed.")
    result = journal.decrypt()
    draft = DraftStore(paths.draft_path(journal_file), journal).reseal()
    also = [_count(result.backups_changed, "backup", "backups")] if result.backups_changed else []
    if draft:
        also.insert(0, "the unfinished reflection")
    render.say(f"Decrypted the journal {journal_file} "
               f"({_count(result.entries, 'entry', 'entries')})"
               + (f", and {' and '.join(also)}" if also else "") + ".", whole=True)
    render.say("It is plain again: anyone who can read your files can read it.")
    if result.backups_left:
        render.warn(f"{_count(result.backups_left, 'backup', 'backups')} did not open with "
                    "this passphrase and stayed encrypted.")
