"""The shipped packs' words, read as the person who just heard no would read them: no way
to ask again, nothing declined offered back, the consent note before the choice, wording
that assumes no gender, and every sentence our own."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from reflect.engine.new_reflection import still_heavy
from reflect.engine.session import Prompt, run_reflection
from reflect.packs.model import Pack

from conftest import FULL_ANSWERS, QUICK

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "hearing-no-column.txt"

PARTNER = {"declined-intimacy", "declined-closeness"}
WITH_THEM = "with them"
TOUCH = ("hug", "cuddle", "rub", "hold hands", "massage", "lie down together",
         "sit together")
OWN_WORDS_MOMENT = "We argued about something else and it got mixed up with this"
PUSHING = ("asked-why", "pushed", "more-messages", "angry", "went-along")


class Recorder:
    """A scripted Asker that answers from a dict (callables get the Prompt) and keeps
    every note and question in the order the person would see them."""

    def __init__(self, script: dict[str, Any]) -> None:
        self.script = script
        self.events: list[tuple[str, Any]] = []

    def say(self, text: str) -> None:
        self.events.append(("note", text))

    def ask(self, prompt: Prompt) -> Any:
        self.events.append(("ask", prompt))
        answer = self.script.get(prompt.key)
        if callable(answer):
            return answer(prompt)
        if answer is None:
            raise AssertionError(f"no answer for {prompt.key!r}")
        return answer

    def prompt(self, key: str) -> Prompt:
        return next(p for kind, p in self.events if kind == "ask" and p.key == key)

    def notes(self) -> list[str]:
        return [text for kind, text in self.events if kind == "note"]

    def asked(self) -> list[str]:
        return [p.key for kind, p in self.events if kind == "ask"]


def first_choice(prompt: Prompt) -> Any:
    value = prompt.choices[0].value
    return [value] if prompt.kind == "checkbox" else value


def moments(pack: Pack) -> list[str]:
    return [c.value for c in pack.step("moment").choices] + [OWN_WORDS_MOMENT]


def needs(pack: Pack) -> list[list[str]]:
    return [[c.value] for c in pack.step("need").choices] + [["to feel seen"]]


def walk(pack: Pack, **changes: Any) -> Recorder:
    script = dict(FULL_ANSWERS, urge=[], **changes)
    for step_id in ("not_about_me", "alternatives", "reframe", "repair"):
        script.setdefault(step_id, first_choice)
        if step_id not in changes:
            script[step_id] = first_choice
    script.setdefault("next_time", "Hear the first no.")
    recorder = Recorder(script)
    run_reflection(pack, recorder)
    return recorder


def every_moment_and_need() -> list[tuple[str, tuple[str, ...]]]:
    from reflect.packs.load import builtin_packs_dir, load_pack

    pack = load_pack(builtin_packs_dir() / "hearing-no.toml", builtin=True)
    return [(moment, tuple(need)) for moment in moments(pack) for need in needs(pack)]


@pytest.mark.parametrize(("moment", "need"), every_moment_and_need())
def test_other_ways_follow_the_moment_and_the_need(shipped_packs, moment, need):
    """For every moment and need: some other way is offered; after anything but a
    partner's no, none involves the person who said no; after a declined hug or cuddle,
    no touch with them; every touch with a partner expects nothing more; and the consent
    note comes before the list."""
    pack = shipped_packs["hearing-no"]
    recorder = walk(pack, moment=moment, need=list(need))
    prompt = recorder.prompt("alternatives")
    assert prompt.choices, (moment, need)
    with_them = [c for c in prompt.choices if WITH_THEM in c.hint]
    if moment not in PARTNER:
        assert with_them == [], (moment, need)
    for choice in with_them:
        label = choice.label.lower()
        touch = any(word in label for word in TOUCH)
        if moment == "declined-closeness":
            assert not touch, (moment, choice.label)
        if touch:
            assert "with nothing more expected" in label, choice.label
    consent = pack.step("alternatives").note
    assert "offer, not a new ask" in consent
    assert "only once" in consent
    assert "the same ask again" in consent
    at = recorder.events.index(("ask", prompt))
    assert recorder.events[at - 1] == ("note", consent)


def test_no_choice_in_any_pack_is_a_way_to_ask_again(shipped_packs):
    """No choice offered in any shipped pack plans another try, a second ask or persuasion."""
    tries = re.compile(r"\b(ask(ing)? again|try again|another (chance|try)|"
                       r"change their mind|convince|persuade|win them)")
    for pack in shipped_packs.values():
        for step in pack.steps:
            for choice in (*step.choices, *(c for g in step.choices_by.values() for c in g)):
                assert not tries.search(choice.label.lower()), (pack.id, choice.label)


@pytest.mark.parametrize("moment", ["dating-sexual", "asked-out", "date-ended"])
def test_a_dates_no_is_never_read_as_for_now(shipped_packs, moment):
    """After a dating moment, the reasons offered never say the no was only for tonight."""
    recorder = walk(shipped_packs["hearing-no"], moment=moment)
    offered = {c.value for c in recorder.prompt("not_about_me").choices}
    assert not offered & {"tired", "early-start", "not-in-the-mood", "timing-or-place"}
    assert "dont-know" in offered


def test_partner_reasons_include_desire_body_and_space(shipped_packs):
    """After a partner's no, the reasons include a difference in desire, the body, and
    needing space."""
    recorder = walk(shipped_packs["hearing-no"], moment="declined-intimacy")
    offered = {c.value for c in recorder.prompt("not_about_me").choices}
    assert {"desire-difference", "body", "touched-out", "tired"} <= offered


@pytest.mark.parametrize("how", ["unclear", "maybe-later", "stopped-replying"])
def test_an_unclear_answer_a_maybe_or_silence_is_named_as_not_a_yes(shipped_packs, how):
    """Saying the answer was unclear, a maybe or silence brings a note that it is no yes."""
    recorder = walk(shipped_packs["hearing-no"], moment="date-ended", how_declined=how)
    assert any("not a yes" in note for note in recorder.notes())


@pytest.mark.parametrize("how", ["stopped-replying", "harshly", "unclear"])
def test_no_honest_answer_reframe_after_silence_or_harshness(shipped_packs, how):
    """'They trusted me with an honest answer' is not offered after silence or a harsh no."""
    recorder = walk(shipped_packs["hearing-no"], moment="date-ended", how_declined=how)
    assert "trusted-me" not in {c.value for c in recorder.prompt("reframe").choices}


def test_no_reframe_makes_respect_a_way_to_a_yes(shipped_packs):
    """No reframe on offer promises a yes in return for respecting a no."""
    for pack in shipped_packs.values():
        for step in pack.steps:
            for choice in (*step.choices, *(c for g in step.choices_by.values() for c in g)):
                assert "yes will" not in choice.label.lower(), (pack.id, choice.label)


def test_how_you_responded_comes_before_the_other_ways(shipped_packs):
    """The response is looked at before any other way is offered, and the urge is named
    as an urge before them too."""
    ids = [step.id for step in shipped_packs["hearing-no"].steps]
    assert ids.index("responded") < ids.index("urge") < ids.index("alternatives")


@pytest.mark.parametrize("responded", PUSHING)
def test_pushing_leads_to_repair(shipped_packs, responded):
    """Asking why, pushing, more messages, anger or a yes after pushing lead to a repair
    step whose note asks for nothing back."""
    pack = shipped_packs["hearing-no"]
    recorder = walk(pack, responded=responded)
    assert "repair" in recorder.asked()
    assert pack.step("repair").note in recorder.notes()


def test_a_yes_after_pushing_is_named_as_maybe_not_free(shipped_packs):
    """'They went along after I pushed' says that such a yes may not have been freely given,
    and a partner's repair includes checking in and telling them their no was fine."""
    recorder = walk(shipped_packs["hearing-no"], responded="went-along")
    assert any("may not have been given freely" in note for note in recorder.notes())
    offered = {c.value for c in recorder.prompt("repair").choices}
    assert {"check-in", "their-no-was-fine", "dont-reopen"} <= offered


