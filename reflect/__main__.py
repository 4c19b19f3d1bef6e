"""Entry point for the `reflect` command and `python -m reflect`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reflect import paths
from reflect.errors import ReflectError
from reflect.files import describe


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


def _bare_reflection(args: list[str]) -> int | None:
    """`reflect` or `reflect --journal PATH`, either with `--plain`, run the reflection
    here: its exit code; None for any other command line."""
    rest = [arg for arg in args if arg != "--plain"]
    if rest and not (len(rest) == 2 and rest[0] == "--journal"
                     and rest[1] and not rest[1].startswith("-")):
        return None
    # Deferred: the journal, packs and questionary, which --version and --help never need.
    from reflect import plain
    from reflect.reflection import reflection

    if len(rest) < len(args):
        plain.choose()
    args = rest

    try:
        return reflection(paths.journal_path(Path(args[1]) if args else None),
                          None, False, False)
    except (ReflectError, KeyboardInterrupt) as problem:
        from reflect.cli import explain

        return explain(problem)


def _let_output_go() -> None:
    """After the reader of standard output went away (`| head`): what is still buffered
    goes nowhere, so Python's last flush raises nothing."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
