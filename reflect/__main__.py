"""Entry point for the `reflect` command and `python -m reflect`."""

from __future__ import annotations

import sys


def main() -> int | None:
    """The quick commands straight away (see launch.py); everything else through typer."""
    from reflect.launch import run

    code = run(sys.argv[1:], at_once=True)
    if code is not None:
        return code
    from reflect.cli import app

    app(prog_name="reflect")
    return None


if __name__ == "__main__":
    sys.exit(main())