def test_repair_after_a_date_never_contacts_them(shipped_packs):
    """After a date's no, repair offers no check-in or message to them: it leaves them be."""
    recorder = walk(shipped_packs["hearing-no"], moment="date-ended",
                    responded="more-messages")
    offered = {c.value for c in recorder.prompt("repair").choices}
    assert "leave-them-be" in offered
    assert not offered & {"check-in", "their-no-was-fine", "apologise"}


@pytest.mark.parametrize("responded", ["okay-but-hurt", "withdrew"])
def test_going_quiet_or_hurt_gets_a_note_that_they_did_nothing_wrong(shipped_packs,
                                                                      responded):
    """Going quiet or 'okay, but hurt' gets a note: let them know they did nothing wrong."""
    recorder = walk(shipped_packs["hearing-no"], responded=responded)
    assert any("did nothing wrong" in note for note in recorder.notes())
    assert "repair" not in recorder.asked()


def test_the_pushing_line_is_gone(shipped_packs):
    """No note calls pushing ordinary."""
    for pack in shipped_packs.values():
        for step in pack.steps:
            assert "most people have done" not in step.note.lower(), (pack.id, step.id)


def test_the_quick_pack_names_the_feeling_first_and_rates_it_again(shipped_packs):
    """The quick pack asks for the feeling before its rating, rates it again at the end,
    and offers only reframes that fit any moment."""
    pack = shipped_packs["hearing-no-quick"]
    ids = [step.id for step in pack.steps]
    assert ids.index("emotions") < ids.index("intensity")
    assert ids[-1] == "intensity_now"
    recorder = Recorder(dict(QUICK))
    run_reflection(pack, recorder)
    offered = {c.value for c in recorder.prompt("reframe").choices}
    assert "trusted-me" not in offered


