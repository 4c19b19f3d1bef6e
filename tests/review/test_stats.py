"""Patterns across reflections: `reflect/review/stats.py` on small journals whose numbers are
worked out by hand here, `reflect stats` (view, filters, --json) and the HTML export."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from reflect.base.safe_text import printable
from reflect.cli import app
from reflect.journal.entry import Entry, derive, new_id
from reflect.packs.model import Pack
from reflect.review import stats as insights
from reflect.review.entry_text import Reader
from reflect.review.filters import find

from conftest import FULL_ANSWERS, HOSTILE_TEXT, journal_data, write_journal_data

runner = CliRunner()


def invoke(*args: str, **kwargs):
    result = runner.invoke(app, list(args), catch_exceptions=False, **kwargs)
    assert "Traceback" not in result.output
    return result


def make(packs: dict[str, Pack], number: int, day: str, pack: str = "hearing-no",
         **answers: Any) -> Entry:
    """An entry written on `day` at noon, its derived fields made by its pack."""
    created = f"{day}T12:00:00+00:00"
    derived = derive(packs[pack], answers) if pack in packs else {
        "needs": answers.get("need", []), "title": "From a pack that is gone"}
    return Entry(id=new_id(), number=number, created=created, updated=created,
                 pack_id=pack, pack_version=1, answers=answers, derived=derived)


def full(**changes: Any) -> dict[str, Any]:
    """The full pack's answers, changed; a change to None leaves that step unanswered."""
    merged = {**FULL_ANSWERS, **changes}
    return {key: value for key, value in merged.items() if value is not None}


@pytest.fixture
def small(shipped_packs) -> list[Entry]:
    """Five reflections over six weeks of March and April 2026, with exact values.

    #1 Mon 2 Mar   8 -> 5  closeness            tired, early-start  mind-reading
    #2 Wed 4 Mar   6 -> 5  closeness, affection tired               none-fit
    #3 Wed 18 Mar  9 -> 4  "Being seen" (own)   "They'd had a rough day" (own)
                                                                    mind-reading, labelling
    #4 Mon 6 Apr   5       " being  SEEN" (own, quick pack: no after, no reasons)
    #5 Wed 8 Apr   7 -> 2  closeness            dont-know           (trap step skipped)
    """
    return [
        make(shipped_packs, 1, "2026-03-02", **full(
            intensity=8, intensity_now=5, need=["closeness"],
            not_about_me=["tired", "early-start"], thinking_trap=["mind-reading"],
            alternatives=["sit-together"])),
        make(shipped_packs, 2, "2026-03-04", **full(
            intensity=6, intensity_now=5, need=["closeness", "affection"],
            not_about_me=["tired"], thinking_trap=["none-fit"],
            alternatives=["hug", "sit-together"])),
        make(shipped_packs, 3, "2026-03-18", **full(
            intensity=9, intensity_now=4, need=["Being seen"],
            not_about_me=["They'd had a rough day"],
            thinking_trap=["mind-reading", "labelling"], alternatives=["Go for a swim"])),
        make(shipped_packs, 4, "2026-04-06", pack="hearing-no-quick",
             what_happened="A call cut short.", intensity=5, need=[" being  SEEN"],
             reframe="one-moment"),
        make(shipped_packs, 5, "2026-04-08", **full(
            intensity=7, intensity_now=2, need=["closeness"], not_about_me=["dont-know"],
            thinking_trap=None, alternatives=None)),
    ]


@pytest.fixture
def reader(shipped_packs) -> Reader:
    return Reader(shipped_packs.values())


def ranked(ranking: insights.Ranking) -> list[tuple[str, int, float, bool]]:
    return [(item.label, item.count, item.share, item.own_words) for item in ranking.items]


# insights -----------------------------------------------------------------------------

def test_reflections_are_counted_per_iso_week_with_empty_weeks_shown(small, reader):
    """Weeks W10 to W15 of 2026: two, none, one, none, none, two."""
    found = insights.compute(small, reader, today=date(2026, 5, 1))
    assert found.unit == "week"
    assert [(p.label, p.count) for p in found.periods] == [
        ("2026-W10", 2), ("2026-W11", 0), ("2026-W12", 1), ("2026-W13", 0),
        ("2026-W14", 0), ("2026-W15", 2)]
    assert found.periods[0].start == date(2026, 3, 2)
    assert found.periods[0].end == date(2026, 3, 8)
    assert [p.name for p in found.periods][:3] == ["2 Mar", "9 Mar", "16 Mar"]
    assert (found.count, found.first, found.last) == (5, date(2026, 3, 2), date(2026, 4, 8))
    later = insights.compute(small, reader, today=date(2027, 1, 4))
    assert [p.name for p in later.periods][:2] == ["2 Mar 2026", "9 Mar 2026"]


def test_the_order_of_entries_does_not_matter(small, reader):
    """The patterns are the same whatever order the reflections come in."""
    assert insights.compute(small[::-1], reader) == insights.compute(small, reader)


