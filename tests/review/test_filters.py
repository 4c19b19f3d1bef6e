"""Finding entries: the dates people type, filters, short references and search."""

from __future__ import annotations

from datetime import date

import pytest

from reflect.base.errors import ReflectError
from reflect.journal.entry import Entry
from reflect.review.entry_text import Reader
from reflect.review.filters import BadQuery, Filters, find, newest_first, period, search

WEDNESDAY = date(2026, 11, 18)


@pytest.mark.parametrize(("spoken", "first", "last"), [
    ("2026-11-02", date(2026, 11, 2), date(2026, 11, 2)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("today", WEDNESDAY, WEDNESDAY),
    ("Yesterday", date(2026, 11, 17), date(2026, 11, 17)),
    ("7d", date(2026, 11, 11), date(2026, 11, 11)),
    ("2w", date(2026, 11, 4), date(2026, 11, 4)),
    ("3 days ago", date(2026, 11, 15), date(2026, 11, 15)),
    ("1 month", date(2026, 10, 18), date(2026, 10, 18)),
    ("9m", date(2026, 2, 18), date(2026, 2, 18)),
    ("1y", date(2025, 11, 18), date(2025, 11, 18)),
    ("this week", date(2026, 11, 16), date(2026, 11, 22)),
    ("last  week", date(2026, 11, 9), date(2026, 11, 15)),
    ("this month", date(2026, 11, 1), date(2026, 11, 30)),
    ("last month", date(2026, 10, 1), date(2026, 10, 31)),
    ("last year", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_dates_people_type(spoken, first, last):
    """ISO dates, months and relative words each stand for the days a person means."""
    assert period(spoken, WEDNESDAY) == (first, last)


def test_months_back_stop_at_the_end_of_a_shorter_month():
    """A month before 31 March is the last day of February, not an error."""
    assert period("1m", date(2026, 3, 31)) == (date(2026, 2, 28), date(2026, 2, 28))
    assert period("last month", date(2026, 1, 15))[0] == date(2025, 12, 1)


@pytest.mark.parametrize("spoken", ["soon", "2026-13-01", "2026-02-30", "7x", "", "last decade"])
def test_a_date_that_cannot_be_read_is_refused_with_examples(spoken):
    """A date that cannot be read is refused with exit 2 and examples of dates that can."""
    with pytest.raises(BadQuery) as caught:
        period(spoken, WEDNESDAY)
    assert caught.value.exit_code == 2
    assert "2026-11-02" in caught.value.message
    assert "last week" in caught.value.message


def test_since_after_until_is_refused():
    """A --since later than --until is refused."""
    with pytest.raises(BadQuery, match="after --until"):
        Filters.parse(since="2026-11-10", until="2026-11-01", today=WEDNESDAY)


def numbers(entries):
    return [entry.number for entry in entries]


def test_filters_narrow_by_date_need_feeling_moment_and_pack(filled, shipped_packs):
    """Each filter keeps exactly the fixture entries that match it."""
    entries = filled.entries()
    reader = Reader(shipped_packs.values())

    def kept(**options):
        return numbers(Filters.parse(labeller=reader.label, **options).select(entries))

    assert kept() == [1, 2, 3, 4, 5, 6]
    assert kept(since="7d") == [5, 6]
    assert kept(since="2w", until="5d") == [4]
    assert kept(until="21d") == [1, 2]
    assert kept(needs=["closeness"]) == [1, 6]
    assert kept(needs=["Feeling wanted"]) == [2]  # the label a person saw
    assert kept(needs=["feeling_wanted"]) == [2]
    assert kept(needs=["affection", "connection"]) == [3, 5]  # any of several
    assert kept(emotions=["LONELY"]) == [3]
    assert kept(kinds=["asked-out"]) == [2]
    assert kept(packs=["hearing-no-quick"]) == [4]
    assert kept(needs=["closeness"], since="1d") == [6]
    assert kept(needs=["patience"]) == []


def test_newest_first(filled):
    """Reflections are listed newest first."""
    assert numbers(newest_first(filled.entries())) == [6, 5, 4, 3, 2, 1]


def test_an_entry_is_found_by_number_or_the_start_of_its_id(filled):
    """A reflection is found by its number, with or without #, or by the start of its id."""
    entries = filled.entries()
    third = entries[2]
    assert find(entries, "3") is third
    assert find(entries, "#3") is third
    assert find(entries, third.id[:8]) is third
    assert find(entries, third.id.upper()) is third
    with pytest.raises(ReflectError, match="There is no reflection #99"):
        find(entries, "99")

    with pytest.raises(BadQuery, match="not a reflection number"):
        find(entries, "abc")
    with pytest.raises(ReflectError, match="No reflection has an id starting with"):
        find(entries, "ffffffff-0000")


def test_an_id_starting_with_digits_is_found_when_no_number_matches():
    """An id that starts with digits is still found when no reflection has that number."""
    entry = Entry(id="12345678-0000-4000-8000-000000000000", number=1,
                  created="2026-11-01T10:00:00+00:00", updated="2026-11-01T10:00:00+00:00",
                  pack_id="x", pack_version=1, answers={})
    assert find([entry], "1") is entry
    assert find([entry], "12345678") is entry
    with pytest.raises(ReflectError, match="There is no reflection #2"):
        find([entry], "2")


def test_an_id_prefix_shared_by_two_entries_asks_for_more():
    """An id start shared by two reflections names both and asks for more of the id."""
    entries = [Entry(id=f"abcd{n}000-0000-4000-8000-000000000000", number=n,
                     created="2026-11-01T10:00:00+00:00", updated="2026-11-01T10:00:00+00:00",
                     pack_id="x", pack_version=1, answers={}) for n in (1, 2)]
    with pytest.raises(ReflectError, match=r"More than one .*#1, #2"):
        find(entries, "abcd")


def test_search_ignores_capitals_and_points_at_the_words(filled, shipped_packs):
    """Search ignores capitals and points at the matching words in the snippet."""
    reader = Reader(shipped_packs.values())
    hits = search(newest_first(filled.entries()), "EARLY start", reader.answer_texts)
    assert [(hit.entry.number, hit.step) for hit in hits] == [(3, "what_happened")]
    hit = hits[0]
    begin, end = hit.spans[0]
    assert hit.snippet[begin:end].lower() == "early start"


def test_search_finds_the_words_of_a_choice(filled, shipped_packs):
    """A person searches for what they saw ('Hold hands'), not the stored value."""
    reader = Reader(shipped_packs.values())
    hits = search(filled.entries(), "hold hands", reader.answer_texts)
    assert [(hit.entry.number, hit.step) for hit in hits] == [(1, "alternatives")]


def test_a_long_answer_gives_a_short_snippet_around_every_match():
    """A long answer gives a short snippet that shows every match."""
    entry = Entry(id="e", number=1, created="2026-11-01T10:00:00+00:00",
                  updated="2026-11-01T10:00:00+00:00", pack_id="gone", pack_version=1,
                  answers={"story": "word " * 40 + "tired and tired again " + "word " * 40})
    [hit] = search([entry], "tired", lambda e: e.answers.items())
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert len(hit.snippet) < 140
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["tired", "tired"]


def test_search_never_returns_control_characters(filled, shipped_packs):
    """Search snippets never carry terminal control characters; markup-like text stays text."""
    reader = Reader(shipped_packs.values())
    [hit] = search(filled.entries(), "match stopped replying", reader.answer_texts)
    assert "\x1b" not in hit.snippet
    assert "\u202e" not in hit.snippet
    assert "[bold red]loud[/]" in hit.snippet


def test_an_empty_search_is_refused():
    """An empty search is refused with a request for a word."""
    with pytest.raises(BadQuery, match="Give a word"):
        search([], "   ", lambda e: [])


def entry_with(answers, pack_id="gone", number=1):
    return Entry(id=f"{number:08d}-0000-4000-8000-000000000000", number=number,
                 created="2026-11-01T10:00:00+00:00", updated="2026-11-01T10:00:00+00:00",
                 pack_id=pack_id, pack_version=1, answers=answers)


def test_search_reads_past_control_characters_and_letters_beyond_ascii():
    """A word with a control character inside (a journal edited by hand) is found whole, a
    control character that is also a space parts two words, and capitals beyond ASCII
    fold like any others."""
    entries = [entry_with({"story": "the light\x00house at dusk"}, number=1),
               entry_with({"story": "a form\x0cfeed"}, number=2),
               entry_with({"story": "Ein Café am MEER"}, number=3),
               entry_with({"story": "off we go"}, number=4)]

    def found(needle):
        return [(hit.entry.number, hit.snippet) for hit in
                search(entries, needle, lambda e: e.answers.items())]

    assert found("LIGHTHOUSE") == [(1, "the lighthouse at dusk")]
    assert found("form feed") == [(2, "a form feed")]
    assert found("formfeed") == []
    assert found("café am meer") == [(3, "Ein Café am MEER")]
    assert found("ﬀ") == [(4, "off we go")]  # the ligature folds to "ff"
    assert found("über") == []


def test_search_folds_a_letter_that_folds_to_several():
    """ß folds to ss, as ﬁ to fi: each spelling finds the others, and a match points at
    the letters as written (the whole ß, even for a match of one of its s)."""
    entries = [entry_with({"story": "Die Straße war leer, die STRASSE still"}, number=1),
               entry_with({"story": "eine Strasse"}, number=2),
               entry_with({"story": "ﬁne, just fine"}, number=3)]

    def found(needle):
        return [(hit.entry.number, [hit.snippet[a:b] for a, b in hit.spans]) for hit in
                search(entries, needle, lambda e: e.answers.items())]

    assert found("strasse") == [(1, ["Straße", "STRASSE"]), (2, ["Strasse"])]
    assert found("STRAßE") == found("strasse")
    assert found("fine") == [(3, ["ﬁne", "fine"])]
    assert found("ss") == [(1, ["ß", "SS"]), (2, ["ss"])]
    [hit] = search([entry_with({"story": "x " * 60 + "Straße" + " y" * 60})], "strasse",
                   lambda e: e.answers.items())
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["Straße"]


def test_choices_that_are_equal_but_read_differently_are_each_read_as_written(shipped_packs):
    """1 and True are equal in Python but read "1" and "True": a search tells them apart,
    however many entries hold each (a journal edited by hand)."""
    reader = Reader(shipped_packs.values())
    entries = [entry_with({"need": [1]}, "hearing-no", number=1),
               entry_with({"need": [True]}, "hearing-no", number=2),
               entry_with({"need": ["closeness"]}, "hearing-no", number=3),
               entry_with({"need": [["nested"]]}, "hearing-no", number=4)]
    for needle, numbers_found in (("true", [2]), ("1", [1]), ("closeness", [3]),
                                  ("nested", [4])):
        for _ in range(2):  # the second time, what was kept the first time is used
            hits = search(entries, needle, reader.answer_texts)
            assert [hit.entry.number for hit in hits] == numbers_found
