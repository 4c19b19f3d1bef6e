"""Private files written atomically: the one way reflect puts a person's words on disk."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from reflect.base.errors import ReflectError

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_HINTS = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "your disk quota is used up",
    errno.EROFS: "the disk is mounted read-only",
    errno.EACCES: "check who owns the file and its folder",
    errno.EPERM: "check who owns the file and its folder",
}


class WriteError(ReflectError):
    """A file could not be written; it was left as it was. `reason` says why, plainly."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot write {path}: {reason}. The file was left as it was.")
        self.path = path
        self.reason = reason


def describe(error: OSError) -> str:
    """What went wrong, in the system's words and, for the usual cases, in plain ones."""
    said = error.strerror or str(error)
    hint = _HINTS.get(error.errno or 0)
    return f"{said} ({hint})" if hint else said


def ensure_private_folder(folder: Path) -> None:
    """Create the folder, and every missing folder above it, readable only by its owner.

    Each folder made is 0700 whatever the umask (the XDG base directory spec asks the same
    of the folders above, such as ~/.config), so no other user can put a file in one."""
    if folder.is_dir():
        return
    missing: list[Path] = []
    for place in (folder, *folder.parents):
        if place.is_dir():
            break
        if os.path.lexists(place):
            raise ReflectError(f"Cannot create the folder {folder}: {place} is a file, "
                               "not a folder.")
        missing.append(place)
    try:
        for place in reversed(missing):
            try:
                place.mkdir(mode=FOLDER_MODE)
            except FileExistsError:
                if place.is_dir():  # another reflect made it a moment ago
                    continue
                raise
            os.chmod(place, FOLDER_MODE)  # mkdir's mode is cut by the umask
    except OSError as error:
        raise ReflectError(f"Cannot create the folder {folder}: {describe(error)}.") from None


MAX_READ_BYTES = 1024 * 1024 * 1024
"""The most reflect reads of any one file it keeps: far above a lifetime of reflections,
and below what would exhaust a small machine's memory."""


class ReadError(ReflectError):
    """A file could not be read, or is not one reflect will read. `reason` says why."""

    def __init__(self, path: Path, what: str, reason: str) -> None:
        super().__init__(f"Cannot read {what} {path}: {reason}.")
        self.path = path
        self.reason = reason


class NotOrdinaryFile(ReadError):
    """The path holds a pipe, device, socket or folder where a file belongs."""


def kind_of(mode: int) -> str:
    """What a path's mode says it is, in words: "a folder", "a named pipe"..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def open_ordinary(path: Path, what: str) -> int:
    """A read-only descriptor of the file, opened without waiting on a pipe, refused by name
    when it is not an ordinary file. FileNotFoundError passes through."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ReadError(path, what, describe(error)) from None
    try:
        _check_ordinary(fd, path, what)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_ordinary(fd: int, path: Path, what: str) -> None:
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        raise NotOrdinaryFile(path, what, f"it is {kind_of(mode)}, not an ordinary file")


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def read_if_present(path: Path, what: str, limit: int = MAX_READ_BYTES) -> bytes | None:
    """The bytes of an ordinary file of at most `limit` bytes, or None when it does not exist.

    A pipe, device, socket or folder is refused by name before a byte is read, and it is
    opened without waiting, so a pipe nobody writes to cannot hold reflect up; a file that
    grows while it is read is still cut off after `limit` + 1 bytes and refused."""
    try:
        fd = open_ordinary(path, what)
    except FileNotFoundError:
        return None
    try:
        info = os.fstat(fd)
        too_large = f"it is larger than {_megabytes(limit)}, more than {what} can be"
        if info.st_size > limit:
            raise ReadError(path, what, too_large)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise ReadError(path, what, too_large)
        return b"".join(chunks)
    except OSError as error:
        raise ReadError(path, what, describe(error)) from None
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Replace the file's contents all at once, or not at all, keeping it 0600.

    The bytes go to a temporary file in the same folder, which is flushed to disk and then
    renamed over the target, so a crash leaves either the old file or the new one. A path
    that is a symbolic link is written through to the file it points at.
    """
    ensure_private_folder(Path(os.path.realpath(path)).parent)
    with _replaced_whole(path) as stream:
        stream.write(data)


@contextlib.contextmanager
def _replaced_whole(path: Path) -> Iterator[IO[bytes]]:
    """A private temporary file beside the target, renamed over it once written and
    flushed to disk; removed instead if anything goes wrong."""

    target = Path(os.path.realpath(path))
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                             dir=target.parent)
    except OSError as error:
        raise WriteError(target, describe(error)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise WriteError(target, describe(error)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _sync_folder(target.parent)


def remove_leftovers(path: Path) -> None:
    """Remove temporary copies that a killed writer never renamed into place.

    Each is a private copy of the file's contents, so they are not left lying about. Call
    it only while no other writer of this file can be at work (the journal's lock)."""
    target = Path(os.path.realpath(path))
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def private_writer(path: Path) -> Iterator[IO[str]]:
    """Write a text file piece by piece, 0600, that appears whole or not at all.

    Used for exports, into a folder that must already exist (it is not made for them)."""

    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():
        missing = "is a file, not a folder" if target.parent.exists() else "does not exist"
        raise ReflectError(f"Cannot write {path}: the folder {target.parent} {missing}.")
    with _replaced_whole(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        yield text
        text.flush()
        text.detach()
