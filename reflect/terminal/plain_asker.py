"""Plain mode: each question as plain lines, each answer a typed line.

For screen readers, simple terminals and scripts. The PlainAsker writes the question and
its choices, numbered, as lines of text; reads one line; says what it understood; and asks
again, saying what it can read, when it cannot read the answer. It writes no colour and
never moves the cursor, and it reads a pipe as readily as a terminal, one answer a line.
Going back, skipping and pausing are typed words, where the full mode has keys.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from typing import Any, TextIO

from reflect.base.safe_text import printable
from reflect.engine.session import BACK, SKIP, Interrupted, Prompt
from reflect.packs.model import Choice
from reflect.review.entry_text import together

PLAIN_VARIABLE = "REFLECT_PLAIN"
_OFF = ("", "0", "false", "no", "off")

BACK_WORD = "back"
SKIP_WORD = "skip"
PAUSE_WORD = "pause"
WORDS_HINT = (f"Type {BACK_WORD} to go to the question before, {SKIP_WORD} to leave out a "
              f"question that can be skipped, or {PAUSE_WORD} to stop (you can keep what "
              "you wrote).")
ASKING = "Your answer: "
YES, NO = "Yes", "No"

OWN_WORDS = object()
"""Understood as: the "other" entry, to be followed by the person's own words."""


def wanted() -> bool:
    """Whether plain mode is on: REFLECT_PLAIN (which --plain sets) or TERM=dumb. Read at
    each call, like REFLECT_HOME."""
    return (os.environ.get(PLAIN_VARIABLE, "").strip().lower() not in _OFF
            or os.environ.get("TERM") == "dumb")


def choose() -> None:
    """`--plain`: plain mode for the rest of this run."""
    os.environ[PLAIN_VARIABLE] = "1"


class Unreadable(Exception):
    """A typed line that does not answer the question; the message says what would."""


def understand(prompt: Prompt, line: str) -> Any:
    """The answer a typed line gives to the prompt: its value, BACK, SKIP, or OWN_WORDS
    (with the values picked beside it, for a list). Raises Interrupted for the word
    "pause" and Unreadable, with what it can read, for anything else."""
    typed = " ".join(line.split())
    word = typed.lower()
    if word == PAUSE_WORD:
        raise Interrupted
    if word == BACK_WORD:
        if not prompt.can_go_back:
            raise Unreadable("This is the first question, so there is none to go back to.")
        return BACK
    if word == SKIP_WORD:
        if not prompt.optional:
            raise Unreadable("This one needs an answer; it cannot be skipped.")
        return SKIP
    if not typed:
        if _has_default(prompt):
            return prompt.default
        if prompt.optional:
            return SKIP
        raise Unreadable(_needs(prompt))
    kind = prompt.kind
    if kind in ("text", "long_text"):
        return line.strip()
    if kind == "scale":
        return _number(prompt, typed)
    if kind == "confirm":
        return _yes_or_no(typed)
    entries = _entries(prompt)
    if kind == "select":
        return _entry(entries, typed, prompt)
    picked = []
    parts = typed.split(",")
    if len(parts) == 1 and all(part.isdigit() for part in typed.split()):
        parts = typed.split()
    for part in parts:
        if part.strip():
            picked.append(_entry(entries, part.strip(), prompt))
    return list(dict.fromkeys(picked))


def _entries(prompt: Prompt) -> list[tuple[Any, str]]:
    """The numbered entries of a list, as (value, words): its choices, then "other"."""
    entries: list[tuple[Any, str]] = [(c.value, _label(c)) for c in prompt.choices]
    if prompt.other:
        entries.append((OWN_WORDS, prompt.other))
    return entries


def _label(choice: Choice) -> str:
    return f"{choice.label} ({choice.hint})" if choice.hint else choice.label


def _folded(text: str) -> str:
    """Words only, in lower case, for matching what was typed with a label."""
    return " ".join(re.findall(r"[\w']+", text.casefold().replace("\u2019", "'")))


