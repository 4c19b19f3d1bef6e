"""The questionary Asker, driven for real through prompt_toolkit pipe input.

Keys are sent before a question is asked; prompt_toolkit reads them as if typed, and keys
left over when one question ends carry on to the next (its type-ahead store).
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput, create_output

from reflect.engine.session import BACK, SKIP, Interrupted, Prompt
from reflect.packs.model import Choice
from reflect.terminal.asker import KEYS_HINT, QuestionaryAsker

pytestmark = pytest.mark.timeout(10)

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
SPACE = " "
SHIFT_TAB = "\x1b[Z"
CTRL_C = "\x03"
CTRL_D = "\x04"
ALT_ENTER = "\x1b\r"

FEELINGS = (
    Choice("sad", "Sad"),
    Choice("angry", "Angry", hint="hot"),
    Choice("relieved", "Relieved"),
)
KINDS = ("text", "long_text", "select", "checkbox", "scale", "confirm")


def prompt_for(kind: str, **fields: Any) -> Prompt:
    """A Prompt of the kind, with choices for the kinds that need them."""
    if kind in ("select", "checkbox"):
        fields.setdefault("choices", FEELINGS)
    return Prompt(key="step", kind=kind, question="How was it?", **fields)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes are wrapped to the terminal width; fix it so the written text is predictable."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")


def answer(prompt: Prompt, keys: str) -> Any:
    """What the asker returns when the keys are pressed at the prompt."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return QuestionaryAsker(input=pipe, output=DummyOutput()).ask(prompt)


# text


@pytest.mark.parametrize("typed", ["plain words", "[bold]x[/]", "<b>not html</b> {x}",
                                   "a hug 🤗 and 🌧️ rain"])
def test_text_returns_what_was_typed(typed: str) -> None:
    """What a person types comes back exactly, even when it looks like markup or is emoji."""
    assert answer(prompt_for("text"), typed + ENTER) == typed


def test_required_text_refuses_an_empty_enter() -> None:
    """Enter on an empty required question does nothing; the typed words are then taken."""
    assert answer(prompt_for("text"), ENTER + "at last" + ENTER) == "at last"


def test_required_text_refuses_only_spaces() -> None:
    """A required question is not answered by spaces alone."""
    assert answer(prompt_for("text"), "   " + ENTER + "words" + ENTER) == "   words"


def test_optional_text_empty_enter_skips() -> None:
    """Enter on its own at an optional question skips it."""
    assert answer(prompt_for("text", optional=True), ENTER) is SKIP


def test_text_default_is_filled_in() -> None:
    """An earlier answer is already in the box, so Enter alone keeps it."""
    assert answer(prompt_for("text", default="what I wrote"), ENTER) == "what I wrote"


def test_text_default_can_be_added_to() -> None:
    """Typing at a filled-in answer adds to the end of it."""
    assert answer(prompt_for("text", default="what I"), " wrote" + ENTER) == "what I wrote"


# long_text


def test_long_text_enter_submits() -> None:
    """In a long answer, Enter sends it."""
    assert answer(prompt_for("long_text"), "one line" + ENTER) == "one line"


def test_long_text_alt_enter_starts_a_new_line() -> None:
    """Alt+Enter starts a new line, and Enter then sends both lines."""
    keys = "first" + ALT_ENTER + "second" + ENTER
    assert answer(prompt_for("long_text"), keys) == "first\nsecond"


def test_optional_long_text_empty_enter_skips() -> None:
    """Enter on its own at an optional long question skips it."""
    assert answer(prompt_for("long_text", optional=True), ENTER) is SKIP


# select


def test_select_arrow_down_picks_the_second_choice() -> None:
    """Down then Enter picks the second choice's value."""
    assert answer(prompt_for("select"), DOWN + ENTER) == "angry"


def test_select_arrow_up_from_the_top_wraps_to_the_last() -> None:
    """Up from the first choice goes round to the last one."""
    assert answer(prompt_for("select"), UP + ENTER) == "relieved"


def test_select_points_at_the_default() -> None:
    """An earlier answer is already pointed at, so Enter alone keeps it."""
    assert answer(prompt_for("select", default="relieved"), ENTER) == "relieved"


