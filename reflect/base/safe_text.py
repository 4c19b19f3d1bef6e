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

# The characters beyond ASCII that printable() takes out (C1 controls, the bidirectional
# overrides and isolates), as UTF-8 bytes: for telling, without decoding, whether stored or
# written JSON holds any.
UTF8_CONTROLS = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")

# The same characters within ASCII, where most text is, as bytes: bytes.translate finds
# them several times quicker than the patterns above.
ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_ASCII_CONTROLS_NO_NEWLINE = bytes([*range(0x00, 0x20), 0x7F])


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """The text with every terminal control character removed."""
    if not has_control_characters(text, allow_newlines=keep_newlines):
        return text
    pattern = _CONTROLS if keep_newlines else _CONTROLS_NO_NEWLINE
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return pattern.sub("", text)


def has_control_characters(text: str, *, allow_newlines: bool = True) -> bool:
    """Whether the text holds anything printable() would remove."""
    if text.isascii():
        raw = text.encode()
        unwanted = ASCII_CONTROLS if allow_newlines else _ASCII_CONTROLS_NO_NEWLINE
        return len(raw.translate(None, unwanted)) != len(raw)
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
