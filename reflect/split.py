"""Going through many entries with a second process taking half the work.

The exports (but JSON, see json_export) and stats of a long journal spend nearly all
their time in Python, entry by entry, on one core. Once the journal is read, a copy of
this process (os.fork: it starts with every entry already in memory, so nothing is read
or sent twice) works through every other batch of entries and passes what it made back
through a pipe (marshal: strings, numbers, lists and dicts); this process does the rest,
and hands each result on in order. An export gets a piece for each entry (in_order);
stats gets a summary of each batch (by_batch), so that adding up what came back costs
this process little.

The copy is only a helper. If it fails in any way (an entry it cannot read, a bug, it is
killed), this process does the batches it did not send back itself, so the outcome, and
any error, is what one process alone would give. It never touches the journal, standard
output or standard error, ignores Ctrl-C (this process stops it on the way out), and ends
with os._exit, so none of this process's buffers or exit handlers run twice.

beside() is the simpler kind: one piece of work started in a copy of this process and
collected when needed, or done without if the copy fails. A search uses it to look
through the stored answers while this process makes entries of the lines.

Only used where it pays: many entries, a system with fork, a core to spare, and no
other thread running (a thread may hold a lock at the moment of the fork, which the copy
would then wait on forever). Terminal-free.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from reflect.entry import Entry

SPLIT_FROM = 500
"""The fewest entries an export (in_order) shares with a second process: fork and the
pipe cost a few milliseconds; 500 entries take 50 ms or more to write out as Markdown,
text or HTML. Half of that done alongside saves more than it costs."""

SUMS_FROM = 2000
"""The fewest entries summed up (stats: by_batch) with a second process: an entry costs
far less to sum up than to write out, and below this the fork does not pay for itself."""

BATCH = 256
"""Entries in a batch: enough that passing one back is a small part of writing it."""

_SIZE = 8  # the bytes of a batch, as a number in 8 bytes, before the batch itself

T = TypeVar("T")


def in_order(entries: Sequence[Entry], work: Callable[[Entry], T]) -> Iterator[T]:
    """work(entry) for each entry, in order, what was decoded of each let go once it is
    done: a large journal is never held all decoded at once. What work returns must be
    something marshal can send (as anything made of strings, numbers, lists and dicts).
    The entries of this process's own batches are handed on one by one as they are done."""

    def sent(batch: Sequence[Entry], start: int) -> list[T]:
        return list(alone(batch, work))

    def here(batch: Sequence[Entry], start: int) -> Iterator[T]:
        return alone(batch, work)

    def whole(done: Any, count: int) -> bool:
        return isinstance(done, list) and len(done) == count

    with contextlib.closing(by_batch(entries, sent, whole, here, SPLIT_FROM)) as batches:
        for done in batches:
            yield from done


