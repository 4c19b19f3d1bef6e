"""Whether a file reflect takes its instructions from could have been changed by someone else.

The settings (config.toml) and a person's own packs decide what reflect does and asks, so
they are loaded only when no other user of the computer could have written them: the file
and the folders that hold it belong to the person (or to root) and are not writable by
the group or by others. Otherwise reflect refuses it, saying why and which chmod puts it
right, as ssh does with its own files. Where modes mean nothing (Windows), all is trusted.
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def doubt(path: Path, what: str) -> str | None:
    """Why another user could have written `path`, a file or a folder, which the answer
    calls `what` ("it", "its folder /x"), with the chmod that puts it right; None when
    only its owner could. A path that cannot be looked at, or is no file or folder, is not
    doubted here: reading it says what is wrong."""
    if os.name != "posix":  # pragma: no cover - modes mean nothing there
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return None  # a pipe or a device: reading it refuses it by name
    if info.st_uid not in (os.getuid(), 0):
        return f"{what} belongs to another user of this computer"
    if info.st_mode & OTHERS_WRITE:
        who = "other users" if info.st_mode & stat.S_IWOTH else "your group"
        return (f"{what} can be changed by {who}; make it yours alone with "
                f"`chmod go-w {shlex.quote(str(path))}`")
    return None
