"""The `reflect` command line: parse options, call the core, show the result."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from reflect import __version__, paths
from reflect.errors import ReflectError

if TYPE_CHECKING:
    from reflect.journal import Journal

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
        from reflect.launch import explain

        try:
            return func(*args, **kwargs)
        except (ReflectError, KeyboardInterrupt) as problem:
            raise typer.Exit(explain(problem)) from None

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
    """The one place a command opens the journal (in launch.py, which reflections share)."""
    from reflect.launch import open_journal

    return open_journal(journal_file)


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
    from reflect.launch import reflection

    code = reflection(journal_file, pack, quick, resume)
    if code:
        raise typer.Exit(code)


@command("resources")
def resources() -> None:
    """People to talk to, and when to reach out. Works offline."""
    from reflect import render

    render.resources()


@command("where")
def where(ctx: typer.Context) -> None:
    """Show where your journal, draft and packs are kept."""
    from reflect import render
    from reflect.packs import builtin_packs_dir

    journal_file = _journal(ctx)
    rows = [
        ("Journal", journal_file),
        ("Unfinished reflection", paths.draft_path(journal_file)),
        ("Your packs", paths.user_packs_dir()),
        ("Built-in packs", builtin_packs_dir()),
    ]
    render.where([(name, path, path.exists()) for name, path in rows])


@command("packs")
def packs() -> None:
    """List the reflection packs you can use with `reflect new --pack NAME`."""
    from reflect import render
    from reflect.packs import DEFAULT_PACK, discover

    available, problems = discover(paths.user_packs_dir())
    render.packs(available, problems, paths.user_packs_dir(), DEFAULT_PACK)
