"""A new reflection from start to saved: drafts kept, paused, resumed or let go."""

from __future__ import annotations

import json
import stat

import pytest

from reflect.base.errors import ReflectError
from reflect.engine.drafts import Drafts, DraftStore
from reflect.engine.new_reflection import reflect_new
from reflect.journal.store import Journal

from conftest import STOP

QUICK = {"what_happened": "A date said no.", "emotions": ["sad"], "intensity": 6,
         "need": ["feeling-wanted"], "reframe": "one-moment", "intensity_now": 4}


@pytest.fixture
def stores(reflect_home):
    return (Journal(reflect_home / "journal.json"),
            Drafts(reflect_home / "journal.drafts", legacy=reflect_home / "journal.draft.json"))


def draft_files(drafts: Drafts) -> list:
    """The draft files in the folder, one per unfinished reflection."""
    return sorted(drafts.folder.glob("*.json")) if drafts.folder.is_dir() else []


def the_draft(drafts: Drafts) -> DraftStore:
    """The one draft there is."""
    [path] = draft_files(drafts)
    return DraftStore(path)


def run(shipped_packs, asker, stores, resume=None, pack="hearing-no-quick"):
    journal, drafts = stores
    return reflect_new(shipped_packs.values(), shipped_packs[pack], asker, journal, drafts,
                       resume=resume)


def test_a_finished_reflection_is_saved_and_its_draft_removed(shipped_packs, scripted, stores):
    """Finishing saves the entry and leaves no draft behind: its lock goes with it, and so
    does the folder of drafts, empty now, beside the journal."""
    outcome = run(shipped_packs, scripted(QUICK), stores)
    journal, drafts = stores
    assert outcome.entry is not None
    assert [e.answers for e in journal.entries()] == [QUICK]
    assert draft_files(drafts) == []
    assert not drafts.folder.exists()


def test_the_folder_of_drafts_stays_while_another_draft_is_in_it(shipped_packs, scripted,
                                                                 stores):
    """A reflection that finishes leaves the folder where another window's draft still is."""
    journal, drafts = stores
    assert not journal.exists()
    other = drafts.start("another-window")
    run(shipped_packs, scripted({"what_happened": "elsewhere", "emotions": STOP,
                                 "_pause": "keep"}), stores)
    run(shipped_packs, scripted({"_resume": "fresh", **QUICK}), stores)  # lets "elsewhere" go
    assert drafts.folder.is_dir()
    assert other.lock_path.exists()
    other.discard()
    assert not drafts.folder.exists()


def test_a_draft_is_started_even_when_its_folder_was_just_let_go(stores):
    """If another reflect removes the emptied folder between this one making it and taking
    its draft's lock, the folder is made again and the draft starts as usual."""
    _, drafts = stores
    store = DraftStore(drafts.folder / "new.json")
    assert not drafts.folder.exists()
    assert store.hold()
    assert store.lock_path.exists()
    assert stat.S_IMODE(drafts.folder.stat().st_mode) == 0o700
    store.discard()
    assert not drafts.folder.exists()


def test_answers_are_kept_as_the_person_goes(shipped_packs, scripted, stores):
    """After each answer the draft on disk holds everything so far (a crash loses one step)."""
    drafts = stores[1]
    seen = []

    def peek(prompt):
        seen.append(json.loads(the_draft(drafts).path.read_text())["answers"])
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
    draft = the_draft(drafts).load()
    assert draft is not None
    assert draft.answers == {"what_happened": "x"}
    assert draft.next_step == "emotions"
    assert the_draft(drafts).path.name == f"{draft.entry_id}.json"
    assert stat.S_IMODE(the_draft(drafts).path.stat().st_mode) == 0o600
    assert stat.S_IMODE(drafts.folder.stat().st_mode) == 0o700


def test_a_second_ctrl_c_keeps_the_draft(shipped_packs, scripted, stores):
    """Pressing Ctrl-C again at the pause question keeps the answers and leaves."""
    asker = scripted({"what_happened": "x", "emotions": STOP, "_pause": STOP})
    outcome = run(shipped_packs, asker, stores)
    assert outcome.kept_draft
    assert the_draft(stores[1]).load() is not None


def test_letting_go_removes_the_draft(shipped_packs, scripted, stores):
    """Choosing to let the answers go leaves no draft and no entry."""
    asker = scripted({"what_happened": "x", "emotions": STOP, "_pause": "discard"})
    outcome = run(shipped_packs, asker, stores)
    assert outcome.entry is None
    assert not outcome.kept_draft
    assert draft_files(stores[1]) == []
    assert not stores[0].path.exists()