def test_a_spread_over_four_months_is_counted_by_month(shipped_packs, reader):
    """15 January to 1 June: six months, the empty ones included."""
    entries = [make(shipped_packs, n, day, **full()) for n, day in
               enumerate(["2026-01-15", "2026-03-10", "2026-03-31", "2026-06-01"], 1)]
    found = insights.compute(entries, reader)
    assert found.unit == "month"
    assert [(p.label, p.name, p.count) for p in found.periods] == [
        ("2026-01", "Jan 2026", 1), ("2026-02", "Feb 2026", 0), ("2026-03", "Mar 2026", 2),
        ("2026-04", "Apr 2026", 0), ("2026-05", "May 2026", 0), ("2026-06", "Jun 2026", 1)]
    assert found.periods[1].end == date(2026, 2, 28)


@pytest.mark.parametrize(("last", "unit"), [("2026-05-03", "week"), ("2026-05-04", "month")])
def test_weeks_give_way_to_months_after_122_days(shipped_packs, reader, last, unit):
    """1 January to 3 May is 122 days (still weeks); a day more is counted by month."""
    entries = [make(shipped_packs, 1, "2026-01-01", **full()),
               make(shipped_packs, 2, last, **full())]
    assert insights.compute(entries, reader).unit == unit


def test_weeks_across_new_year_use_iso_weeks_and_name_the_year(shipped_packs, reader):
    """Monday 29 December 2025 is in ISO week 1 of 2026."""
    entries = [make(shipped_packs, 1, "2025-12-31", **full()),
               make(shipped_packs, 2, "2026-01-05", **full())]
    found = insights.compute(entries, reader)
    assert [(p.label, p.name, p.count) for p in found.periods] == [
        ("2026-W01", "29 Dec 2025", 1), ("2026-W02", "5 Jan 2026", 1)]


def test_before_and_after_for_each_entry_with_both_and_the_average_change(small, reader):
    """Changes -3, -1, -5, -5 (the quick #4 has no after): on average -14/4 = -3.5."""
    found = insights.compute(small, reader)
    assert [(c.number, c.before, c.after, c.change, c.out_of) for c in found.changes] == [
        (1, 8, 5, -3, 10), (2, 6, 5, -1, 10), (3, 9, 4, -5, 10), (5, 7, 2, -5, 10)]
    assert found.average_change == -3.5
    assert found.average_before == 7.5  # (8 + 6 + 9 + 7) / 4
    assert found.average_after == 4.0   # (5 + 5 + 4 + 2) / 4
    assert insights.change_words(found) == (
        "On average the feeling was 3.5 points lower by the end (4 reflections with a "
        "rating at the start and the end).")


@pytest.mark.parametrize(("pairs", "words"), [
    ([(5, 6), (4, 5)], "On average the feeling was 1 point stronger by the end"),
    ([(5, 5), (6, 6)], "On average the feeling was about the same at the end as at the start"),
    ([(6, 4)], "On average the feeling was 2 points lower by the end (1 reflection with"),
])
def test_the_change_is_described_as_information(shipped_packs, reader, pairs, words):
    """The change in how strong a feeling was is described as what happened, never as a promise."""
    entries = [make(shipped_packs, n, f"2026-03-0{n}", **full(intensity=b, intensity_now=a))
               for n, (b, a) in enumerate(pairs, 1)]
    said = insights.change_words(insights.compute(entries, reader))
    assert said is not None
    assert said.startswith(words)
    assert "will" not in said  # a description, never a promise


def test_the_before_rating_by_month_and_the_first_and_latest_compared(small, reader):
    """March: (8 + 6 + 9) / 3 = 7.67; April: (5 + 7) / 2 = 6, the quick entry included."""
    found = insights.compute(small, reader)
    assert [(m.month, m.average, m.count) for m in found.months] == [
        ("2026-03", 7.67, 3), ("2026-04", 6.0, 2)]
    assert found.trend == -1.67
    assert insights.trend_words(found) == (
        "At the start of a reflection the feeling was 7.7 on average in March 2026, and 6 "
        "in April 2026: 1.7 points lower.")


@pytest.mark.parametrize(("ratings", "words"), [
    ({"03-02": 6, "04-01": 6}, "6 on average in March 2026, and 6 in April 2026: about the same."),
    ({"03-02": 6, "04-01": 5}, "6 on average in March 2026, and 5 in April 2026: 1 point lower."),
    ({"03-02": 4, "04-01": 6},
     "4 on average in March 2026, and 6 in April 2026: 2 points higher."),
    ({"03-02": 6, "03-03": 6, "03-04": 7, "04-01": 6},  # 19 / 3 = 6.33, then 6
     "6.3 on average in March 2026, and 6 in April 2026: about the same (0.3 points lower)."),
    ({"03-02": 6, "04-01": 6, "04-02": 7},  # 6, then 13 / 2 = 6.5: half a point is a change
     "6 on average in March 2026, and 6.5 in April 2026: 0.5 points higher."),
])
def test_months_compared_in_plain_words(shipped_packs, reader, ratings, words):
    """A difference under half a point reads as about the same, with the difference named."""
    entries = [make(shipped_packs, n, f"2026-{day}", **full(intensity=before))
               for n, (day, before) in enumerate(ratings.items(), 1)]
    said = insights.trend_words(insights.compute(entries, reader))
    assert said is not None
    assert said.endswith(words)


