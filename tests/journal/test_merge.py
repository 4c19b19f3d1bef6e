"""Merging two copies of a journal by reflection: any order gives the same reflections,
nothing saved is lost, nothing deleted comes back, and numbers stay unique."""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta, timezone

import pytest

from reflect.journal.merge import Side, content, merge, merge_versions, side_of, tables

SEEDS = range(12)
START = datetime(2026, 11, 1, 20, 0, tzinfo=timezone(timedelta(hours=1)))


def record(entry_id: str, number: int, at: datetime, words: str) -> dict:
    stamp = at.isoformat(timespec="seconds")
    return {"id": entry_id, "number": number, "created": stamp, "updated": stamp,
            "pack": {"id": "hearing-no-quick", "version": 1},
            "answers": {"what_happened": words}, "derived": {"title": words}}


class Machine:
    """One computer's copy of the journal, changed while apart from the others."""

    def __init__(self, name: str, side: Side, rng: random.Random, clock: datetime) -> None:
        self.name = name
        self.side = copy.deepcopy(side)
        self.rng = rng
        self.clock = clock
        self.made = 0

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randint(1, 90))
        return self.clock

    def number(self) -> int:
        self.side.last_number = max([self.side.last_number,
                                     *(r["number"] for r in self.side.entries.values())]) + 1
        return self.side.last_number

    def add(self) -> None:
        self.made += 1
        entry_id = f"{self.name}-{self.made}"
        self.side.entries[entry_id] = record(entry_id, self.number(), self.tick(),
                                             f"written on {self.name} ({self.made})")

    def edit(self) -> None:
        if self.side.entries:
            entry = self.side.entries[self.rng.choice(sorted(self.side.entries))]
            entry["answers"] = {"what_happened": f"edited on {self.name} {self.rng.random()}"}
            entry["updated"] = self.tick().isoformat(timespec="seconds")

    def follow_up(self) -> None:
        if self.side.entries:
            entry = self.side.entries[self.rng.choice(sorted(self.side.entries))]
            way = self.rng.choice(["walk", "call-a-friend", "sit-together"])
            outcome = self.rng.choice(["helped", "not-yet", "didnt-help"])
            entry.setdefault("followups", {})[way] = {
                "outcome": outcome, "at": self.tick().isoformat(timespec="seconds")}

    def delete(self) -> None:
        if self.side.entries:
            entry_id = self.rng.choice(sorted(self.side.entries))
            gone = self.side.entries.pop(entry_id)
            self.side.deleted[entry_id] = {"id": entry_id, "number": gone["number"],
                                           "at": self.tick().isoformat(timespec="seconds")}

    def work(self, steps: int) -> Side:
        for _ in range(steps):
            self.rng.choice([self.add, self.add, self.edit, self.follow_up, self.delete])()
        return self.side


def common_start(rng: random.Random) -> Side:
    entries = {}
    for n in range(1, rng.randint(2, 8) + 1):
        entries[f"start-{n}"] = record(f"start-{n}", n, START + timedelta(days=n), f"old {n}")
    return Side(entries, {}, len(entries))


def apart(seed: int, machines: int = 2) -> list[Side]:
    """Copies of one journal, each changed on its own computer from a common start."""
    rng = random.Random(seed)
    start = common_start(rng)
    return [Machine(name, start, random.Random(f"{seed}-{name}"),
                    START + timedelta(days=30)).work(rng.randint(3, 12))
            for name in ("laptop", "desktop", "phone")[:machines]]


def saved(*sides: Side) -> set[str]:
    """The ids saved in any of the copies and deleted in none."""
    kept = {entry_id for side in sides for entry_id in side.entries}
    return kept - {entry_id for side in sides for entry_id in side.deleted}


@pytest.mark.parametrize("seed", SEEDS)
def test_either_order_keeps_the_same_reflections(seed):
    """Merging the desktop into the laptop, or the laptop into the desktop, ends with the
    same reflections, words, follow-ups and deletions (only the numbers are each one's)."""
    laptop, desktop = apart(seed)
    assert content(merge(laptop, desktop).side) == content(merge(desktop, laptop).side)


@pytest.mark.parametrize("seed", SEEDS)
def test_three_computers_merge_the_same_in_any_grouping(seed):
    """With three computers, which pair is merged first makes no difference."""
    a, b, c = apart(seed, machines=3)
    first = merge(merge(a, b).side, c).side
    second = merge(a, merge(b, c).side).side
    third = merge(merge(c, a).side, b).side
    assert content(first) == content(second) == content(third)


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_saved_is_lost_and_nothing_deleted_comes_back(seed):
    """Every reflection saved on either computer is there after the merge, unless one of
    them deleted it; none that either deleted is there."""
    laptop, desktop = apart(seed)
    merged = merge(laptop, desktop).side
    assert set(merged.entries) == saved(laptop, desktop)
    assert set(merged.deleted) == set(laptop.deleted) | set(desktop.deleted)