def _entry(entries: list[tuple[Any, str]], typed: str, prompt: Prompt) -> Any:
    """The value of one entry, named by its number or its words."""
    number = typed.rstrip(".)")
    if number.isdigit():
        if 1 <= int(number) <= len(entries):
            return entries[int(number) - 1][0]
        raise Unreadable(f"There is no {number} here. {_how(prompt)}")
    words = _folded(typed)
    if not words:
        raise Unreadable(f'I could not read "{typed}" as a choice. {_how(prompt)}')
    labels = [(value, _folded(label)) for value, label in entries]
    exact = [value for value, label in labels if label == words]
    if exact:
        return exact[0]
    inside = [number for number, (_, label) in enumerate(labels, start=1)
              if f" {words} " in f" {label} "]
    if len(inside) == 1:
        return entries[inside[0] - 1][0]
    if inside:
        named = ", ".join(str(number) for number in inside)
        raise Unreadable(f'"{typed}" fits more than one choice ({named}); type the number '
                         "of the one you mean.")
    raise Unreadable(f'I could not match "{typed}" to a choice. {_how(prompt)}')


def _number(prompt: Prompt, typed: str) -> int:
    if re.fullmatch(r"-?\d+", typed) and prompt.min <= int(typed) <= prompt.max:
        return int(typed)
    raise Unreadable(f'I could not read "{typed}" as a number here. {_how(prompt)}')


def _yes_or_no(typed: str) -> bool:
    word = typed.lower()
    if word in ("1", "y", "yes"):
        return True
    if word in ("2", "n", "no"):
        return False
    raise Unreadable(f'I could not read "{typed}" as yes or no. Type 1 or y for yes, '
                     "2 or n for no.")


def _has_default(prompt: Prompt) -> bool:
    """Whether the prompt has an earlier answer (or a starting point) Enter can keep."""
    default = prompt.default
    if prompt.kind in ("text", "long_text"):
        return isinstance(default, str) and bool(default.strip())
    if prompt.kind == "scale":
        return type(default) is int and prompt.min <= default <= prompt.max
    if prompt.kind == "confirm":
        return isinstance(default, bool)
    known = {choice.value for choice in prompt.choices}
    if prompt.kind == "select":
        return isinstance(default, str) and (default in known or bool(prompt.other))
    return (isinstance(default, list) and bool(default)
            and all(isinstance(v, str) and (v in known or prompt.other) for v in default))


def _needs(prompt: Prompt) -> str:
    if prompt.kind in ("text", "long_text"):
        return "A few words are enough."
    return f"This one needs an answer. {_how(prompt)}"


def _how(prompt: Prompt) -> str:
    """What can be typed at the prompt, in a sentence or two."""
    kind = prompt.kind
    if kind in ("text", "long_text"):
        how = "Type your answer on one line, then press Enter."
    elif kind == "scale":
        low = f" ({prompt.min_label})" if prompt.min_label else ""
        high = f" ({prompt.max_label})" if prompt.max_label else ""
        how = f"Type a number from {prompt.min}{low} to {prompt.max}{high}."
    elif kind == "confirm":
        how = "Type 1 or y for yes, 2 or n for no."
    else:
        count = len(_entries(prompt))
        if kind == "select":
            how = f"Type the number of one choice (1 to {count}), or its words."
        else:
            how = (f"Type the numbers of all that fit (1 to {count}), separated by commas "
                   "like 1,3, or their words.")
        if prompt.other:
            how += f" {count} lets you write your own."
    return how


def _default_words(prompt: Prompt) -> str:
    """The answer Enter on its own keeps, in words."""
    default = prompt.default
    if prompt.kind == "confirm":
        return YES if default else NO
    if prompt.kind == "scale":
        return _scale_words(prompt, default)
    if prompt.kind in ("select", "checkbox"):
        return chosen_words(prompt, default)
    return str(default)


def _scale_words(prompt: Prompt, number: int) -> str:
    label = {prompt.min: prompt.min_label, prompt.max: prompt.max_label}.get(number)
    return f"{number} ({label})" if label else str(number)


def chosen_words(prompt: Prompt, value: Any) -> str:
    """An answer to a list, scale or yes/no question in the words it was offered with."""
    if prompt.kind == "confirm":
        return YES if value else NO
    if prompt.kind == "scale":
        return _scale_words(prompt, value)
    labels = {choice.value: _label(choice) for choice in prompt.choices}
    values = value if isinstance(value, list) else [value]
    return together([labels.get(v, str(v)) for v in values])


