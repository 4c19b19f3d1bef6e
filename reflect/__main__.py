"""Entry point for the `reflect` command and `python -m reflect`."""

from __future__ import annotations

import os
import sys

from reflect.base import paths
from reflect.base.errors import ReflectError
from reflect.base.files import describe

COMPLETION_VARIABLE = "_REFLECT_COMPLETE"
"""Set by the shell's completion script (typer's) when it asks what a word could be."""


def main() -> int | None:
    """A bare `reflect` starts the reflection before typer loads, since a person who types
    it wants the first question; every other command line is typer's (cli.py). Output that
    standard output cannot take (a full disk) is said so, never a traceback."""
    try:
        code = _bare_reflection(sys.argv[1:])
        if code is None:
            # Deferred: a bare `reflect` reaches its first question without loading typer.
            from reflect.cli import app

            try:
                app(prog_name="reflect")
            finally:  # typer ends by raising SystemExit: the output is written out first
                sys.stdout.flush()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`reflect --help | head -1`)
        _let_output_go()
        return 1
    except OSError as error:
        if error.filename is not None:  # a file's, not standard output's
            raise
        from reflect.cli import explain

        _let_output_go()
        return explain(ReflectError(f"Cannot write the output: {describe(error)}."))
    return code


REFLECTION_FLAGS = ("--quick", "--resume")
"""The flags of `reflect new` that a bare `reflect` takes too (and `--pack NAME`)."""


def _bare_reflection(args: list[str]) -> int | None:
    """`reflect`, with `--plain` anywhere, `--journal PATH` first if at all, then any of
    `--quick`, `--resume` and `--pack NAME`, runs the reflection here, as `reflect new`
    would: its exit code. None for any other command line, which typer reads (its root
    takes the same flags), so this is a look at the words, not a parser."""
    if os.environ.get(COMPLETION_VARIABLE):  # the shell asks typer to complete a word
        return None
    words = [arg for arg in args if arg != "--plain"]
    journal = pack = None
    for option in ("--journal", "--pack"):
        if option in words:
            at = words.index(option)
            value = words[at + 1] if at + 1 < len(words) else ""
            if not value or value.startswith("-") or (option == "--journal" and at != 0):
                return None
            del words[at:at + 2]
            if option == "--journal":
                journal = value
            else:
                pack = value
    if not set(words) <= set(REFLECTION_FLAGS) or len(set(words)) != len(words):
        return None
    # Deferred: the journal, packs and questionary, which --version and --help never need.
    from reflect.terminal import plain_asker
    from reflect.terminal.reflection import reflection

    if "--plain" in args:
        plain_asker.choose()

    try:
        return reflection(paths.journal_path(journal), pack, "--quick" in words,
                          "--resume" in words)
    except (ReflectError, KeyboardInterrupt) as problem:
        from reflect.cli import explain

        return explain(problem)


def _let_output_go() -> None:
    """After the reader of standard output went away (`| head`): what is still buffered
    goes nowhere, so Python's last flush raises nothing."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
