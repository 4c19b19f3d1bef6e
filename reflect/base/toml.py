"""TOML, read with the standard library's tomllib (tomli, its original, before Python 3.11):
the one place that tells them apart, for the packs, the settings and the crisis lines."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, loads
else:  # pragma: no cover - exercised only on 3.10
    from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
