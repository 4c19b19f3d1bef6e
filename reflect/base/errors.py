"""The one exception type that carries a message meant for the person at the keyboard."""

from __future__ import annotations


class ReflectError(Exception):
    """Something the person can act on; the CLI shows the message and exits with the code."""

    def __init__(self, message: str, exit_code: int = 1, calm: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.calm = calm
        """A stop the person chose (not a fault): shown plainly, without 'Error:'."""