@pytest.mark.parametrize("seed", SEEDS)
def test_numbers_stay_unique_and_this_journals_numbers_stay(seed):
    """No two reflections share a number, reflections already here keep theirs, and the
    highest number given is remembered."""
    laptop, desktop = apart(seed)
    merged = merge(laptop, desktop).side
    numbers = [record["number"] for record in merged.entries.values()]
    assert len(numbers) == len(set(numbers))
    for entry_id, record in merged.entries.items():
        if entry_id in laptop.entries:
            assert record["number"] == laptop.entries[entry_id]["number"]
    assert merged.last_number >= max(numbers, default=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_version_changed_last_wins_with_every_follow_up(seed):
    """A reflection changed on both keeps the words changed last, and the follow-ups of both
    (each alternative's latest answer)."""
    laptop, desktop = apart(seed)
    merged = merge(laptop, desktop).side
    for entry_id in set(laptop.entries) & set(desktop.entries) & set(merged.entries):
        mine, theirs = laptop.entries[entry_id], desktop.entries[entry_id]
        later = max(mine, theirs, key=lambda r: datetime.fromisoformat(r["updated"]))
        assert merged.entries[entry_id]["answers"] == later["answers"]
        ways = set(mine.get("followups", {})) | set(theirs.get("followups", {}))
        assert set(merged.entries[entry_id].get("followups", {})) == ways


@pytest.mark.parametrize("seed", SEEDS)
def test_merging_again_changes_nothing(seed):
    """A copy merged in a second time adds, changes and removes nothing."""
    laptop, desktop = apart(seed)
    merged = merge(laptop, desktop).side
    again = merge(merged, desktop)
    assert not again.report.anything
    assert again.side.entries == merged.entries


def test_an_arrival_with_a_number_used_here_gets_the_next_one():
    """Two computers that each saved #3 while apart: the one arriving becomes #4, the same
    reflection (same id), and the report says which number it had there."""
    start = Side({"a": record("a", 1, START, "a"), "b": record("b", 2, START, "b")}, {}, 2)
    laptop, desktop = copy.deepcopy(start), copy.deepcopy(start)
    laptop.entries["l"] = record("l", 3, START + timedelta(hours=1), "laptop's")
    desktop.entries["d"] = record("d", 3, START + timedelta(hours=2), "desktop's")
    desktop.entries["e"] = record("e", 4, START + timedelta(hours=3), "desktop's next")
    merged = merge(laptop, desktop)
    numbers = {entry_id: r["number"] for entry_id, r in merged.side.entries.items()}
    assert numbers == {"a": 1, "b": 2, "l": 3, "d": 4, "e": 5}
    assert [(kept["id"], was) for kept, was in merged.report.renumbered] == [("d", 3),
                                                                            ("e", 4)]
    assert merged.report.taken_in == 2


def test_a_number_deleted_here_is_not_given_to_an_arrival():
    """A number whose reflection was deleted here is never given to another one."""
    here = Side({}, {"x": {"id": "x", "number": 5, "at": START.isoformat()}}, 5)
    there = Side({"y": record("y", 5, START, "y")}, {}, 5)
    assert merge(here, there).side.entries["y"]["number"] == 6


def test_a_reflection_deleted_there_is_removed_here_even_if_edited_here():
    """A deletion on either computer wins over an edit on the other, and is reported."""
    mine = record("a", 1, START, "edited here")
    mine["updated"] = (START + timedelta(days=2)).isoformat()
    here = Side({"a": mine}, {}, 1)
    there = Side({}, {"a": {"id": "a", "number": 1,
                            "at": (START + timedelta(days=1)).isoformat()}}, 1)
    merged = merge(here, there)
    assert merged.side.entries == {}
    assert [r["id"] for r in merged.report.removed] == ["a"]
    assert merged.report.deletions == 1


def test_a_tie_is_settled_by_the_content_the_same_way_round():
    """Two versions saved in the same second still merge to one answer, whichever comes
    first, and links from both are kept."""
    one, two = record("a", 1, START, "one"), record("a", 7, START, "two")
    one["links"] = {"preparation": "p1"}
    first, second = merge_versions(one, two), merge_versions(two, one)
    assert first["answers"] == second["answers"]
    assert first["links"] == second["links"] == {"preparation": "p1"}
    assert (first["number"], second["number"]) == (1, 7)


def test_times_in_other_zones_are_compared_as_moments():
    """An edit at 10:45 in New York is later than one at 15:30 in London the same day."""
    london, new_york = record("a", 1, START, "london"), record("a", 1, START, "new york")
    london["updated"] = "2026-11-02T15:30:00+00:00"
    new_york["updated"] = "2026-11-02T10:45:00-05:00"
    assert merge_versions(london, new_york)["answers"] == {"what_happened": "new york"}


def test_tables_are_numbered_in_order_and_keep_the_schema():
    """The merged tables hold the entries by number, the deletions, and the meta table with
    its schema and the highest number given."""
    data = {"entries": {}, "meta": {"1": {"schema": 4}}, "other": {"1": {"x": 1}}}
    side = Side({"b": record("b", 2, START, "b"), "a": record("a", 1, START, "a")},
                {"c": {"id": "c", "number": 3, "at": START.isoformat()}}, 3)
    result = tables(data, side)
    assert [doc["id"] for doc in result["entries"].values()] == ["a", "b"]
    assert list(result["deleted"].values()) == [side.deleted["c"]]
    assert result["meta"] == {"1": {"schema": 4, "last_number": 3}}
    assert result["other"] == {"1": {"x": 1}}
    assert side_of(result).entries == side.entries
