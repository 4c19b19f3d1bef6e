"""Packs load, validate, and report every kind of mistake with file, step and field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reflect.base.errors import ReflectError
from reflect.packs.load import (
    builtin_packs_dir,
    check_pack_file,
    discover,
    find_pack,
    load_pack,
)
from reflect.packs.model import PackError

GOOD = """
[pack]
id = "mine"
version = 1
title = "Mine"

[pack.derive]
title = "what"
needs = "need"

[[steps]]
id = "what"
kind = "text"
question = "What happened?"

[[steps]]
id = "need"
kind = "checkbox"
question = "What did you need?"
choices = [ { value = "rest", label = "Rest" }, { value = "fun", label = "Fun" } ]
other = "Something else"

[[steps]]
id = "ideas"
kind = "checkbox"
question = "Ideas?"
choices_from = "need"
[steps.choices_by]
rest = [ { value = "nap", label = "A nap", hint = "on my own" } ]
default = [ { value = "walk", label = "A walk" } ]

[[steps]]
id = "how"
kind = "scale"
question = "How strong?"
when = { step = "need", includes = "rest" }
"""


def write(tmp_path: Path, text: str, name: str = "pack.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_pack_loads(shipped_packs):
    """The packs that ship with reflect load, and the default has a quick companion."""
    assert {"hearing-no", "hearing-no-quick"} <= set(shipped_packs)
    full = shipped_packs["hearing-no"]
    assert full.quick == "hearing-no-quick"
    assert len(shipped_packs["hearing-no-quick"].steps) <= 6
    for pack in shipped_packs.values():
        assert pack.builtin
        assert all(step.question for step in pack.steps)


def test_default_pack_follows_the_flow(shipped_packs):
    """The default pack asks for feelings and intensity before the story and the reframe."""
    ids = [step.id for step in shipped_packs["hearing-no"].steps]
    assert ids.index("emotions") < ids.index("story") < ids.index("reframe")
    assert ids.index("intensity") < ids.index("story")
    assert ids[-2:] == ["intensity_now", "remember"]


def test_alternatives_follow_every_need(shipped_packs):
    """Every need in the default pack has its own alternatives, each marked who it is with."""
    pack = shipped_packs["hearing-no"]
    need = pack.step("need")
    alternatives = pack.step("alternatives")
    for moment in pack.step("moment").choices:
        for choice in need.choices:
            offered = alternatives.choices_for({"moment": moment.value,
                                                "need": [choice.value]})
            assert offered, (moment.value, choice.value)
            assert all(c.hint in ("with them, if they want to", "on my own", "without them")
                       for c in offered)


def test_shipped_wording_is_gender_neutral(shipped_packs):
    """No shipped question, note or choice assumes the other person's gender."""
    words = {"she", "he", "her", "him", "his", "hers", "girlfriend", "boyfriend", "guys"}
    for pack in shipped_packs.values():
        for step in pack.steps:
            texts = [step.question, step.note, *[c.label for c in step.all_choices()]]
            for text in texts:
                found = words & set(text.lower().replace(",", " ").replace(".", " ").split())
                assert not found, (pack.id, step.id, found)


def test_a_good_pack_loads_with_conditions_and_dependent_choices(tmp_path):
    """A pack using conditions and choices that follow an answer loads and behaves."""
    pack = load_pack(write(tmp_path, GOOD))
    ideas = pack.step("ideas")
    assert [c.value for c in ideas.choices_for({"need": ["rest"]})] == ["nap"]
    assert [c.value for c in ideas.choices_for({"need": ["my own words"]})] == ["walk"]
    how = pack.step("how")
    assert how.when is not None
    assert how.when.holds({"need": ["rest", "fun"]})
    assert not how.when.holds({"need": ["fun"]})


