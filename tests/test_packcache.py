"""Packs parsed before are kept as JSON (packcache.py), so a command need not parse their
TOML on every start: what comes back is exactly what the TOML gives, a changed pack is
parsed afresh, and a cache that is damaged or cannot be written is passed over."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reflect import paths
from reflect.packcache import PackCache
from reflect.packs import _toml, builtin_packs_dir, discover

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    """A folder of one pack of a person's own: the default pack under another id."""
    folder = tmp_path / "packs"
    folder.mkdir()
    text = (builtin_packs_dir() / "hearing-no.toml").read_text(encoding="utf-8")
    text = text.replace('id = "hearing-no"', 'id = "mine"', 1)
    (folder / "mine.toml").write_text(text, encoding="utf-8")
    return folder


def kept_as_toml_gives(cache: Path, mine: Path) -> bool:
    """Whether every pack's kept copy is what its TOML gives; repr tells 1 from 1.0 and
    True, so the types come back too."""
    return all(repr(PackCache(cache).get(raw)) == repr(_toml().loads(raw.decode()))
               for raw in (path.read_bytes() for path in
                           [*builtin_packs_dir().glob("*.toml"), mine / "mine.toml"]))


def test_every_pack_read_back_is_the_pack_its_toml_gives(mine, tmp_path):
    cache = tmp_path / "cache"
    parsed, problems = discover(mine)
    assert problems == []
    assert {pack.id for pack in parsed} >= {"hearing-no", "mine"}
    first, _ = discover(mine, cache)  # parsed, and kept
    kept = sorted(cache.iterdir())
    assert len(kept) == len(parsed)
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in kept)
    again, _ = discover(mine, cache)  # read back
    assert first == parsed
    assert again == parsed
    assert kept_as_toml_gives(cache, mine)


def test_a_changed_pack_is_parsed_afresh_and_its_old_copy_goes(mine, tmp_path):
    cache = tmp_path / "cache"
    discover(mine, cache)
    before = set(cache.iterdir())
    pack_file = mine / "mine.toml"
    text = pack_file.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title = "))
    changed = title[:-2] + ("X" if title[-2] != "X" else "Y") + title[-1]  # same length
    pack_file.write_text(text.replace(title, changed, 1), encoding="utf-8")
    packs, _ = discover(mine, cache)
    assert next(p for p in packs if p.id == "mine").title == changed[len('title = "'):-1]
    after = set(cache.iterdir())
    assert len(after) == len(before)
    assert len(after - before) == 1  # the new bytes kept, the old copy gone


@pytest.mark.parametrize("damage", [
    b"", b"not json", b"[]", b'{"format": 1, "key": "other", "data": {}}',
    b'{"format": 2}', b"[" * 100_000, b'{"format": 1, "key": "%s", "data": [1]}',
    b'{"format": 1, "key": "%s", "data": {"pack": {"id": "sneaky"}}}'],
    ids=["empty", "not json", "a list", "another key", "another format", "too deep",
         "data not a table", "data not a pack"])
def test_a_damaged_copy_is_passed_over(damage, mine, tmp_path):
    """Whatever a kept copy holds, the packs are the ones their TOML gives (a copy that does
    not make a pack, even under the right key, is passed over), and good copies replace the
    damaged ones."""
    cache = tmp_path / "cache"
    parsed, _ = discover(mine, cache)
    for path in cache.iterdir():
        name = path.name[:-len(".json")].encode()
        path.write_bytes(damage.replace(b"%s", name))
    again, problems = discover(mine, cache)
    assert problems == []
    assert again == parsed
    assert kept_as_toml_gives(cache, mine)


def test_a_broken_pack_of_ones_own_is_reported_and_its_copy_written_once(mine, tmp_path):
    cache = tmp_path / "cache"
    pack_file = mine / "mine.toml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8").replace(
        'id = "mine"', 'id = "Not An Id"', 1), encoding="utf-8")
    reports = []
    for _ in range(2):
        packs, problems = discover(mine, cache)
        reports.append([str(problem) for problem in problems])
        assert "Not An Id" not in {pack.id for pack in packs}
    [copy] = [p for p in cache.iterdir()
              if p.name.startswith(f"{len(pack_file.read_bytes())}-")]
    written = copy.stat().st_ino
    discover(mine, cache)
    assert reports[0] == reports[1] != []
    assert "mine.toml" in reports[0][0]
    assert copy.stat().st_ino == written  # not written again on every start


def test_a_cache_that_cannot_be_written_is_passed_over(mine, tmp_path):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder")
    parsed, _ = discover(mine)
    packs, problems = discover(mine, in_the_way / "cache")
    assert problems == []
    assert packs == parsed
    assert in_the_way.read_text() == "not a folder"


def test_what_json_cannot_hold_exactly_is_not_kept(tmp_path):
    cache = PackCache(tmp_path / "cache")
    cache.put(b"when = 2026-11-21", {"when": date(2026, 11, 21)})
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []
    cache.put(b"x = 1.0", {"x": 1.0, "y": [True, 1, "é"]})
    assert repr(cache.get(b"x = 1.0")) == repr({"x": 1.0, "y": [True, 1, "é"]})


def test_tidying_removes_only_copies_of_its_own(mine, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "notes.txt").write_text("mine")
    (cache / "12-00000000-00000000.json").write_text("{}")  # a copy no pack has
    discover(mine, cache)
    names = {path.name for path in cache.iterdir()}
    assert "notes.txt" in names
    assert "12-00000000-00000000.json" not in names


def test_reflect_home_keeps_no_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("REFLECT_HOME", str(tmp_path / "home"))
    assert paths.cache_dir() is None


def test_where_names_the_cache_unless_reflect_home_is_set(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from reflect.cli import app

    monkeypatch.delenv("REFLECT_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    shown = CliRunner().invoke(app, ["where"]).stdout
    assert "Packs as parsed" in shown
    monkeypatch.setenv("REFLECT_HOME", str(tmp_path / "home"))
    assert "Packs as parsed" not in CliRunner().invoke(app, ["where"]).stdout
