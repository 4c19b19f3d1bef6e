"""Entry point for the `reflect` command and `python -m reflect`."""

from __future__ import annotations

import sys


def main() -> int | None:
    """The quick commands straight away (see launch.py); everything else through typer.
    Output that standard output cannot take (a full disk) is said so, never a traceback."""
    from reflect.launch import run

    try:
        code = run(sys.argv[1:], at_once=True)
        if code is None:
            from reflect.cli import app

            try:
                app(prog_name="reflect")
            finally:  # typer ends by raising SystemExit: the output is written out first
                sys.stdout.flush()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`reflect --help | head -1`)
        from reflect.launch import let_output_go

        let_output_go()
        return 1
    except OSError as error:
        if error.filename is not None:  # a file's, not standard output's
            raise
        from reflect.cli import explain
        from reflect.launch import unwritable

        return explain(unwritable(error))
    return code


if __name__ == "__main__":
    sys.exit(main())