def test_one_month_has_no_comparison(shipped_packs, reader):
    """With one month of reflections there is no month-to-month comparison."""
    entries = [make(shipped_packs, n, f"2026-03-0{n}", **full()) for n in (1, 2, 3)]
    found = insights.compute(entries, reader)
    assert len(found.months) == 1
    assert found.trend is None
    assert insights.trend_words(found) is None


def test_needs_by_count_with_share_and_own_words_counted_as_written(small, reader):
    """Closeness in 3 of 5; 'Being seen' twice (capitals and spaces aside); affection once."""
    found = insights.compute(small, reader)
    assert found.needs.answered == 5
    assert ranked(found.needs) == [
        ("Closeness", 3, 0.6, False), ("Being seen", 2, 0.4, True),
        ("Affection or touch", 1, 0.2, False)]
    assert [item.value for item in found.needs.items] == ["closeness", "Being seen",
                                                          "affection"]


def test_reasons_it_may_not_be_about_me(small, reader):
    """Four reflections answered (the quick pack does not ask); ties by their words."""
    found = insights.compute(small, reader)
    assert found.reasons.answered == 4
    assert ranked(found.reasons) == [
        ("They were tired", 2, 0.5, False),
        ("I don't know, and that's okay", 1, 0.25, False),
        ("They have an early start or needed sleep", 1, 0.25, False),
        ("They'd had a rough day", 1, 0.25, True)]


def test_thinking_traps_leave_out_none_fit(small, reader):
    """Three looked at the traps (#2 found none fitted); mind reading twice."""
    found = insights.compute(small, reader)
    assert found.traps.answered == 3
    assert ranked(found.traps) == [("Mind reading", 2, 0.667, False),
                                   ("Labelling myself", 1, 0.333, False)]


def test_other_ways_chosen_most(small, reader):
    """The other ways chosen most are counted, with a person's own words marked as theirs."""
    found = insights.compute(small, reader)
    assert found.alternatives.answered == 3
    assert ranked(found.alternatives) == [
        ("Sit together for a while", 2, 0.667, False), ("A hug", 1, 0.333, False),
        ("Go for a swim", 1, 0.333, True)]


def test_follow_ups_with_no_answers_yet_are_empty(small, reader):
    """With no follow-up answers yet, the follow-up patterns are empty."""
    found = insights.compute(small, reader)
    assert found.follow_ups == ()
    assert found.to_json()["follow_ups"] == []


def test_how_the_other_ways_went_is_counted_per_way(small, reader):
    """#1 and #2: "sit together" helped both times; #2: "a hug" didn't help much; #3: the
    own-words "Go for a swim" was offered and declined, and that was okay; a dismissed one
    is not counted. Helped most first, then fewest "didn't help"."""
    at = "2026-11-20T10:00:00+00:00"
    small[0].followups = {"sit-together": {"outcome": "helped", "at": at}}
    small[1].followups = {"sit-together": {"outcome": "helped", "at": at},
                          "hug": {"outcome": "didnt-help", "at": at}}
    small[2].followups = {"Go for a swim": {"outcome": "declined-okay", "at": at}}
    small[4].followups = {"anything": {"outcome": "dismissed", "at": at}}
    found = insights.compute(small, reader)
    assert [(f.label, f.helped, f.didnt_help, f.declined_okay, f.not_yet)
            for f in found.follow_ups] == [("Sit together for a while", 2, 0, 0, 0),
                                           ("Go for a swim", 0, 0, 1, 0),
                                           ("A hug", 0, 1, 0, 0)]
    assert found.to_json()["follow_ups"][0] == {
        "value": "sit-together", "label": "Sit together for a while", "helped": 2,
        "didnt_help": 0, "declined_okay": 0, "not_yet": 0}


def test_stats_shows_what_helped_and_leaves_out_preparations(filled, shipped_packs):
    """`stats` shows how the other ways went and leaves preparations out of the patterns."""
    from typer.testing import CliRunner

    from reflect.cli import app
    from reflect.journal.entry import new_id

    first = find(filled.entries(), "1")
    filled.record_followups({first.id: {
        "sit-together": {"outcome": "helped", "at": "2026-11-20T10:00:00+00:00"}}})
    filled.add(shipped_packs["preparing-to-ask"], {
        "hoping": "A weekend away", "need": ["fun"], "how_ask": "Plainly."}, new_id(),
        "2026-11-20T09:00:00+00:00")
    out = " ".join(CliRunner().invoke(app, ["stats"]).stdout.split())
    assert "How the other ways went, as you said later" in out
    assert "Sit together for a while helped 1 of 1 time tried" in out
    assert "Fun or play" not in out  # the preparation's need is not a pattern of a no
    assert "6 reflections" in out


def test_an_entry_whose_pack_is_gone_counts_by_its_stored_values(shipped_packs, reader):
    """Its need merges with the same value of a pack that is here, under that label."""
    gone = make(shipped_packs, 2, "2026-03-03", pack="gone-pack", need=["closeness"])
    alone = insights.compute([gone], reader)
    assert ranked(alone.needs) == [("closeness", 1, 1.0, False)]
    assert alone.changes == ()
    assert alone.reasons.answered == 0
    both = insights.compute([make(shipped_packs, 1, "2026-03-02", **full()), gone], reader)
    assert ranked(both.needs) == [("Closeness", 2, 1.0, False)]


