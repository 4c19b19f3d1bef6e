"""Entry point for the `reflect` command and `python -m reflect`."""

from __future__ import annotations


def main() -> None:
    from reflect.cli import app

    app(prog_name="reflect")


if __name__ == "__main__":
    main()
