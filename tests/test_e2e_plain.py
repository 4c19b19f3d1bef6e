"""End to end, plain mode: `reflect --plain` asked and answered in typed lines, in a
pseudo-terminal as a screen-reader user would, and from a pipe as a script would. The
installed `reflect` (helpers from test_e2e); each saved entry is read back through
`reflect export --format json`."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from reflect.packs.load import discover

from test_e2e import (
    EXE,
    Terminal,
    draft_of,
    env,
    journal_of,
    pytestmark,
    start,
    words,
)

ASKING = "Your answer: "


def reply(terminal: Terminal, question: str, line: str) -> None:
    """Wait for the question (its words, whatever the wrapping), then type the line."""
    terminal.expect(words(question))
    terminal.expect(re.escape(ASKING))
    terminal.send(line + "\r")


def run(env: dict[str, str], args: list[str], lines: list[str]) -> subprocess.CompletedProcess[str]:
    """reflect with the lines on its standard input, from a pipe."""
    return subprocess.run([str(EXE), *args], input="".join(line + "\n" for line in lines),
                          capture_output=True, text=True, env=env, timeout=30, check=False)


def exported(env: dict[str, str]) -> list[dict[str, Any]]:
    """Every saved reflection, as `reflect export --format json` gives them."""
    done = subprocess.run([str(EXE), "export", "--format", "json"], capture_output=True,
                          text=True, env=env, timeout=30, check=True)
    entries: list[dict[str, Any]] = json.loads(done.stdout)["entries"]
    return entries


def first_alternative(answers: dict[str, Any]) -> str:
    """The value of the first other way the default pack offers after these answers."""
    [pack] = [p for p in discover(None)[0] if p.id == "hearing-no"]
    return pack.step("alternatives").choices_for(answers)[0].value


# The default pack answered from a pipe: numbers, words, own words, skips and Enter.
PIPED = [
    ("What happened?", "I asked for a cuddle after dinner"),
    ("What kind of moment", "2"),  # a hug, a cuddle or time close
    ("How did they let you know", "kindly"),
    ("What are you feeling", "1, lonely"),
    ("How strong is the feeling right now", "7"),
    ("What did the no seem", "That I'm too much"),
    ("Does that story fall", "skip"),
    ("What else might the no", "1, 10"),  # tired; I don't know, and that's okay
    ("What were you hoping to feel", "closeness, 3"),  # and affection or touch
    ("What might they have needed", ""),  # optional: skipped
    ("How did you respond", "respected it"),
    ("What do you feel like doing", "6"),  # talk to a friend
    ("What else could meet", "1"),
    ("Which of these feels true", "their needs"),
    ("How strong is the feeling now", "4"),
    ("One thing to remember", "Be kind to myself"),
]


def test_a_whole_reflection_from_a_pipe_saves_every_answer(env, reflect_home):
    """`printf ... | reflect --plain` asks every question in turn and saves the entry."""
    done = run(env, ["--plain"], [line for _, line in PIPED])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for number, (question, _) in enumerate(PIPED, start=1):
        assert re.search(rf"Question {number} of 16: {words(question)}", out), question
    assert "Chose: Hurt, Lonely" in out
    assert "Chose: Closeness, Affection or touch" in out
    assert "Reflection #1 is saved." in out
    assert "\x1b" not in out + done.stderr

    [entry] = exported(env)
    answers = {
        "what_happened": "I asked for a cuddle after dinner",
        "moment": "declined-closeness",
        "how_declined": "kindly",
        "emotions": ["hurt", "lonely"],
        "intensity": 7,
        "story": "That I'm too much",
        "not_about_me": ["tired", "dont-know"],
        "need": ["closeness", "affection"],
        "responded": "respected",
        "urge": ["talk-to-someone"],
        "reframe": "their-needs",
        "intensity_now": 4,
        "remember": "Be kind to myself",
    }
    alternative = first_alternative(answers)
    assert entry["answers"] == {**answers, "alternatives": [alternative]}
    assert entry["pack"] == {"id": "hearing-no", "version": 2}
    assert entry["derived"] == {
        "title": "I asked for a cuddle after dinner",
        "kind": "declined-closeness",
        "emotions": ["hurt", "lonely"],
        "needs": ["closeness", "affection"],
        "intensity_before": 7,
        "intensity_after": 4,
        "alternatives": [alternative],
        "reframe": "their-needs",
        "remember": "Be kind to myself",
    }
    assert not draft_of(reflect_home).exists()


def test_a_pipe_that_ends_early_keeps_a_draft_and_says_so(env, reflect_home):
    """Input that runs out mid-way: a clear line, exit 1, the answers kept as a draft and
    nothing in the journal; a second pipe picks the draft up and finishes it."""
    done = run(env, ["--plain"], ["Cut short", "2", "kindly"])
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert "The input ended before the last question." in said
    assert "reflect new --plain --resume" in said
    assert "Traceback" not in done.stdout + done.stderr
    assert draft_of(reflect_home).exists()
    assert not journal_of(reflect_home).exists()

    rest = [line for _, line in PIPED[3:]]
    again = run(env, ["new", "--plain", "--resume"], rest)
    assert again.returncode == 0, again.stderr
    [entry] = exported(env)
    assert entry["answers"]["what_happened"] == "Cut short"
    assert entry["answers"]["how_declined"] == "kindly"
    assert entry["answers"]["remember"] == "Be kind to myself"
    assert not draft_of(reflect_home).exists()


def test_an_empty_pipe_saves_nothing(env, reflect_home):
    """No input at all: the clear line and exit 1, and no journal or draft is made."""
    done = run(env, ["--plain"], [])
    assert done.returncode == 1
    assert "Nothing was saved." in " ".join(done.stderr.split())
    assert not journal_of(reflect_home).exists()
    assert not draft_of(reflect_home).exists()


QUICK_LINES = ["Texted; they were too tired", "sad", "5", "8", "1", ""]


@pytest.mark.parametrize(("variables", "args"), [
    ({"REFLECT_PLAIN": "1"}, ["new", "--quick"]),
    ({"TERM": "dumb"}, ["new", "--quick"]),
    ({}, ["new", "--quick", "--plain"]),
    ({}, ["--plain", "new", "--quick"]),
])
def test_plain_mode_by_variable_dumb_terminal_or_flag(env, variables, args):
    """REFLECT_PLAIN=1, TERM=dumb, `new --plain` and `--plain new` all ask in lines."""
    env.update(variables)
    done = run(env, args, QUICK_LINES)
    assert done.returncode == 0, done.stderr
    assert "Question 6 of 6" in done.stdout
    [entry] = exported(env)
    assert entry["answers"] == {"what_happened": "Texted; they were too tired",
                                "emotions": ["sad"], "intensity": 5, "need": ["rest"],
                                "reframe": "one-moment", "intensity_now": 5}


def test_without_plain_mode_a_pipe_is_still_refused(env, reflect_home):
    """Without --plain, input from a pipe is the clear exit 2 it always was, naming --plain."""
    done = run(env, ["new", "--quick"], QUICK_LINES)
    assert done.returncode == 2
    said = " ".join(done.stderr.split())
    assert "needs an interactive terminal" in said
    assert "reflect --plain" in said
    assert not reflect_home.exists()


def test_a_whole_reflection_in_plain_mode_at_a_terminal(start, env, reflect_home):
    """At a terminal, `reflect --plain` is typed lines only: numbers, words, own words,
    back, skip and an unreadable line asked again; nothing but plain text is written."""
    env.pop("NO_COLOR", None)
    terminal = start("--plain")
    terminal.expect(words("Type back to go to the question before, skip to leave out"))
    terminal.expect(words("not a therapist"))
    reply(terminal, "Question 1 of 16: What happened?", "We were on the couch")
    terminal.expect(words("1. A partner said no to sex or something sexual"))
    terminal.expect(words("7. Something else (I'll write it)"))
    reply(terminal, "Type the number of one choice (1 to 7)", "9")
    reply(terminal, "There is no 9 here.", "1")
    reply(terminal, "Question 3 of 16", "skip")
    reply(terminal, "Question 4 of 16", "hurt, 16")
    reply(terminal, "What else are you feeling", "small")
    terminal.expect(words("Chose: Hurt, small"))
    reply(terminal, "Question 5 of 16", "8")
    reply(terminal, "Question 6 of 16", "back")
    reply(terminal, "Enter on its own keeps: 8", "")
    reply(terminal, "Question 6 of 16", "Not wanted")
    reply(terminal, "Question 7 of 16", "2")
    reply(terminal, "Question 8 of 16", "don't know")
    reply(terminal, "Question 9 of 16", "1")
    reply(terminal, "Question 10 of 16", "Rest")
    reply(terminal, "Question 11 of 16", "1")
    reply(terminal, "Question 12 of 16", "")
    reply(terminal, "Question 13 of 16", "1")
    reply(terminal, "Question 14 of 16", "1")
    reply(terminal, "Question 15 of 16", "")  # starts at the start rating: kept
    terminal.expect(words("Chose: 8"))
    reply(terminal, "Question 16 of 16", "")
    terminal.expect(words("Reflection #1 is saved."))
    assert terminal.end() == 0
    assert "\x1b" not in terminal.raw  # no colour, no cursor movement
    assert "How strong: 8 at the start and 8 at the end, out of 10." in terminal.screen

    [entry] = exported(env)
    answers = {
        "what_happened": "We were on the couch",
        "moment": "declined-intimacy",
        "emotions": ["hurt", "small"],
        "intensity": 8,
        "story": "Not wanted",
        "thinking_trap": ["mind-reading"],
        "not_about_me": ["dont-know"],
        "need": ["release"],
        "their_side": "Rest",
        "responded": "respected",
        "reframe": "one-moment",
        "intensity_now": 8,
    }
    assert entry["answers"] == {**answers, "alternatives": [first_alternative(answers)]}
    assert entry["derived"]["intensity_before"] == 8
    assert entry["derived"]["intensity_after"] == 8


def test_pause_in_plain_mode_keeps_a_draft_that_plain_reflect_offers(start, reflect_home):
    """Typing pause asks whether to keep the answers; kept, plain `reflect` offers them."""
    terminal = start("--plain", "new", "--quick")
    reply(terminal, "Question 1 of 6", "Paused in plain mode")
    reply(terminal, "Question 2 of 6", "pause")
    reply(terminal, "Paused. Keep your answers so far", "1")
    assert terminal.end() == 130
    assert "reflect new --plain --resume" in terminal.screen
    assert "reflect new --resume" not in terminal.screen  # only the plain way is named
    assert draft_of(reflect_home).exists()
    assert not journal_of(reflect_home).exists()

    again = start("--plain")
    reply(again, "You have an unfinished reflection", "yes, carry on")
    for number, line in enumerate(QUICK_LINES[1:], start=2):
        reply(again, f"Question {number} of 6", line)
    assert again.end() == 0
    assert "Reflection #1 is saved." in again.screen
    assert not draft_of(reflect_home).exists()