def test_the_quick_pack_alone_gives_before_ratings_and_needs_only(shipped_packs, reader):
    """Quick reflections alone give the starting strength and the needs, and nothing they lack."""
    entries = [make(shipped_packs, n, f"2026-03-0{n}", pack="hearing-no-quick",
                    what_happened="x", intensity=n, need=["rest"], reframe="one-moment")
               for n in (1, 2, 3)]
    found = insights.compute(entries, reader)
    assert found.changes == ()
    assert found.average_change is None
    assert insights.change_words(found) is None
    assert [(m.average, m.count) for m in found.months] == [(2.0, 3)]
    assert ranked(found.needs) == [("Rest or unwinding", 3, 1.0, False)]
    assert found.reasons.items == found.traps.items == found.alternatives.items == ()


def test_ratings_that_are_not_whole_numbers_are_left_out(shipped_packs, reader):
    """A hand-edited journal: yes/no or words where a number belongs are not numbers."""
    entry = make(shipped_packs, 1, "2026-03-02", **full())
    entry.derived["intensity_before"] = True
    odd = make(shipped_packs, 2, "2026-03-03", **full())
    odd.derived["intensity_after"] = "3"
    found = insights.compute([entry, odd], reader)
    assert found.changes == ()
    assert [(m.average, m.count) for m in found.months] == [(7.0, 1)]


def test_no_entries_give_empty_insights(reader):
    """No reflections give empty patterns, not an error."""
    found = insights.compute([], reader)
    assert (found.count, found.enough, found.first, found.periods) == (0, False, None, ())
    assert found.needs == insights.Ranking(0, ())


# reflect stats ------------------------------------------------------------------------

def test_stats_on_the_filled_journal_shows_every_section(filled):
    """Six reflections: changes -4, -3, -2, -2, -2 (the quick #4 has no after) = -2.6."""
    result = invoke("stats")
    assert result.exit_code == 0
    out = result.stdout
    for heading in ("Your reflections at a glance", "How often you reflected, week by week",
                    "How strong, at the start and at the end",
                    "How strong at the start, month by month", "The needs underneath",
                    "What else it might have been about", "Thinking traps you noticed",
                    "Other ways you chose"):
        assert heading in out, heading
    assert "6 reflections," in out
    said = " ".join(out.split())
    assert ("On average the feeling was 2.6 points lower by the end (5 reflections with a "
            "rating at the start and the end).") in said
    assert "not a promise" in said
    assert re.search(r"#1 .* 7 █{7} +-> 3 ███ *$", out, re.M)
    assert re.search(r"^ +Closeness +2 +33%$", out, re.M)
    assert re.search(r"^ +They were tired +5 +100%$", out, re.M)
    assert "Out of 6 reflections that named a need." in out


def test_stats_counts_weeks_with_bars(shipped_packs, journal_file, small):
    """The bars are as long as the counts, and empty weeks are shown empty."""
    from reflect.journal.store import Journal

    Journal(journal_file).import_entries(small)
    lines = [line.rstrip() for line in invoke("stats").stdout.splitlines()]
    start = lines.index("How often you reflected, week by week (weeks start on Monday)")
    weeks = lines[start + 1:start + 7]
    year = "" if date.today().year == 2026 else " 2026"  # another year's weeks say which
    assert [" ".join(line.split()) for line in weeks] == [
        f"2 Mar{year} ██ 2", f"9 Mar{year}", f"16 Mar{year} █ 1", f"23 Mar{year}",
        f"30 Mar{year}", f"6 Apr{year} ██ 2"]
    assert len({line.index("█") for line in weeks if "█" in line}) == 1  # bars line up


def test_stats_follows_the_filters(filled):
    """`stats` counts only the reflections that match the filters given."""
    cases = {("--need", "closeness"): 2, ("--since", "7d"): 2, ("--emotion", "lonely"): 1,
             ("--pack", "hearing-no"): 5, ("--until", "30d"): 2}
    for options, count in cases.items():
        data = json.loads(invoke("stats", "--json", *options).stdout)
        assert data["count"] == count, options
    closeness = json.loads(invoke("stats", "--json", "--need", "closeness").stdout)
    assert [e["number"] for e in closeness["intensity"]["entries"]] == [1, 6]
    assert closeness["intensity"]["average_change"] == -3.0  # (-4 + -2) / 2


def test_stats_says_so_when_nothing_matches(filled):
    """No match names the filters used."""
    result = invoke("stats", "--need", "fun")
    assert result.exit_code == 0
    assert "No reflections match --need fun, out of 6 in your journal." in result.stdout


