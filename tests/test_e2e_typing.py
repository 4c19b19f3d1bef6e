"""End to end, typing: numbers typed on the scale and in lists, and the answered lines left
on the screen. The installed `reflect` in a pseudo-terminal (helpers from test_e2e)."""

from __future__ import annotations

import re

from test_e2e import (
    ANSI,
    DOWN,
    ENTER,
    QUICK,
    SPACE,
    UP,
    Terminal,
    entries,
    env,
    pytestmark,
    question,
    start,
    words,
)


def answered(terminal: Terminal, mark: str) -> list[str]:
    """The lines left on the screen for the question numbered `mark` ("5/6") once it was
    answered: written last, after the live question was cleared, up to a blank line."""
    shown = re.sub(ANSI, "", terminal.raw)
    block = shown[shown.rindex(f"{mark} "):].replace("\r", "").split("\n")
    lines = []
    for line in block:
        if not line.strip():
            break
        lines.append(line)
    return lines


def test_typed_digits_choose_the_number_on_the_scale(start, reflect_home):
    """1 then 0 typed at once is 10; 7 then Enter is 7; Down from 10 stays on 10."""
    terminal = start("new", "--quick")
    terminal.walk(QUICK, {1: "Typed numbers" + ENTER, 2: SPACE + ENTER,
                          3: "1" + "0" + DOWN * 2 + ENTER, 4: SPACE + ENTER, 5: ENTER,
                          6: "7" + ENTER})
    assert terminal.end() == 0
    assert answered(terminal, "3/6") == [
        "3/6 How strong is the feeling right now? 10 (as strong as it gets)"]
    assert answered(terminal, "6/6") == ["6/6 How strong is the feeling now? 7"]
    assert "10 -> 7 (out of 10)" in terminal.screen
    [entry] = entries(reflect_home)
    assert (entry["answers"]["intensity"], entry["answers"]["intensity_now"]) == (10, 7)


def test_enter_at_the_end_rating_keeps_the_start_rating(start, reflect_home):
    """The end rating starts at the start rating: Enter alone records the same number,
    and Up from 0 stays on 0."""
    terminal = start("new", "--quick")
    terminal.walk(QUICK, {1: "Kept" + ENTER, 2: SPACE + ENTER, 3: "6" + ENTER,
                          4: SPACE + ENTER, 5: ENTER, 6: ENTER})
    assert terminal.end() == 0
    again = start("new", "--quick")
    again.walk(QUICK, {1: "Zero" + ENTER, 2: SPACE + ENTER, 3: UP + ENTER,
                       4: SPACE + ENTER, 5: ENTER, 6: ENTER})
    assert again.end() == 0
    first, second = entries(reflect_home)
    assert (first["answers"]["intensity"], first["answers"]["intensity_now"]) == (6, 6)
    assert (second["answers"]["intensity"], second["answers"]["intensity_now"]) == (0, 0)


def test_lists_are_numbered_and_a_typed_number_moves_to_its_choice(start, reflect_home):
    """Every choice shows its number; typing it moves there (two digits past nine)."""
    terminal = start("new", "--quick")
    terminal.walk(QUICK, {1: "Numbers" + ENTER})
    terminal.expect(question(QUICK, 2))
    terminal.expect(words("16. Something else (I'll write it)"))
    assert re.search(words("1. Hurt"), terminal.raw)
    assert re.search(words("5. Lonely"), terminal.raw)
    terminal.send("5" + SPACE + "1" + "1" + SPACE + ENTER)
    terminal.walk(QUICK, {3: ENTER, 4: "8" + SPACE + ENTER, 5: "2" + ENTER, 6: ENTER})
    assert terminal.end() == 0
    [entry] = entries(reflect_home)
    assert entry["answers"]["emotions"] == ["lonely", "sad"]
    assert entry["answers"]["need"] == ["rest"]
    assert entry["answers"]["reframe"] == "their-needs"


def test_answered_lines_show_the_labels_in_full_wrapped_between_words(start, reflect_home):
    """At 40 columns, each label picked stays on the screen in full, broken only between
    words; a checklist shows every label, not a count."""
    terminal = start("new", "--quick", columns=40)
    terminal.walk(QUICK, {1: "Labels" + ENTER,
                          2: SPACE + "4" + SPACE + "5" + SPACE + "1" + "4" + SPACE + ENTER,
                          3: ENTER, 4: "2" + SPACE + ENTER, 5: "2" + ENTER, 6: ENTER})
    assert terminal.end() == 0
    assert "selections" not in terminal.screen

    feelings = answered(terminal, "2/6")
    assert " ".join(" ".join(feelings).split()).endswith(
        "Pick as many as fit. Hurt, Embarrassed, Lonely, Numb (or nothing much at all)")

    reframe = answered(terminal, "5/6")
    label = "Their no was about their needs, not my worth"
    assert " ".join(" ".join(reframe).split()).endswith(label)
    assert all(len(line) <= 40 for line in feelings + reframe)
    assert len([line for line in reframe if line.startswith("    ")]) > 1
    # Too long for the question's last line, the label has lines of its own, under it.
    own = [line for line in reframe if line.startswith("    ")]
    assert " ".join(" ".join(own).split()) == label
    for line in own:  # whole words of the label, nothing cut
        assert set(line.split()) <= set(label.split()), line
    [entry] = entries(reflect_home)
    assert entry["answers"]["reframe"] == "their-needs"