def test_optional_select_offers_skip() -> None:
    """An optional choice starts on its last entry, "Skip this one": Enter alone skips."""
    assert answer(prompt_for("select", optional=True), ENTER) is SKIP
    assert answer(prompt_for("select", optional=True), DOWN + ENTER) == "sad"


def test_select_other_asks_in_own_words() -> None:
    """Picking the 'other' entry asks for the person's own words and returns them."""
    prompt = prompt_for("select", other="Something else", other_question="Say it your way")
    assert answer(prompt, UP + ENTER + "numb" + ENTER) == "numb"


def test_select_other_needs_words() -> None:
    """The own-words question after 'other' does not take an empty Enter."""
    prompt = prompt_for("select", other="Something else", optional=True)
    assert answer(prompt, UP + ENTER + ENTER + "numb" + ENTER) == "numb"


def test_select_other_remembers_earlier_words() -> None:
    """An earlier own-words answer points at 'other' and is filled in again."""
    prompt = prompt_for("select", other="Something else", default="numb")
    assert answer(prompt, ENTER + ENTER) == "numb"


def test_select_other_back_returns_to_the_list() -> None:
    """Shift+Tab at the own-words question goes back to the list, still on 'other'."""
    prompt = prompt_for("select", other="Something else")
    assert answer(prompt, UP + ENTER + SHIFT_TAB + UP + ENTER) == "relieved"


def test_select_earlier_answer_of_another_shape_is_ignored() -> None:
    """An earlier answer that is not a choice (the step was a checkbox) starts at the top."""
    prompt = prompt_for("select", other="Something else", default=["sad", "angry"])
    assert answer(prompt, ENTER) == "sad"


# checkbox


def test_checkbox_space_picks_several() -> None:
    """Space picks each choice under the pointer; Enter returns the picked values."""
    keys = SPACE + DOWN + DOWN + SPACE + ENTER
    assert answer(prompt_for("checkbox"), keys) == ["sad", "relieved"]


def test_required_checkbox_refuses_nothing_picked() -> None:
    """Enter with nothing picked does nothing on a required question; a pick is then taken."""
    assert answer(prompt_for("checkbox"), ENTER + DOWN + SPACE + ENTER) == ["angry"]


def test_optional_checkbox_nothing_picked_skips() -> None:
    """Enter with nothing picked skips an optional question."""
    assert answer(prompt_for("checkbox", optional=True), ENTER) is SKIP


def test_checkbox_other_adds_own_words() -> None:
    """Picking 'other' asks for own words, which join the picked values."""
    prompt = prompt_for("checkbox", other="Something else")
    keys = SPACE + UP + SPACE + ENTER + "numb" + ENTER
    assert answer(prompt, keys) == ["sad", "numb"]


def test_checkbox_defaults_are_picked() -> None:
    """Earlier picks are already ticked, so Enter alone keeps them."""
    prompt = prompt_for("checkbox", default=["angry", "relieved"])
    assert answer(prompt, ENTER) == ["angry", "relieved"]


def test_checkbox_default_can_be_unpicked() -> None:
    """Space on a ticked earlier pick takes it off."""
    prompt = prompt_for("checkbox", default=["sad", "angry"])
    assert answer(prompt, SPACE + ENTER) == ["angry"]


def test_checkbox_earlier_own_words_are_kept() -> None:
    """Earlier own words tick 'other' and fill in its question again."""
    prompt = prompt_for("checkbox", other="Something else", default=["sad", "numb"])
    assert answer(prompt, ENTER + ENTER) == ["sad", "numb"]


# scale


def test_scale_returns_a_number() -> None:
    """Enter on a scale returns the number pointed at, starting from the bottom."""
    result = answer(prompt_for("scale", min=1, max=5), ENTER)
    assert result == 1
    assert type(result) is int


def test_scale_down_moves_up_the_scale() -> None:
    """Each Down goes one higher on the scale."""
    prompt = prompt_for("scale", min=0, max=10, min_label="calm", max_label="storm")
    assert answer(prompt, DOWN + DOWN + DOWN + ENTER) == 3


def test_scale_points_at_the_default() -> None:
    """An earlier number is already pointed at, so Enter alone keeps it."""
    assert answer(prompt_for("scale", default=7), ENTER) == 7


