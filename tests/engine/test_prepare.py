"""Preparing to ask, and a later reflection kept together with its preparation."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reflect.cli import app
from reflect.engine.prepare import ask_to_link, recent_preparation, related
from reflect.journal.entry import LINK, new_id
from reflect.review.filters import find

from conftest import STOP, days_ago

runner = CliRunner()

PREPARED = {"hoping": "Ask about a weekend away together", "need": ["connection"],
            "how_ask": "Ask on a calm evening, and say a no is fine.",
            "plan_b": ["share-activity"], "kind_word": "A no to this isn't a no to me."}


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def prepare(journal, packs, days: int):
    return journal.add(packs["preparing-to-ask"], PREPARED, new_id(), days_ago(days, hour=9))


def test_the_preparing_pack_keeps_the_need_and_the_plan(filled, shipped_packs):
    """A preparation keeps what was hoped for, the need and the other way planned."""
    entry = prepare(filled, shipped_packs, 1)
    assert entry.derived["title"] == "Ask about a weekend away together"
    assert entry.derived["needs"] == ["connection"]
    assert entry.derived["alternatives"] == ["share-activity"]


def test_the_newest_unlinked_preparation_of_the_week_before_is_offered(filled,
                                                                        shipped_packs):
    """A reflection is offered the newest unlinked preparation from the week before it, if any."""
    old = prepare(filled, shipped_packs, 10)
    mid = prepare(filled, shipped_packs, 4)
    new = prepare(filled, shipped_packs, 2)
    reflection = find(filled.entries(), "6")  # today
    assert recent_preparation(filled.entries(), reflection) == new
    filled.link(reflection.id, LINK, new.id)
    later = filled.add(shipped_packs["hearing-no-quick"], {
        "what_happened": "Another", "intensity": 4, "need": ["rest"],
        "reframe": "one-moment"}, new_id(), days_ago(0, hour=23))
    assert recent_preparation(filled.entries(), later) == mid  # `new` is taken now
    assert recent_preparation(filled.entries(), find(filled.entries(), "5")) == mid  # 3 days ago
    first = find(filled.entries(), "3")
    assert recent_preparation(filled.entries(), first) is None  # before them all
    assert recent_preparation(filled.entries(), new) is None  # a preparation itself
    assert recent_preparation(filled.entries(), find(filled.entries(), "4")) == old  # 9 days ago


def test_linking_is_asked_and_can_be_declined(filled, shipped_packs, scripted):
    """Linking to a preparation is asked, naming it, and no or Ctrl-C leaves it unlinked."""
    prepared = prepare(filled, shipped_packs, 1)
    asker = scripted([True])
    assert ask_to_link(prepared, asker) is True
    assert f"(#{prepared.number}: Ask about a weekend away together)" in asker.prompts[0].question
    assert ask_to_link(prepared, scripted([False])) is False
    assert ask_to_link(prepared, scripted([STOP])) is False


def test_show_puts_a_reflection_and_its_preparation_together(filled, shipped_packs):
    """`show` puts a reflection and its preparation together, from either side."""
    prepared = prepare(filled, shipped_packs, 1)
    reflection = find(filled.entries(), "6")
    filled.link(reflection.id, LINK, prepared.id)
    assert [(h, e.number) for h, e in related(filled.entries(), find(filled.entries(), "6"))] == [
        ("Prepared beforehand", 7)]
    shown = " ".join(invoke("show", "6").stdout.split())
    assert "Prepared beforehand: #7" in shown
    assert ("How will you ask, so that a no is easy to say? Ask on a calm evening, and say a "
            "no is fine.") in shown
    back = " ".join(invoke("show", "7").stdout.split())
    assert "The reflection that followed: #6" in back
    assert "Late at night I asked again" in back


def test_a_link_survives_export_and_import_and_a_bad_one_is_refused(filled, shipped_packs,
                                                                   tmp_path):
    """A link to a preparation survives export and import; a broken link is refused."""
    prepared = prepare(filled, shipped_packs, 1)
    reflection = find(filled.entries(), "6")
    filled.link(reflection.id, LINK, prepared.id)
    target = tmp_path / "all.json"
    assert invoke("export", "--format", "json", "-o", str(target)).exit_code == 0
    other = tmp_path / "other.json"
    assert invoke("--journal", str(other), "import", str(target)).exit_code == 0
    copied = json.loads(invoke("--journal", str(other), "show", reflection.id[:8],
                               "--json").stdout)
    assert copied["links"] == {"preparation": prepared.id}
    data = json.loads(target.read_text())
    linked = next(e for e in data["entries"] if "links" in e)
    linked["links"] = {"preparation": "not an id"}
    target.write_text(json.dumps(data))
    refused = invoke("--journal", str(tmp_path / "third.json"), "import", str(target))
    assert refused.exit_code == 1
    assert "'links' is not" in " ".join(refused.stderr.split())


def test_prepare_needs_a_terminal_and_teaches():
    """`prepare` needs a terminal, and its help says it is about asking so a no is easy."""
    result = invoke("prepare")
    assert result.exit_code == 2
    assert "needs an interactive terminal" in " ".join(result.stderr.split())
    help_text = " ".join(invoke("prepare", "--help").stdout.split())
    assert "how to ask so a no is easy to say" in help_text
