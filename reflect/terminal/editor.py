"""Long answers edited in the person's own $EDITOR (when `reflect edit` runs and it is set).

The text goes to a private temporary file in the journal's own folder (0700, never the
shared /tmp), the editor runs on it, and the file is removed whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from reflect.base.errors import ReflectError
from reflect.base.files import FILE_MODE, ensure_private_folder
from reflect.engine.session import SKIP, Asker, Prompt


def edit_text(editor: str, text: str, folder: Path) -> str:
    """Open the text in the editor and return what it holds when the editor closes."""
    try:
        command = shlex.split(editor)
    except ValueError:
        command = []
    if not command:
        raise ReflectError(f"Cannot run the editor {editor!r} (from $EDITOR).")
    ensure_private_folder(folder)
    handle, name = tempfile.mkstemp(prefix=".edit-", suffix=".txt", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            stream.write(text)
        try:
            finished = subprocess.run([*command, name], check=False)
        except OSError as error:
            raise ReflectError(f"Cannot run the editor {editor!r} (from $EDITOR): "
                               f"{error.strerror or error}. Nothing was changed.") from None
        if finished.returncode != 0:
            raise ReflectError(f"The editor {command[0]!r} stopped with an error "
                               f"(exit {finished.returncode}). Nothing was changed.")
        return Path(name).read_text(encoding="utf-8", errors="replace")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


class EditorAsker:
    """Puts long-text questions to $EDITOR and everything else to the usual Asker."""

    def __init__(self, inner: Asker, editor: str, folder: Path) -> None:
        self.inner = inner
        self.editor = editor
        self.folder = folder

    def say(self, text: str) -> None:
        self.inner.say(text)

    def ask(self, prompt: Prompt) -> Any:
        if prompt.kind != "long_text":
            return self.inner.ask(prompt)
        current = prompt.default if isinstance(prompt.default, str) else ""
        self.inner.say(f"{prompt.question}\n(Opening your editor; save and close it when "
                       "you are done.)")
        answer = edit_text(self.editor, current, self.folder).rstrip("\n")
        if not answer.strip():
            if prompt.optional:
                return SKIP
            raise ReflectError("The answer was left empty, so nothing was changed. "
                               "This question needs a few words.")
        return answer