@pytest.mark.parametrize("earlier", [8, -1, True, "3"])
def test_scale_earlier_answer_off_the_scale_is_ignored(earlier: Any) -> None:
    """An earlier answer that is not on the scale (its range changed) starts at the bottom."""
    assert answer(prompt_for("scale", min=2, max=5, default=earlier), ENTER) == 2


def test_optional_scale_offers_skip() -> None:
    """An optional scale has a last entry that skips the question."""
    assert answer(prompt_for("scale", min=1, max=3, optional=True), ENTER) is SKIP


# confirm


@pytest.mark.parametrize(("key", "expected"), [("y", True), ("n", False)])
def test_confirm_takes_yes_or_no(key: str, expected: bool) -> None:
    """Pressing y or n answers a yes-or-no question at once."""
    assert answer(prompt_for("confirm"), key) is expected


@pytest.mark.parametrize("default", [True, False])
def test_confirm_enter_keeps_the_default(default: bool) -> None:
    """Enter alone gives the yes-or-no question's default."""
    assert answer(prompt_for("confirm", default=default), ENTER) is default


# leaving a question


@pytest.mark.parametrize("kind", KINDS)
def test_shift_tab_goes_back(kind: str) -> None:
    """Shift+Tab at any question means go back a step."""
    assert answer(prompt_for(kind, position=2, total=5, can_go_back=True), SHIFT_TAB) is BACK


def test_shift_tab_goes_back_from_text_with_words() -> None:
    """Shift+Tab goes back even when words are typed (they are not returned)."""
    assert answer(prompt_for("text"), "half a thought" + SHIFT_TAB) is BACK


@pytest.mark.parametrize("kind", KINDS)
def test_ctrl_c_stops(kind: str) -> None:
    """Ctrl-C at any question stops the reflection."""
    with pytest.raises(Interrupted):
        answer(prompt_for(kind), CTRL_C)


@pytest.mark.parametrize("kind", KINDS)
def test_ctrl_d_stops(kind: str) -> None:
    """Ctrl-D at a list, a yes-or-no or an empty text box stops the reflection."""
    with pytest.raises(Interrupted):
        answer(prompt_for(kind), CTRL_D)


def test_ctrl_d_inside_text_deletes_a_character() -> None:
    """Ctrl-D with the cursor inside typed words deletes the character under it."""
    left = "\x1b[D"
    assert answer(prompt_for("text"), "words" + left + CTRL_D + ENTER) == "word"


def test_ctrl_c_in_own_words_stops() -> None:
    """Ctrl-C at the own-words question after 'other' stops the reflection too."""
    prompt = prompt_for("select", other="Something else")
    with pytest.raises(Interrupted):
        answer(prompt, UP + ENTER + CTRL_C)


# say


def written(notes: list[str]) -> str:
    """What say() writes, as plain text, for each note in turn."""
    stream = io.StringIO()
    asker = QuestionaryAsker(output=create_output(stdout=stream))
    for note in notes:
        asker.say(note)
    return stream.getvalue()


def test_say_shows_the_note_after_the_key_hint() -> None:
    """A coach note is shown, after a one-time line about the keys."""
    text = written(["Breathe. It was a no, not a verdict."])
    assert text.index(KEYS_HINT) < text.index("Breathe. It was a no, not a verdict.")


def test_say_shows_the_key_hint_once() -> None:
    """The line about the keys is shown with the first note only."""
    text = written(["first note", "second note"])
    assert text.count(KEYS_HINT) == 1
    assert "first note" in text
    assert "second note" in text


def test_say_takes_out_control_characters() -> None:
    """Control characters in a note are removed, so it cannot ring, recolour or reverse text."""
    text = written(["ring\x07 red\x1b[31m csi\x9b2J flip\u202egalf end"])
    assert "ring red[31m csi2J flipgalf end" in text
    for control in ("\x07", "\x1b", "\x9b", "\u202e"):
        assert control not in text


def test_say_through_dummy_output() -> None:
    """A note goes to the output the asker was given, and counts as having shown the keys."""
    asker = QuestionaryAsker(output=DummyOutput())
    asker.say("a note")
    assert asker.hinted


def test_ctrl_c_carries_the_words_typed_so_far() -> None:
    """Stopping mid-sentence hands the unsent words on, so they can be kept in the draft."""
    with pytest.raises(Interrupted) as caught:
        answer(prompt_for("long_text"), "It was late and I" + CTRL_C)
    assert caught.value.partial == "It was late and I"


