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

from reflect.safe_text import printable
from reflect.session import BACK, SKIP, Interrupted, Prompt

_BACK = "\x00back"
_SKIP = "\x00skip"
_OTHER = "\x00other"
KEYS_HINT = "Shift+Tab goes back a step. Ctrl-C pauses, and you can keep what you wrote."
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


def _choice_title(label: str, hint: str, indent: int) -> str:
    """A choice's label and hint, wrapped under itself when wider than the screen.

    `indent` is the width of what questionary puts before a choice (pointer, box)."""
    title = f"{label} ({hint})" if hint else label
    return textwrap.fill(title, width=_width() - indent, subsequent_indent=" " * indent)


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
            return _SKIP
        return answer

    def _choices(self, prompt: Prompt, checked: list[Any]) -> list[questionary.Choice]:
        indent = 5 if prompt.kind == "checkbox" else 3
        options = [questionary.Choice(title=_choice_title(c.label, c.hint, indent),
                                      value=c.value,
                                      checked=c.value in checked)
                   for c in prompt.choices]
        if prompt.other:
            known = {c.value for c in prompt.choices}
            custom = [v for v in checked if v == _OTHER or v not in known]
            options.append(questionary.Choice(title=_choice_title(prompt.other, "", indent),
                                              value=_OTHER, checked=bool(custom)))
        return options

    def _custom(self, prompt: Prompt, previous: list[Any]) -> Any:
        known = {c.value for c in prompt.choices}
        earlier = next((v for v in previous
                        if isinstance(v, str) and v not in known and v != _OTHER), "")
        return self._text(prompt, question=prompt.other_question or "In your own words:",
                          default=earlier, required=True)

    def _select(self, prompt: Prompt) -> Any:
        previous = [prompt.default] if isinstance(prompt.default, str) else []
        options = self._choices(prompt, previous)
        if prompt.optional:
            options.append(questionary.Choice(title="Skip this one", value=_SKIP))
        values = [o.value for o in options]
        default: Any = prompt.default if prompt.default in values else (
            _OTHER if previous and _OTHER in values else None)
        if default is None and prompt.optional:
            default = _SKIP
        while True:
            answer = self._run(questionary.select(
                self._message(prompt), choices=options, default=default,
                qmark=self._mark(prompt), style=STYLE,
                instruction="\n  (arrow keys, then Enter)", **self.io))
            if answer != _OTHER:
                return answer
            custom = self._custom(prompt, previous)
            if custom != _BACK:
                return custom
            default = _OTHER

    def _checkbox(self, prompt: Prompt) -> Any:
        picked = list(prompt.default) if isinstance(prompt.default, list) else []

        def validate(chosen: list[Any]) -> bool | str:
            if not chosen and not prompt.optional:
                return "Pick at least one with Space, then press Enter."
            return True

        hint = "\n  (Space to pick, Enter when done" + (
            "; nothing picked skips)" if prompt.optional else ")")
        while True:
            answer = self._run(questionary.checkbox(
                self._message(prompt), choices=self._choices(prompt, picked),
                qmark=self._mark(prompt), style=STYLE, validate=validate,
                instruction=hint, **self.io))
            if answer == _BACK:
                return _BACK
            if not answer:
                return _SKIP
            if _OTHER not in answer:
                return answer
            custom = self._custom(prompt, picked)
            if custom != _BACK:
                return [v for v in answer if v != _OTHER] + [custom]
            earlier_words = [v for v in picked if v not in {c.value for c in prompt.choices}]
            picked = answer + earlier_words

    def _scale(self, prompt: Prompt) -> Any:
        options = []
        for number in range(prompt.min, prompt.max + 1):
            label = {prompt.min: prompt.min_label, prompt.max: prompt.max_label}.get(number)
            title = f"{number:>2}  {label}" if label else f"{number:>2}"
            options.append(questionary.Choice(title=title, value=number))
        if prompt.optional:
            options.append(questionary.Choice(title="Skip this one", value=_SKIP))
        fits = type(prompt.default) is int and prompt.min <= prompt.default <= prompt.max
        default: Any = prompt.default if fits else (_SKIP if prompt.optional else None)
        return self._run(questionary.select(
            self._message(prompt), choices=options, default=default,
            qmark=self._mark(prompt), style=STYLE,
            instruction="\n  (arrow keys, then Enter)", **self.io))

    def _confirm(self, prompt: Prompt) -> Any:
        default = prompt.default if isinstance(prompt.default, bool) else True
        return self._run(questionary.confirm(
            self._message(prompt), default=default, qmark=self._mark(prompt), style=STYLE,
            **self.io))
