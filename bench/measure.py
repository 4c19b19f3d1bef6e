"""The bench's launcher: runs one command at a time and reports its wall time and peak memory.

    python -S bench/measure.py      (started by run.py, which sends it requests)

It is a separate, small process on purpose. Linux counts the memory of the process that
starts a program towards that program's peak (ru_maxrss carries over through fork and
exec), so a launcher that had imported reflect or generated a journal would inflate every
figure. This one starts without site-packages and, until it is asked to use a terminal,
imports nothing beyond os, sys and time; the floor it puts under the memory figures is
about the size of bare Python's own (9 MB here).

Requests and answers are marshalled dicts, each after its length (4 bytes, big-endian).
A request is {"argv": [...], "env": {...}, "shown": None or a regex}. With "shown", the
command runs in a pseudo-terminal and the time is until the pattern is on screen; then
Ctrl-C ends it. Without, it runs to the end with its output thrown away. The answer is
{"seconds": s, "peak_kb": kb, "exit": code} or {"error": "why"}.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

ROWS, COLUMNS = 40, 120
CURSOR_POSITION_REQUEST = b"\x1b[6n"
PROMPT_WAIT = 60.0


def _peak_kb(usage: os.struct_rusage) -> int:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return int(usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss)


def to_the_end(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run the command to the end, with nothing in and its output thrown away."""
    quiet = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
             (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
             (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=quiet)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "peak_kb": _peak_kb(usage),
            "exit": os.waitstatus_to_exitcode(status)}


def until_shown(argv: list[str], env: dict[str, str], shown: str) -> dict[str, object]:
    """Start the command in a pseudo-terminal; the time until `shown` is on screen.

    The terminal answers prompt_toolkit's cursor position requests as a real one does, so
    no prompt waits for a reply. Once the pattern is there, Ctrl-C ends the program; its
    peak memory includes that."""
    import contextlib
    import fcntl
    import pty
    import re
    import select
    import signal
    import struct
    import termios

    pattern = re.compile(shown.encode())
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size its terminal, then become the program
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    seen = b""
    answered = 0
    elapsed: float | None = None
    ended = False
    deadline = start + PROMPT_WAIT
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], max(deadline - time.perf_counter(), 0))
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:  # the program has ended and its terminal is gone
                data = b""
            if not data:
                ended = True
                break
            seen += data
            while seen.count(CURSOR_POSITION_REQUEST) > answered:
                os.write(fd, f"\x1b[{ROWS};1R".encode())
                answered += 1
            if elapsed is None and pattern.search(seen):
                elapsed = time.perf_counter() - start
                os.write(fd, b"\x03")
                deadline = time.perf_counter() + 10
    finally:
        if not ended:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if elapsed is None:
        shown_text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen).decode("utf-8", "replace")
        return {"error": f"the prompt never appeared; last shown: {shown_text[-200:]!r}"}
    return {"seconds": elapsed, "peak_kb": _peak_kb(usage), "exit": 0}


def _read(stream: object) -> bytes:
    data = b""
    while True:
        chunk = stream.read(4 - len(data))  # type: ignore[attr-defined]
        if not chunk:
            return data
        data += chunk
        if len(data) == 4:
            break
    size = int.from_bytes(data, "big")
    body = b""
    while len(body) < size:
        chunk = stream.read(size - len(body))  # type: ignore[attr-defined]
        if not chunk:
            break
        body += chunk
    return body


def main() -> None:
    while True:
        raw = _read(sys.stdin.buffer)
        if not raw:
            return
        request = marshal.loads(raw)
        try:
            if request.get("shown"):
                answer = until_shown(request["argv"], request["env"], request["shown"])
            else:
                answer = to_the_end(request["argv"], request["env"])
        except OSError as problem:
            answer = {"error": f"cannot start {request['argv'][0]}: {problem}"}
        reply = marshal.dumps(answer)
        sys.stdout.buffer.write(len(reply).to_bytes(4, "big") + reply)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