class PlainAsker:
    """Asks in plain lines on `output` and reads typed lines from `input` (standard input
    and output unless given): a terminal, or a pipe with one answer a line."""

    def __init__(self, input: TextIO | None = None, output: TextIO | None = None) -> None:
        self.input = input if input is not None else sys.stdin
        self.output = output if output is not None else sys.stdout
        if self.input is sys.stdin and hasattr(sys.stdin, "reconfigure"):
            # A byte that is not UTF-8 becomes a replacement character, not a crash.
            sys.stdin.reconfigure(errors="replace")
        try:
            self.interactive = self.input.isatty()
        except (AttributeError, ValueError):
            self.interactive = False
        self.hinted = False
        self.ended = False
        """Whether the input ended (a pipe ran out): nothing more can be asked."""

    def say(self, text: str) -> None:
        self._hint_once()
        self._write("")
        self._write(text)

    def ask(self, prompt: Prompt) -> Any:
        if self.ended:
            raise Interrupted
        if prompt.total:
            self._hint_once()
        self._show(prompt)
        while True:
            try:
                answer = understand(prompt, self._read())
            except Unreadable as problem:
                self._write(str(problem))
                continue
            if answer is BACK:
                return BACK
            if answer is SKIP:
                self._write("Skipped.")
                return SKIP
            if prompt.kind in ("select", "checkbox"):
                answer = self._own_words(prompt, answer)
                if answer is BACK:
                    self._show(prompt)
                    continue
            if prompt.kind in ("text", "long_text"):
                if answer == prompt.default:
                    self._write(f"Kept: {answer}")
            else:
                self._write(f"Chose: {chosen_words(prompt, answer)}")
            return answer

    def _own_words(self, prompt: Prompt, answer: Any) -> Any:
        """For "other": the person's own words, in place of it (BACK to choose again)."""
        picked = answer if isinstance(answer, list) else [answer]
        if OWN_WORDS not in picked:
            return answer
        known = {choice.value for choice in prompt.choices}
        earlier = prompt.default if isinstance(prompt.default, list) else [prompt.default]
        before = next((v for v in earlier if isinstance(v, str) and v not in known), None)
        words = self.ask(prompt._replace(
            kind="text", question=prompt.other_question or "In your own words:",
            choices=(), optional=False, default=before, other="", total=0,
            can_go_back=True))
        if words is BACK:
            return BACK
        if isinstance(answer, list):
            return [v for v in picked if v is not OWN_WORDS and v not in (words,)] + [words]
        return words

    def _hint_once(self) -> None:
        if not self.hinted:
            self.hinted = True
            self._write(WORDS_HINT)

    def _show(self, prompt: Prompt) -> None:
        self._write("")
        question = prompt.question
        if prompt.total:
            question = f"Question {prompt.position} of {prompt.total}: {question}"
        self._write(question)
        if prompt.kind in ("select", "checkbox"):
            for number, (_, words) in enumerate(_entries(prompt), start=1):
                self._write(f"{number}. {words}", indent=len(f"{number}. "))
        elif prompt.kind == "confirm":
            self._write(f"1. {YES}")
            self._write(f"2. {NO}")
        how = [_how(prompt)]
        if _has_default(prompt):
            how.append(f"Enter on its own keeps: {_default_words(prompt)}")
        elif prompt.optional:
            how.append("Enter on its own skips this one.")
        self._write(" ".join(how))

    def _read(self) -> str:
        """One typed line, without its line ending. The end of the input, or Ctrl-C or
        Ctrl-D at a terminal, stops (Interrupted); a pipe that ends stays ended."""
        self.output.write(ASKING)
        self.output.flush()
        try:
            line = self.input.readline()
        except KeyboardInterrupt:
            self.output.write("\n")
            raise Interrupted from None
        if not line:
            self.output.write("\n")
            self.ended = not self.interactive
            raise Interrupted
        if not self.interactive:  # what a script answered, so its transcript reads whole
            self.output.write(printable(line.rstrip("\r\n"), keep_newlines=False) + "\n")
        return line.rstrip("\r\n")

    def _write(self, text: str, indent: int = 0) -> None:
        """Lines wrapped at words to the terminal (at most 88 columns); a person's words
        and a pack's are shown with control characters taken out."""
        width = max(min(shutil.get_terminal_size().columns, 88) - 1, 20)
        lines = [textwrap.fill(line, width=width, subsequent_indent=" " * indent,
                               break_long_words=False, break_on_hyphens=False)
                 for line in printable(text).splitlines()] or [""]
        self.output.write("\n".join(lines) + "\n")
        self.output.flush()
