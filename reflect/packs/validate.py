"""Checking a pack as parsed from TOML, field by field, into a Pack; every problem is named."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from reflect.base.safe_text import has_control_characters
from reflect.packs.model import (
    CHOICE_KINDS,
    CONDITION_OPERATORS,
    DERIVED_ROLES,
    ID_PATTERN,
    KINDS,
    MAX_TEXT,
    NOTE_PLACES,
    SCALE_LIMIT,
    Choice,
    Condition,
    Pack,
    PackError,
    Step,
)

T = TypeVar("T")


def parse_pack(data: Mapping[str, Any], path: Path, *, builtin: bool = False,
               problems: list[PackError] | None = None) -> Pack:
    """Build a Pack from parsed TOML, checking every field a pack may have.

    The first problem raises PackError; with a `problems` list, every problem found is put
    there instead (one per field of the header, per step and per derived field), so a
    person fixing a pack sees them all at once."""
    def attempt(read: Callable[..., T], fallback: T, *args: Any) -> T:
        if problems is None:
            return read(*args)
        try:
            return read(*args)
        except PackError as problem:
            problems.append(problem)
            return fallback

    def report(problem: PackError) -> None:
        if problems is None:
            raise problem
        problems.append(problem)

    check = _Checker(path)
    attempt(lambda: check.only_keys(data, {"pack", "steps"}, None), None)
    empty: dict[str, Any] = {}
    header = attempt(lambda: check.table(data, "pack", None, required=True), empty)
    attempt(lambda: check.only_keys(
        header, {"id", "version", "title", "description", "quick", "derive"}, None,
        prefix="pack."), None)
    pack_id = attempt(lambda: check.identifier(header, "id", None, prefix="pack."), "pack")
    version = attempt(lambda: check.integer(header, "version", None, prefix="pack.",
                                            minimum=1), 1)
    title = attempt(lambda: check.text(header, "title", None, prefix="pack."), "")
    description = attempt(lambda: check.text(header, "description", None, prefix="pack.",
                                             required=False), "")
    quick = header.get("quick")
    if quick is not None:
        quick = attempt(lambda: check.identifier(header, "quick", None, prefix="pack."), None)

    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        attempt(lambda: _fail(PackError(path, "a pack needs at least one [[steps]] table",
                                        field="steps")), None)
        raw_steps = []
    steps: list[Step] = []
    known: dict[str, Step] = {}
    for position, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, dict):
            attempt(_fail, None, PackError(path, "must be a table", step=f"#{position}"))
            continue
        step = _parse_step(check, raw, position, known, report)
        if step is not None:
            steps.append(step)
            known[step.id] = step

    derive_raw = attempt(lambda: check.table(header, "derive", None, prefix="pack."), empty)
    derive: dict[str, str] = {}
    for role, target in derive_raw.items():
        found = attempt(_derived, None, path, known, role, target)
        if found is not None:
            derive[role] = found

    return Pack(id=pack_id, version=version, title=title, description=description,
                steps=tuple(steps), derive=derive, quick=quick, path=path, builtin=builtin)

def _fail(problem: PackError) -> None:
    raise problem

def _derived(path: Path, known: Mapping[str, Step], role: str, target: Any) -> str:
    name = f"pack.derive.{role}"
    if role not in DERIVED_ROLES:
        raise PackError(path, f"'{role}' is not one of {', '.join(DERIVED_ROLES)}",
                        field=name)
    if not isinstance(target, str) or target not in known:
        raise PackError(path, f"names no step of this pack ({target!r})", field=name)
    wanted = _ROLE_KINDS[role]
    if known[target].kind not in wanted:
        raise PackError(path, f"step {target!r} is a {known[target].kind} step; "
                              f"{role} needs one of {', '.join(wanted)}", field=name)
    return target

_ROLE_KINDS: dict[str, tuple[str, ...]] = {
    "title": ("text", "long_text"),
    "kind": ("select",),
    "emotions": ("select", "checkbox"),
    "needs": ("select", "checkbox"),
    "intensity_before": ("scale",),
    "intensity_after": ("scale",),
    "alternatives": ("select", "checkbox"),
    "reframe": ("select", "text", "long_text"),
    "remember": ("text", "long_text"),
}

_STEP_KEYS = {
    "id", "kind", "question", "note", "note_when", "optional", "when", "choices",
    "choices_from", "choices_by", "retired", "other", "other_question", "min", "max", "min_label",
    "max_label", "default",
}

Report = Callable[[PackError], None]

def _parse_step(check: _Checker, raw: dict[str, Any], position: int,
                before: Mapping[str, Step], report: Report) -> Step | None:
    """One step, every field checked. Each problem goes to `report` (which may raise) and
    the step is read on with a stand-in value, so one mistake does not hide the next."""
    path = check.path

    def read(reader: Callable[[], T], fallback: T) -> T:
        try:
            return reader()
        except PackError as problem:
            report(problem)
            return fallback

    def problem(text: str, field: str) -> None:
        report(PackError(path, text, step=label, field=field))

    label = f"#{position}"
    step_id: str | None = read(lambda: check.identifier(raw, "id", label), None)
    if step_id is not None:
        label = f"{step_id!r} (#{position})"
        if step_id in before:
            problem("this id is used by an earlier step", "id")
    for key in raw:
        if key not in _STEP_KEYS:
            problem("is not a field packs have (check the spelling)", key)
    kind = raw.get("kind")
    if kind not in KINDS:
        problem(f"{kind!r} is not one of {', '.join(KINDS)}", "kind")
        kind = "text"
    question = read(lambda: check.text(raw, "question", label), "")
    note = read(lambda: check.text(raw, "note", label, required=False), "")
    note_when = raw.get("note_when", "before")
    if note_when not in NOTE_PLACES:
        problem(f"{note_when!r} is not one of before, after", "note_when")
        note_when = "before"
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        problem("must be true or false", "optional")
        optional = False

    when = read(lambda: _parse_condition(check, raw.get("when"), label, "when", before), None)

    def choice_list(items: Any, field: str) -> tuple[Choice, ...]:
        return check.choices(items, label, field, before, report)

    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    choices_by: dict[str, tuple[Choice, ...]] = {}
    retired: tuple[Choice, ...] = ()
    other = ""
    other_question = ""
    if kind in CHOICE_KINDS:
        if "choices" in raw:
            choices = choice_list(raw["choices"], "choices")
            if len({c.value for c in choices}) != len(choices):
                problem("two choices share a value", "choices")
        if "choices_from" in raw:
            named = raw["choices_from"]
            source = before.get(named) if isinstance(named, str) else None
            if source is None or source.kind not in CHOICE_KINDS:
                problem("must name an earlier select or checkbox step", "choices_from")
            else:
                choices_from = source.id
            groups = raw.get("choices_by")
            if not isinstance(groups, dict) or not groups:
                problem("is needed with choices_from: a table of choices for each answer",
                        "choices_by")
                groups = {}
            values = {choice.value for choice in source.all_choices()} if source else set()
            for key, group in groups.items():
                if source is not None and key != "default" and key not in values:
                    problem(f"{key!r} is not a choice of step {source.id!r}",
                            f"choices_by.{key}")
                choices_by[key] = choice_list(group, f"choices_by.{key}")
        elif "choices_by" in raw:
            problem("needs choices_from to say which answer picks the choices", "choices_by")
        if "retired" in raw:
            retired = choice_list(raw["retired"], "retired")
            if any(choice.when or choice.note for choice in retired):
                problem("retired choices are never offered, so they take no when or note",
                        "retired")
        other = read(lambda: check.text(raw, "other", label, required=False), "")
        other_question = read(lambda: check.text(raw, "other_question", label,
                                                 required=False), "")
        if not any(key in raw for key in ("choices", "choices_by")):
            problem(f"a {kind} step needs choices", "choices")
    else:
        for key in ("choices", "choices_from", "choices_by", "retired", "other",
                    "other_question"):
            if key in raw:
                problem(f"is only for select and checkbox steps, not {kind}", key)

    minimum, maximum, min_label, max_label = 0, 10, "", ""
    if kind == "scale":
        minimum = read(lambda: check.integer(raw, "min", label, required=False), 0)
        maximum = read(lambda: check.integer(raw, "max", label, required=False,
                                             fallback=10), 10)
        if maximum <= minimum or maximum - minimum > 20:
            problem("max must be above min, at most 20 apart", "max")
        elif not -SCALE_LIMIT <= minimum < maximum <= SCALE_LIMIT:
            # The journal refuses ratings past these (averages of far bigger ones overflow).
            problem(f"min and max must be within {SCALE_LIMIT:,} either side of 0", "max")
        min_label = read(lambda: check.text(raw, "min_label", label, required=False), "")
        max_label = read(lambda: check.text(raw, "max_label", label, required=False), "")
    else:
        for key in ("min", "max", "min_label", "max_label"):
            if key in raw:
                problem(f"is only for scale steps, not {kind}", key)

    default = raw.get("default")
    if default is not None:
        read(lambda: _check_default(check, kind, default, label, choices, minimum, maximum),
             None)

    if step_id is None:
        return None
    return Step(id=step_id, kind=kind, question=question, note=note, note_when=note_when,
                optional=optional, when=when, choices=choices, choices_from=choices_from,
                choices_by=choices_by, retired=retired, other=other,
                other_question=other_question, min=minimum, max=maximum,
                min_label=min_label, max_label=max_label, default=default)

def _check_default(check: _Checker, kind: str, default: Any, label: str,
                   choices: tuple[Choice, ...], minimum: int, maximum: int) -> None:
    path = check.path
    ok: bool
    if kind in ("text", "long_text"):
        ok = isinstance(default, str)
    elif kind == "confirm":
        ok = isinstance(default, bool)
    elif kind == "scale":
        ok = isinstance(default, int) and not isinstance(default, bool) and (
            minimum <= default <= maximum)
    elif kind == "select":
        ok = default in {c.value for c in choices}
    else:
        ok = isinstance(default, list) and all(v in {c.value for c in choices} for v in default)
    if not ok:
        raise PackError(path, f"{default!r} does not fit a {kind} step", step=label,
                        field="default")

def _parse_condition(check: _Checker, raw: Any, label: str, field: str,
                     earlier: Mapping[str, Step]) -> Condition | None:
    """A `when` table, checked against the earlier step it names: a value it compares with
    must be one that step can give, so a typo cannot hide a step or a choice for ever."""
    if raw is None:
        return None
    path = check.path

    def wrong(problem: str, where: str = "") -> PackError:
        return PackError(path, problem, step=label, field=f"{field}{where}")

    if not isinstance(raw, dict):
        raise wrong("must be a table like { step = \"id\", equals = \"value\" }")
    target = raw.get("step")
    if not isinstance(target, str) or target not in earlier:
        raise wrong(f"must name an earlier step (got {target!r})", ".step")
    operators = [key for key in raw if key != "step"]
    if len(operators) != 1 or operators[0] not in CONDITION_OPERATORS:
        raise wrong("needs exactly one of " + ", ".join(CONDITION_OPERATORS))
    operator = operators[0]
    operand = raw[operator]
    where = f".{operator}"
    step = earlier[target]
    if operator == "answered":
        if not isinstance(operand, bool):
            raise wrong("must be true or false", where)
        return Condition(step=target, operator=operator, operand=operand)
    if operator in ("in", "not_in") and not isinstance(operand, list):
        raise wrong("must be a list", where)
    if operator in ("at_least", "at_most"):
        if step.kind != "scale":
            raise wrong(f"is only for scale steps; {target!r} is a {step.kind} step", where)
        if not isinstance(operand, int) or isinstance(operand, bool):
            raise wrong("must be a whole number", where)
    values = operand if isinstance(operand, list) else [operand]
    for value in values:
        if not _can_answer(step, value):
            raise wrong(f"{value!r} is not an answer step {target!r} can give", where)
    return Condition(step=target, operator=operator, operand=operand)

def _can_answer(step: Step, value: Any) -> bool:
    """Whether an answer to the step could be (or hold) this value."""
    if step.kind in CHOICE_KINDS:
        return value in {choice.value for choice in step.all_choices()}
    if step.kind == "scale":
        return (isinstance(value, int) and not isinstance(value, bool)
                and step.min <= value <= step.max)
    if step.kind == "confirm":
        return isinstance(value, bool)
    return isinstance(value, str)

class _Checker:
    """Small typed readers that raise PackError with the file, step and field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def only_keys(self, raw: Mapping[str, Any], allowed: set[str], step: str | None,
                  prefix: str = "") -> None:
        for key in raw:
            if key not in allowed:
                raise PackError(self.path, "is not a field packs have (check the spelling)",
                                step=step, field=f"{prefix}{key}")

    def table(self, raw: Mapping[str, Any], key: str, step: str | None, prefix: str = "",
              required: bool = False) -> dict[str, Any]:
        value = raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise PackError(self.path, "must be a table", step=step, field=f"{prefix}{key}")
        return value

    def text(self, raw: Mapping[str, Any], key: str, step: str | None, prefix: str = "",
             required: bool = True) -> str:
        value = raw.get(key)
        name = f"{prefix}{key}"
        if value is None:
            if required:
                raise PackError(self.path, "is missing", step=step, field=name)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise PackError(self.path, "must be a non-empty string", step=step, field=name)
        if len(value) > MAX_TEXT:
            raise PackError(self.path, f"is longer than {MAX_TEXT} characters", step=step,
                            field=name)
        if has_control_characters(value, allow_newlines=True):
            raise PackError(self.path, "holds control characters", step=step, field=name)
        return value

    def identifier(self, raw: Mapping[str, Any], key: str, step: str | None,
                   prefix: str = "") -> str:
        value = raw.get(key)
        name = f"{prefix}{key}"
        if value is None:
            raise PackError(self.path, "is missing", step=step, field=name)
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise PackError(self.path, f"{value!r} must be lower-case letters, digits, "
                                       "'_' or '-', starting with a letter",
                            step=step, field=name)
        return value

    def integer(self, raw: Mapping[str, Any], key: str, step: str | None, prefix: str = "",
                required: bool = True, fallback: int = 0, minimum: int | None = None) -> int:
        value = raw.get(key)
        name = f"{prefix}{key}"
        if value is None:
            if required:
                raise PackError(self.path, "is missing", step=step, field=name)
            return fallback
        if not isinstance(value, int) or isinstance(value, bool):
            raise PackError(self.path, "must be a whole number", step=step, field=name)
        if minimum is not None and value < minimum:
            raise PackError(self.path, f"must be at least {minimum}", step=step, field=name)
        return value

    def choices(self, raw: Any, step: str, name: str, earlier: Mapping[str, Step],
                report: Report) -> tuple[Choice, ...]:
        """A list of choices; a choice with a problem is reported and left out."""
        if not isinstance(raw, list) or not raw:
            report(PackError(self.path, "must be a non-empty list of choices", step=step,
                             field=name))
            return ()
        result: list[Choice] = []
        for index, item in enumerate(raw, start=1):
            where = f"{name}[{index}]"
            if isinstance(item, str):
                item = {"value": item, "label": item}
            try:
                if not isinstance(item, dict):
                    raise PackError(self.path, "must be a table with value and label",
                                    step=step, field=where)
                self.only_keys(item, {"value", "label", "hint", "when", "note"}, step,
                               prefix=f"{where}.")
                result.append(Choice(
                    value=self.text(item, "value", step, prefix=f"{where}."),
                    label=self.text(item, "label", step, prefix=f"{where}."),
                    hint=self.text(item, "hint", step, prefix=f"{where}.", required=False),
                    when=_parse_condition(self, item.get("when"), step, f"{where}.when",
                                          earlier),
                    note=self.text(item, "note", step, prefix=f"{where}.", required=False)))
            except PackError as problem:
                report(problem)
        return tuple(result)
