"""The plain Asker: questions as plain lines, answers read from typed lines.

`understand` is what a typed line means at a prompt; the asker is driven by a script of
lines, as a pipe or a person at a screen reader would type them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from reflect.engine.session import BACK, SKIP, Interrupted, Prompt, run_reflection
from reflect.packs.model import Choice
from reflect.terminal.plain_asker import OWN_WORDS, PlainAsker, Unreadable, understand, wanted

from conftest import QUICK

pytestmark = pytest.mark.timeout(10)

FEELINGS = (
    Choice("hurt", "Hurt"),
    Choice("lonely", "Lonely"),
    Choice("sad", "Sad"),
    Choice("okay-but-hurt", "I said okay, but it hurt"),
    Choice("numb", "Numb", hint="or nothing much at all"),
)


def prompt_for(kind: str, **fields: Any) -> Prompt:
    """A Prompt of the kind, with choices for the lists and a 0-10 scale."""
    if kind in ("select", "checkbox"):
        fields.setdefault("choices", FEELINGS)
    if kind == "scale":
        fields = {"min": 0, "max": 10, "min_label": "barely there",
                  "max_label": "as strong as it gets", **fields}
    fields.setdefault("question", "How was it?")
    return Prompt(key="step", kind=kind, **fields)


def unreadable(prompt: Prompt, line: str) -> str:
    """The message for a line the prompt cannot take."""
    with pytest.raises(Unreadable) as caught:
        understand(prompt, line)
    return str(caught.value)


# understand: lists


@pytest.mark.parametrize(("line", "value"), [
    ("2", "lonely"), (" 2 ", "lonely"), ("2.", "lonely"), ("lonely", "lonely"),
    ("LONELY", "lonely"), ("  Lonely  ", "lonely"), ("hurt", "hurt"),
    ("said okay", "okay-but-hurt"), ("i said okay, but it hurt", "okay-but-hurt"),
    ("numb", "numb"),
])
def test_select_reads_a_number_or_the_words_of_a_choice(line: str, value: str) -> None:
    """A choice is named by its number or its words, in any case; a label's own words
    that fit no other choice name it too."""
    assert understand(prompt_for("select"), line) == value


def test_words_that_fit_two_choices_are_asked_about() -> None:
    """Words inside two labels are not guessed at: the message names both numbers."""
    assert "(1, 4)" in unreadable(prompt_for("select", choices=(
        Choice("hurt", "It hurt a lot"), *FEELINGS[1:])), "hurt")


@pytest.mark.parametrize("line", ["6", "0", "volcano", "!!", "1,2"])
def test_select_asks_again_on_what_it_cannot_read(line: str) -> None:
    """A number off the list or words of no choice are refused, saying what would do."""
    assert "Type the number of one choice (1 to 5), or its words." in unreadable(
        prompt_for("select"), line)


@pytest.mark.parametrize(("line", "values"), [
    ("1,3", ["hurt", "sad"]), ("1, 3", ["hurt", "sad"]), ("1 3", ["hurt", "sad"]),
    ("hurt, lonely", ["hurt", "lonely"]), ("3, hurt", ["sad", "hurt"]),
    ("1,1,3", ["hurt", "sad"]), ("2", ["lonely"]),
])
def test_checkbox_reads_numbers_and_words_by_commas(line: str, values: list[str]) -> None:
    """Several choices are numbers or words set apart by commas (numbers by spaces too)."""
    assert understand(prompt_for("checkbox"), line) == values


def test_checkbox_names_the_part_it_cannot_read() -> None:
    """One unreadable part is named, and the rest is not taken on its own."""
    message = unreadable(prompt_for("checkbox"), "1, volcano")
    assert '"volcano"' in message
    assert "separated by commas like 1,3" in message


def test_the_other_entry_has_the_next_number() -> None:
    """"Something else" is numbered after the choices and asks for own words."""
    prompt = prompt_for("select", other="Something else (I'll write it)")
    assert understand(prompt, "6") is OWN_WORDS
    assert understand(prompt, "something else") is OWN_WORDS
    assert "6 lets you write your own" in unreadable(prompt, "volcano")
    assert understand(prompt_for("checkbox", other="Other"), "1,6") == ["hurt", OWN_WORDS]


# understand: scale, yes/no, text


@pytest.mark.parametrize(("line", "number"), [("7", 7), ("0", 0), ("10", 10), (" 3 ", 3)])
def test_scale_reads_a_number(line: str, number: int) -> None:
    """A number on the scale is taken as typed."""
    assert understand(prompt_for("scale"), line) == number


@pytest.mark.parametrize("line", ["11", "-1", "seven", "7.5", "7/10"])
def test_scale_refuses_what_is_not_on_it(line: str) -> None:
    """Off the scale or not a whole number: asked again, with the scale's ends in words."""
    assert "Type a number from 0 (barely there) to 10 (as strong as it gets)." in (
        unreadable(prompt_for("scale"), line))


