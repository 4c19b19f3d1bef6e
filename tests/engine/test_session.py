"""The session engine walks a pack through an Asker: order, skips, back, conditions."""

from __future__ import annotations

import pytest

from reflect.engine.session import BACK, SKIP, Paused, run_reflection

from conftest import FULL, QUICK, STOP


def test_full_pack_asks_every_step_in_order(shipped_packs, scripted):
    """The default pack asks each step once, in order, and returns every answer."""
    pack = shipped_packs["hearing-no"]
    asker = scripted(FULL)
    answers = run_reflection(pack, asker)
    expected = [s.id for s in pack.steps if s.id not in ("repair", "next_time")]
    assert asker.asked == expected
    assert answers == {k: v for k, v in FULL.items() if k != "next_time"}
    assert [p.position for p in asker.prompts] == list(range(1, len(expected) + 1))
    assert {p.total for p in asker.prompts} == {len(expected)}


def test_coach_notes_come_before_or_after_as_the_pack_says(shipped_packs, scripted):
    """Each step's note is shown before its question, and a choice's note after it is
    picked; the consent note comes before the other ways are offered."""
    pack = shipped_packs["hearing-no"]
    asker = scripted(dict(FULL, responded="okay-but-hurt"))
    run_reflection(pack, asker)
    alternatives = pack.step("alternatives")
    assert alternatives.note_when == "before"
    hurt = next(c for c in pack.step("responded").choices if c.value == "okay-but-hurt")
    notes_in_order = []
    for step in pack.steps:
        if step.id in ("repair", "next_time"):
            continue
        notes_in_order.append(step.note)
        if step.id == "responded":
            notes_in_order.append(hurt.note)
    assert asker.notes == notes_in_order



def test_quick_pack_has_few_steps(shipped_packs, scripted):
    """The quick pack names the feeling, rates it, and rates it again at the end, in six
    questions."""
    pack = shipped_packs["hearing-no-quick"]
    asker = scripted(dict(QUICK, what_happened="A date said no.", need=["feeling-wanted"]))
    answers = run_reflection(pack, asker)
    assert asker.asked == ["what_happened", "emotions", "intensity", "need", "reframe",
                           "intensity_now"]
    assert answers["need"] == ["feeling-wanted"]


def test_optional_steps_can_be_skipped(shipped_packs, scripted):
    """Skipping an optional step leaves no answer for it and moves on."""
    pack = shipped_packs["hearing-no"]
    script = dict(FULL, how_declined=SKIP, thinking_trap=SKIP, their_side=SKIP,
                  remember=SKIP, alternatives=SKIP)
    answers = run_reflection(pack, scripted(script))
    for step_id in ("how_declined", "thinking_trap", "their_side", "remember",
                    "alternatives"):
        assert step_id not in answers


def test_a_required_step_cannot_be_skipped(shipped_packs, scripted):
    """An Asker that tries to skip a required step is a bug, and is stopped."""
    with pytest.raises(ValueError, match="not optional"):
        run_reflection(shipped_packs["hearing-no"], scripted({"what_happened": SKIP}))


def test_condition_asks_next_time_only_after_pushing(shipped_packs, scripted):
    """The 'next time' step appears only for someone who says they pushed."""
    pack = shipped_packs["hearing-no"]
    asker = scripted(dict(FULL, responded="pushed", repair=["dont-reopen"],
                          next_time="Hear the first no."))
    answers = run_reflection(pack, asker)
    assert "next_time" in asker.asked
    assert answers["next_time"] == "Hear the first no."
    assert asker.asked.index("repair") == asker.asked.index("responded") + 1
    assert asker.asked.index("next_time") == asker.asked.index("responded") + 2


def test_alternatives_offered_follow_the_need_chosen(shipped_packs, scripted):
    """Choosing closeness offers ways to be close; choosing release offers solo ones."""
    pack = shipped_packs["hearing-no"]
    seen = {}

    def capture(prompt):
        seen["values"] = [c.value for c in prompt.choices]
        return [prompt.choices[0].value]

    answers = run_reflection(pack, scripted(dict(FULL, need=["release"],
                                                 alternatives=capture)))
    release = seen["values"]
    assert answers["alternatives"] == [release[0]]
    run_reflection(pack, scripted(dict(FULL, need=["closeness"], alternatives=capture)))
    closeness = seen["values"]
    assert "solo-release" in release
    assert "hold-hands-only" in closeness
    assert "solo-release" not in closeness


def test_going_back_reasks_with_the_earlier_answer(shipped_packs, scripted):
    """BACK returns to the step before, offering what was answered there as the default."""
    pack = shipped_packs["hearing-no-quick"]
    asker = scripted(["First try.", BACK, "Second try.", ["sad"], 5, ["rest"], "one-moment",
                      3])
    answers = run_reflection(pack, asker)
    assert asker.asked == ["what_happened", "emotions", "what_happened", "emotions",
                           "intensity", "need", "reframe", "intensity_now"]
    assert asker.prompts[2].default == "First try."
    assert answers["what_happened"] == "Second try."
    assert not asker.prompts[0].can_go_back
    assert asker.prompts[1].can_go_back


def test_back_on_the_first_step_stays_there(shipped_packs, scripted):
    """There is nothing before the first step, so BACK asks it again."""
    asker = scripted([BACK, "Here.", ["sad"], 4, ["fun"], "one-moment", 2])
    run_reflection(shipped_packs["hearing-no-quick"], asker)
    assert asker.asked[:2] == ["what_happened", "what_happened"]


