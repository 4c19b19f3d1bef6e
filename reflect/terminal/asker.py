"""The Asker that puts prompts to a person in the terminal. The only module that imports
questionary (and prompt_toolkit, which questionary is built on)."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.styles import Style
from questionary.prompts.common import InquirerControl

from reflect.base.safe_text import printable
from reflect.engine.session import BACK, SKIP, Interrupted, Prompt
from reflect.review.entry_text import together

_BACK = "\x00back"
_SKIP = "\x00skip"
_OTHER = "\x00other"
KEYS_HINT = "Shift+Tab goes back a step. Ctrl-C pauses, and you can keep what you wrote."
SKIPPED = "(skipped)"
STYLE = Style([
    ("qmark", "fg:ansicyan"),
    ("question", "bold"),
    ("answer", "fg:ansigreen"),
    ("instruction", "fg:ansibrightblack"),
    ("note", "italic fg:ansicyan"),
    ("hint", "fg:ansibrightblack"),
    ("highlighted", "bold"),
    ("pointer", "fg:ansicyan bold"),
])


def _width() -> int:
    return max(min(shutil.get_terminal_size().columns, 88) - 2, 20)


def _wrap(text: str, indent: int = 0) -> str:
    """Wrap to the terminal (at most 88 columns), leaving room for a prefix on line one."""
    lines = []
    for line in text.splitlines():
        if not line:
            lines.append("")
            continue
        wrapped = textwrap.fill(line, width=_width(), initial_indent=" " * indent)
        lines.append(wrapped[indent:])
    return "\n".join(lines)


def _label(label: str, hint: str) -> str:
    return f"{label} ({hint})" if hint else label


def _choice_title(label: str, indent: int, number: str = "") -> str:
    """A choice's number and label, wrapped under the label when wider than the screen.

    `indent` is the width of what questionary puts before a choice (pointer, box)."""
    lead = f"{number}. " if number else ""
    return textwrap.fill(lead + label, width=_width() - indent,
                         subsequent_indent=" " * (indent + len(lead)))


def _after(text: str, used: int, indent: int) -> str:
    """An answer to show after a question whose last line already takes `used` cells: on
    that line when it fits, else on lines of its own `indent` cells in; wrapped at words."""
    lines = text.splitlines() or [""]
    if len(lines) == 1 and used + 1 + len(lines[0]) <= _width():
        return " " + lines[0]
    wrapped = [textwrap.fill(line, width=_width(), initial_indent=" " * indent,
                             subsequent_indent=" " * indent, break_long_words=False,
                             break_on_hyphens=False) or " " * indent
               for line in lines]
    return "\n" + "\n".join(wrapped)


def _control(question: Any) -> InquirerControl:
    """The list of a questionary select or checkbox, to move its pointer."""
    return next(window.content for window in question.application.layout.find_all_windows()
                if isinstance(window.content, InquirerControl))


def _number_keys(question: Any, numbers: dict[str, int]) -> KeyBindings:
    """Typing a number moves the pointer to its entry (`numbers` maps each to an index).

    Each number is a key sequence, so where one number begins another ("1", "10"),
    prompt_toolkit waits a moment (its `timeoutlen`) for the next digit before it takes
    the shorter one; any other key takes it at once."""
    control = _control(question)
    bindings = KeyBindings()
    for number, index in numbers.items():

        def point(event: Any, index: int = index) -> None:
            control.pointed_at = index

        bindings.add(*number)(point)
    return bindings


def _no_wrap(question: Any, bindings: KeyBindings) -> None:
    """Up and Down (and j, k, Ctrl-P, Ctrl-N) stop at the ends instead of going round."""
    control = _control(question)

    def down(event: Any) -> None:
        control.pointed_at = min(control.pointed_at + 1, control.choice_count - 1)

    def up(event: Any) -> None:
        control.pointed_at = max(control.pointed_at - 1, 0)

    for key in ("down", "j", "c-n"):
        bindings.add(key, eager=True)(down)
    for key in ("up", "k", "c-p"):
        bindings.add(key, eager=True)(up)


class QuestionaryAsker:
    """Asks with questionary; input and output can be given for tests (pipe input)."""

    def __init__(self, input: Any = None, output: Any = None) -> None:
        self.io: dict[str, Any] = {}
        if input is not None:
            self.io["input"] = input
        if output is not None:
            self.io["output"] = output
        self.output = output
        self.hinted = False

    def say(self, text: str) -> None:
        self._hint_once()
        self._print([("", "\n"), ("class:note", _wrap(printable(text)))])

    def _hint_once(self) -> None:
        if not self.hinted:
            self.hinted = True
            self._print([("class:hint", _wrap(KEYS_HINT))])

    def ask(self, prompt: Prompt) -> Any:
        if prompt.total:
            self._hint_once()
        answer = {
            "text": self._text,
            "long_text": self._text,
            "select": self._select,
            "checkbox": self._checkbox,
            "scale": self._scale,
            "confirm": self._confirm,
        }[prompt.kind](prompt)
        if answer == _BACK:
            return BACK
        if answer == _SKIP:
            return SKIP
        return answer

    def _print(self, parts: list[tuple[str, str]]) -> None:
        kwargs: dict[str, Any] = {"style": STYLE}
        if self.output is not None:
            kwargs["output"] = self.output
        print_formatted_text(FormattedText(parts), **kwargs)

    def _run(self, question: Any, extra: KeyBindings | None = None) -> Any:
        """Ask, with Shift+Tab for back and Ctrl-C or Ctrl-D (on empty input) to stop.

        On a stop, Interrupted carries whatever was typed and not yet submitted."""
        bindings = KeyBindings()

        @bindings.add("s-tab", eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=_BACK)

        @bindings.add("c-d", eager=True)
        def _end(event: Any) -> None:
            buffer = event.app.current_buffer
            if not buffer.text:
                event.app.exit(exception=EOFError)
            elif buffer.cursor_position < len(buffer.text):
                buffer.delete()

        application = question.application
        # The question is cleared when answered; _answered writes it again with the answer.
        application.erase_when_done = True
        layers = [application.key_bindings, bindings]
        if extra is not None:
            layers.append(extra)
        application.key_bindings = merge_key_bindings([k for k in layers if k is not None])
        try:
            return question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(application.current_buffer.text) from None

    @staticmethod
    def _mark(prompt: Prompt) -> str:
        return f"{prompt.position}/{prompt.total}" if prompt.total else "?"

    def _message(self, prompt: Prompt, question: str | None = None) -> str:
        return _wrap(printable(question or prompt.question), indent=len(self._mark(prompt)) + 1)

    def _answered(self, prompt: Prompt, answer: str, question: str | None = None) -> None:
        """What stays on the screen once a question is answered: the question, then the
        answer in words (the labels chosen, in full), wrapped at word boundaries."""
        mark = self._mark(prompt)
        message = self._message(prompt, question)
        last = message.rsplit("\n", 1)[-1]
        used = len(last) + (len(mark) + 1 if "\n" not in message else 0)
        self._print([("class:qmark", mark), ("", " "), ("class:question", message),
                     ("class:answer", _after(printable(answer), used, len(mark) + 1))])

    def _text(self, prompt: Prompt, question: str | None = None, default: str = "",
              required: bool | None = None) -> Any:
        long = prompt.kind == "long_text" and question is None
        must = (not prompt.optional) if required is None else required
        if default == "" and question is None and isinstance(prompt.default, str):
            default = prompt.default
        hints = []
        if long:
            hints.append("Enter when done, Alt+Enter for a new line")
        if not must:
            hints.append("Enter on its own to skip")
        bindings = None
        if long:
            bindings = KeyBindings()

            @bindings.add("enter", eager=True)
            def _submit(event: Any) -> None:
                event.current_buffer.validate_and_handle()

            @bindings.add("escape", "enter", eager=True)
            def _newline(event: Any) -> None:
                event.current_buffer.insert_text("\n")

        def validate(text: str) -> bool | str:
            if must and not text.strip():
                return "A few words are enough. (Shift+Tab goes back.)"
            return True

        instruction = "\n" + _wrap(f"({'; '.join(hints)})") + "\n" if hints else "\n"
        question_obj = questionary.text(
            self._message(prompt, question), default=default, qmark=self._mark(prompt),
            style=STYLE, validate=validate, multiline=long, instruction=instruction,
            **self.io)
        try:
            answer = self._run(question_obj, bindings)
        except Interrupted as stop:
            if question is not None:
                raise Interrupted from None
            raise stop from None
        if answer == _BACK:
            return _BACK
        if not answer.strip() and not must and question is None:
            self._answered(prompt, SKIPPED)
            return _SKIP
        self._answered(prompt, answer, question)
        return answer

    def _options(self, prompt: Prompt, skip: bool = False) -> list[tuple[Any, str]]:
        """Every entry of a list as (value, words): the choices, "other", "skip"."""
        options: list[tuple[Any, str]] = [(c.value, _label(c.label, c.hint))
                                          for c in prompt.choices]
        if prompt.other:
            options.append((_OTHER, prompt.other))
        if skip:
            options.append((_SKIP, "Skip this one"))
        return options

    def _choices(self, options: list[tuple[Any, str]], checked: list[Any],
                 indent: int) -> list[questionary.Choice]:
        """The entries numbered from 1, the number set to the width of the largest."""
        size = len(str(len(options)))
        return [questionary.Choice(title=_choice_title(printable(words), indent,
                                                       f"{number:>{size}}"),
                                   value=value, checked=value in checked)
                for number, (value, words) in enumerate(options, start=1)]

    def _listed(self, question: Any, options: list[tuple[Any, str]]) -> KeyBindings:
        return _number_keys(question, {str(n): n - 1 for n in range(1, len(options) + 1)})

    def _custom(self, prompt: Prompt, previous: list[Any]) -> Any:
        known = {c.value for c in prompt.choices}
        earlier = next((v for v in previous
                        if isinstance(v, str) and v not in known and v != _OTHER), "")
        return self._text(prompt, question=prompt.other_question or "In your own words:",
                          default=earlier, required=True)

    def _select(self, prompt: Prompt) -> Any:
        previous = [prompt.default] if isinstance(prompt.default, str) else []
        options = self._options(prompt, skip=prompt.optional)
        values = [value for value, _ in options]
        default: Any = prompt.default if prompt.default in values else (
            _OTHER if previous and _OTHER in values else None)
        if default is None and prompt.optional:
            default = _SKIP
        words = dict(options)
        while True:
            question = questionary.select(
                self._message(prompt), choices=self._choices(options, [], 3),
                default=default, qmark=self._mark(prompt), style=STYLE,
                instruction="\n  (a number or the arrow keys, then Enter)", **self.io)
            answer = self._run(question, self._listed(question, options))
            if answer == _BACK:
                return _BACK
            self._answered(prompt, SKIPPED if answer == _SKIP else words[answer])
            if answer != _OTHER:
                return answer
            custom = self._custom(prompt, previous)
            if custom != _BACK:
                return custom
            default = _OTHER

    def _checkbox(self, prompt: Prompt) -> Any:
        picked = list(prompt.default) if isinstance(prompt.default, list) else []
        options = self._options(prompt)
        words = dict(options)

        def validate(chosen: list[Any]) -> bool | str:
            if not chosen and not prompt.optional:
                return "Pick at least one with Space, then press Enter."
            return True

        hint = "\n  (a number or the arrow keys to move, Space to pick, Enter when done" + (
            "; nothing picked skips)" if prompt.optional else ")")
        while True:
            known = {c.value for c in prompt.choices}
            ticked = [_OTHER if v not in known else v for v in picked]
            question = questionary.checkbox(
                self._message(prompt), choices=self._choices(options, ticked, 5),
                qmark=self._mark(prompt), style=STYLE, validate=validate,
                instruction=hint, **self.io)
            answer = self._run(question, self._listed(question, options))
            if answer == _BACK:
                return _BACK
            self._answered(prompt, together([words[v] for v in answer]) or SKIPPED)
            if not answer:
                return _SKIP
            if _OTHER not in answer:
                return answer
            custom = self._custom(prompt, picked)
            if custom != _BACK:
                return [v for v in answer if v != _OTHER] + [custom]
            earlier_words = [v for v in picked if v not in known]
            picked = answer + earlier_words

    def _scale(self, prompt: Prompt) -> Any:
        """A number on the scale: typed (1 then 0 is ten), or moved to with the arrows,
        which stop at the ends. It starts at the earlier answer (or the start rating)."""
        size = max(len(str(prompt.min)), len(str(prompt.max)))
        choices, words = [], {}
        for number in range(prompt.min, prompt.max + 1):
            label = {prompt.min: prompt.min_label, prompt.max: prompt.max_label}.get(number)
            title = f"{number:>{size}}  {label}" if label else f"{number:>{size}}"
            choices.append(questionary.Choice(title=title, value=number))
            words[number] = f"{number} ({label})" if label else str(number)
        if prompt.optional:
            choices.append(questionary.Choice(title="Skip this one", value=_SKIP))
        fits = type(prompt.default) is int and prompt.min <= prompt.default <= prompt.max
        default: Any = prompt.default if fits else (_SKIP if prompt.optional else None)
        question = questionary.select(
            self._message(prompt), choices=choices, default=default,
            qmark=self._mark(prompt), style=STYLE,
            instruction="\n  (type the number, or use the arrow keys; then Enter)", **self.io)
        bindings = _number_keys(question, {str(number): number - prompt.min
                                           for number in range(prompt.min, prompt.max + 1)})
        _no_wrap(question, bindings)
        answer = self._run(question, bindings)
        if answer != _BACK:
            self._answered(prompt, SKIPPED if answer == _SKIP else words[answer])
        return answer

    def _confirm(self, prompt: Prompt) -> Any:
        default = prompt.default if isinstance(prompt.default, bool) else True
        answer = self._run(questionary.confirm(
            self._message(prompt), default=default, qmark=self._mark(prompt), style=STYLE,
            **self.io))
        if answer != _BACK:
            self._answered(prompt, "Yes" if answer else "No")
        return answer
