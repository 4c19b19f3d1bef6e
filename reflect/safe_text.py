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
    pattern = _CONTROLS if keep_newlines else _CONTROLS_NO_NEWLINE
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return pattern.sub("", text)


def has_control_characters(text: str, *, allow_newlines: bool = True) -> bool:
    """Whether the text holds anything printable() would remove."""
    pattern = _CONTROLS if allow_newlines else _CONTROLS_NO_NEWLINE
    return pattern.search(text) is not None
