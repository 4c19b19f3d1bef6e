"""The unfinished reflection: kept after every answer, so a crash loses at most one step.

When the journal is encrypted the draft is too (it holds the same private words): the store
is given the journal as its `Sealing`, and encrypts with the journal's key.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reflect.crypto import is_encrypted
from reflect.entry import timestamp_problem
from reflect.errors import ReflectError
from reflect.files import read_if_present, remove_leftovers, write_private

DRAFT_FORMAT = 1
WHAT = "unfinished reflection"


class Sealing(Protocol):
    """Encrypts the files kept beside an encrypted journal (the Journal is one)."""

    def seal_like_journal(self, data: bytes, path: Path, what: str) -> bytes:
        """The data encrypted like the journal, or as it is when the journal is plain."""

    def unseal(self, raw: bytes, path: Path, what: str) -> bytes:
        """The plain bytes of a file, decrypting it if it is encrypted."""


@dataclass
class Draft:
    pack_id: str
    pack_version: int
    entry_id: str
    created: str
    answers: dict[str, Any] = field(default_factory=dict)
    next_step: str | None = None
    format: int = DRAFT_FORMAT


def _check(draft: Draft) -> None:
    """TypeError unless every field has the type reflect writes, and the date is one the
    journal keeps: the answers are checked against their steps on resuming, but the id
    and the date go into the journal as they are."""
    if not (isinstance(draft.answers, dict) and type(draft.pack_id) is str
            and type(draft.pack_version) is int and type(draft.entry_id) is str
            and type(draft.next_step) in (str, type(None))
            and timestamp_problem(draft.created) is None):
        raise TypeError("wrong shape")


class DraftStore:
    """One draft at a time, in a private file beside the journal."""

    def __init__(self, path: Path, sealing: Sealing | None = None) -> None:
        self.path = path
        self.sealing = sealing

    def load(self) -> Draft | None:
        raw = read_if_present(self.path, f"the {WHAT}")
        if raw is None:
            return None
        if is_encrypted(raw):
            if self.sealing is None:
                raise ReflectError(f"The {WHAT} {self.path} is encrypted, and its journal "
                                   "is not at hand to open it.")
            raw = self.sealing.unseal(raw, self.path, WHAT)
        try:
            data = json.loads(raw)
            draft = Draft(**data)
            _check(draft)
        except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
            raise ReflectError(
                f"The unfinished reflection {self.path} is damaged and cannot be resumed. "
                "It has not been changed; move it aside to start afresh.") from None
        return draft

    def save(self, draft: Draft) -> None:
        encoded = json.dumps(asdict(draft), ensure_ascii=True, separators=(",", ":"))
        data = encoded.encode("ascii")
        if self.sealing is not None:
            data = self.sealing.seal_like_journal(data, self.path, WHAT)
        write_private(self.path, data)

    def reseal(self) -> bool:
        """Write the draft again, encrypted or plain as its journal now is; False if none."""
        draft = self.load()
        if draft is None:
            return False
        self.save(draft)
        return True

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        remove_leftovers(self.path)