@pytest.mark.parametrize(("line", "answer"), [
    ("1", True), ("y", True), ("Yes", True), ("Y", True),
    ("2", False), ("n", False), ("NO", False),
])
def test_yes_or_no_reads_numbers_and_letters(line: str, answer: bool) -> None:
    """A yes/no question takes 1 or y for yes, 2 or n for no."""
    assert understand(prompt_for("confirm"), line) is answer


def test_yes_or_no_refuses_a_maybe() -> None:
    """Anything else is asked again, with what it takes."""
    assert "Type 1 or y for yes, 2 or n for no." in unreadable(prompt_for("confirm"), "maybe")


def test_text_is_taken_as_typed() -> None:
    """Written words come back without the spaces around them."""
    assert understand(prompt_for("text"), "  It was late.  ") == "It was late."


# understand: Enter on its own, and the typed words for back, skip and pause


@pytest.mark.parametrize(("kind", "default"), [
    ("text", "what I wrote"), ("select", "sad"), ("checkbox", ["hurt", "my own words"]),
    ("scale", 7), ("confirm", False),
])
def test_enter_on_its_own_keeps_the_earlier_answer(kind: str, default: Any) -> None:
    """An empty line keeps the answer the question starts on."""
    prompt = prompt_for(kind, default=default, other="Other")
    assert understand(prompt, "") == default


@pytest.mark.parametrize("kind", ["text", "select", "checkbox", "scale"])
def test_enter_on_its_own_skips_an_optional_question(kind: str) -> None:
    """With nothing to keep, an empty line skips a question that may be skipped."""
    assert understand(prompt_for(kind, optional=True), "") is SKIP


@pytest.mark.parametrize("kind", ["text", "select", "checkbox", "scale", "confirm"])
def test_enter_on_its_own_is_not_an_answer_to_a_required_question(kind: str) -> None:
    """With nothing to keep, a required question asks again."""
    assert unreadable(prompt_for(kind), "")


def test_a_scale_starting_point_off_the_scale_is_not_kept() -> None:
    """A starting number outside the scale is not offered for Enter to keep."""
    assert unreadable(prompt_for("scale", default=12), "")


@pytest.mark.parametrize("kind", ["text", "select", "checkbox", "scale", "confirm"])
def test_the_typed_words_back_skip_and_pause(kind: str) -> None:
    """"back" goes back, "skip" skips an optional question, "pause" stops, in any case."""
    assert understand(prompt_for(kind, can_go_back=True), "Back") is BACK
    assert understand(prompt_for(kind, optional=True), " SKIP ") is SKIP
    with pytest.raises(Interrupted):
        understand(prompt_for(kind), "pause")


def test_back_at_the_first_question_and_skip_at_a_required_one_say_why_not() -> None:
    """With nothing before it, "back" is explained; "skip" at a required question too."""
    assert "first question" in unreadable(prompt_for("text"), "back")
    assert "cannot be skipped" in unreadable(prompt_for("select"), "skip")


# the asker, from a script of lines


def run(prompt: Prompt, *lines: str) -> tuple[Any, str]:
    """What the asker returns for the typed lines, and everything it wrote."""
    out = io.StringIO()
    answer = PlainAsker(io.StringIO("".join(f"{line}\n" for line in lines)), out).ask(prompt)
    return answer, out.getvalue()


def test_the_question_and_numbered_choices_are_plain_lines() -> None:
    """A list is the question, then each choice on a line with its number, then how to
    answer; nothing but printable text."""
    prompt = prompt_for("checkbox", position=4, total=16, other="Something else")
    answer, out = run(prompt, "1,2")
    lines = out.splitlines()
    start = lines.index("Question 4 of 16: How was it?")
    assert lines[start + 1:start + 7] == [
        "1. Hurt", "2. Lonely", "3. Sad", "4. I said okay, but it hurt",
        "5. Numb (or nothing much at all)", "6. Something else"]
    assert answer == ["hurt", "lonely"]
    assert "Chose: Hurt, Lonely" in lines
    assert "\x1b" not in out