def test_stopping_before_any_answer_keeps_nothing(shipped_packs, scripted, stores):
    """Ctrl-C at the very first question has nothing to keep, so it does not ask."""
    asker = scripted({"what_happened": STOP})
    outcome = run(shipped_packs, asker, stores)
    assert asker.asked == ["what_happened"]
    assert not outcome.kept_draft
    assert draft_files(stores[1]) == []


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
    assert draft_files(stores[1]) == []


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
    stores[1].folder.mkdir(parents=True)
    broken = stores[1].folder / "a-draft.json"
    broken.write_text("{broken")
    with pytest.raises(ReflectError, match="damaged"):
        run(shipped_packs, scripted(QUICK), stores)
    assert broken.read_text() == "{broken"


def test_ctrl_c_at_the_offer_stops_calmly_and_keeps_the_draft(shipped_packs, scripted,
                                                              stores):
    """Stopping at 'pick it up?' leaves the draft as it was, with a calm message."""
    run(shipped_packs, scripted({"what_happened": "kept", "emotions": STOP,
                                 "_pause": "keep"}), stores)
    with pytest.raises(ReflectError) as caught:
        run(shipped_packs, scripted({"_resume": STOP}), stores)
    assert caught.value.calm
    assert caught.value.exit_code == 130
    assert the_draft(stores[1]).load().answers == {"what_happened": "kept"}


def test_letting_go_of_a_draft_clears_its_copies(shipped_packs, scripted, stores,
                                                 reflect_home):
    """Letting answers go also removes temporary copies of the draft a crash left behind."""
    run(shipped_packs, scripted({"what_happened": "x", "emotions": STOP, "_pause": "keep"}),
        stores)
    leftover = stores[1].folder / f".{the_draft(stores[1]).path.name}.xyz.tmp"
    leftover.write_text("old words")
    run(shipped_packs, scripted({"_resume": "fresh", "what_happened": STOP}), stores)
    assert not leftover.exists()
    assert draft_files(stores[1]) == []


# Two windows, each with its own draft --------------------------------------------------

def test_a_draft_open_in_another_window_is_neither_offered_nor_let_go(shipped_packs, scripted,
                                                                      stores):
    """While one reflection runs, a second keeps its own draft: it is not offered the first
    one's, cannot resume it, and saving or letting go of its own leaves the first as it is."""
    journal, drafts = stores
    second: list = []

    def meanwhile(prompt):
        # Another window starts while this one waits at "How are you feeling?"
        second.append(run(shipped_packs, scripted(QUICK), stores))  # no "_resume" asked
        with pytest.raises(ReflectError, match="still open in another window"):
            run(shipped_packs, scripted({}), stores, resume=True)
        run(shipped_packs, scripted({"what_happened": "let go", "emotions": STOP,
                                     "_pause": "discard"}), stores)
        return STOP

    first = run(shipped_packs, scripted({"what_happened": "mine", "emotions": meanwhile,
                                         "_pause": "keep"}), stores)
    assert first.kept_draft
    assert second[0].entry is not None
    assert [e.answers for e in journal.entries()] == [QUICK]
    assert the_draft(drafts).load().answers == {"what_happened": "mine"}


def test_each_waiting_draft_is_offered_in_turn_the_latest_first(shipped_packs, scripted,
                                                                stores):
    """Two paused reflections: the one saved last is offered first; letting it go offers
    the other."""
    import os

    for words in ("older", "newer"):
        run(shipped_packs, scripted({"what_happened": words, "emotions": STOP,
                                     "_pause": "keep"}), stores, resume=False)
        os.utime(max(draft_files(stores[1]), key=lambda p: p.stat().st_mtime_ns),
                 (0, 1000 if words == "older" else 2000))
    asker = scripted([*["fresh", "continue"], *[QUICK[k] for k in list(QUICK)[1:]]])
    outcome = run(shipped_packs, asker, stores)
    assert asker.asked[:2] == ["_resume", "_resume"]
    assert outcome.entry.answers["what_happened"] == "older"
    assert draft_files(stores[1]) == []


def test_a_draft_from_before_each_had_its_own_is_offered(shipped_packs, scripted, stores,
                                                         reflect_home):
    """A draft kept where reflect kept its single one (journal.draft.json) is picked up."""
    reflect_home.mkdir()
    (reflect_home / "journal.draft.json").write_text(json.dumps({
        "pack_id": "hearing-no-quick", "pack_version": 2, "entry_id": "d1",
        "created": "2026-11-02T21:00:00+00:00", "answers": {"what_happened": "from before"},
        "next_step": "emotions"}))
    asker = scripted(dict(QUICK, _resume="continue"))
    outcome = run(shipped_packs, asker, stores)
    assert outcome.entry.answers["what_happened"] == "from before"
    assert not (reflect_home / "journal.draft.json").exists()
    assert draft_files(stores[1]) == []