@pytest.mark.parametrize(
    ("change", "step", "field"),
    [
        (("kind = \"text\"", "kind = \"dropdown\""), "'what' (#1)", "kind"),
        (("question = \"What happened?\"\n", ""), "'what' (#1)", "question"),
        (("question = \"What happened?\"", "question = 3"), "'what' (#1)", "question"),
        (("id = \"what\"", "id = \"What Happened\""), "#1", "id"),
        (("id = \"ideas\"", "id = \"need\""), "'need' (#3)", "id"),
        (("kind = \"text\"", "kind = \"text\"\ncolour = \"red\""), "'what' (#1)", "colour"),
        (("choices_from = \"need\"", "choices_from = \"later\""), "'ideas' (#3)",
         "choices_from"),
        (("rest = [", "sleepy = ["), "'ideas' (#3)", "choices_by.sleepy"),
        (("includes = \"rest\"", "equals = \"rest\", in = []"), "'how' (#4)", "when"),
        (("step = \"need\", includes", "step = \"nope\", includes"), "'how' (#4)",
         "when.step"),
        (("{ value = \"fun\", label = \"Fun\" }", "{ value = \"rest\", label = \"Fun\" }"),
         "'need' (#2)", "choices"),
        (("{ value = \"fun\", label = \"Fun\" }", "{ value = \"fun\" }"), "'need' (#2)",
         "choices[2].label"),
        (("question = \"How strong?\"", "question = \"How strong?\"\nmin = 5\nmax = 2"),
         "'how' (#4)", "max"),
        (("question = \"What happened?\"", "question = \"What happened?\"\nmin = 1"),
         "'what' (#1)", "min"),
        (("question = \"What happened?\"", "question = \"Bad \\u001b[31m\""), "'what' (#1)",
         "question"),
        (("question = \"What happened?\"", "question = \"What happened?\"\noptional = 1"),
         "'what' (#1)", "optional"),
        # A choice's own condition: an earlier step, a value it can give, the right kind.
        (("label = \"A nap\"", "label = \"A nap\", when = { step = \"how\", at_least = 5 }"),
         "'ideas' (#3)", "choices_by.rest[1].when.step"),
        (("label = \"A nap\"", "label = \"A nap\", when = { step = \"ideas\", answered = true }"),
         "'ideas' (#3)", "choices_by.rest[1].when.step"),
        (("label = \"A nap\"", "label = \"A nap\", when = { step = \"need\", in = [\"rset\"] }"),
         "'ideas' (#3)", "choices_by.rest[1].when.in"),
        (("label = \"A nap\"", "label = \"A nap\", when = { step = \"need\", at_most = 2 }"),
         "'ideas' (#3)", "choices_by.rest[1].when.at_most"),
        (("label = \"A nap\"", "label = \"A nap\", when = { step = \"need\" }"),
         "'ideas' (#3)", "choices_by.rest[1].when"),
        (("label = \"A nap\"", "label = \"A nap\", whn = { step = \"need\", equals = \"rest\" }"),
         "'ideas' (#3)", "choices_by.rest[1].whn"),
        (("label = \"A nap\"", "label = \"A nap\", note = 3"),
         "'ideas' (#3)", "choices_by.rest[1].note"),
        (("includes = \"rest\"", "includes = \"sleep\""), "'how' (#4)", "when.includes"),
        (("choices_from = \"need\"", "choices_from = \"need\"\nretired = [ { value = \"x\", "
          "label = \"X\", note = \"n\" } ]"), "'ideas' (#3)", "retired"),
    ],
)
def test_step_errors_name_file_step_and_field(tmp_path, change, step, field):
    """Each kind of step mistake is reported with the file, the step and the field."""
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(PackError) as caught:
        load_pack(path)
    error = caught.value
    assert error.path == str(path)
    assert error.step == step
    assert error.field == field
    assert str(path) in error.message
    assert f"step {step}" in error.message
    assert f"field '{field}'" in error.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("id = \"mine\"\n", ""), "pack.id"),
        (("version = 1", "version = \"one\""), "pack.version"),
        (("title = \"what\"", "title = \"missing\""), "pack.derive.title"),
        (("needs = \"need\"", "needs = \"what\""), "pack.derive.needs"),
        (("needs = \"need\"", "mood = \"need\""), "pack.derive.mood"),
        (("version = 1", "version = 1\nauthor = \"me\""), "pack.author"),
    ],
)
def test_pack_header_errors_name_the_field(tmp_path, change, field):
    """Mistakes in the [pack] table name the file and the field."""
    old, new = change
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert caught.value.field == field
    assert caught.value.step is None
    assert str(path) in caught.value.message