def test_stats_give_the_year_of_days_from_another_year(journal_file, shipped_packs):
    """Reflections all from last year: the weeks and the ratings say which year."""
    from datetime import timedelta

    from reflect.journal.store import Journal

    year = date.today().year - 1
    first = date(year, 3, 2)
    monday = first - timedelta(days=first.weekday())
    journal = Journal(journal_file)
    for day in (2, 4, 18):
        journal.add(shipped_packs["hearing-no"], FULL_ANSWERS, new_id(),
                    f"{year}-03-{day:02d}T12:00:00+00:00")
    out = invoke("stats").stdout
    assert f"  {monday.day} {monday:%b} {monday.year} █" in out  # the first week
    assert f"#1 2 Mar {year}" in " ".join(out.split())
    assert f"#3 18 Mar {year}" in " ".join(out.split())


def test_stats_on_an_empty_journal_is_kind_and_creates_nothing(reflect_home):
    """`stats` on an empty journal says so kindly, gives empty JSON and creates nothing."""
    result = invoke("stats")
    assert result.exit_code == 0
    assert "Your journal is empty so far" in result.stdout
    data = json.loads(invoke("stats", "--json").stdout)
    assert data["count"] == 0
    assert data["activity"]["periods"] == []
    assert data["intensity"]["average_change"] is None
    assert not reflect_home.exists()


@pytest.mark.parametrize("count", [1, 2])
def test_one_or_two_reflections_get_a_kind_word_and_no_charts(filled, count):
    """Patterns need a few more; what there is (before and after, the needs) is shown."""
    result = invoke("stats", "--since", "3d" if count == 2 else "today")
    out = " ".join(result.stdout.split())
    assert result.exit_code == 0
    assert f"You have {count} reflection{'s' if count == 2 else ''} so far." in out
    assert "Patterns need a few more to show (three or more), so there are no charts yet." in out
    assert "#6: how strong, 7 at the start and 5 at the end (out of 10)." in out
    if count == 2:
        assert "#5: how strong, 4 at the start and 2 at the end (out of 10)." in out
    assert "The need underneath: " in out
    assert "█" not in result.stdout
    assert "How often you reflected" not in out


def test_stats_json_has_the_documented_shape(filled):
    """`stats --json` gives the documented sections and fields."""
    data = json.loads(invoke("stats", "--json").stdout)
    assert list(data) == ["count", "enough", "first", "last", "activity", "intensity",
                          "before_by_month", "needs", "reasons", "thinking_traps",
                          "alternatives", "follow_ups"]
    assert (data["count"], data["enough"]) == (6, True)
    assert set(data["activity"]) == {"unit", "periods"}
    assert set(data["activity"]["periods"][0]) == {"label", "start", "end", "count"}
    assert sum(p["count"] for p in data["activity"]["periods"]) == 6
    assert set(data["intensity"]) == {"entries", "over", "average_before", "average_after",
                                      "average_change"}
    assert data["intensity"]["entries"][0] == {
        "number": 1, "created": data["intensity"]["entries"][0]["created"], "before": 7,
        "after": 3, "change": -4, "out_of": 10}
    assert (data["intensity"]["over"], data["intensity"]["average_change"]) == (5, -2.6)
    assert set(data["before_by_month"]) == {"months", "change"}
    assert set(data["before_by_month"]["months"][0]) == {"month", "average", "count"}
    for key in ("needs", "reasons", "thinking_traps", "alternatives"):
        assert set(data[key]) == {"answered", "items"}
    assert data["needs"]["items"][0] == {"value": "closeness", "label": "Closeness",
                                         "count": 2, "share": 0.333, "own_words": False}
    assert data["follow_ups"] == []


def test_the_stats_view_fits_80_columns(filled, shipped_packs, monkeypatch):
    """Even a long answer in one's own words wraps inside 80 columns, and is not lost."""
    from reflect.terminal import render

    long_need = "Feeling that someone chose me on purpose " * 4
    filled.add(shipped_packs["hearing-no-quick"], {
        "what_happened": "x", "intensity": 3, "need": [long_need.strip()],
        "reframe": "one-moment"}, new_id(), "2026-01-01T10:00:00+00:00")
    monkeypatch.setenv("COLUMNS", "80")
    render.console.cache_clear()
    out = invoke("stats").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "on purpose Feeling that" in " ".join(out.split())


@pytest.mark.parametrize("columns", [100, 80, 44])
@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_the_stats_view_fits_the_screen_with_own_words_as_data(
        filled, shipped_packs, monkeypatch, columns, colour):
    """Rankings, ratings and follow-ups fit the screen, in colour or not, with own words
    (short, long, wide characters, markup, escape codes) shown in full and as data."""
    from reflect.terminal import render

    owns = ["Rest", "東京の友達に電話する 🙂", HOSTILE_TEXT,
            "A long walk by the river, where I can think about the day and breathe"]
    for n, own in enumerate(owns * 2):
        entry_id = new_id()
        filled.add(shipped_packs["hearing-no"], {
            **FULL_ANSWERS, "need": ["closeness", own], "alternatives": ["hold-hands", own],
            "not_about_me": ["tired", own], "intensity": n, "intensity_now": 9 - n},
            entry_id, f"2026-0{1 + n % 8}-1{n}T10:00:00+00:00")
        filled.record_followups({entry_id: {
            "hold-hands": {"outcome": ["helped", "didnt-help"][n % 2], "at": "x"},
            own: {"outcome": ["declined-okay", "not-yet"][n % 2], "at": "x"}}})
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", "5000")  # no pager
    if colour:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("TERM", "xterm-256color")
    render.console.cache_clear()
    out = invoke("stats").stdout
    assert ("\x1b[" in out) == colour
    words = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert max(cell_len(line) for line in words.splitlines()) <= min(columns, 80)
    assert "How the other ways went" in words
    for own in owns:  # a long one wraps in its column
        assert all(word in words for word in printable(own).split()), own
    for forbidden in ("\x07", "\u202e", "\x1b[2J", "\x1b]"):
        assert forbidden not in out