def by_batch(entries: Sequence[Entry], work: Callable[[Sequence[Entry], int], T],
             fits: Callable[[Any, int], bool],
             here: Callable[[Sequence[Entry], int], T] | None = None,
             least: int | None = None) -> Generator[T, None, None]:
    """work(batch, start) for each batch of entries in turn (start: the place of its first
    entry); what work returns must be something marshal can send. fits(result, count)
    says whether what came back from the helper is a whole result for a batch of that
    many. `here`, if given, stands in for work in this process (as a generator that hands
    on each entry's result as it is done). `least`: the fewest entries shared with a
    second process (SUMS_FROM unless told)."""
    do_here = here or work
    least = SUMS_FROM if least is None else least
    helper = _start(entries, work) if _worth_it(len(entries), least) else None
    pipe: IO[bytes] | None = None if helper is None else helper[1]
    try:
        for start in range(0, len(entries), BATCH):
            batch = entries[start:start + BATCH]
            if (start // BATCH) % 2 == 1 and pipe is not None:
                done = _received(pipe)
                if fits(done, len(batch)):
                    yield done
                    continue
                pipe.close()  # the helper stopped: the rest is done here
                pipe = None
            yield do_here(batch, start)
    finally:
        if helper is not None:
            _stop(helper[0], pipe)


def alone(entries: Sequence[Entry], work: Callable[[Entry], T]) -> Iterator[T]:
    """As in_order, in this process alone: for work that costs about as much to pass
    back as to do."""
    for entry in entries:
        yield work(entry)
        entry.forget()


class Beside:
    """Work being done in a second process, for this one to collect once it needs it.

    Unlike the batches, the work is not done here too: if the helper fails in any way,
    result() is None, and the caller does without it."""

    def __init__(self, pid: int, pipe: IO[bytes]) -> None:
        self._pid = pid
        self._pipe: IO[bytes] | None = pipe

    def result(self) -> Any:
        """What the work returned, waiting for it if need be; None if the helper failed.
        The helper has ended by then."""
        pipe, self._pipe = self._pipe, None
        if pipe is None:
            return None
        with pipe:
            try:
                sent = pipe.read()
            except OSError:
                sent = b""
        try:
            _, status = os.waitpid(self._pid, 0)
        except OSError:
            return None
        if status != 0 or not sent:
            return None
        try:
            return marshal.loads(sent)  # noqa: S302 - made by our own copy, in a pipe of our own
        except (ValueError, EOFError, TypeError):
            return None

    def close(self) -> None:
        """The helper ended, whether it finished or not."""
        if self._pipe is not None:
            _stop(self._pid, self._pipe)
            self._pipe = None


def beside(work: Callable[[], Any]) -> Beside | None:
    """work() started in a second process, which has all this one has in memory at this
    moment; what it returns must be something marshal can send. None where that cannot
    be done (no fork, one core, another thread running, no process to spare)."""
    if not _can_share():
        return None
    started = _fork(lambda pipe: pipe.write(marshal.dumps(work())))
    return None if started is None else Beside(*started)


def _worth_it(count: int, least: int) -> bool:
    return count >= least and _can_share()


def _can_share() -> bool:
    """Whether a second process can take some of the work: fork, a core to spare, and no
    other thread."""
    if not hasattr(os, "fork"):
        return False
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    if cores < 2:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _start(entries: Sequence[Entry],
           work: Callable[[Sequence[Entry], int], Any]) -> tuple[int, IO[bytes]] | None:
    """The helper's process id and the pipe its batches come through; None when it cannot
    be started (too many processes, too little memory), and all is done here."""
    return _fork(functools.partial(_send_batches, entries, work))


def _send_batches(entries: Sequence[Entry], work: Callable[[Sequence[Entry], int], Any],
                  pipe: IO[bytes]) -> None:
    """In the helper: every odd batch, worked through and sent back in order."""
    for start in range(BATCH, len(entries), 2 * BATCH):
        batch = marshal.dumps(work(entries[start:start + BATCH], start))
        pipe.write(len(batch).to_bytes(_SIZE, "little"))
        pipe.write(batch)
        pipe.flush()


def _fork(send: Callable[[IO[bytes]], object]) -> tuple[int, IO[bytes]] | None:
    """A helper started: a copy of this process that calls send(pipe) and exits. Its
    process id and the reading end of its pipe; None when it cannot be started (too many
    processes, too little memory)."""
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
        _help(send, writing)  # never returns
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


def _help(send: Callable[[IO[bytes]], object], fd: int) -> None:
    """In the helper: send(pipe), Ctrl-C ignored (the other process stops it on the way
    out); then exit, with os._exit, so none of the other process's buffers or exit
    handlers run twice. Whatever goes wrong, the other process does the work without
    what was not sent."""
    import signal

    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with os.fdopen(fd, "wb") as pipe:
            send(pipe)
        code = 0
    finally:
        os._exit(code)


def _received(pipe: IO[bytes]) -> Any:
    """What the helper made of its next batch; None if it stopped before sending it
    whole."""
    try:
        size = pipe.read(_SIZE)
        if len(size) < _SIZE:
            return None
        batch = pipe.read(int.from_bytes(size, "little"))
        if len(batch) < int.from_bytes(size, "little"):
            return None
        done = marshal.loads(batch)  # noqa: S302 - made by our own copy, in a pipe of our own
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return done


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
