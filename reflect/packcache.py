"""Packs as parsed before, so a command need not parse their TOML every time it starts.

Loading a TOML parser and parsing the three shipped packs takes 15 to 25 ms, which every
command that reads the journal or asks a question would pay; the same data read back as
JSON takes a fraction of a millisecond. So what tomllib made of a pack file is kept as
JSON in reflect's cache folder, under the file's length and two checksums of its bytes:
a pack that changes in any way is parsed afresh, and the copy under its old bytes goes.

It is only a cache. It is used only where paths.cache_dir() names a folder (not under
REFLECT_HOME, which keeps nothing but the journal, drafts, settings and packs); whatever
goes wrong with it (a folder that cannot be made, a full disk, a damaged copy) leaves the
pack to be parsed from its TOML as if there were no cache, and says nothing. What is read
from it is checked as any pack is (packs.parse_pack). Terminal-free.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from pathlib import Path
from typing import Any

FORMAT = 1
"""The shape of a kept copy; a copy of another shape is parsed afresh."""

_NAME = re.compile(r"^\d+-[0-9a-f]{8}-[0-9a-f]{8}\.json$")
"""The name of a kept copy (its key, then .json): only such files are ever removed."""


def key(raw: bytes) -> str:
    """What a pack file's bytes are kept under: their length and two checksums."""
    return f"{len(raw)}-{zlib.crc32(raw):08x}-{zlib.adler32(raw):08x}"


class PackCache:
    """The parsed packs kept in one folder; None for no cache at all."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._used: set[str] = set()
        self._wrote = False

    def get(self, raw: bytes) -> dict[str, Any] | None:
        """What tomllib made of these bytes before, or None when it is not kept (or the
        copy cannot be used)."""
        if self.folder is None:
            return None
        name = key(raw)
        self._used.add(name)
        try:
            with open(self.folder / f"{name}.json", "rb") as stream:
                kept = json.loads(stream.read())
        except (OSError, ValueError, RecursionError):
            return None
        if (type(kept) is dict and kept.get("format") == FORMAT and kept.get("key") == name
                and type(kept.get("data")) is dict):
            data: dict[str, Any] = kept["data"]
            return data
        return None

    def put(self, raw: bytes, data: dict[str, Any]) -> None:
        """Keep what tomllib made of these bytes, if JSON can hold it exactly (strings,
        numbers, true and false, lists and tables: not a TOML date)."""
        if self.folder is None:
            return
        from reflect.errors import ReflectError
        from reflect.files import write_private

        name = key(raw)
        try:
            text = json.dumps({"format": FORMAT, "key": name, "data": _plain(data)},
                              ensure_ascii=False)
            write_private(self.folder / f"{name}.json", text.encode("utf-8"))
        except (TypeError, ValueError, RecursionError, OSError, ReflectError):
            return
        self._wrote = True

    def tidy(self) -> None:
        """Once a copy was written: remove the copies of bytes no pack has any more."""
        if self.folder is None or not self._wrote:
            return
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if _NAME.match(name) and name[:-len(".json")] not in self._used:
                with contextlib.suppress(OSError):
                    os.unlink(self.folder / name)


def _plain(value: Any) -> Any:
    """The value if JSON gives it back the same; else TypeError (a date, say)."""
    kind = type(value)
    if kind is dict:
        for item in value.values():
            _plain(item)
    elif kind is list:
        for item in value:
            _plain(item)
    elif kind not in (str, int, float, bool):
        raise TypeError(f"{kind.__name__} is not kept")
    return value
