"""The unfinished reflection: kept after every answer, so a crash loses at most one step."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reflect.errors import ReflectError
from reflect.files import read_if_present, remove_leftovers, write_private

DRAFT_FORMAT = 1


@dataclass
class Draft:
    pack_id: str
    pack_version: int
    entry_id: str
    created: str
    answers: dict[str, Any] = field(default_factory=dict)
    next_step: str | None = None
    format: int = DRAFT_FORMAT


class DraftStore:
    """One draft at a time, in a private file beside the journal."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Draft | None:
        raw = read_if_present(self.path, "the unfinished reflection")
        if raw is None:
            return None
        import json

        try:
            data = json.loads(raw)
            draft = Draft(**data)
            if not isinstance(draft.answers, dict) or not isinstance(draft.pack_id, str):
                raise TypeError("wrong shape")
        except (ValueError, TypeError, UnicodeDecodeError):
            raise ReflectError(
                f"The unfinished reflection {self.path} is damaged and cannot be resumed. "
                "It has not been changed; move it aside to start afresh.") from None
        return draft

    def save(self, draft: Draft) -> None:
        import json

        encoded = json.dumps(asdict(draft), ensure_ascii=True, separators=(",", ":"))
        write_private(self.path, encoded.encode("ascii"))

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        remove_leftovers(self.path)
