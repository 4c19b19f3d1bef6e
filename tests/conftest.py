"""Shared fixtures: every test gets its own reflect home, and a scripted Asker."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from reflect.packs import Pack, discover
from reflect.session import Interrupted, Prompt

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def reflect_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point REFLECT_HOME at a fresh folder so no test can touch a real journal."""
    home = tmp_path / "reflect-home"
    monkeypatch.setenv("REFLECT_HOME", str(home))
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("REFLECT_PASSPHRASE", raising=False)
    return home


@pytest.fixture
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """New encrypted files use scrypt's cheapest setting reflect accepts, to keep tests quick.

    Files say their own settings, so reading them works the same; one test measures the
    real setting."""
    from reflect import crypto

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
