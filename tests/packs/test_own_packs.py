"""A person's own packs: started from a copy, checked with every problem named, then used."""

from __future__ import annotations

import stat
import textwrap

import pytest
from typer.testing import CliRunner

from reflect.base import paths
from reflect.cli import app
from reflect.packs.load import builtin_packs_dir, check_pack_file, discover, load_pack

from conftest import said

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


BROKEN = textwrap.dedent("""\
    [pack]
    id = "Mine!"
    version = 0
    title = "Mine"
    colour = "blue"

    [pack.derive]
    needs = "need"
    mood = "feel"

    [[steps]]
    id = "what"
    kind = "long_txt"
    question = "What happened?"

    [[steps]]
    id = "feel"
    kind = "scale"
    question = "How strong?"
    min = 5
    max = 1

    [[steps]]
    id = "need"
    kind = "checkbox"
    question = "What need?"
    choices = [ { value = "rest", label = "Rest" }, { value = "rest", label = "Sleep" } ]

    [[steps]]
    id = "after"
    kind = "text"
    question = "And then?"
    when = { step = "what", equals = "x" }
""")


def test_validate_names_every_problem_with_its_step_and_field(tmp_path):
    """`packs validate` names every problem in a pack with its step and field."""
    pack_file = tmp_path / "mine.toml"
    pack_file.write_text(BROKEN)
    result = invoke("packs", "validate", str(pack_file))
    assert result.exit_code == 1
    out = said(result.stderr)
    assert f"{pack_file}: 7 problems" in out
    for expected in (
        "field 'pack.colour': is not a field packs have",
        "field 'pack.id': 'Mine!' must be lower-case letters",
        "field 'pack.version': must be at least 1",
        "step 'what' (#1), field 'kind': 'long_txt' is not one of",
        "step 'feel' (#2), field 'max': max must be above min",
        "step 'need' (#3), field 'choices': two choices share a value",
        "field 'pack.derive.mood': 'mood' is not one of title",
    ):
        assert expected in out
    # the later step that names a broken one is not blamed for it, and "mood" is reported
    assert "'after'" not in out


def test_a_derived_field_that_is_wrong_is_reported_too(tmp_path):
    """A pack deriving a field that does not exist is reported, naming the fields there are."""
    pack_file = tmp_path / "mine.toml"
    pack_file.write_text(BROKEN.replace('id = "Mine!"', 'id = "mine"')
                         .replace("version = 0", "version = 1")
                         .replace('colour = "blue"\n', "")
                         .replace("long_txt", "long_text")
                         .replace("min = 5\nmax = 1", "min = 0\nmax = 10")
                         .replace('{ value = "rest", label = "Sleep" }',
                                  '{ value = "sleep", label = "Sleep" }'))
    pack, problems = check_pack_file(pack_file)
    assert pack is None
    assert [(p.field, p.problem.split(" (")[0]) for p in problems] == [
        ("pack.derive.mood", "'mood' is not one of title, kind, emotions, needs, "
                             "intensity_before, intensity_after, alternatives, reframe, "
                             "remember")]


@pytest.mark.parametrize(("content", "problem"), [
    (b"[pack\nid=", "is not valid TOML"),
    (b"\xff\xfe", "is not UTF-8 text"),
    (b"", "is missing"),
])
def test_validate_reports_a_file_that_is_not_a_pack(tmp_path, content, problem):
    """`packs validate` says plainly when a file is not TOML, not UTF-8, or empty."""
    pack_file = tmp_path / "bad.toml"
    pack_file.write_bytes(content)
    result = invoke("packs", "validate", str(pack_file))
    assert result.exit_code == 1
    assert problem in said(result.stderr)


def test_validate_a_missing_file(tmp_path):
    """`packs validate` on a missing file says it cannot be read and exits 1."""
    result = invoke("packs", "validate", str(tmp_path / "nope.toml"))
    assert result.exit_code == 1
    assert "cannot be read" in said(result.stderr)


def test_validate_refuses_the_id_of_a_built_in_pack(tmp_path):
    """`packs validate` refuses a pack that takes the id of a built-in one."""
    from reflect.packs.load import builtin_packs_dir

    copy = tmp_path / "copy.toml"
    copy.write_text((builtin_packs_dir() / "hearing-no-quick.toml").read_text())
    result = invoke("packs", "validate", str(copy))
    assert result.exit_code == 1
    assert "already a built-in pack" in said(result.stderr)


def test_the_shipped_packs_validate_cleanly():
    """Every shipped pack passes `packs validate`."""
    from reflect.packs.load import builtin_packs_dir

    for path in builtin_packs_dir().glob("*.toml"):
        result = invoke("packs", "validate", str(path))
        assert result.exit_code == 0, result.output
        assert "ready to use" in said(result.stdout)


def test_packs_new_starts_a_private_copy_that_is_listed_and_valid():
    """`packs new` makes a private, valid copy of the full pack that `packs` then lists."""
    result = invoke("packs", "new", "after-a-date")
    assert result.exit_code == 0
    made = paths.user_packs_dir() / "after-a-date.toml"
    assert f"Made {made}" in said(result.stdout)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    pack = load_pack(made)
    assert pack.id == "after-a-date"
    assert pack.quick is None
    assert [s.id for s in pack.steps] == [s.id for s in load_pack(
        builtin_packs_dir() / "hearing-no.toml").steps]
    packs, problems = discover(paths.user_packs_dir())
    assert problems == []
    assert "after-a-date" in {p.id for p in packs}
    assert "after-a-date" in invoke("packs").stdout
    assert invoke("packs", "validate", str(made)).exit_code == 0


def test_packs_new_keeps_an_existing_file_and_refuses_a_bad_name():
    """`packs new` keeps a file that is already there and refuses a name that cannot be a pack's."""
    assert invoke("packs", "new", "mine").exit_code == 0
    made = paths.user_packs_dir() / "mine.toml"
    made.write_text("# my edits")
    again = invoke("packs", "new", "mine")
    assert again.exit_code == 1
    assert "already exists" in said(again.stderr)
    assert made.read_text() == "# my edits"
    bad = invoke("packs", "new", "My Pack")
    assert bad.exit_code == 2
    assert "cannot be a pack name" in said(bad.stderr)


def test_packs_help_teaches_its_subcommands():
    """`packs --help` names its validate and new subcommands."""
    out = invoke("packs", "--help").stdout
    assert "validate" in out
    assert "new" in out