def test_the_stats_view_shows_markup_and_escape_codes_as_data(filled, journal_file):
    """Own words holding markup, a clear-screen, an OSC title and a bidi override."""
    data = journal_data(journal_file)
    for record in data["entries"].values():
        if record["number"] in (5, 6):
            record["derived"]["needs"] = [HOSTILE_TEXT]
    write_journal_data(journal_file, data)
    out = invoke("stats").stdout
    assert "[bold red]loud[/]" in out
    for forbidden in ("\x1b", "\x07", "\u202e"):
        assert forbidden not in out
    assert re.search(r"\[bold red\]loud\[/\].* 2 +33%", out)


def test_stats_help_teaches_with_examples():
    """`stats --help` gives an example and names --json."""
    result = invoke("stats", "--help")
    assert result.exit_code == 0
    assert "reflect stats --since 3m" in result.stdout
    assert "--json" in result.stdout


# HTML export --------------------------------------------------------------------------

class Page(HTMLParser):
    """Every tag and attribute of a page, and whether each opened tag was closed."""

    VOID = frozenset({"meta", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, tag
        assert self.open[-1] == tag, (tag, self.open[-3:])
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    return parser


def test_html_export_is_self_contained(filled):
    """Nothing in the page can load anything: no address, no script, no outside file."""
    page = invoke("export", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>")
    lowered = page.lower()
    for outside in ("http:", "https:", "//", "src=", "href=", "<link", "<script", "url(",
                    "@import", "<img", "<iframe"):
        assert outside not in lowered, outside
    # The only "http" is the page's own policy, which forbids loading anything at all.
    assert lowered.count("http") == 1
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'") in page
    parsed = parse(page)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "header",
                                "main", "section", "article", "h1", "h2", "h3", "p", "ul",
                                "li", "table", "tr", "th", "td", "div"}
    for tag, name, value in parsed.attributes:
        assert name in {"lang", "charset", "http-equiv", "name", "content", "class", "id",
                        "style"}, (tag, name)
        if name == "style":
            assert re.fullmatch(r"width: \d+\.\d%", value or ""), value


def test_html_export_has_the_patterns_then_every_reflection(filled):
    """The HTML export has the patterns first, then every reflection in order."""
    page = invoke("export", "--format", "html").stdout
    text = " ".join(" ".join(parse(page).text).split())
    assert "6 reflections," in text
    assert "Private notes: whoever has this file can read them." in text
    assert page.index('id="at-a-glance"') < page.index('id="reflection-1"')
    assert re.findall(r'<article id="reflection-(\d+)">', page) == [str(n) for n in range(1, 7)]
    assert ("On average the feeling was 2.6 points lower by the end (5 reflections with a "
            "rating at the start and the end).") in text
    assert "What were you hoping to feel? What need was under the ask?" in text
    assert "<tr><th>Closeness</th><td class=\"n\">2</td>" in page
    assert "how strong: 7 → 3 (out of 10)" in text
    assert "Wanted to cuddle after a long day; my partner had an early start." in text
    assert text.count("How often you reflected, week by week") == 1


def test_html_patterns_leave_out_preparations_as_stats_does(filled, shipped_packs):
    """A preparation is exported with the reflections but, as in `reflect stats`, adds
    nothing to the patterns: the page's "at a glance" is what it was without it."""
    from reflect.journal.entry import PREPARE_PACK

    def at_a_glance(page: str) -> str:
        return page[page.index('id="at-a-glance"'):page.index('id="reflections"')]

    before = invoke("export", "--format", "html").stdout
    filled.add(shipped_packs[PREPARE_PACK], {
        "hoping": "To feel close tonight.", "need": ["affection", "fun"],
        "how_ask": "Ask once, lightly, and mean it when I say no is fine.",
        "plan_b": ["call-friend", "warm-shower"]}, new_id(), "2026-11-01T10:00:00+00:00")
    after = invoke("export", "--format", "html").stdout
    assert len(re.findall(r'<article id="reflection-', after)) == 7
    assert "To feel close tonight." in after
    assert at_a_glance(after) == at_a_glance(before)
    assert "6 reflections" in re.sub(r"<[^>]+>", " ", at_a_glance(after))
    assert json.loads(invoke("stats", "--json").stdout)["count"] == 6


def test_html_export_escapes_every_word_a_person_wrote(filled, journal_file):
    """A script, markup, quotes and escape codes in answers, titles and own words."""
    data = journal_data(journal_file)
    record = next(r for r in data["entries"].values() if r["number"] == 2)
    attack = '<script>alert(1)</script> [bold]x[/bold] "q" & <img src=x onerror=alert(2)>'
    record["answers"]["story"] = attack
    record["answers"]["what_happened"] = HOSTILE_TEXT
    record["derived"]["title"] = "<b>title</b>"
    record["derived"]["needs"] = ['<i onclick="x">me</i>']
    write_journal_data(journal_file, data)
    page = invoke("export", "--format", "html").stdout
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold] &quot;q&quot; &amp; "
            "&lt;img src=x onerror=alert(2)&gt;") in page
    assert "#2 · &lt;b&gt;title&lt;/b&gt;" in page
    assert "<th>&lt;i onclick=&quot;x&quot;&gt;me&lt;/i&gt;</th>" in page
    assert "[bold red]loud[/]" in page
    for forbidden in ("<script", "<img", "<b>", "<i ", "\x1b", "\x07", "\u202e"):
        assert forbidden not in page
    parse(page)


