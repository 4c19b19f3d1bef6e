"""Answering a step of a saved reflection again: the step, what follows from it, the save,
and long answers in $EDITOR."""

from __future__ import annotations

import stat
import sys
import textwrap

import pytest

from reflect.base.errors import ReflectError
from reflect.engine.edit import EditCancelled, choose_step, edit_answers
from reflect.engine.session import SKIP
from reflect.review.filters import find
from reflect.terminal.editor import EditorAsker, edit_text

from conftest import STOP


def test_picking_a_step_offers_every_step_of_the_entry_with_its_answer(filled, shipped_packs,
                                                                      scripted):
    """The list of steps holds each step of the reflection, with its answer in words."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "1")
    asker = scripted({"_step": "story"})
    assert choose_step(pack, entry, asker, None).id == "story"
    offered = {choice.value: choice.hint for choice in asker.prompts[0].choices}
    assert "next_time" not in offered  # not part of this reflection (they respected it)
    assert offered["story"] == "I'm not wanted."
    assert offered["need"] == "Closeness"


def test_the_list_of_steps_shows_the_words_chosen_not_the_stored_values(filled, shipped_packs,
                                                                        scripted):
    """Each answer in the list reads as the person picked it: labels, yes/no, a rating."""
    pack = shipped_packs["hearing-no"]
    asker = scripted({"_step": "story"})
    choose_step(pack, find(filled.entries(), "2"), asker, None)
    offered = {choice.value: choice.hint for choice in asker.prompts[0].choices}
    assert offered["moment"] == "I asked someone out and they said no"
    assert offered["thinking_trap"] == "Taking it personally"
    assert offered["not_about_me"] == "They were tired, I don't know, and that's okay"
    assert offered["intensity"] == "8 out of 10"


def test_an_unknown_step_names_the_ones_there_are(filled, shipped_packs, scripted):
    """Editing a step the pack does not have exits 2 and names the steps there are."""
    with pytest.raises(ReflectError) as caught:
        choose_step(shipped_packs["hearing-no"], find(filled.entries(), "1"), scripted({}), "mood")
    assert caught.value.exit_code == 2
    assert "what_happened, moment" in caught.value.message


def test_the_current_answer_is_offered_and_a_new_one_saved(filled, shipped_packs, scripted):
    """Editing offers the current answer and saves the new one, keeping when it was written."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "1")
    asker = scripted({"story": "Maybe I'm just not wanted tonight."})
    change = edit_answers(pack, entry, asker, pack.step("story"))
    assert asker.prompts[0].default == "I'm not wanted."
    assert asker.asked == ["story"]
    assert change.answers == {**entry.answers, "story": "Maybe I'm just not wanted tonight."}
    saved = filled.update(entry.id, change.answers, pack)
    assert find(filled.entries(), "1").answers["story"] == "Maybe I'm just not wanted tonight."
    assert saved.updated >= entry.updated
    assert saved.created == entry.created


def test_changing_the_need_asks_the_alternatives_again(filled, shipped_packs, scripted):
    """The old alternatives do not fit the new need, so they are asked for again."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "1")
    asker = scripted({"need": ["release"], "alternatives": ["solo-release"]})
    change = edit_answers(pack, entry, asker, pack.step("need"))
    assert asker.asked == ["need", "alternatives"]
    offered = [c.value for c in asker.prompts[1].choices]
    assert "solo-release" in offered
    assert "sit-together" not in offered
    saved = filled.update(entry.id, change.answers, pack)
    assert saved.derived["needs"] == ["release"]
    assert saved.derived["alternatives"] == ["solo-release"]


def test_saying_you_pushed_opens_the_next_time_step(filled, shipped_packs, scripted):
    """Changing the answer to "I pushed" goes on to the repair and next-time steps."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "1")
    asker = scripted({"responded": "pushed", "repair": ["check-in"],
                      "next_time": "Let it rest."})
    change = edit_answers(pack, entry, asker, pack.step("responded"))
    assert asker.asked == ["responded", "repair", "next_time"]
    assert change.answers["next_time"] == "Let it rest."


def test_a_step_that_no_longer_applies_is_let_go_and_named(filled, shipped_packs, scripted):
    """Once the person lets their written answer go, it is gone and named."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "6")  # responded "pushed", with a next_time answer
    asker = scripted({"responded": "respected", "_drop": "let-go"})
    change = edit_answers(pack, entry, asker, pack.step("responded"))
    assert "next_time" not in change.answers
    assert change.dropped == [pack.step("next_time").question]
    assert asker.asked == ["responded", "_drop"]


def test_a_written_answer_is_let_go_only_after_asking(filled, shipped_packs, scripted):
    """Before a written answer goes, the person sees it and can keep the reflection as it was."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "6")
    asker = scripted({"responded": "respected", "_drop": "as-it-was"})
    change = edit_answers(pack, entry, asker, pack.step("responded"))
    assert change.answers == entry.answers
    assert change.dropped == []
    question = asker.prompts[1].question
    assert pack.step("next_time").question in question
    assert "Say goodnight kindly and let it rest." in question
    assert asker.prompts[1].default == "as-it-was"


