"""Making a person's own words safe to show on a terminal.

Stored text is kept exactly as typed. Only when it is shown are control characters (which
could move the cursor, change colours or rewrite the screen) taken out.
"""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL, except tab and newline; plus the bidirectional
# overrides and isolates, which can make text read differently from what it holds.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_NO_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

def printable(text: str, *, keep_newlines: bool = True) -> str:
    """The text with every terminal control character removed."""
    if keep_newlines:
        return _CONTROLS.sub("", text)
    one_line = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROLS_NO_NEWLINE.sub("", one_line)


def has_control_characters(text: str, *, allow_newlines: bool = True) -> bool:
    """Whether the text holds anything printable() would remove."""
    pattern = _CONTROLS if allow_newlines else _CONTROLS_NO_NEWLINE
    return pattern.search(text) is not None


ECHOED = 40
"""The most characters of something typed that a message repeats back."""


def cut(text: str) -> str:
    """The text as a message repeats it back: cut short when long, so that a 5,000-digit
    number typed or stored does not fill the screen."""
    return text if len(text) <= ECHOED else text[:ECHOED] + "…"


def echoed(text: str) -> str:
    """Something typed on the command line, quoted (and cut short) for a message."""
    return repr(cut(text))
