"""A person's words are shown without terminal control codes, but stored as typed."""

from __future__ import annotations

from reflect.base.safe_text import has_control_characters, printable


def test_control_characters_are_removed():
    """Escape sequences, bells and C1 controls cannot reach the terminal."""
    assert printable("a\x1b[2Jb\x07c\x9bd\x7f") == "a[2Jbcd"


def test_newlines_tabs_and_emoji_stay():
    """Ordinary writing, emoji with joiners included, is untouched."""
    text = "line one\n\tline two 👩‍❤️‍👨 [bold]"
    assert printable(text) == text


def test_single_line_mode_folds_newlines():
    """Where one line is wanted, new lines become spaces."""
    assert printable("a\nb\r\nc\td", keep_newlines=False) == "a b c d"


def test_bidirectional_overrides_are_removed():
    """Text cannot be made to read differently from what it holds."""
    assert printable("abc\u202edef\u2066") == "abcdef"
    assert has_control_characters("x\u202e")
    assert not has_control_characters("plain\ntext")
