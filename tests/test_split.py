"""Writing out many entries with a second process taking half the work (split.py): the
pieces come in order and whole however the helper fares, and it never outlives the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reflect import split
from reflect.errors import ReflectError

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system"),
]


class Item:
    """Stands in for an entry: a number, and forget() counted."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.forgotten = 0

    def forget(self) -> None:
        self.forgotten += 1


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "SPLIT_FROM", 10)
    monkeypatch.setattr(split, "SUMS_FROM", 10)
    monkeypatch.setattr(split, "BATCH", 4)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def by_whom(item: Item) -> str:
    return f"{item.number} {os.getpid()} ünïcode \udcff\n"


def test_pieces_come_in_order_with_every_other_batch_from_a_second_process(small_batches):
    items = [Item(n) for n in range(30)]
    pieces = list(split.in_order(items, by_whom))
    assert [int(piece.split()[0]) for piece in pieces] == list(range(30))
    here = str(os.getpid())
    writers = [piece.split()[1] for piece in pieces]
    # batches of 4: 0-3 here, 4-7 by the helper, 8-11 here, ...
    assert [writer == here for writer in writers] == [(n // 4) % 2 == 0 for n in range(30)]
    assert pieces[5].endswith(" ünïcode \udcff\n")  # any text comes back as it was
    assert [item.forgotten for item in items[:4]] == [1, 1, 1, 1]  # let go once written
    assert no_children_left()


def test_few_entries_one_core_or_another_thread_keep_the_work_here(small_batches,
                                                                   monkeypatch):
    here = str(os.getpid())

    def writers(count: int) -> set[str]:
        return {piece.split()[1] for piece in split.in_order([Item(n) for n in range(count)],
                                                             by_whom)}

    assert writers(9) == {here}
    assert writers(10) != {here}
    running = threading.Event()
    thread = threading.Thread(target=running.wait)
    thread.start()
    try:
        assert writers(30) == {here}  # a fork beside a thread may hang on a held lock
    finally:
        running.set()
        thread.join()
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert writers(30) == {here}


def test_when_the_helper_fails_this_process_writes_what_it_did_not_send(small_batches):
    parent = os.getpid()

    def fails_in_the_helper(item: Item) -> str:
        if os.getpid() != parent and item.number >= 12:
            raise RuntimeError("a bug only the helper meets")
        return by_whom(item)

    pieces = list(split.in_order([Item(n) for n in range(30)], fails_in_the_helper))
    assert [int(piece.split()[0]) for piece in pieces] == list(range(30))
    writers = [int(piece.split()[1]) for piece in pieces]
    assert writers[4] != parent  # the first batch it sent is used
    assert set(writers[12:]) == {parent}
    assert no_children_left()


def test_an_entry_that_cannot_be_written_stops_the_work_where_it_would_alone(small_batches):
    def damaged_at_13(item: Item) -> str:
        if item.number == 13:
            raise ReflectError("Reflection #13 in the journal is damaged.")
        return by_whom(item)

    pieces = split.in_order([Item(n) for n in range(30)], damaged_at_13)
    got = [int(next(pieces).split()[0]) for _ in range(13)]
    assert got == list(range(13))
    with pytest.raises(ReflectError, match="#13"):
        next(pieces)
    assert no_children_left()


def summed(batch: list[Item], start: int) -> tuple[int, list[int], int]:
    """A batch summed up: its start, its numbers, and who summed it."""
    return start, [item.number for item in batch], os.getpid()


def whole(done: object, count: int) -> bool:
    return isinstance(done, tuple) and len(done) == 3 and len(done[1]) == count


def test_batches_are_summed_in_order_every_other_one_by_a_second_process(small_batches):
    done = list(split.by_batch([Item(n) for n in range(30)], summed, whole))
    assert [start for start, _, _ in done] == list(range(0, 30, 4))
    assert [number for _, numbers, _ in done for number in numbers] == list(range(30))
    assert [pid == os.getpid() for _, _, pid in done] == [True, False] * 3 + [True, False]
    assert no_children_left()
    done = list(split.by_batch([Item(n) for n in range(9)], summed, whole))
    assert {pid for _, _, pid in done} == {os.getpid()}  # too few for a second process


def test_a_batch_the_helper_cannot_sum_up_whole_is_summed_here(small_batches):
    parent = os.getpid()

    def fails_in_the_helper(batch: list[Item], start: int) -> tuple[int, list[int], int]:
        if os.getpid() != parent and start >= 12:
            raise RuntimeError("a bug only the helper meets")
        return summed(batch, start)

    done = list(split.by_batch([Item(n) for n in range(30)], fails_in_the_helper, whole))
    assert [number for _, numbers, _ in done for number in numbers] == list(range(30))
    assert [pid == parent for _, _, pid in done] == [True, False, True, True, True, True,
                                                     True, True]
    assert no_children_left()

    def short_in_the_helper(batch: list[Item], start: int) -> tuple[int, list[int], int]:
        return summed(batch[:1] if os.getpid() != parent else batch, start)

    done = list(split.by_batch([Item(n) for n in range(30)], short_in_the_helper, whole))
    assert [number for _, numbers, _ in done for number in numbers] == list(range(30))
    assert {pid for _, _, pid in done} == {parent}
    assert no_children_left()


def test_stopping_early_ends_the_helper_at_once(small_batches):
    pieces = split.in_order([Item(n) for n in range(3000)], by_whom)
    assert [next(pieces), next(pieces)] == [by_whom(Item(0)), by_whom(Item(1))]
    pieces.close()  # `reflect export | head`, or an error while writing the pieces out
    assert no_children_left()


def test_ctrl_c_ends_both_processes_and_the_helper_says_nothing(tmp_path: Path):
    """Ctrl-C on a terminal reaches every process of the foreground group at once."""
    script = tmp_path / "slow_export.py"
    script.write_text(textwrap.dedent(f"""
        import contextlib, os, sys, time
        from reflect import split

        class Item:
            def __init__(self, number): self.number = number
            def forget(self): pass

        def slowly(item):
            mark = os.path.join({str(tmp_path)!r}, f"pid-{{os.getpid()}}")
            if not os.path.exists(mark):
                open(mark, "w").close()
            time.sleep(0.002)
            return f"{{item.number}}\\n"

        try:  # closing, as `reflect export` does: the helper ends however this does
            with contextlib.closing(split.in_order([Item(n) for n in range(5000)],
                                                   slowly)) as pieces:
                for piece in pieces:
                    sys.stdout.write(piece)
                    sys.stdout.flush()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
            sys.exit(130)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None
    number = 0
    while 0 <= number <= 600:  # well into the work: a batch of the helper's has come back
        number = int(process.stdout.readline() or -1)
    assert number > 600
    os.killpg(process.pid, signal.SIGINT)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 130
    assert errors.decode() == "stopped\n"  # no word, and no traceback, from the helper
    helpers = [int(mark.name[4:]) for mark in tmp_path.glob("pid-*")
               if int(mark.name[4:]) != process.pid]
    assert len(helpers) == 1
    for _ in range(50):  # gone at once; a loaded machine may take a moment to show it
        try:
            os.kill(helpers[0], 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(helpers[0], 0)


@pytest.mark.parametrize("command", [
    ["export", "--format", "md"], ["export", "--format", "json"], ["export", "--format", "csv"],
    ["export", "--format", "txt"], ["export", "--format", "html"], ["stats"],
    ["stats", "--json"]], ids=" ".join)
def test_exports_and_stats_are_the_same_to_the_byte_with_or_without_a_helper(
        command, small_batches, monkeypatch, shipped_packs, journal_file):
    from typer.testing import CliRunner

    from reflect.cli import app
    from reflect.entry import new_id
    from reflect.journal import Journal

    from conftest import FULL_ANSWERS, HOSTILE_TEXT, days_ago

    journal = Journal(journal_file)
    words = ["Plain words.", HOSTILE_TEXT, "Zwei Zeilen:\nß, 東京, 🙂", "# not a heading",
             "- not a list", "=cell", "tab\there", "1. not a number"]
    for n in range(30):
        journal.add(shipped_packs["hearing-no"], {
            **FULL_ANSWERS, "what_happened": words[n % len(words)] + f" ({n})",
            "intensity": n % 11, "need": ["closeness", "rest", "comfort"][: 1 + n % 3],
            "story": words[(n + 3) % len(words)]}, new_id(), days_ago(40 - n))
    # One moment for both exports: the JSON export says when it was made, to the second.
    monkeypatch.setattr("reflect.entry.now", lambda: "2026-11-21T10:00:00+00:00")
    started = []
    start = split._start
    monkeypatch.setattr(split, "_start", lambda *args: started.append(1) or start(*args))

    def exported() -> bytes:
        result = CliRunner().invoke(app, command, catch_exceptions=False)
        assert result.exit_code == 0
        return result.stdout_bytes

    shared = exported()
    helpers = len(started)
    # json: alone (see json_export); html: a helper for its patterns, one for its entries
    assert helpers == {"json": 0, "html": 2}.get(command[-1], 1)
    monkeypatch.setattr(split, "SPLIT_FROM", 10**9)
    monkeypatch.setattr(split, "SUMS_FROM", 10**9)
    assert exported() == shared
    assert len(started) == helpers
    assert no_children_left()


def test_stats_on_damaged_entries_stop_with_the_error_one_process_gives(
        small_batches, monkeypatch, shipped_packs, journal_file):
    """Entries #7 and #14 are done by the helper (batches of 4, every other one)."""
    from typer.testing import CliRunner

    from reflect.cli import app
    from reflect.entry import new_id
    from reflect.journal import Journal

    from conftest import FULL_ANSWERS, days_ago

    journal = Journal(journal_file)
    for n in range(30):
        journal.add(shipped_packs["hearing-no"], FULL_ANSWERS, new_id(), days_ago(40 - n))
    lines = journal_file.read_bytes().split(b"\n")
    head, _ = lines[7].split(b"\t")
    lines[7] = head + b'\t{"need":}'  # answers that are not JSON
    lines[14] = lines[14].replace(b'"updated":"', b'"updated":1,"x":"', 1)  # not a date
    journal_file.write_bytes(b"\n".join(lines))

    def stats() -> tuple[int, str]:
        result = CliRunner().invoke(app, ["stats"], catch_exceptions=False)
        return result.exit_code, " ".join(result.stderr.split())

    shared = stats()
    assert shared[0] != 0
    assert "#14 in the journal is damaged: its details cannot be read" in shared[1]
    assert no_children_left()
    monkeypatch.setattr(split, "SPLIT_FROM", 10**9)
    monkeypatch.setattr(split, "SUMS_FROM", 10**9)
    assert stats() == shared
    lines[14] = lines[14].replace(b'"updated":1,"x":"', b'"updated":"', 1)
    journal_file.write_bytes(b"\n".join(lines))
    assert "#7 in the journal is damaged: its answers cannot be read" in stats()[1]
    monkeypatch.setattr(split, "SPLIT_FROM", 10)
    monkeypatch.setattr(split, "SUMS_FROM", 10)
    assert "#7 in the journal is damaged: its answers cannot be read" in stats()[1]


@pytest.mark.parametrize(("command", "helpers"), [
    (["export", "--format", "md"], 1), (["export", "--format", "csv"], 1), (["stats"], 0)],
    ids=["md", "csv", "stats"])
def test_an_export_shares_its_entries_sooner_than_stats_does(
        command, helpers, small_batches, monkeypatch, shipped_packs, journal_file):
    """Writing an entry out costs far more than summing it up, so an export takes a second
    process from SPLIT_FROM entries, stats only from SUMS_FROM."""
    from typer.testing import CliRunner

    from reflect.cli import app
    from reflect.entry import new_id
    from reflect.journal import Journal

    from conftest import FULL_ANSWERS, days_ago

    monkeypatch.setattr(split, "SUMS_FROM", 31)
    journal = Journal(journal_file)
    for n in range(30):
        journal.add(shipped_packs["hearing-no"], FULL_ANSWERS, new_id(), days_ago(40 - n))
    started = []
    start = split._start
    monkeypatch.setattr(split, "_start", lambda *args: started.append(1) or start(*args))

    result = CliRunner().invoke(app, command, catch_exceptions=False)
    assert result.exit_code == 0
    assert len(started) == helpers
    assert no_children_left()
    journal.add(shipped_packs["hearing-no"], FULL_ANSWERS, new_id(), days_ago(1))
    assert CliRunner().invoke(app, command, catch_exceptions=False).exit_code == 0
    assert len(started) == 2 * helpers + (1 if command == ["stats"] else 0)


def test_work_done_beside_comes_back_whole_from_a_second_process(small_batches):
    parent = os.getpid()
    helper = split.beside(lambda: [os.getpid(), "ünïcode \udcff", list(range(100_000))])
    assert helper is not None
    pid, text, numbers = helper.result()
    assert pid != parent
    assert text == "ünïcode \udcff"
    assert numbers == list(range(100_000))  # more than a pipe holds: read as it comes
    assert helper.result() is None  # once only
    assert no_children_left()


@pytest.mark.parametrize("work", [
    lambda: 1 / 0,  # a bug only the helper meets
    lambda: os.kill(os.getpid(), signal.SIGKILL),  # killed
    lambda: os._exit(0),  # gone without a word
    lambda: print,  # not something marshal can send
], ids=["raises", "killed", "silent", "unsendable"])
def test_work_beside_that_fails_in_any_way_is_none(small_batches, work, capfd):
    helper = split.beside(work)
    assert helper is not None
    assert helper.result() is None
    assert no_children_left()
    assert capfd.readouterr() == ("", "")  # the helper says nothing of it


def test_work_beside_no_longer_wanted_is_ended_at_once(small_batches):
    helper = split.beside(lambda: time.sleep(60))
    assert helper is not None
    started = time.monotonic()
    helper.close()  # the search stopped: an error, or Ctrl-C
    assert time.monotonic() - started < 10
    assert no_children_left()
    assert helper.result() is None


def test_no_work_beside_on_one_core_or_beside_another_thread(small_batches, monkeypatch):
    running = threading.Event()
    thread = threading.Thread(target=running.wait)
    thread.start()
    try:
        assert split.beside(os.getpid) is None
    finally:
        running.set()
        thread.join()
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert split.beside(os.getpid) is None
    assert no_children_left()
