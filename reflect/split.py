"""Writing out every entry with a second process taking half the work.

An export of a long journal spends nearly all its time in Python, entry by entry, on one
core. Once the journal is read, a copy of this process (os.fork: it starts with every
entry already in memory, so nothing is read or sent twice) writes out every other batch of
entries and passes them back through a pipe; this process writes the rest, and hands the
pieces on in their order.

The copy is only a helper. If it fails in any way (an entry it cannot read, a bug, it is
killed), this process writes the batches it did not send back itself, so the outcome, and
any error, is what one process alone would give. It never touches the journal, standard
output or standard error, ignores Ctrl-C (this process stops it on the way out), and ends
with os._exit, so none of this process's buffers or exit handlers run twice.

Only used where it pays: many entries, a system with fork, a core to spare, and no
other thread running (a thread may hold a lock at the moment of the fork, which the copy
would then wait on forever). Terminal-free.
"""

from __future__ import annotations

import contextlib
import os
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from reflect.entry import Entry

SPLIT_FROM = 2000
"""The fewest entries worth a second process: fork costs a few milliseconds; 2,000
entries take a tenth of a second or more to write out."""

BATCH = 256
"""Entries in a batch: enough that passing one back is a small part of writing it."""

_HEADER = 8  # how many pieces, and how many bytes they take, as two 4-byte numbers


def in_order(entries: Sequence[Entry], write: Callable[[Entry], str]) -> Iterator[str]:
    """write(entry) for each entry, in order, what was decoded of each let go once it is
    written: an export of a large journal never holds it all decoded at once."""
    helper = _start(entries, write) if _worth_it(len(entries)) else None
    if helper is None:
        yield from _written(entries, write)
        return
    pid = helper[0]
    pipe: IO[bytes] | None = helper[1]  # None once the helper has stopped
    try:
        for start in range(0, len(entries), BATCH):
            if (start // BATCH) % 2 == 0 or pipe is None:
                yield from _written(entries[start:start + BATCH], write)
                continue
            pieces = _received(pipe)
            if pieces is None:  # the helper stopped: the rest is done here
                pipe.close()
                pipe = None
                yield from _written(entries[start:start + BATCH], write)
                continue
            yield from pieces
    finally:
        _stop(pid, pipe)


def _written(entries: Sequence[Entry], write: Callable[[Entry], str]) -> Iterator[str]:
    for entry in entries:
        yield write(entry)
        entry.forget()


def _worth_it(count: int) -> bool:
    if count < SPLIT_FROM or not hasattr(os, "fork"):
        return False
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    if cores < 2:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _start(entries: Sequence[Entry],
           write: Callable[[Entry], str]) -> tuple[int, IO[bytes]] | None:
    """The helper's process id and the pipe its batches come through; None when it cannot
    be started (too many processes, too little memory), and all is done here."""
    try:
        reading, writing = os.pipe()
    except OSError:
        return None
    _widen(writing)
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # the helper
        os.close(reading)
        _help(entries, write, writing)  # never returns
    os.close(writing)
    return pid, os.fdopen(reading, "rb")


def _widen(fd: int) -> None:
    """A pipe of a megabyte where the system allows it (Linux), so the helper can write a
    whole batch ahead rather than wait for each piece of one to be read."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _help(entries: Sequence[Entry], write: Callable[[Entry], str], fd: int) -> None:
    """In the helper: every odd batch, written out and sent back in order; then exit."""
    import signal

    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with os.fdopen(fd, "wb") as pipe:
            for start in range(BATCH, len(entries), 2 * BATCH):
                pieces = list(_written(entries[start:start + BATCH], write))
                sizes = array("I", map(len, pieces))
                data = "".join(pieces).encode("utf-8", "surrogatepass")
                pipe.write(len(pieces).to_bytes(4, "little") + len(data).to_bytes(4, "little"))
                pipe.write(sizes.tobytes())
                pipe.write(data)
                pipe.flush()
        code = 0
    finally:  # whatever went wrong, the batches not sent are written by the other process
        os._exit(code)


def _received(pipe: IO[bytes]) -> list[str] | None:
    """The next batch from the helper, piece by piece; None if it stopped before sending
    it whole."""
    try:
        header = pipe.read(_HEADER)
        if len(header) < _HEADER:
            return None
        count = int.from_bytes(header[:4], "little")
        size = int.from_bytes(header[4:], "little")
        sizes = array("I")
        raw_sizes = pipe.read(count * sizes.itemsize)
        data = pipe.read(size)
    except OSError:
        return None
    if len(raw_sizes) < count * sizes.itemsize or len(data) < size:
        return None
    sizes.frombytes(raw_sizes)
    text = data.decode("utf-8", "surrogatepass")
    pieces = []
    at = 0
    for length in sizes:
        pieces.append(text[at:at + length])
        at += length
    return pieces


def _stop(pid: int, pipe: IO[bytes] | None) -> None:
    """The helper ended, whether it finished or not (its work is no longer wanted when
    this process stops early: Ctrl-C, or `reflect export | head`)."""
    import signal

    if pipe is not None:
        pipe.close()
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
