"""Following up on the other ways a reflection planned: which are asked about, when, what
is kept, and how it shows."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from typer.testing import CliRunner

from reflect.cli import app
from reflect.engine import followup
from reflect.journal.entry import DECLINED_OKAY, HELPED, NOT_YET
from reflect.review.entry_text import Reader
from reflect.review.filters import find

from conftest import FULL_ANSWERS, STOP

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def opened(items):
    return [(item.entry.number, item.alternative) for item in items]


def test_open_alternatives_are_those_never_asked_about_oldest_first(filled):
    """Follow-up asks about the other ways never asked about yet, oldest reflection first."""
    items = followup.open_items(filled.entries())
    assert opened(items) == [(1, "sit-together"), (1, "hold-hands"), (2, "glad-people"),
                             (3, "hug")]  # #6 is from today: too soon to ask
    assert opened(followup.one_entry(items)) == [(1, "sit-together"), (1, "hold-hands")]


def test_a_reflection_is_not_asked_about_until_half_a_day_has_passed(filled):
    """A reflection is not followed up until half a day has passed."""
    newest = find(filled.entries(), "6")
    created = datetime.fromisoformat(newest.created)
    assert opened(followup.open_items([newest], at=created + timedelta(hours=11))) == []
    assert opened(followup.open_items([newest], at=created + timedelta(hours=13))) == [
        (6, "solo-release")]


def test_answers_are_kept_and_not_asked_again(filled, shipped_packs, scripted):
    """Follow-up answers are kept and not asked again, but for "not yet" when asked to."""
    reader = Reader(shipped_packs.values())
    items = followup.one_entry(followup.open_items(filled.entries()))
    asker = scripted([HELPED, NOT_YET])
    outcomes = followup.ask(items, reader, asker)
    assert "thought of was: Sit together for a while. How did it go?" in asker.prompts[0].question
    assert asker.prompts[0].question.startswith("After reflection #1 (We were on the couch")
    filled.record_followups(outcomes)
    first = find(filled.entries(), "1")
    assert {k: v["outcome"] for k, v in first.followups.items()} == {
        "sit-together": "helped", "hold-hands": "not-yet"}
    assert opened(followup.open_items(filled.entries()))[0] == (2, "glad-people")
    # `reflect followup` comes back to "not yet", and only to it
    assert (1, "hold-hands") in opened(followup.open_items(filled.entries(), again=True))
    assert (1, "sit-together") not in opened(followup.open_items(filled.entries(), again=True))


def test_ctrl_c_stops_asking_and_keeps_what_was_said(filled, shipped_packs, scripted):
    """Ctrl-C stops the follow-up questions and keeps the answers already given."""
    reader = Reader(shipped_packs.values())
    items = followup.open_items(filled.entries())
    outcomes = followup.ask(items, reader, scripted([DECLINED_OKAY, STOP]))
    first = find(filled.entries(), "1")
    assert outcomes == {first.id: {"sit-together": {
        "outcome": "declined-okay", "at": outcomes[first.id]["sit-together"]["at"]}}}


def test_show_and_markdown_say_how_it_went_and_leave_out_the_dismissed(filled):
    """`show` and the Markdown export say how the other ways went and leave out dismissed ones."""
    first = find(filled.entries(), "1")
    filled.record_followups({first.id: {
        "sit-together": {"outcome": "declined-okay", "at": "2026-11-20T10:00:00+00:00"},
        "hold-hands": {"outcome": "dismissed", "at": "2026-11-20T10:00:00+00:00"}}})
    shown = " ".join(invoke("show", "1").stdout.split())
    assert ("Later: how the other ways went • Sit together for a while: I offered it, they "
            "said no, and that was okay") in shown
    assert "Hold hands:" not in shown
    markdown = invoke("export").stdout
    assert "**Later: how the other ways went**" in markdown
    assert "- Sit together for a while: I offered it, they said no" in markdown


def test_follow_ups_survive_an_export_and_import(filled, tmp_path):
    """Follow-up answers survive an export and import; an unknown outcome is refused."""
    first = find(filled.entries(), "1")
    filled.record_followups({first.id: {
        "hug": {"outcome": "helped", "at": "2026-11-20T10:00:00+00:00"}}})
    target = tmp_path / "all.json"
    assert invoke("export", "--format", "json", "-o", str(target)).exit_code == 0
    other = tmp_path / "other.json"
    assert invoke("--journal", str(other), "import", str(target)).exit_code == 0
    copied = json.loads(invoke("--journal", str(other), "show", "1", "--json").stdout)
    assert copied["followups"] == {"hug": {"outcome": "helped",
                                           "at": "2026-11-20T10:00:00+00:00"}}
    data = json.loads(target.read_text())
    data["entries"][0]["followups"]["hug"]["outcome"] = "made them say yes"
    target.write_text(json.dumps(data))
    refused = invoke("--journal", str(tmp_path / "third.json"), "import", str(target))
    assert refused.exit_code == 1
    assert "unknown outcome" in " ".join(refused.stderr.split())


def test_followup_command_without_a_terminal_or_with_nothing_open(filled, reflect_home,
                                                                  journal_file):
    """`followup` needs a terminal, and says so kindly when nothing is left to follow up."""
    before = journal_file.read_bytes()
    result = invoke("followup")
    assert result.exit_code == 2
    assert "needs an interactive terminal" in " ".join(result.stderr.split())
    assert journal_file.read_bytes() == before
    for entry in filled.entries():
        filled.record_followups({entry.id: {
            alt: {"outcome": "dismissed", "at": "2026-11-20T10:00:00+00:00"}
            for alt in entry.derived.get("alternatives", [])}})
    result = invoke("followup")
    assert result.exit_code == 0
    assert "Nothing to follow up on" in result.stdout


def test_followup_on_an_empty_journal_is_kind():
    """`followup` on an empty journal says so kindly and exits 0."""
    result = invoke("followup")
    assert result.exit_code == 0
    assert "Your journal is empty so far" in result.stdout


def test_the_next_to_be_ready_is_the_soonest_still_waiting(filled):
    """next_ready names the entry whose other ways are ready next, and when: half a day
    after it was written; none once every one is ready or answered."""
    newest = find(filled.entries(), "6")
    created = datetime.fromisoformat(newest.created)
    entry, ready = followup.next_ready(filled.entries(), at=created + timedelta(hours=1))
    assert (entry.number, ready) == (6, created + followup.WAIT)
    assert followup.next_ready(filled.entries(), at=created + timedelta(hours=13)) is None
    filled.record_followups({newest.id: {"solo-release": {
        "outcome": "dismissed", "at": "2026-11-20T10:00:00+00:00"}}})
    assert followup.next_ready(filled.entries(), at=created + timedelta(hours=1)) is None


def test_when_the_next_is_ready_is_said_in_words():
    """Today, tomorrow, or the day, with the time on the person's clock."""
    at = datetime(2026, 11, 2, 8, 0).astimezone()
    assert followup.ready_words(at + timedelta(hours=12), at) == "today from 20:00"
    assert followup.ready_words(at + timedelta(hours=25), at) == "tomorrow from 09:00"
    assert followup.ready_words(at + timedelta(days=3), at) == "on Thu 5 Nov from 08:00"


def test_followup_with_nothing_ready_says_when_the_next_will_be(journal_file, shipped_packs):
    """Right after reflecting, `reflect followup` says which reflection's other ways will be
    ready to follow up on, and when."""
    from reflect.journal.entry import new_id
    from reflect.journal.store import Journal

    written = datetime.now().astimezone().replace(microsecond=0) - timedelta(hours=1)
    Journal(journal_file).add(shipped_packs["hearing-no"], FULL_ANSWERS, new_id(),
                              written.isoformat())
    result = invoke("followup")
    assert result.exit_code == 0
    said = " ".join(result.stdout.split())
    when = followup.ready_words(written + followup.WAIT, datetime.now().astimezone())
    assert ("Nothing to follow up on yet. The other ways you chose in reflection #1 will be "
            f"ready to follow up on {when}") in said