def test_a_chosen_answer_that_no_longer_applies_goes_without_asking(filled, shipped_packs,
                                                                    scripted):
    """Only words a person wrote are asked about; picked choices that no longer apply go."""
    pack = shipped_packs["hearing-no"]
    entry = find(filled.entries(), "1")
    pushed = edit_answers(pack, entry, scripted({"responded": "pushed", "repair": ["own-it"],
                                                 "next_time": SKIP}),
                          pack.step("responded"))
    filled.update(entry.id, pushed.answers, pack)
    asker = scripted({"responded": "respected"})
    change = edit_answers(pack, find(filled.entries(), "1"), asker, pack.step("responded"))
    assert "repair" not in change.answers
    assert asker.asked == ["responded"]


def test_ctrl_c_at_the_question_about_a_written_answer_changes_nothing(filled, shipped_packs,
                                                                       scripted):
    """Ctrl-C while asked whether to let a written answer go stops the edit."""
    pack = shipped_packs["hearing-no"]
    with pytest.raises(EditCancelled):
        edit_answers(pack, find(filled.entries(), "6"),
                     scripted({"responded": "respected", "_drop": STOP}),
                     pack.step("responded"))


def test_skipping_an_optional_step_removes_its_answer(filled, shipped_packs, scripted):
    """Skipping an optional step while editing removes its old answer."""
    pack = shipped_packs["hearing-no"]
    change = edit_answers(pack, find(filled.entries(), "1"), scripted({"their_side": SKIP}),
                          pack.step("their_side"))
    assert "their_side" not in change.answers


def test_ctrl_c_while_editing_changes_nothing(filled, shipped_packs, scripted, journal_file):
    """Ctrl-C while editing stops with exit 130 and changes nothing."""
    before = journal_file.read_bytes()
    pack = shipped_packs["hearing-no"]
    with pytest.raises(EditCancelled) as caught:
        edit_answers(pack, find(filled.entries(), "1"), scripted({"story": STOP}),
                     pack.step("story"))
    assert caught.value.exit_code == 130
    with pytest.raises(EditCancelled):
        choose_step(pack, find(filled.entries(), "1"), scripted({"_step": STOP}), None)
    assert journal_file.read_bytes() == before


EDITOR_SCRIPT = textwrap.dedent("""\
    import os, stat, sys
    path = sys.argv[1]
    mode = stat.S_IMODE(os.stat(path).st_mode)
    old = open(path).read()
    with open(path, "w") as f:
        f.write(f"{old} (edited, mode {mode:o})\\n")
""")


@pytest.fixture
def editor(tmp_path):
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_SCRIPT)
    return f"{sys.executable} {script}"


def test_a_long_answer_opens_in_the_editor_privately(filled, shipped_packs, scripted,
                                                      editor, journal_file):
    """A long answer opens in the editor through a private copy that is gone afterwards."""
    pack = shipped_packs["hearing-no"]
    asker = EditorAsker(scripted({}), editor, journal_file.parent)
    change = edit_answers(pack, find(filled.entries(), "1"), asker, pack.step("story"))
    assert change.answers["story"] == "I'm not wanted. (edited, mode 600)"
    assert not list(journal_file.parent.glob(".edit-*"))  # the temporary copy is gone
    assert stat.S_IMODE(journal_file.parent.stat().st_mode) == 0o700


def test_an_editor_that_fails_changes_nothing(tmp_path):
    """An editor that fails or cannot be run is a clear error and changes nothing."""
    with pytest.raises(ReflectError, match="stopped with an error"):
        edit_text(f"{sys.executable} -c 'raise SystemExit(3)'", "words", tmp_path)
    with pytest.raises(ReflectError, match="Cannot run the editor"):
        edit_text("no-such-editor-anywhere", "words", tmp_path)
    assert not list(tmp_path.glob(".edit-*"))


def test_emptying_a_required_answer_in_the_editor_is_refused(filled, shipped_packs, scripted,
                                                             tmp_path, journal_file):
    """Emptying a required answer in the editor is refused; an optional one may be emptied."""
    blank = tmp_path / "blank.py"
    blank.write_text("import sys\nopen(sys.argv[1], 'w').close()\n")
    pack = shipped_packs["hearing-no"]
    asker = EditorAsker(scripted({}), f"{sys.executable} {blank}", journal_file.parent)
    with pytest.raises(ReflectError, match="left empty"):
        edit_answers(pack, find(filled.entries(), "1"), asker, pack.step("story"))
    assert "their_side" not in edit_answers(pack, find(filled.entries(), "1"), asker,
                                            pack.step("their_side")).answers
