"""Prompt packs: reflection steps kept as data, loaded and validated.

A pack is a TOML file. The code here knows the shape of a pack (steps, kinds, choices,
conditions) and nothing of what the steps are about, so a new pack needs no code change.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from reflect.errors import ReflectError
from reflect.safe_text import has_control_characters

if TYPE_CHECKING:
    from reflect.packcache import PackCache


def _toml() -> Any:
    """The TOML parser, loaded when a pack is first parsed (not on every start: a pack
    already parsed comes from packcache.py)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on 3.10
        import tomli as tomllib
    return tomllib


KINDS = ("text", "long_text", "select", "checkbox", "scale", "confirm")
CHOICE_KINDS = ("select", "checkbox")
NOTE_PLACES = ("before", "after")
DERIVED_ROLES = (
    "title",
    "kind",
    "emotions",
    "needs",
    "intensity_before",
    "intensity_after",
    "alternatives",
    "reframe",
    "remember",
)
CONDITION_OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "includes",
    "at_least",
    "at_most",
    "answered",
)
MAX_TEXT = 2000
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


class PackError(ReflectError):
    """A pack file that cannot be used, with where the problem is."""

    def __init__(self, path: Path | str, problem: str, step: str | None = None,
                 field: str | None = None) -> None:
        self.path = str(path)
        self.step = step
        self.field = field
        self.problem = problem
        where = [self.path]
        if step is not None:
            where.append(f"step {step}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")


# The records of a pack are NamedTuples, not dataclasses: every command defines them, and
# a dataclass takes a millisecond or more to define (it writes and compiles its methods).
class Choice(NamedTuple):
    value: str
    label: str
    hint: str = ""


class Condition(NamedTuple):
    step: str
    operator: str
    operand: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition is true of the answers given so far."""
        answer = answers.get(self.step)
        if self.operator == "answered":
            return (answer not in (None, "", [])) == bool(self.operand)
        if answer is None:
            return False
        if self.operator == "equals":
            return bool(answer == self.operand)
        if self.operator == "not_equals":
            return bool(answer != self.operand)
        if self.operator == "in":
            return answer in self.operand
        if self.operator == "not_in":
            return answer not in self.operand
        if self.operator == "includes":
            chosen = answer if isinstance(answer, list) else [answer]
            wanted = self.operand if isinstance(self.operand, list) else [self.operand]
            return any(value in chosen for value in wanted)
        if not isinstance(answer, int) or isinstance(answer, bool):
            return False
        if self.operator == "at_least":
            return bool(answer >= self.operand)
        return bool(answer <= self.operand)  # at_most


class Step(NamedTuple):
    id: str
    kind: str
    question: str
    note: str = ""
    note_when: str = "before"
    optional: bool = False
    when: Condition | None = None
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    choices_by: Mapping[str, tuple[Choice, ...]] = MappingProxyType({})
    other: str = ""
    other_question: str = ""
    min: int = 0
    max: int = 10
    min_label: str = ""
    max_label: str = ""
    default: Any = None

    def choices_for(self, answers: Mapping[str, Any]) -> tuple[Choice, ...]:
        """The choices to offer, which may follow from an earlier answer."""
        if self.choices_from is None:
            return self.choices
        picked = answers.get(self.choices_from)
        keys = [str(k) for k in (picked if isinstance(picked, list) else [picked])]
        groups = [key for key in keys if key in self.choices_by] or ["default"]
        offered: list[Choice] = []
        seen: set[str] = set()
        for key in groups:
            for choice in self.choices_by.get(key, ()):
                if choice.value not in seen:
                    seen.add(choice.value)
                    offered.append(choice)
        return (*offered, *self.choices)

    def all_choices(self) -> Iterable[Choice]:
        yield from self.choices
        for group in self.choices_by.values():
            yield from group


class Pack(NamedTuple):
    id: str
    version: int
    title: str
    description: str
    steps: tuple[Step, ...]
    derive: Mapping[str, str]
    quick: str | None = None
    path: Path | None = None
    builtin: bool = True

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


def builtin_packs_dir() -> Path:
    """Where the packs shipped with reflect live (inside the package when installed)."""
    installed = Path(__file__).with_name("prompts")
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "prompts"


def load_pack(path: Path, *, builtin: bool = False, cache: PackCache | None = None) -> Pack:
    """Read and validate one pack file; any problem raises PackError naming file, step, field.

    With a cache, what the TOML of these very bytes was parsed into before is used, and
    what is parsed now is kept for next time. Either way the pack is checked in full, and
    a kept copy that does not make a pack is passed over for the TOML itself."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PackError(path, f"cannot be read ({error.strerror or error})") from None
    kept = None if cache is None else cache.get(raw)
    if kept is not None:
        try:
            return parse_pack(kept, path, builtin=builtin)
        except PackError:  # a damaged copy, or a pack that is broken: parsed afresh
            pass
    tomllib = _toml()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PackError(path, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise PackError(path, f"is not valid TOML ({error})") from None
    if cache is not None and repr(data) != repr(kept):  # a broken pack's copy is kept once
        cache.put(raw, data)
    return parse_pack(data, path, builtin=builtin)


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
    for position, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, dict):
            attempt(_fail, None, PackError(path, "must be a table", step=f"#{position}"))
            continue
        step = attempt(_parse_step, None, check, raw, position, steps)
        if step is None:
            step = _stand_in(raw, steps)
        if step is not None:
            steps.append(step)

    derive_raw = attempt(lambda: check.table(header, "derive", None, prefix="pack."), empty)
    derive: dict[str, str] = {}
    known = {step.id: step for step in steps}
    for role, target in derive_raw.items():
        found = attempt(_derived, None, path, known, role, target)
        if found is not None:
            derive[role] = found

    return Pack(id=pack_id, version=version, title=title, description=description,
                steps=tuple(steps), derive=derive, quick=quick, path=path, builtin=builtin)