def test_a_choice_shows_only_where_its_condition_holds(tmp_path):
    """A choice with its own when is offered only for the earlier answers it names."""
    path = write(tmp_path, GOOD.replace(
        'label = "A nap"', 'label = "A nap", when = { step = "what", equals = "tired" }'))
    ideas = load_pack(path).step("ideas")
    assert [c.value for c in ideas.choices_for({"what": "tired", "need": ["rest"]})] == ["nap"]
    assert ideas.choices_for({"what": "busy", "need": ["rest"]}) == ()


def test_validation_reports_every_problem_even_without_an_id(tmp_path):
    """A step with no id still has its other mistakes reported, with every other step's."""
    broken = GOOD.replace('id = "what"\nkind = "text"', 'kind = "nonsense"').replace(
        'includes = "rest"', 'includes = "sleep"').replace(
        'label = "A nap"', 'label = "A nap", when = { step = "need", equals = "nap" }')
    pack, problems = check_pack_file(write(tmp_path, broken))
    assert pack is None
    found = {(problem.step, problem.field) for problem in problems}
    assert {("#1", "id"), ("#1", "kind"), ("'how' (#4)", "when.includes"),
            ("'ideas' (#3)", "choices_by.rest[1].when.equals")} <= found


def test_old_answers_still_read_with_the_words_they_were_given(shipped_packs):
    """A reflection saved under the first default pack reads with the labels it was given,
    though the pack offers those choices no more."""
    from reflect.journal.entry import Entry
    from reflect.review.entry_text import Reader

    entry = Entry(id="00000000-0000-4000-8000-000000000001", number=1,
                  created="2026-01-01T10:00:00+00:00", updated="2026-01-01T10:00:00+00:00",
                  pack_id="hearing-no", pack_version=1,
                  answers={"moment": "asked-out", "need": ["fun", "affection"],
                           "alternatives": ["plan-fun", "hug", "massage"],
                           "reframe": "yes-means-more", "not_about_me": ["timing-or-place"]},
                  derived={"alternatives": ["plan-fun", "hug", "massage"],
                           "reframe": "yes-means-more"})
    reader = Reader(shipped_packs.values())
    assert reader.labels(entry, "alternatives") == [
        "Plan something fun for another day", "A hug", "Offer a back or shoulder rub"]
    assert reader.labels(entry, "reframe") == [
        "Because no is safe to say, their yes will mean more"]
    answer = reader.answer(entry, "not_about_me")
    assert answer.lines == ("Something about the timing or the place",)


def test_broken_toml_and_missing_steps_are_reported(tmp_path):
    """A file that is not TOML, not UTF-8, or has no steps is refused with its name."""
    bad = write(tmp_path, "[pack\nid=", "bad.toml")
    with pytest.raises(PackError, match=r"bad\.toml: is not valid TOML"):
        load_pack(bad)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(PackError, match="not UTF-8"):
        load_pack(binary)
    empty = write(tmp_path, '[pack]\nid = "x"\nversion = 1\ntitle = "X"\n', "empty.toml")
    with pytest.raises(PackError, match="at least one") as caught:
        load_pack(empty)
    assert caught.value.field == "steps"
    with pytest.raises(PackError, match="cannot be read"):
        load_pack(tmp_path / "absent.toml")