def test_back_skips_steps_whose_condition_no_longer_holds(shipped_packs, scripted):
    """Going back and changing an answer drops a conditional step that no longer applies."""
    pack = shipped_packs["hearing-no"]
    before = pack.steps[:pack.steps.index(pack.step("responded"))]
    order = [FULL[s.id] for s in before]
    script = [*order, "pushed", ["dont-reopen"], "Listen.", BACK, BACK, BACK, "respected",
              SKIP, ["sit-together-only"], "trusted-me", 3, SKIP]
    answers = run_reflection(pack, scripted(script))
    assert answers["responded"] == "respected"
    assert "next_time" not in answers
    assert "repair" not in answers


def test_stopping_pauses_with_answers_and_the_step_in_hand(shipped_packs, scripted):
    """Ctrl-C at a step raises Paused carrying the answers so far and that step's id."""
    asker = scripted({"what_happened": "x", "emotions": ["sad"], "intensity": STOP})
    with pytest.raises(Paused) as caught:
        run_reflection(shipped_packs["hearing-no-quick"], asker)
    assert caught.value.answers == {"what_happened": "x", "emotions": ["sad"]}
    assert caught.value.next_step == "intensity"


def test_resuming_starts_at_the_step_in_hand(shipped_packs, scripted):
    """A resumed reflection starts where it stopped, and can still go back."""
    pack = shipped_packs["hearing-no-quick"]
    asker = scripted([BACK, "Edited.", ["sad"], 2, ["rest"], "one-moment", 1])
    answers = run_reflection(pack, asker, {"what_happened": "Kept."}, start_at="emotions")
    assert asker.asked == ["emotions", "what_happened", "emotions", "intensity", "need",
                           "reframe", "intensity_now"]
    assert asker.prompts[1].default == "Kept."
    assert answers["what_happened"] == "Edited."


def test_every_answer_is_reported_for_the_draft(shipped_packs, scripted):
    """After each answer the caller hears the answers so far and the next step."""
    seen = []
    run_reflection(shipped_packs["hearing-no-quick"],
                   scripted(["x", ["sad"], 4, ["rest"], "one-moment", 2]),
                   on_answer=lambda answers, nxt: seen.append((dict(answers), nxt)))
    assert [nxt for _, nxt in seen] == ["emotions", "intensity", "need", "reframe",
                                        "intensity_now", None]
    assert seen[0][0] == {"what_happened": "x"}


@pytest.mark.parametrize(
    ("step", "bad"),
    [("intensity", 11), ("intensity", "7"), ("need", "rest"), ("reframe", 3),
     ("what_happened", None), ("what_happened", "   "), ("need", [])],
)
def test_answers_of_the_wrong_shape_are_refused(shipped_packs, scripted, step, bad):
    """An Asker bug (a wrong type or range) is refused, never saved."""
    with pytest.raises((TypeError, ValueError)):
        run_reflection(shipped_packs["hearing-no-quick"], scripted(dict(QUICK, **{step: bad})))


def test_own_words_are_accepted_where_a_step_offers_other(shipped_packs, scripted):
    """Free text is kept where the step invites 'something else'."""
    answers = run_reflection(shipped_packs["hearing-no-quick"], scripted(
        dict(QUICK, need=["rest", "to feel seen"], reframe="I am still me.")))
    assert answers["need"] == ["rest", "to feel seen"]
    assert answers["reframe"] == "I am still me."


def test_words_typed_before_stopping_are_kept(shipped_packs, scripted):
    """Ctrl-C mid-answer keeps the unsent words as that step's answer, to resume from."""
    from reflect.engine.session import Interrupted

    def stop_mid_sentence(prompt):
        raise Interrupted("It was late and I")

    with pytest.raises(Paused) as caught:
        run_reflection(shipped_packs["hearing-no-quick"],
                       scripted({"what_happened": stop_mid_sentence}))
    assert caught.value.answers == {"what_happened": "It was late and I"}
    assert caught.value.next_step == "what_happened"


def test_a_draft_answer_that_no_longer_fits_is_dropped(shipped_packs, scripted):
    """Resuming with an answer of the wrong shape (an edited pack) asks that step afresh."""
    asker = scripted(QUICK)
    answers = run_reflection(shipped_packs["hearing-no-quick"], asker,
                             {"what_happened": "kept", "emotions": ["sad"], "intensity": 99},
                             start_at="intensity")
    assert answers["intensity"] == 4
    assert asker.prompts[0].default is None
    assert answers["what_happened"] == "kept"


@pytest.mark.parametrize("pack_id", ["hearing-no", "hearing-no-quick"])
def test_the_end_rating_starts_at_the_start_rating(shipped_packs, scripted, pack_id):
    """The "how strong now" question starts where the first rating was, not at 0."""
    pack = shipped_packs[pack_id]
    asker = scripted(dict(FULL if pack_id == "hearing-no" else QUICK, intensity=8))
    run_reflection(pack, asker)
    [end] = [p for p in asker.prompts if p.key == pack.derive["intensity_after"]]
    assert end.default == 8


def test_an_earlier_end_rating_wins_over_the_start_rating(shipped_packs, scripted):
    """Coming back to the end rating, it starts on the answer given to it before."""
    pack = shipped_packs["hearing-no-quick"]
    asker = scripted([5])
    answers = run_reflection(pack, asker, answers={**QUICK, "intensity": 8,
                                                   "intensity_now": 2},
                             start_at="intensity_now")
    assert asker.prompts[0].default == 2
    assert answers["intensity_now"] == 5