def test_ctrl_d_after_typed_words_does_not_stop() -> None:
    """Ctrl-D with words in the box neither stops nor loses them; it stops only when empty."""
    assert answer(prompt_for("text"), "half typed" + CTRL_D + ENTER) == "half typed"


def test_going_back_from_own_words_keeps_the_ticks() -> None:
    """Shift+Tab at the own-words question returns to the list with the same boxes ticked."""
    prompt = prompt_for("checkbox", other="Something else")
    keys = SPACE + UP + SPACE + ENTER + SHIFT_TAB + ENTER + "numb" + ENTER
    assert answer(prompt, keys) == ["sad", "numb"]


def shown(prompt: Prompt, keys: str) -> tuple[Any, str]:
    """The answer (None after Ctrl-C), and everything written to the screen, when the keys
    are pressed."""
    stream = io.StringIO()
    got = None
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        asker = QuestionaryAsker(input=pipe, output=create_output(stdout=stream))
        with contextlib.suppress(Interrupted):
            got = asker.ask(prompt)
    return got, stream.getvalue().replace("\r", "")


def answered_line(text: str) -> list[str]:
    """The lines that stay once the question is answered: the last time its mark is shown,
    to the end."""
    return text[text.rindex("4/16 "):].rstrip("\n").split("\n")


def test_long_choices_wrap_instead_of_being_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """A choice wider than the screen is wrapped onto a second line, under its label."""
    monkeypatch.setenv("COLUMNS", "40")
    long = Choice("long", "A choice with a label far longer than forty columns",
                  hint="with them, if they want to")
    _, text = shown(prompt_for("select", choices=(long,)), CTRL_C)
    first = next(line for line in text.split("\n") if "1. A choice" in line)
    after = text.split("\n")[text.split("\n").index(first) + 1:][:2]
    assert all(len(line) <= 38 for line in [first, *after])
    assert all(line.startswith("      ") for line in after)
    assert " ".join(line.strip() for line in [first, *after]).endswith(
        "1. A choice with a label far longer than forty columns (with them, if they want to)")


# typing numbers


ZERO_TO_TEN = {"min": 0, "max": 10, "min_label": "barely there",
               "max_label": "as strong as it gets"}
TWELVE = tuple(Choice(f"c{n}", f"Choice {n}") for n in range(1, 13))


@pytest.mark.parametrize(("keys", "number"), [
    ("7" + ENTER, 7),
    ("1" + "0" + ENTER, 10),
    ("1" + ENTER, 1),
    ("0" + ENTER, 0),
    ("3" + "7" + ENTER, 7),
])
def test_scale_takes_the_number_typed(keys: str, number: int) -> None:
    """Digits choose the number: 7 then Enter is 7, 1 then 0 is 10, 1 then Enter is 1."""
    assert answer(prompt_for("scale", **ZERO_TO_TEN), keys) == number


def test_scale_typed_number_replaces_the_starting_point() -> None:
    """A typed number wins over the earlier answer the scale starts on."""
    assert answer(prompt_for("scale", default=8, **ZERO_TO_TEN), "3" + ENTER) == 3


def test_scale_down_stops_at_the_top() -> None:
    """Down past 10 stays on 10; it does not go round to 0."""
    assert answer(prompt_for("scale", default=9, **ZERO_TO_TEN), DOWN * 3 + ENTER) == 10


def test_scale_up_stops_at_the_bottom() -> None:
    """Up from 0 stays on 0; it does not go round to 10."""
    assert answer(prompt_for("scale", **ZERO_TO_TEN), UP + ENTER) == 0


def test_optional_scale_down_stops_at_skip() -> None:
    """On an optional scale Down goes from the top number to "Skip this one", and no further."""
    prompt = prompt_for("scale", min=1, max=3, optional=True, default=3)
    assert answer(prompt, DOWN * 3 + ENTER) is SKIP
    assert answer(prompt, DOWN * 3 + UP + ENTER) == 3


def test_scale_with_negative_numbers_takes_a_typed_minus() -> None:
    """On a scale below zero, typing the minus sign and the digit picks that number."""
    assert answer(prompt_for("scale", min=-3, max=3), "-" + "2" + ENTER) == -2