def _fail(problem: PackError) -> None:
    raise problem


def _stand_in(raw: Mapping[str, Any], earlier: list[Step]) -> Step | None:
    """A step that had a problem, kept by id so later steps that name it are not blamed."""
    step_id, kind = raw.get("id"), raw.get("kind")
    if not isinstance(step_id, str) or not _ID.match(step_id) or any(
            s.id == step_id for s in earlier):
        return None
    return Step(id=step_id, kind=kind if kind in KINDS else "text", question=step_id)


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


def check_pack_file(path: Path) -> tuple[Pack | None, list[PackError]]:
    """Every problem in one pack file, for `reflect packs validate`; the pack if none."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [PackError(path, f"cannot be read ({error.strerror or error})")]
    tomllib = _toml()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [PackError(path, "is not UTF-8 text")]
    except tomllib.TOMLDecodeError as error:
        return None, [PackError(path, f"is not valid TOML ({error})")]
    problems: list[PackError] = []
    pack = parse_pack(data, path, problems=problems)
    return (None if problems else pack), problems


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
    "choices_from", "choices_by", "other", "other_question", "min", "max", "min_label",
    "max_label", "default",
}


def _parse_step(check: _Checker, raw: dict[str, Any], position: int,
                earlier: list[Step]) -> Step:
    path = check.path
    label = f"#{position}"
    step_id = check.identifier(raw, "id", label)
    label = f"{step_id!r} (#{position})"
    if any(step.id == step_id for step in earlier):
        raise PackError(path, "this id is used by an earlier step", step=label, field="id")
    check.only_keys(raw, _STEP_KEYS, label)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise PackError(path, f"{kind!r} is not one of {', '.join(KINDS)}", step=label,
                        field="kind")
    question = check.text(raw, "question", label)
    note = check.text(raw, "note", label, required=False)
    note_when = raw.get("note_when", "before")
    if note_when not in NOTE_PLACES:
        raise PackError(path, f"{note_when!r} is not one of before, after", step=label,
                        field="note_when")
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise PackError(path, "must be true or false", step=label, field="optional")

    earlier_by_id = {step.id: step for step in earlier}
    when = _parse_condition(check, raw.get("when"), label, earlier_by_id)

    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    choices_by: dict[str, tuple[Choice, ...]] = {}
    other = ""
    other_question = ""
    if kind in CHOICE_KINDS:
        if "choices" in raw:
            choices = check.choices(raw["choices"], label, "choices")
        if "choices_from" in raw:
            choices_from = raw["choices_from"]
            source = earlier_by_id.get(choices_from) if isinstance(choices_from, str) else None
            if source is None or source.kind not in CHOICE_KINDS:
                raise PackError(path, "must name an earlier select or checkbox step",
                                step=label, field="choices_from")
            groups = raw.get("choices_by")
            if not isinstance(groups, dict) or not groups:
                raise PackError(path, "is needed with choices_from: a table of choices "
                                      "for each answer", step=label, field="choices_by")
            values = {choice.value for choice in source.all_choices()}
            for key, group in groups.items():
                if key != "default" and key not in values:
                    raise PackError(path, f"{key!r} is not a choice of step {choices_from!r}",
                                    step=label, field=f"choices_by.{key}")
                choices_by[key] = check.choices(group, label, f"choices_by.{key}")
        elif "choices_by" in raw:
            raise PackError(path, "needs choices_from to say which answer picks the choices",
                            step=label, field="choices_by")
        other = check.text(raw, "other", label, required=False)
        other_question = check.text(raw, "other_question", label, required=False)
        if not choices and not choices_by:
            raise PackError(path, f"a {kind} step needs choices", step=label, field="choices")
        if len({c.value for c in choices}) != len(choices):
            raise PackError(path, "two choices share a value", step=label, field="choices")
    else:
        for key in ("choices", "choices_from", "choices_by", "other", "other_question"):
            if key in raw:
                raise PackError(path, f"is only for select and checkbox steps, not {kind}",
                                step=label, field=key)

    minimum, maximum, min_label, max_label = 0, 10, "", ""
    if kind == "scale":
        minimum = check.integer(raw, "min", label, required=False, fallback=0)
        maximum = check.integer(raw, "max", label, required=False, fallback=10)
        if maximum <= minimum or maximum - minimum > 20:
            raise PackError(path, "max must be above min, at most 20 apart", step=label,
                            field="max")
        min_label = check.text(raw, "min_label", label, required=False)
        max_label = check.text(raw, "max_label", label, required=False)
    else:
        for key in ("min", "max", "min_label", "max_label"):
            if key in raw:
                raise PackError(path, f"is only for scale steps, not {kind}", step=label,
                                field=key)

    default = raw.get("default")
    if default is not None:
        _check_default(check, kind, default, label, choices, minimum, maximum)

    return Step(id=step_id, kind=kind, question=question, note=note, note_when=note_when,
                optional=optional, when=when, choices=choices, choices_from=choices_from,
                choices_by=choices_by, other=other, other_question=other_question,
                min=minimum, max=maximum, min_label=min_label, max_label=max_label,
                default=default)


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


def _parse_condition(check: _Checker, raw: Any, label: str,
                     earlier: Mapping[str, Step]) -> Condition | None:
    if raw is None:
        return None
    path = check.path
    if not isinstance(raw, dict):
        raise PackError(path, "must be a table like { step = \"id\", equals = \"value\" }",
                        step=label, field="when")
    target = raw.get("step")
    if not isinstance(target, str) or target not in earlier:
        raise PackError(path, f"must name an earlier step (got {target!r})", step=label,
                        field="when.step")
    operators = [key for key in raw if key != "step"]
    if len(operators) != 1 or operators[0] not in CONDITION_OPERATORS:
        raise PackError(path, "needs exactly one of " + ", ".join(CONDITION_OPERATORS),
                        step=label, field="when")
    operator = operators[0]
    operand = raw[operator]
    if operator in ("in", "not_in") and not isinstance(operand, list):
        raise PackError(path, "must be a list", step=label, field=f"when.{operator}")
    if operator in ("at_least", "at_most") and (
            not isinstance(operand, int) or isinstance(operand, bool)):
        raise PackError(path, "must be a whole number", step=label, field=f"when.{operator}")
    if operator == "answered" and not isinstance(operand, bool):
        raise PackError(path, "must be true or false", step=label, field="when.answered")
    return Condition(step=target, operator=operator, operand=operand)


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
        if not isinstance(value, str) or not _ID.match(value):
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

    def choices(self, raw: Any, step: str, name: str) -> tuple[Choice, ...]:
        if not isinstance(raw, list) or not raw:
            raise PackError(self.path, "must be a non-empty list of choices", step=step,
                            field=name)
        result: list[Choice] = []
        for index, item in enumerate(raw, start=1):
            where = f"{name}[{index}]"
            if isinstance(item, str):
                item = {"value": item, "label": item}
            if not isinstance(item, dict):
                raise PackError(self.path, "must be a table with value and label", step=step,
                                field=where)
            self.only_keys(item, {"value", "label", "hint"}, step, prefix=f"{where}.")
            value = self.text(item, "value", step, prefix=f"{where}.")
            label = self.text(item, "label", step, prefix=f"{where}.")
            hint = self.text(item, "hint", step, prefix=f"{where}.", required=False)
            result.append(Choice(value=value, label=label, hint=hint))
        return tuple(result)


def discover(user_dir: Path | None,
             cache_dir: Path | None = None) -> tuple[list[Pack], list[PackError]]:
    """Every pack available: the shipped ones, then the person's own.

    A broken shipped pack raises PackError. A broken pack of the person's own is left out
    and returned among the problems, so one bad file does not stop a reflection.
    `cache_dir`: where packs parsed before are kept (packcache.py); None for none."""
    from reflect.packcache import PackCache

    cache = PackCache(cache_dir)
    packs: dict[str, Pack] = {}
    for path in sorted(builtin_packs_dir().glob("*.toml")):
        pack = load_pack(path, builtin=True, cache=cache)
        packs[pack.id] = pack
    problems: list[PackError] = []
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            try:
                pack = load_pack(path, cache=cache)
                if pack.id in packs:
                    raise PackError(path, f"the id {pack.id!r} is already used by "
                                          f"{packs[pack.id].path}", field="pack.id")
            except PackError as problem:
                problems.append(problem)
                continue
            packs[pack.id] = pack
    for pack in list(packs.values()):
        if pack.quick is not None and pack.quick not in packs:
            missing = PackError(pack.path or pack.id, f"no pack has the id {pack.quick!r}",
                                field="pack.quick")
            if pack.builtin:
                raise missing
            problems.append(missing)
            del packs[pack.id]
    cache.tidy()
    return list(packs.values()), problems


DEFAULT_PACK = "hearing-no"


def find_pack(packs: Iterable[Pack], pack_id: str | None, quick: bool) -> Pack:
    """The pack a person asked for, or the default; its quick companion with quick=True."""
    by_id = {pack.id: pack for pack in packs}
    wanted = pack_id or DEFAULT_PACK
    if wanted not in by_id:
        known = ", ".join(sorted(by_id)) or "none"
        raise ReflectError(f"There is no pack called {wanted!r}. Packs: {known}. "
                           "See them with: reflect packs")
    pack = by_id[wanted]
    if quick:
        if pack.quick is None:
            raise ReflectError(f"The pack {wanted!r} has no quick version.")
        pack = by_id[pack.quick]
    return pack


def new_pack_text(name: str) -> str:
    """The default pack's file, made into the person's own: a new id, title and version."""
    if not _ID.match(name):
        raise ReflectError(f"{name!r} cannot be a pack name: use lower-case letters, digits, "
                           "'-' and '_', starting with a letter (like after-a-date).",
                           exit_code=2)
    source = builtin_packs_dir() / f"{DEFAULT_PACK}.toml"
    text = source.read_text(encoding="utf-8")
    header = re.search(r"^\[pack\]\n(.*?)(?=^\[)", text, flags=re.S | re.M)
    if header is None:  # pragma: no cover - the shipped pack always has one
        raise ReflectError(f"The default pack {source} has no [pack] table to copy.")
    fields = header.group(1)
    fields = re.sub(r'^id = ".*"$', f'id = "{name}"', fields, flags=re.M)
    fields = re.sub(r"^version = .*$", "version = 1", fields, flags=re.M)
    fields = re.sub(r'^title = "(.*)"$', rf'title = "{name} (from: \1)"', fields, flags=re.M)
    fields = re.sub(r"^quick = .*\n", "", fields, flags=re.M)
    intro = (f"# {name}: your own reflection pack, copied from the default one.\n"
             "# Change the questions and choices; check it with `reflect packs validate`.\n"
             "# The README's \"Prompt packs\" section lists every field.\n\n")
    return intro + "[pack]\n" + fields + text[header.end(1):]