def test_html_export_of_one_reflection_has_the_kind_word_instead_of_charts(filled):
    """An HTML export of one reflection describes it in words instead of drawing charts."""
    page = invoke("export", "--format", "html", "--since", "today").stdout
    text = " ".join(" ".join(parse(page).text).split())
    assert "You have 1 reflection so far. Patterns need a few more to show" in text
    assert "#6: how strong, 7 at the start and 5 at the end (out of 10)." in text
    assert "The need underneath: Closeness, Release or pleasure." in text
    assert "Other ways you chose: Take care of it myself, in private." in text
    assert 'class="bar"' not in page
    assert re.findall(r'<article id="reflection-(\d+)">', page) == ["6"]


def test_html_export_to_a_file_is_private(filled, tmp_path):
    """An HTML export written to a file is private to its owner and complete."""
    target = tmp_path / "notes.html"
    result = invoke("export", "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text(encoding="utf-8").rstrip().endswith("</html>")


# One pass over many entries ---------------------------------------------------------------

def _reference_ranking(entries: list[Entry], reader: Reader, role: str | None = None,
                       step: str | None = None,
                       leave_out: frozenset[str] = frozenset()) -> insights.Ranking:
    """A ranking worked out the slow, plain way: every value of every entry in turn."""
    answered, counts = 0, {}
    labels: dict[str, str] = {}
    values: dict[str, str] = {}
    own: dict[str, bool] = {}
    for entry in sorted(entries, key=lambda e: (e.created, e.number)):
        if role is not None:
            found = reader.for_pack(entry.pack_id).role_step(role)
            step_id = found.id if found else None
            chosen = insights._chosen(entry.derived.get(role))
        else:
            step_id, chosen = step, insights._chosen(entry.answers.get(step))
        if not chosen:
            continue
        answered += 1
        seen = set()
        for value in chosen:
            key = " ".join(value.casefold().split())
            if value in leave_out or key in seen:
                continue
            seen.add(key)
            counts[key] = counts.get(key, 0) + 1
            index = reader.for_pack(entry.pack_id)
            choice = index.choice(step_id, value) if step_id else None
            if choice is not None:
                labels[key], values[key], own[key] = insights._words(choice.label), value, False
            else:
                labels.setdefault(key, value)
                values.setdefault(key, value)
                own[key] = own.get(key, True) and step_id is not None and (
                    step_id in index.steps)
    items = [insights.Ranked(values[k], labels[k], n, round(n / answered, 3), own[k])
             for k, n in counts.items()]
    items.sort(key=lambda item: (-item.count, item.label.casefold(), item.label))
    return insights.Ranking(answered, tuple(items))


def _reference_follow_ups(entries: list[Entry], reader: Reader) -> tuple[Any, ...]:
    tally: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    outcomes = ["helped", "didnt-help", "declined-okay", "not-yet"]
    for entry in sorted(entries, key=lambda e: (e.created, e.number)):
        for value, record in entry.followups.items():
            if record.get("outcome") in outcomes:
                key = " ".join(value.casefold().split())
                labels.setdefault(key, reader.label(entry, "alternatives", value))
                tally.setdefault(key, [0, 0, 0, 0])[outcomes.index(record["outcome"])] += 1
    found = [insights.FollowUp(key, labels[key], *counts) for key, counts in tally.items()]
    found.sort(key=lambda f: (-f.helped, f.didnt_help, f.label.casefold()))
    return tuple(found)


ODD_ANSWERS: list[Any] = [
    ["closeness"], ["Closeness", " closeness ", "closeness"], "closeness", [1, True, "1"],
    [True], 1, True, [2.5, None, ["x"], {"a": 1}, "rest"], [], "", "   ", [HOSTILE_TEXT],
    ["Being seen"], [" being  SEEN", "rest"], ["none-fit"], ["none-fit", "mind-reading"],
    {"not": "a list"}, ["rest", "closeness"], ["closeness", "rest"], ["closeness"], None,
]


def with_mine(shipped_packs: dict[str, Pack]) -> dict[str, Pack]:
    """The shipped packs and "mine": the full pack, with closeness labelled "Being close"."""
    mine = shipped_packs["hearing-no"]._replace(id="mine")
    mine_steps = tuple(step._replace(choices=tuple(
        c._replace(label="Being close") if c.value == "closeness" else c for c in step.choices))
        if step.id == "need" else step for step in mine.steps)
    return {**shipped_packs, "mine": mine._replace(steps=mine_steps)}


def odd_entries(shipped_packs: dict[str, Pack]) -> tuple[list[Entry], dict[str, Pack]]:
    """Entries from four packs (one relabelling a need, one gone) whose answers are odd:
    the same words folded alike, numbers and True (equal to 1), lists in lists, hostile
    text, a choice and words of one's own that fold alike, in an order that makes the
    latest label the one that counts. Made out of order, some at the same moment."""
    shipped_packs = with_mine(shipped_packs)
    packs = ["hearing-no", "mine", "hearing-no", "gone-pack", "hearing-no-quick"]
    entries = []
    for number, answer in enumerate(ODD_ANSWERS * 3, start=1):
        pack = packs[number % len(packs)]
        day = f"2026-0{1 + number % 3}-{10 + number % 7}" if number % 11 else "not a date"
        entry = make(shipped_packs, number, day, pack=pack,
                     **full(need=answer, not_about_me=answer, thinking_trap=answer,
                            alternatives=answer, intensity=[5, True, 7, "8"][number % 4],
                            intensity_now=number % 10 if number % 5 else None))
        entry.derived.update(needs=answer, alternatives=answer)
        if number % 4 == 0:
            entry.followups = {"hug": {"outcome": "helped"}, " Hug": {"outcome": "not-yet"},
                               "sit-together": {"outcome": "dismissed"},
                               str(answer): {"outcome": "didnt-help"}}
        entries.append(entry)
    entries[5].created = entries[6].created
    return [*entries[::2], *entries[1::2]], shipped_packs


def test_odd_answers_are_ranked_as_counting_every_value_in_turn(shipped_packs):
    """Odd answers (folded alike, numbers and True, lists in lists, hostile text, a pack
    that relabels a need, one that is gone) rank as counting every value of every entry
    in turn, by hand, ranks them."""
    entries, packs = odd_entries(shipped_packs)
    reader = Reader(packs.values())
    found = insights.compute(entries, reader)
    assert found.needs == _reference_ranking(entries, reader, role="needs")
    assert found.alternatives == _reference_ranking(entries, reader, role="alternatives")
    assert found.reasons == _reference_ranking(entries, reader, step=insights.REASONS_STEP)
    assert found.traps == _reference_ranking(entries, reader, step=insights.TRAPS_STEP,
                                             leave_out=insights.NOT_A_TRAP)
    labels = {item.label for item in found.needs.items}
    assert "Closeness" in labels  # the latest entry's label
    assert "Being close" not in labels
    assert ("1", 6) in [(item.value, item.count) for item in found.needs.items]
    assert (found.follow_ups[0].label, found.follow_ups[0].helped) == ("A hug", 15)
    assert found.follow_ups == _reference_follow_ups(entries, reader)
    ordered = sorted(entries, key=lambda e: (e.created, e.number))
    assert [(c.number, c.before, c.after, c.out_of) for c in found.changes] == [
        (e.number, e.derived["intensity_before"], e.derived["intensity_after"], 10)
        for e in ordered if type(e.derived.get("intensity_before")) is int
        and type(e.derived.get("intensity_after")) is int]
    assert found.count == len(entries)
    assert found.months[0].count == 7


def test_a_label_comes_from_the_latest_reflection(shipped_packs):
    """Closeness, chosen with two packs that label it differently: the newest
    reflection's label is the one shown, with all four counted."""
    packs = with_mine(shipped_packs)
    reader = Reader(packs.values())
    for order, shown in ((["mine", "hearing-no", "mine", "hearing-no"], "Closeness"),
                         (["hearing-no", "mine", "hearing-no", "mine"], "Being close")):
        entries = [make(packs, n, f"2026-03-0{n}", pack=pack, **full(need=["closeness"]))
                   for n, pack in enumerate(order, start=1)]
        found = insights.compute(entries[::-1], reader)
        assert [(item.label, item.count) for item in found.needs.items] == [(shown, 4)]


def test_stats_leaves_out_preparations_and_only_them(shipped_packs):
    """An entry is a preparation by its pack alone: a title naming that pack does not
    make one."""
    from reflect.journal.entry import PREPARE_PACK, is_preparation

    entries = [make(shipped_packs, n, f"2026-03-0{n}", pack=pack, **full())
               for n, pack in enumerate(["hearing-no", PREPARE_PACK, "hearing-no"], start=1)]
    entries[2].derived["title"] = f'Before "{PREPARE_PACK}"'
    assert [is_preparation(e) for e in entries] == [False, True, False]


def test_stats_lays_the_month_by_month_ratings_out_in_columns(shipped_packs, journal_file,
                                                              small):
    """Bars from one column, drawn to the eighth of a cell, averages ending at one
    column, how many beside them."""
    from reflect.journal.store import Journal

    Journal(journal_file).import_entries(small)
    lines = [line.rstrip() for line in invoke("stats").stdout.splitlines()]
    start = lines.index("How strong at the start, month by month")
    assert lines[start + 1:start + 3] == ["  Mar 2026 ███████▋   7.7 (average of 3)",
                                          "  Apr 2026 ██████       6 (average of 2)"]