@pytest.mark.parametrize("already", ["said-no", "unclear"])
def test_prepare_after_a_no_turns_to_the_need_not_the_ask(shipped_packs, already):
    """When they already said no (or it was unclear), prepare never plans the ask and
    offers nothing with them."""
    pack = shipped_packs["preparing-to-ask"]
    recorder = Recorder({"already_no": already, "hoping": "A night in together",
                         "need": ["affection"], "plan_b": first_choice, "kind_word": ""})
    run_reflection(pack, recorder)
    assert "how_ask" not in recorder.asked()
    assert "who" not in recorder.asked()
    assert not [c for c in recorder.prompt("plan_b").choices if WITH_THEM in c.hint]
    said = next(c for c in pack.step("already_no").choices if c.value == already)
    assert said.note in recorder.notes()


@pytest.mark.parametrize("free", ["not-now", "not-sure"])
def test_prepare_waits_when_they_cannot_say_no_freely(shipped_packs, free):
    """Prepare asks whether they can say no freely now; if not, it does not plan the ask."""
    pack = shipped_packs["preparing-to-ask"]
    recorder = Recorder({"already_no": "not-yet", "hoping": "x", "who": "partner",
                         "free_to_say_no": free, "need": ["closeness"],
                         "plan_b": first_choice, "kind_word": ""})
    run_reflection(pack, recorder)
    assert "free_to_say_no" in recorder.asked()
    assert "how_ask" not in recorder.asked()


def test_prepare_offers_with_them_only_for_a_partner(shipped_packs):
    """Only for a partner does prepare's plan B offer anything with them."""
    pack = shipped_packs["preparing-to-ask"]
    for who, expected in (("partner", True), ("dating", False), ("new", False)):
        recorder = Recorder({"already_no": "not-yet", "hoping": "x", "who": who,
                             "free_to_say_no": "free", "how_ask": "Plainly.",
                             "need": ["closeness"], "plan_b": first_choice, "kind_word": ""})
        run_reflection(pack, recorder)
        with_them = [c for c in recorder.prompt("plan_b").choices if WITH_THEM in c.hint]
        assert bool(with_them) is expected, who


# Wording -------------------------------------------------------------------------------

GENDERED = {"she", "he", "her", "him", "his", "hers", "girlfriend", "boyfriend", "guys",
            "man", "men", "woman", "women", "wife", "husband"}


def pack_texts(pack: Pack) -> list[str]:
    texts = [pack.title, pack.description]
    for step in pack.steps:
        texts += [step.question, step.note, step.other, step.other_question, step.min_label,
                  step.max_label]
        for choice in step.all_choices():
            texts += [choice.label, choice.hint, choice.note]
    return [text for text in texts if text]


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def test_shipped_wording_assumes_no_gender(shipped_packs):
    """No pack text (questions, notes, labels, hints, descriptions), crisis line or README
    line assumes anyone's gender."""
    sources = {f"{pack.id}": "\n".join(pack_texts(pack)) for pack in shipped_packs.values()}
    sources["crisis lines"] = (ROOT / "prompts" / "resources" / "crisis-lines.toml").read_text()
    sources["README"] = (ROOT / "README.md").read_text()
    for name, text in sources.items():
        found = GENDERED & set(words_of(text))
        assert not found, (name, found)


def message_strings() -> list[str]:
    """Every string constant in reflect's own code: its messages."""
    found = []
    for path in (ROOT / "reflect").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    return found


@pytest.mark.skipif(not SEED.is_file(), reason="the seed column is kept beside the project")
def test_no_run_of_eight_words_from_the_column(shipped_packs):
    """No pack, message or README repeats eight or more words in a row of the seed column."""
    column = words_of(SEED.read_text())
    runs = {tuple(column[i:i + 8]) for i in range(len(column) - 7)}
    sources = {pack.id: pack_texts(pack) for pack in shipped_packs.values()}
    sources["messages"] = message_strings()
    sources["README"] = [(ROOT / "README.md").read_text()]
    sources["crisis lines"] = [(ROOT / "prompts/resources/crisis-lines.toml").read_text()]
    for name, texts in sources.items():
        for text in texts:
            words = words_of(text)
            for i in range(len(words) - 7):
                assert tuple(words[i:i + 8]) not in runs, (name, " ".join(words[i:i + 8]))


# The pointer to resources --------------------------------------------------------------

def entry_rated(before: Any, after: Any):
    from reflect.journal.entry import Entry

    return Entry(id="00000000-0000-4000-8000-000000000000", number=1,
                 created="2026-12-01T10:00:00+00:00", updated="2026-12-01T10:00:00+00:00",
                 pack_id="hearing-no", pack_version=2, answers={},
                 derived={"intensity_before": before, "intensity_after": after})


@pytest.mark.parametrize(("before", "after", "heavy"), [
    (7, 3, False), (9, 8, True), (3, 5, True), (5, 5, False), (None, 9, True),
    (None, 2, False), (6, None, False), (10, 10, True)])
def test_a_strong_or_rising_feeling_points_to_resources(before, after, heavy):
    """The fixed pointer to `reflect resources` shows when the rating at the end is 8 or
    more, or higher than at the start, and only then."""
    assert still_heavy(entry_rated(before, after)) is heavy
