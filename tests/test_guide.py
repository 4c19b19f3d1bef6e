"""A new reflection from start to saved: drafts kept, paused, resumed or let go."""

from __future__ import annotations

import json
import stat

import pytest

from reflect.drafts import DraftStore
from reflect.errors import ReflectError
from reflect.guide import reflect_new
from reflect.journal import Journal

from conftest import STOP

QUICK = {"what_happened": "A date said no.", "emotions": ["sad"], "intensity": 6,
         "need": ["feeling-wanted"], "reframe": "one-moment", "intensity_now": 4}


@pytest.fixture
def stores(reflect_home):
    return Journal(reflect_home / "journal.json"), DraftStore(reflect_home / "journal.draft.json")


def run(shipped_packs, asker, stores, resume=None, pack="hearing-no-quick"):
    journal, drafts = stores
    return reflect_new(shipped_packs.values(), shipped_packs[pack], asker, journal, drafts,
                       resume=resume)


def test_a_finished_reflection_is_saved_and_its_draft_removed(shipped_packs, scripted, stores):
    """Finishing saves the entry and leaves no draft behind."""
    outcome = run(shipped_packs, scripted(QUICK), stores)
    journal, drafts = stores
    assert outcome.entry is not None
    assert [e.answers for e in journal.entries()] == [QUICK]
    assert not drafts.path.exists()


def test_answers_are_kept_as_the_person_goes(shipped_packs, scripted, stores):
    """After each answer the draft on disk holds everything so far (a crash loses one step)."""
    drafts = stores[1]
    seen = []

    def peek(prompt):
        seen.append(json.loads(drafts.path.read_text())["answers"])
        return "one-moment"

    run(shipped_packs, scripted(dict(QUICK, reframe=peek)), stores)
    assert seen == [{k: QUICK[k] for k in ("what_happened", "emotions", "intensity", "need")}]


def test_pausing_and_keeping_leaves_a_private_draft(shipped_packs, scripted, stores):
    """Ctrl-C then 'keep' saves nothing to the journal and keeps a 0600 draft."""
    journal, drafts = stores
    asker = scripted({"what_happened": "x", "emotions": STOP, "_pause": "keep"})
    outcome = run(shipped_packs, asker, stores)
    assert outcome.entry is None
    assert outcome.kept_draft
    assert not journal.path.exists()
    draft = drafts.load()
    assert draft is not None
    assert draft.answers == {"what_happened": "x"}
    assert draft.next_step == "emotions"
    assert stat.S_IMODE(drafts.path.stat().st_mode) == 0o600


def test_a_second_ctrl_c_keeps_the_draft(shipped_packs, scripted, stores):
    """Pressing Ctrl-C again at the pause question keeps the answers and leaves."""
    asker = scripted({"what_happened": "x", "emotions": STOP, "_pause": STOP})
    outcome = run(shipped_packs, asker, stores)
    assert outcome.kept_draft
    assert stores[1].load() is not None


def test_letting_go_removes_the_draft(shipped_packs, scripted, stores):
    """Choosing to let the answers go leaves no draft and no entry."""
    asker = scripted({"what_happened": "x", "emotions": STOP, "_pause": "discard"})
    outcome = run(shipped_packs, asker, stores)
    assert outcome.entry is None
    assert not outcome.kept_draft
    assert not stores[1].path.exists()
    assert not stores[0].path.exists()


def test_stopping_before_any_answer_keeps_nothing(shipped_packs, scripted, stores):
    """Ctrl-C at the very first question has nothing to keep, so it does not ask."""
    asker = scripted({"what_happened": STOP})
    outcome = run(shipped_packs, asker, stores)
    assert asker.asked == ["what_happened"]
    assert not outcome.kept_draft
    assert not stores[1].path.exists()


def test_resume_picks_up_at_the_step_in_hand(shipped_packs, scripted, stores):
    """--resume continues the paused reflection and saves it with the earlier answers."""
    run(shipped_packs, scripted({"what_happened": "kept", "emotions": ["sad"], "intensity": 5,
                                 "need": STOP, "_pause": "keep"}), stores)
    asker = scripted({"need": ["rest"], "reframe": "one-moment", "intensity_now": 2})
    outcome = run(shipped_packs, asker, stores, resume=True, pack="hearing-no")
    assert asker.asked == ["need", "reframe", "intensity_now"]
    assert outcome.entry is not None
    assert outcome.entry.pack_id == "hearing-no-quick"
    assert outcome.entry.answers == {"what_happened": "kept", "emotions": ["sad"],
                                     "intensity": 5, "need": ["rest"],
                                     "reframe": "one-moment", "intensity_now": 2}
    assert not stores[1].path.exists()


def test_a_waiting_draft_is_offered(shipped_packs, scripted, stores):
    """Starting while a draft waits asks whether to pick it up; yes continues it."""
    run(shipped_packs, scripted({"what_happened": "kept", "emotions": STOP,
                                 "_pause": "keep"}), stores)
    asker = scripted(dict(QUICK, _resume="continue"))
    outcome = run(shipped_packs, asker, stores)
    assert asker.asked[0] == "_resume"
    assert "1 answer" in asker.prompts[0].question
    assert outcome.entry.answers["what_happened"] == "kept"


def test_declining_the_offer_starts_afresh(shipped_packs, scripted, stores):
    """Choosing to start a new one lets the old draft go and asks from the first step."""
    run(shipped_packs, scripted({"what_happened": "old", "emotions": STOP,
                                 "_pause": "keep"}), stores)
    asker = scripted(dict(QUICK, _resume="fresh"))
    outcome = run(shipped_packs, asker, stores)
    assert asker.asked == ["_resume", "what_happened", "emotions", "intensity", "need",
                           "reframe", "intensity_now"]
    assert outcome.entry.answers == QUICK


def test_resume_without_a_draft_is_a_clear_error(shipped_packs, scripted, stores):
    """Asking to resume when nothing is paused says so."""
    with pytest.raises(ReflectError, match="no unfinished reflection"):
        run(shipped_packs, scripted({}), stores, resume=True)


def test_a_damaged_draft_is_refused_and_left_alone(shipped_packs, scripted, stores,
                                                   reflect_home):
    """A broken draft file gets a clear error and is not overwritten."""
    reflect_home.mkdir()
    stores[1].path.write_text("{broken")
    with pytest.raises(ReflectError, match="damaged"):
        run(shipped_packs, scripted(QUICK), stores)
    assert stores[1].path.read_text() == "{broken"


def test_ctrl_c_at_the_offer_stops_calmly_and_keeps_the_draft(shipped_packs, scripted,
                                                              stores):
    """Stopping at 'pick it up?' leaves the draft as it was, with a calm message."""
    run(shipped_packs, scripted({"what_happened": "kept", "emotions": STOP,
                                 "_pause": "keep"}), stores)
    with pytest.raises(ReflectError) as caught:
        run(shipped_packs, scripted({"_resume": STOP}), stores)
    assert caught.value.calm
    assert caught.value.exit_code == 130
    assert stores[1].load().answers == {"what_happened": "kept"}


def test_letting_go_of_a_draft_clears_its_copies(shipped_packs, scripted, stores,
                                                 reflect_home):
    """Letting answers go also removes temporary copies of the draft a crash left behind."""
    run(shipped_packs, scripted({"what_happened": "x", "emotions": STOP, "_pause": "keep"}),
        stores)
    leftover = reflect_home / ".journal.draft.json.xyz.tmp"
    leftover.write_text("old words")
    run(shipped_packs, scripted({"_resume": "fresh", "what_happened": STOP}), stores)
    assert not leftover.exists()
    assert not stores[1].path.exists()