def test_users_own_packs_are_found_and_broken_ones_left_out(tmp_path):
    """A person's pack joins the shipped ones; a broken one is reported, not fatal."""
    write(tmp_path, GOOD, "mine.toml")
    write(tmp_path, "not toml [", "broken.toml")
    write(tmp_path, GOOD.replace('id = "mine"', 'id = "hearing-no"'), "clash.toml")
    packs, problems = discover(tmp_path)
    ids = [pack.id for pack in packs]
    assert "mine" in ids
    assert "hearing-no" in ids
    assert not next(p for p in packs if p.id == "mine").builtin
    assert sorted(Path(p.path).name for p in problems) == ["broken.toml", "clash.toml"]


def test_find_pack_picks_default_quick_and_named(shipped_packs):
    """No name gives the default pack; --quick its companion; an unknown name is an error."""
    packs = list(shipped_packs.values())
    assert find_pack(packs, None, quick=False).id == "hearing-no"
    assert find_pack(packs, None, quick=True).id == "hearing-no-quick"
    with pytest.raises(ReflectError, match="no pack called 'nope'"):
        find_pack(packs, "nope", quick=False)
    with pytest.raises(ReflectError, match="no quick version"):
        find_pack(packs, "hearing-no-quick", quick=True)


def test_builtin_packs_are_found_where_reflect_runs_from():
    """The shipped packs are found both from a source checkout and when installed."""
    assert (builtin_packs_dir() / "hearing-no.toml").is_file()


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, "{a = " * 5000 + "1" + "}" * 5000])
def test_a_pack_nested_too_deeply_is_left_out_by_name(tmp_path, nested):
    """A pack of deeply nested arrays or inline tables is one reported pack, left out; the
    others load and validation names the file, with no RecursionError."""
    write(tmp_path, GOOD, "mine.toml")
    write(tmp_path, "x = " + nested, "deep.toml")
    packs, problems = discover(tmp_path)
    assert "mine" in [pack.id for pack in packs]
    assert [(Path(p.path).name, p.problem) for p in problems] == [
        ("deep.toml", "is nested too deeply to be a pack")]
    _, found = check_pack_file(tmp_path / "deep.toml")
    assert "deep.toml: is nested too deeply" in str(found[0])


@pytest.mark.timeout(10)
@pytest.mark.parametrize("make", ["large", "device", "fifo"])
def test_a_pack_too_large_or_not_a_file_is_refused_before_it_is_read(tmp_path, make):
    """A pack over 1 MB, a link to an endless device or a pipe is refused with what it is,
    at once; the other packs load."""
    write(tmp_path, GOOD, "mine.toml")
    odd = tmp_path / "odd.toml"
    if make == "large":
        odd.write_text(GOOD + "#" * (1024 * 1024))
    elif make == "device":
        odd.symlink_to("/dev/zero")
    else:
        os.mkfifo(odd)
    packs, problems = discover(tmp_path)
    assert "mine" in [pack.id for pack in packs]
    reason = {"large": "larger than 1 MB", "device": "it is a device",
              "fifo": "it is a named pipe"}[make]
    assert [Path(p.path).name for p in problems] == ["odd.toml"]
    assert reason in str(problems[0])
    _, found = check_pack_file(odd)
    assert reason in str(found[0])


@pytest.mark.timeout(10)
def test_validating_many_steps_takes_linear_time(tmp_path):
    """Each step's id is checked against the earlier ones by lookup, not by a scan, so a
    pack of 15,000 steps validates in about a second (a scan per step took far longer)."""
    steps = "".join(f'[[steps]]\nid = "s{n}"\nkind = "text"\nquestion = "Q?"\n'
                    for n in range(15_000))
    path = write(tmp_path, '[pack]\nid = "big"\nversion = 1\ntitle = "Big"\n' + steps)
    pack, problems = check_pack_file(path)
    assert problems == []
    assert pack is not None
    assert len(pack.steps) == 15_000