@pytest.mark.parametrize(("keys", "value"), [
    ("3" + ENTER, "c3"),
    ("1" + "2" + ENTER, "c12"),
    ("1" + ENTER, "c1"),
    ("1" + "0" + ENTER, "c10"),
])
def test_select_takes_the_number_typed(keys: str, value: str) -> None:
    """In a list, typing a choice's number moves to it, two digits when there are more
    than nine; Enter takes it."""
    assert answer(prompt_for("select", choices=TWELVE), keys) == value


def test_select_number_reaches_skip_and_other() -> None:
    """"Something else" and "Skip this one" have numbers too."""
    prompt = prompt_for("select", other="Something else", optional=True)
    assert answer(prompt, "5" + ENTER) is SKIP
    assert answer(prompt, "4" + ENTER + "numb" + ENTER) == "numb"


def test_checkbox_number_moves_to_the_choice_and_space_picks_it() -> None:
    """In a checklist, a number moves to that choice and Space picks it."""
    keys = "3" + SPACE + "1" + SPACE + ENTER
    assert answer(prompt_for("checkbox"), keys) == ["sad", "relieved"]
    keys = "1" + "1" + SPACE + "2" + SPACE + ENTER
    assert answer(prompt_for("checkbox", choices=TWELVE), keys) == ["c2", "c11"]


@pytest.mark.parametrize("kind", ["select", "checkbox"])
def test_lists_show_their_numbers(kind: str) -> None:
    """Every entry of a list is shown with its number."""
    _, text = shown(prompt_for(kind, other="Something else"), CTRL_C)
    for line in ("1. Sad", "2. Angry (hot)", "3. Relieved", "4. Something else"):
        assert line in text


# answered lines


def test_a_checklist_answer_shows_every_label_picked() -> None:
    """Once answered, a checklist shows the labels picked, not a count of them."""
    prompt = prompt_for("checkbox", position=4, total=16)
    got, text = shown(prompt, SPACE + DOWN + SPACE + DOWN + SPACE + ENTER)
    assert got == ["sad", "angry", "relieved"]
    assert answered_line(text) == ["4/16 How was it? Sad, Angry (hot), Relieved"]


def test_a_long_answer_wraps_at_word_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer too long for the line goes under the question, broken between words, in
    full."""
    monkeypatch.setenv("COLUMNS", "40")
    label = "Their no was about their needs, not my worth"
    prompt = prompt_for("select", choices=(Choice("needs", label),), position=4, total=16)
    got, text = shown(prompt, ENTER)
    assert got == "needs"
    lines = answered_line(text)
    assert lines[0] == "4/16 How was it?"
    assert all(line.startswith("     ") and len(line) <= 38 for line in lines[1:])
    assert " ".join(line.strip() for line in lines[1:]) == label
    for line in lines[1:]:
        assert all(word in label.split() for word in line.split())


def test_labels_with_commas_are_kept_apart_by_semicolons() -> None:
    """When a label picked has a comma of its own, the labels are set apart by semicolons."""
    prompt = prompt_for("checkbox", position=4, total=16, choices=(
        Choice("a", "Their no was about them, not me"), Choice("b", "Hurt")))
    _, text = shown(prompt, SPACE + DOWN + SPACE + ENTER)
    assert answered_line(text) == ["4/16 How was it? Their no was about them, not me; Hurt"]


@pytest.mark.parametrize(("kind", "keys", "said"), [
    ("scale", "7" + ENTER, "7"),
    ("scale", "1" + "0" + ENTER, "10 (as strong as it gets)"),
    ("confirm", "n", "No"),
    ("text", "in my own words" + ENTER, "in my own words"),
])
def test_the_answered_line_shows_the_answer_in_words(kind: str, keys: str, said: str) -> None:
    """A number, a yes or no, or the words typed stay after the question."""
    prompt = prompt_for(kind, position=4, total=16, **(ZERO_TO_TEN if kind == "scale" else {}))
    _, text = shown(prompt, keys)
    assert answered_line(text) == [f"4/16 How was it? {said}"]


def test_a_skipped_question_says_so() -> None:
    """Skipping leaves "(skipped)" after the question."""
    _, text = shown(prompt_for("checkbox", optional=True, position=4, total=16), ENTER)
    assert answered_line(text) == ["4/16 How was it? (skipped)"]