def test_a_yes_or_no_question_is_numbered_too() -> None:
    """Yes and No are listed as 1 and 2, and what was understood is said."""
    answer, out = run(prompt_for("confirm"), "2")
    assert answer is False
    assert "1. Yes\n2. No\n" in out
    assert "Chose: No" in out


def test_an_unreadable_line_is_explained_and_asked_again() -> None:
    """After a line it cannot read, the asker says what it can read and reads another."""
    answer, out = run(prompt_for("scale"), "very", "11", "8")
    assert answer == 8
    assert out.count("Type a number from 0 (barely there) to 10") == 3
    assert 'I could not read "very" as a number here.' in out
    assert "Chose: 8" in out


def test_the_typed_words_are_said_once_at_the_start() -> None:
    """The words for back, skip and pause are said before the first note, once."""
    out = io.StringIO()
    asker = PlainAsker(io.StringIO("x\ny\n"), out)
    asker.say("A first note.")
    asker.ask(prompt_for("text", position=1, total=2))
    asker.ask(prompt_for("text", position=2, total=2))
    text = out.getvalue()
    assert text.count("Type back to go to the question before") == 1
    assert text.index("Type back") < text.index("A first note.")


def test_own_words_follow_the_other_entry() -> None:
    """Picking "other" asks for own words, which join the choices picked."""
    prompt = prompt_for("checkbox", other="Something else", other_question="In a word?")
    answer, out = run(prompt, "1,6", "raw")
    assert answer == ["hurt", "raw"]
    assert "In a word?" in out
    assert "Chose: Hurt, raw" in out


def test_back_from_own_words_shows_the_list_again() -> None:
    """"back" at the own-words question returns to the list."""
    prompt = prompt_for("select", other="Something else")
    answer, out = run(prompt, "6", "back", "3")
    assert answer == "sad"
    assert out.count("1. Hurt") == 2


def test_earlier_own_words_are_kept_by_enter() -> None:
    """Earlier own words, from going back, are kept by Enter on its own."""
    prompt = prompt_for("select", other="Something else", default="raw")
    answer, out = run(prompt, "")
    assert answer == "raw"
    assert "Enter on its own keeps: raw" in " ".join(out.split())


def test_the_end_of_the_input_stops_and_stays_stopped() -> None:
    """When a pipe ends, asking stops, and every later question stops at once, unasked."""
    out = io.StringIO()
    asker = PlainAsker(io.StringIO("first\n"), out)
    assert asker.ask(prompt_for("text")) == "first"
    with pytest.raises(Interrupted):
        asker.ask(prompt_for("text"))
    assert asker.ended
    written = out.getvalue()
    with pytest.raises(Interrupted):
        asker.ask(prompt_for("select", question="Keep them?"))
    assert out.getvalue() == written


def test_control_characters_are_never_written() -> None:
    """Escape codes in a question, a label or a typed line are taken out when shown."""
    prompt = prompt_for("select", question="Red\x1b[31m?", choices=(
        Choice("a", "Clear\x1b[2J screen"),))
    _, out = run(prompt, "oops\x1b]0;title\x07", "1")
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Clear[2J screen" in out


def test_a_whole_quick_reflection_from_typed_lines(shipped_packs) -> None:
    """The quick pack, answered line by line with numbers, words, back and Enter."""
    lines = ["Texted to ask for a call", "hurt, 11", "6",
             "back", "", "",  # back to the feelings, each kept by Enter
             "8, rest", "1", ""]  # the end rating starts at the start: Enter keeps 6
    out = io.StringIO()
    asker = PlainAsker(io.StringIO("".join(line + "\n" for line in lines)), out)
    answers = run_reflection(shipped_packs["hearing-no-quick"], asker)
    assert answers == {**QUICK, "what_happened": "Texted to ask for a call",
                       "emotions": ["hurt", "sad"], "intensity": 6, "need": ["rest"],
                       "reframe": "one-moment", "intensity_now": 6}
    assert "Chose: Hurt, Sad" in out.getvalue()


@pytest.mark.parametrize(("variables", "plain"), [
    ({}, False), ({"REFLECT_PLAIN": "1"}, True), ({"REFLECT_PLAIN": "yes"}, True),
    ({"REFLECT_PLAIN": "0"}, False), ({"REFLECT_PLAIN": ""}, False),
    ({"TERM": "dumb"}, True),
])
def test_plain_mode_is_on_by_variable_or_a_dumb_terminal(monkeypatch, variables, plain):
    """REFLECT_PLAIN (but not 0 or empty) or TERM=dumb turn plain mode on."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert wanted() is plain
