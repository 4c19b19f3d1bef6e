"""Shared fixtures: every test gets its own reflect home, and a scripted Asker."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reflect.engine.session import Interrupted, Prompt
from reflect.journal.entry import now
from reflect.journal.store import Journal
from reflect.packs.load import discover
from reflect.packs.model import Pack

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def reflect_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point REFLECT_HOME at a fresh folder so no test can touch a real journal."""
    home = tmp_path / "reflect-home"
    monkeypatch.setenv("REFLECT_HOME", str(home))
    # TERM=dumb turns on plain mode, so tests name an ordinary terminal type; output to
    # anything but a terminal is plain text whatever TERM says.
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("REFLECT_PLAIN", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("REFLECT_PASSPHRASE", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    from reflect.terminal import render

    render.console.cache_clear()
    render.error_console.cache_clear()
    return home


@pytest.fixture
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """New encrypted files use scrypt's cheapest setting reflect accepts, to keep tests quick.

    Files say their own settings, so reading them works the same; one test measures the
    real setting."""
    from reflect.journal import crypto

    monkeypatch.setattr(crypto, "SCRYPT_N", crypto.MIN_N)


@pytest.fixture
def shipped_packs() -> dict[str, Pack]:
    packs, problems = discover(None)
    assert problems == []
    return {pack.id: pack for pack in packs}


STOP = object()
"""A scripted answer that presses Ctrl-C."""


class ScriptedAsker:
    """Answers prompts from a script: a dict by step id, or a list taken in order.

    A value may be a callable taking the Prompt, for answers that depend on what is shown.
    Every prompt and note is recorded so tests can assert on what the person would see.
    """

    def __init__(self, script: dict[str, Any] | Iterable[Any]) -> None:
        self.by_key = script if isinstance(script, dict) else None
        self.queue = None if isinstance(script, dict) else list(script)
        self.prompts: list[Prompt] = []
        self.notes: list[str] = []

    def say(self, text: str) -> None:
        self.notes.append(text)

    def ask(self, prompt: Prompt) -> Any:
        self.prompts.append(prompt)
        if self.by_key is not None:
            if prompt.key not in self.by_key:
                raise AssertionError(f"the script has no answer for {prompt.key!r}")
            answer = self.by_key[prompt.key]
        else:
            assert self.queue, f"the script ran out at {prompt.key!r}"
            answer = self.queue.pop(0)
        if callable(answer):
            answer = answer(prompt)
        if answer is STOP:
            raise Interrupted
        return answer

    @property
    def asked(self) -> list[str]:
        return [prompt.key for prompt in self.prompts]


@pytest.fixture
def scripted() -> type[ScriptedAsker]:
    return ScriptedAsker


FULL_ANSWERS: dict[str, Any] = {
    "what_happened": "We were on the couch and I asked.",
    "moment": "declined-intimacy",
    "how_declined": "kindly",
    "emotions": ["hurt", "embarrassed"],
    "intensity": 7,
    "story": "I'm not wanted.",
    "thinking_trap": ["taking-it-personally"],
    "not_about_me": ["tired", "dont-know"],
    "need": ["closeness"],
    "alternatives": ["sit-together", "hold-hands"],
    "their_side": "Rest, probably.",
    "responded": "respected",
    "urge": ["talk-to-someone"],
    "reframe": "trusted-me",
    "intensity_now": 3,
    "remember": "One moment, not a verdict.",
}

QUICK: dict[str, Any] = {
    "what_happened": "x",
    "emotions": ["sad"],
    "intensity": 4,
    "need": ["rest"],
    "reframe": "one-moment",
    "intensity_now": 3,
}
"""The quick pack answered in full."""

FULL: dict[str, Any] = {**FULL_ANSWERS, "alternatives": ["sit-together-only", "hold-hands-only"],
                        "next_time": "unused"}
"""The default pack answered in full with the choices it offers now; repair and next_time
are never asked (they respected the no)."""

HOSTILE_TEXT = "[bold red]loud[/] \x1b[2J\x1b]0;pwned\x07 \u202egnp.exe"
"""Rich markup, a clear-screen, a title-setting OSC and a bidi override in one answer."""


def said(text: str) -> str:
    """Output as one line of single spaces, so a message reads the same however it wrapped."""
    return " ".join(text.split())


def save_quick(journal: Journal, pack: Pack, words: str) -> str:
    """Save a quick reflection whose first answer is `words`; its id."""
    entry_id = str(uuid.uuid4())
    journal.add(pack, {**QUICK_ANSWERS, "what_happened": words}, entry_id, now())
    return entry_id


def journal_data(source: Path | bytes) -> dict[str, Any]:
    """A plain journal's tables ({"meta": ..., "entries": {"1": {...}}}), from its file
    or its bytes, read as stock JSON."""
    raw = source if isinstance(source, bytes) else source.read_bytes()
    data: dict[str, Any] = json.loads(raw)
    return data


def write_journal_data(path: Path, data: dict[str, Any]) -> None:
    """Write tables like journal_data's back as a plain journal, as if changed by hand."""
    path.write_text(json.dumps(data), encoding="utf-8")


def days_ago(days: int, hour: int = 21) -> str:
    moment = datetime.now().astimezone().replace(hour=hour, minute=15, second=0,
                                                 microsecond=0)
    return (moment - timedelta(days=days)).isoformat()


# (days ago, pack, changes to the full answers) for the `filled` journal, oldest first.
FILLED: list[tuple[int, str, dict[str, Any]]] = [
    (60, "hearing-no", {}),
    (35, "hearing-no", {
        "what_happened": "Asked Sam to dinner; they said they were seeing someone.",
        "moment": "asked-out", "emotions": ["anxious"], "intensity": 8,
        "need": ["feeling-wanted"], "alternatives": ["glad-people"], "intensity_now": 5,
        "story": "Nobody ever says yes to me."}),
    (20, "hearing-no", {
        "what_happened": "Wanted to cuddle after a long day; my partner had an early start.",
        "moment": "declined-closeness", "emotions": ["lonely", "sad"], "intensity": 6,
        "need": ["affection"], "alternatives": ["hug"], "intensity_now": 4}),
    (9, "hearing-no-quick", {}),
    (3, "hearing-no", {
        "what_happened": "A match stopped replying. " + HOSTILE_TEXT,
        "moment": "date-ended", "emotions": ["confused"], "intensity": 4,
        "need": ["connection"], "alternatives": [], "intensity_now": 2}),
    (0, "hearing-no", {
        "what_happened": "Late at night I asked again after a no.",
        "emotions": ["frustrated"], "need": ["closeness", "release"],
        "alternatives": ["solo-release"], "responded": "pushed",
        "next_time": "Say goodnight kindly and let it rest.", "intensity_now": 5}),
]
QUICK_ANSWERS = {"what_happened": "Texted to ask for a call; they were too tired tonight.",
                 "intensity": 5, "need": ["release"], "reframe": "one-moment"}


def lock_held(journal_file: Path, shared: bool) -> bool:
    """Whether another process holds the journal's lock so that this one could not take
    it, shared (as a read does) or not (as a save does), at this moment."""
    import fcntl
    import os

    fd = os.open(journal_file.with_name(journal_file.name + ".lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # a lock taken here goes with it
    return False


@pytest.fixture
def journal_file(reflect_home: Path) -> Path:
    from reflect.base import paths

    return paths.journal_path(None)


@pytest.fixture
def filled(shipped_packs: dict[str, Pack], journal_file: Path) -> Journal:
    """Six reflections over two months: different moments, needs, feelings and packs."""
    from reflect.journal.entry import new_id

    journal = Journal(journal_file)
    for days, pack_id, changes in FILLED:
        answers = QUICK_ANSWERS if pack_id == "hearing-no-quick" else {
            k: v for k, v in {**FULL_ANSWERS, **changes}.items() if v != []}
        journal.add(shipped_packs[pack_id], answers, new_id(), days_ago(days))
    return journal
