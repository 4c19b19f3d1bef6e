"""Reliability: the journal and the draft survive kill -9, several writers and readers at
once, and nothing reflect does reaches the network.

The subprocess tests run a small helper script (written to tmp_path) with the same Python
as the tests, so they exercise the code under test in real, separate processes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reflect import __version__, cli
from reflect.base import paths
from reflect.base.errors import ReflectError
from reflect.engine.drafts import Drafts, DraftStore
from reflect.engine.new_reflection import reflect_new
from reflect.journal import backups, migrations
from reflect.journal.crypto import Keyring
from reflect.journal.store import Journal
from reflect.packs.load import discover
from reflect.packs.model import Pack

from conftest import FULL, journal_data

pytestmark = pytest.mark.timeout(120)

SEED = 20240917
KILL_MIN_SAVES = 200
KILL_MIN_KILLS = 20
KILL_MAX_ROUNDS = 200
CONCURRENT_WRITERS = 4
CONCURRENT_SAVES = 50
WAIT = 60.0
PASSPHRASE = "a passphrase for the reliability suite"

HELPER = r'''
"""Run by tests/test_reliability.py in its own process: save entries, save a draft, or read."""
import argparse
import json
import os
import sys
import time
from pathlib import Path

from reflect.engine.drafts import Draft, DraftStore
from reflect.journal.entry import new_id, now
from reflect.journal.store import Journal
from reflect.packs.load import discover
from reflect.packs.model import Pack

SENTENCES = [
    "We were on the couch after dinner and I asked whether she wanted to go to bed early.",
    "She said no, kindly, and told me she was worn out after the week she had had at work.",
    "I felt the familiar drop in my stomach and went quiet for a while, which wasn't fair.",
    "Later I noticed I had started telling myself that I'm not wanted; she never said that.",
    "What I was really hoping for was closeness, and there were other ways to get some.",
    "I made tea, we watched an episode together, and she leaned on my shoulder. It helped.",
    "Next time I want to say what I'm hoping for out loud instead of hinting at it. \u00c7a va.",
    "Writing this down, the hurt is smaller than it was an hour ago \U0001f642 and that's ok.",
]


def story(n):
    """About 1.4 KB of journal text, different for every n."""
    parts = [f"Entry {n}."]
    i = n
    while sum(len(p) + 1 for p in parts) < 1400:
        parts.append(SENTENCES[i % len(SENTENCES)])
        i += 3
    return " ".join(parts)


def answers(n):
    return {
        "what_happened": story(n),
        "intensity": n % 11,
        "need": ["closeness", "feeling-wanted", f"to feel chosen, in my words ({n})"],
        "reframe": "one-moment",
    }


def gate(args):
    if args.ready:
        Path(args.ready).touch()
    if args.go:
        go = Path(args.go)
        while not go.exists():
            time.sleep(0.002)


def save(args):
    packs, problems = discover(None)
    assert not problems, problems
    pack = next(p for p in packs if p.id == "hearing-no-quick")
    journal = Journal(args.path, passphrase=lambda: os.environ["REFLECT_PASSPHRASE"])
    if args.path.exists():
        journal.verify()  # an encrypted journal's key is derived before the first save
    gate(args)
    n = 0
    while args.count == 0 or n < args.count:
        n += 1
        entry_id = new_id()
        journal.add(pack, answers(n), entry_id, now())
        # Reported saved: only once add() has returned.
        sys.stdout.write(entry_id + "\n")
        sys.stdout.flush()
        time.sleep(args.pause)


def draft(args):
    store = DraftStore(args.path)
    entry_id, created = new_id(), now()
    gate(args)
    seq = args.start
    while True:
        seq += 1
        store.save(Draft(pack_id="hearing-no", pack_version=1, entry_id=entry_id,
                         created=created, answers=dict(answers(seq), seq=seq),
                         next_step="need"))
        sys.stdout.write(f"{seq}\n")
        sys.stdout.flush()


def fail(message):
    sys.stderr.write(f"ERROR {message}\n")
    raise SystemExit(1)


def read(args):
    gate(args)
    stop = Path(args.stop)
    reads, raw_reads, seen, last, slowest = 0, 0, set(), 0, 0.0
    while True:
        stopping = stop.exists()
        began = time.monotonic()
        entries = Journal(args.path).entries()
        slowest = max(slowest, time.monotonic() - began)
        numbers = [e.number for e in entries]
        if numbers != list(range(1, len(numbers) + 1)):
            fail(f"numbers are not 1..n: {numbers}")
        if len({e.id for e in entries}) != len(entries):
            fail("an id appears twice")
        if len(entries) < last:
            fail(f"the journal went back from {last} to {len(entries)} entries")
        last = len(entries)
        for _ in range(5):
            if args.path.exists():
                # Without the lock too: the file on disk is always whole, never older.
                data = json.loads(args.path.read_bytes())
                if len(data.get("entries", {})) < last:
                    fail("the file on disk has fewer entries than were just read")
                raw_reads += 1
        reads += 1
        seen.add(last)
        if stopping:
            break
    print(json.dumps({"reads": reads, "raw_reads": raw_reads, "distinct": len(seen), "last": last,
                      "slowest": slowest}))


parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["save", "draft", "read"])
parser.add_argument("path", type=Path)
parser.add_argument("--count", type=int, default=0)
parser.add_argument("--start", type=int, default=0)
parser.add_argument("--pause", type=float, default=0.0)
parser.add_argument("--ready")
parser.add_argument("--go")
parser.add_argument("--stop")
args = parser.parse_args()
{"save": save, "draft": draft, "read": read}[args.mode](args)
'''


def say(text: str) -> None:
    """Figures for the record (visible with pytest -s)."""
    print(f"\n[reliability] {text}")


STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture
def helper(tmp_path: Path) -> Iterator[Path]:
    """The helper script; any helper still running when the test ends is killed."""
    script = tmp_path / "reliability_helper.py"
    script.write_text(HELPER, encoding="utf-8")
    yield script
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=WAIT)


def spawn(helper: Path, home: Path, *args: object) -> subprocess.Popen[str]:
    env = dict(os.environ, REFLECT_HOME=str(home), PYTHONDONTWRITEBYTECODE="1",
               REFLECT_PASSPHRASE=PASSPHRASE)
    proc = subprocess.Popen(
        [sys.executable, str(helper), *(str(a) for a in args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        cwd=helper.parent,
    )
    STARTED.append(proc)
    return proc


def wait_for_files(files: list[Path], procs: list[subprocess.Popen[str]]) -> None:
    """Wait until every file exists, failing early if a process has died."""
    deadline = time.monotonic() + WAIT
    while not all(f.exists() for f in files):
        for proc in procs:
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"a helper exited early ({proc.returncode}): {err or out}")
        assert time.monotonic() < deadline, "helpers did not get ready in time"
        time.sleep(0.005)


def kill(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGKILL the process and return what it printed; it must have been running."""
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == -signal.SIGKILL, f"the helper had died already: {err}"
    return out, err


def reported_lines(out: str) -> list[str]:
    """Whole lines only: a line is reported once its newline is flushed."""
    lines = out.split("\n")
    return [line for line in lines[:-1] if line]


def temp_files(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def check_journal(path: Path, reported: set[str], kills: int, encrypted: bool = False) -> int:
    """The journal is whole and holds every reported entry; returns the entry count."""
    raw = path.read_bytes()
    assert raw.startswith(b"reflect-encrypted 1\n") == encrypted
    if encrypted:
        raw = Keyring(lambda: PASSPHRASE).decrypt(raw, path, "journal")
    data = journal_data(raw)
    assert set(data) == {"entries", "meta"}
    entries = Journal(path, passphrase=lambda: PASSPHRASE).entries()
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids), "an entry was saved twice"
    assert [e.number for e in entries] == list(range(1, len(entries) + 1))
    missing = reported - set(ids)
    assert not missing, f"{len(missing)} entries reported saved are lost"
    # Each killed writer can have saved at most one entry it did not get to report.
    assert len(reported) <= len(entries) <= len(reported) + kills
    return len(entries)


def check_folder(folder: Path, journal: Path) -> list[Path]:
    """Only the journal, its lock, its backups, and temp files of killed writers; temps
    never the journal; every backup whole and private."""
    leftovers = temp_files(folder, journal.name)
    names = {p.name for p in folder.iterdir()}
    assert names - {p.name for p in leftovers} <= {journal.name, journal.name + ".lock",
                                                   "backups"}
    assert {journal.name, journal.name + ".lock"} <= names
    check_backups(folder / "backups", journal)
    assert journal.is_file()
    assert not journal.is_symlink()
    journal_inode = journal.stat().st_ino
    for temp in leftovers:
        assert temp.stat().st_ino != journal_inode
        assert mode(temp) == 0o600, "a leftover copy of the journal is not private"
    assert mode(journal) == 0o600
    return leftovers


def check_backups(folder: Path, journal: Path) -> None:
    """Each backup is a whole journal (of any layout, or an encrypted envelope) and 0600,
    in a 0700 folder."""
    if not folder.exists():
        return
    assert mode(folder) == 0o700
    for copy in folder.iterdir():
        assert mode(copy) == 0o600
        if copy.name.endswith(".tmp"):
            continue
        assert copy.name.startswith(journal.stem + ".")
        raw = copy.read_bytes()
        if raw.startswith(migrations.LINES_MARK):  # taken before schema 3 was written
            assert set(migrations.read_lines(raw)) == {"entries", "meta"}
        elif not raw.startswith(b"reflect-encrypted "):
            assert set(journal_data(raw)) == {"entries", "meta"}


@pytest.mark.parametrize(("kind", "min_saves", "min_kills"), [
    ("plain", KILL_MIN_SAVES, KILL_MIN_KILLS),
    ("encrypted", KILL_MIN_SAVES // 2, KILL_MIN_KILLS // 2),
])
def test_kill_9_while_saving_never_loses_a_reported_entry(helper, reflect_home, tmp_path,
                                                          fast_scrypt, kind, min_saves,
                                                          min_kills):
    """An entry reported saved survives SIGKILL at any moment, and the journal stays whole
    (and, when encrypted, stays encrypted)."""
    journal = reflect_home / paths.JOURNAL_NAME
    encrypted = kind == "encrypted"
    if encrypted:
        # Made with scrypt's cheapest accepted setting: the file says so, and each writer
        # derives its key from it once, before its first save.
        Journal(journal).encrypt(PASSPHRASE)
    rng = random.Random(SEED)
    reported: set[str] = set()
    kills = 0
    started = time.monotonic()
    while len(reported) < min_saves or kills < min_kills:
        assert kills < KILL_MAX_ROUNDS, f"only {len(reported)} saves in {kills} rounds"
        ready = tmp_path / f"ready-{kills}"
        proc = spawn(helper, reflect_home, "save", journal, "--ready", ready)
        wait_for_files([ready], [proc])
        time.sleep(rng.uniform(0.0, 0.15))
        out, err = kill(proc)
        assert err == ""
        kills += 1
        lines = reported_lines(out)
        assert len(set(lines)) == len(lines)
        assert not reported & set(lines)
        reported.update(lines)
        if journal.exists():
            check_folder(reflect_home, journal)
            check_journal(journal, reported, kills, encrypted)
        else:
            assert not reported
    count = check_journal(journal, reported, kills, encrypted)
    leftovers = check_folder(reflect_home, journal)
    say(f"kill -9 ({kind}): {len(reported)} saves reported, {kills} kills, {count} entries "
        f"in the journal ({count - len(reported)} saved but not reported), 0 lost, "
        f"{len(leftovers)} leftover temp files, {time.monotonic() - started:.1f} s")


def test_four_writers_at_once_each_get_their_own_number(helper, reflect_home, tmp_path):
    """Four processes saving together lose nothing and never share a number."""
    journal = reflect_home / paths.JOURNAL_NAME
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{i}" for i in range(CONCURRENT_WRITERS)]
    started = time.monotonic()
    procs = [spawn(helper, reflect_home, "save", journal, "--count", CONCURRENT_SAVES,
                   "--ready", ready, "--go", go) for ready in readies]
    wait_for_files(readies, procs)
    go.touch()
    reported: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=WAIT)
        assert proc.returncode == 0, err
        assert err == ""
        lines = reported_lines(out)
        assert len(lines) == CONCURRENT_SAVES
        reported.extend(lines)
    total = CONCURRENT_WRITERS * CONCURRENT_SAVES
    assert len(set(reported)) == total
    entries = Journal(journal).entries()
    assert len(entries) == total
    assert {e.id for e in entries} == set(reported)
    assert sorted(e.number for e in entries) == list(range(1, total + 1))
    assert temp_files(reflect_home, journal.name) == []
    say(f"concurrent: {CONCURRENT_WRITERS} writers x {CONCURRENT_SAVES} saves -> "
        f"{len(entries)} entries, numbers 1..{total}, "
        f"{time.monotonic() - started:.1f} s")


def test_a_reader_never_sees_a_partial_journal(helper, reflect_home, tmp_path):
    """Reading while two processes write never fails and never shows a torn or older file."""
    journal = reflect_home / paths.JOURNAL_NAME
    go, stop = tmp_path / "go", tmp_path / "stop"
    readies = [tmp_path / f"ready-{i}" for i in range(3)]
    reader = spawn(helper, reflect_home, "read", journal, "--ready", readies[0],
                   "--go", go, "--stop", stop)
    writers = [spawn(helper, reflect_home, "save", journal, "--count", 60, "--pause", 0.01,
                     "--ready", ready, "--go", go) for ready in readies[1:]]
    wait_for_files(readies, [reader, *writers])
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=WAIT)
        assert writer.returncode == 0, err
        assert err == ""
    stop.touch()
    out, err = reader.communicate(timeout=WAIT)
    assert reader.returncode == 0, err
    assert err == ""
    figures = json.loads(out)
    assert figures["last"] == 120
    assert figures["reads"] >= 10
    assert figures["distinct"] >= 5, "the reader hardly read while the writers wrote"
    say(f"reader: {figures['reads']} reads with the lock and {figures['raw_reads']} without "
        f"during 2 x 60 saves, {figures['distinct']} "
        f"different sizes seen, slowest read {figures['slowest'] * 1000:.0f} ms, no error")


def test_kill_9_while_saving_a_draft_never_damages_it(helper, reflect_home, tmp_path):
    """After SIGKILL the draft loads as the last one reported (or the next), or is absent."""
    draft_file = paths.draft_path(reflect_home / paths.JOURNAL_NAME)
    rng = random.Random(SEED + 1)
    last = 0
    kills = 0
    for kills in range(1, 31):
        ready = tmp_path / f"ready-{kills}"
        proc = spawn(helper, reflect_home, "draft", draft_file, "--start", last,
                     "--ready", ready)
        wait_for_files([ready], [proc])
        time.sleep(rng.uniform(0.0, 0.05))
        out, _ = kill(proc)
        lines = reported_lines(out)
        if lines:
            assert [int(x) for x in lines] == list(range(last + 1, last + 1 + len(lines)))
            last = int(lines[-1])
        draft = DraftStore(draft_file).load()
        if draft is None:
            assert last == 0
            assert not draft_file.exists()
        else:
            assert draft.answers["seq"] in (last, last + 1)
            assert mode(draft_file) == 0o600
    assert last > 0, "no draft was ever saved"
    leftovers = temp_files(reflect_home, draft_file.name)
    assert all(mode(temp) == 0o600 for temp in leftovers)
    assert {p.name for p in reflect_home.iterdir()} - {p.name for p in leftovers} == {
        draft_file.name}
    say(f"draft kill -9: {last} saves reported, {kills} kills, draft always loadable, "
        f"{len(leftovers)} leftover temp files")


HOSTILE_SHAPES = [
    b"", b" ", b"\n\n", b"null", b"true", b"0", b'"a journal"', b"[]", b"[1, 2, 3]",
    b"\x00" * 64, b"\xff\xfe\x00\x00", b"\xef\xbb\xbf[]", b"PK\x03\x04 a zip file",
    b"[" * 100_000, b'{"a": ' * 50_000, b'{"entries": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"entries": null}', b'{"entries": []}', b'{"entries": "x"}', b'{"entries": {"1": null}}',
    b'{"entries": {"1": []}}', b'{"entries": {"1": {}}}',
    b'{"entries": {"1": {"id": 7, "number": 1, "created": "c", "updated": "u"}}}',
    b'{"entries": {"1": {"id": "x", "number": 1.0, "created": "c", "updated": "u"}}}',
    b'{"entries": {"1": {"id": "x", "number": true, "created": "c", "updated": "u"}}}',
    b'{"entries": {"1": {"id": "x", "number": NaN, "created": "c", "updated": "u"}}}',
    b'{"entries": {"1": {"id": "x", "number": 1e999, "created": "c", "updated": "u"}}}',
    b'{"entries": {"1": {"id": "x", "number": ' + b"9" * 5000 + b', "created": "c"}}}',
    b'{"entries": {"1": {"id": "x", "number": 1, "created": 5, "updated": "u"}}}',
    b'{"entries": {"1": {"id": "x", "number": 1, "created": "c", "updated": "u",'
    b' "answers": []}}}',
    b'{"entries": {"1": {"id": "x", "number": 1, "created": "c", "updated": "u",'
    b' "derived": "title"}}}',
    b'{"meta": [], "entries": {}}', b'{"meta": {"1": {"schema": 1.0}}, "entries": {}}',
    b'{"meta": {"1": {"schema": "1"}}, "entries": {}}',
    b'{"meta": {"1": {"schema": 2}}, "entries": {}}',  # schema 2 was kept in lines
    b'{"meta": {"1": {"schema": 5}}, "entries": {}}',
    b'{"meta": {"1": {"schema": 4}}, "entries": {}, "deleted": []}',
    b'{"meta": {"1": {"schema": 4}}, "entries": {}, "deleted": {"1": {"id": 3}}}',
    b'{"meta": {"1": {"schema": 4}}, "entries": {}, "deleted": {"1": {"id": "x"}}}',
    b'{"meta": {"1": {"schema": 4}}, "entries": {}, "deleted": {"1": {"id": "x", '
    b'"at": "2026-03-01T21:30:00+01:00", "number": "3"}}}',
    b'{"meta": {"1": {"schema": 4}}, "entries": {}, "deleted": {"x": {"id": "x", '
    b'"at": "2026-03-01T21:30:00+01:00"}}}',
    b'{"meta": {"1": {"schema": 3}}, "entries": []}',
    b'{"meta": {"1": {"schema": 3}}, "entries": {"1": {"id": "x"}}}',
    b'{"meta": {"1": {"schema": 3}}, "entries": {"1": {"id": "x", "number": 1, '
    b'"created": "c", "updated": "u", "answers": "none"}}}',
    b'{"meta": {"1": {"schema": 3}}, "entries": {}}{"meta": {}}',
    b'{"meta": {"1": {"schema": 3}}, "entries": {}}\n{"id": "x"}\t{}\n',
    b'{"reflect":"journal","meta":{"1":{"schema":3}}}\n',
    b'{"reflect":"journal","meta":{"1":{"schema":5}}}\n',
    b'{"reflect":"journal","meta":{"1":{"schema":1}}}\n',
    b'{"reflect":"journal","meta":{"1":{"schema":2}}}',
    b'{"reflect":"journal","meta":{}}\n',
    b'{"reflect":"journal","meta":{"1":{"schema":2}}}\n{"id":"x"}\t{}\n',
    b'{"reflect":"journal","meta":{"1":{"schema":2}}}\n\n',
    b'{"reflect":"journal","meta":{"1":{"schema":2}}}\n'
    b'{"id":"x","number":1,"created":"c","updated":"u"}\t[]\n',
    b'{"reflect":"journal","meta":{"1":{"schema":2}}}\n'
    b'{"id":"x","number":1,"created":"c","updated":"u"}{}\n',
    b'{"meta": {"1": {"schema": 1}}, "entries": {}, "extra": 5}',
]


def hostile_envelopes(sealed: bytes) -> list[bytes]:
    """Encrypted files whose header asks for something reflect must not do."""
    first, header, body = sealed.split(b"\n", 2)
    fields = json.loads(header)
    cases = []
    for change in ({"n": 2**40}, {"n": 2**21}, {"r": 2**20}, {"p": 2**10}, {"n": -1},
                   {"salt": None}, {"nonce": "%%%"}, {"check": ""}, {"kdf": "argon2"},
                   {"cipher": "none"}):
        cases.append(first + b"\n" + json.dumps({**fields, **change}).encode() + b"\n" + body)
    cases.append(b"reflect-encrypted 99\n" + header + b"\n" + body)
    cases.append(b"reflect-encrypted x\n" + header + b"\n" + body)
    cases.append(first + b"\n" + b"[" * 4000 + b"\n" + body)
    cases.append(first + b"\n" + header + b"\n")
    return cases


def test_damaged_and_hostile_journals_are_refused_unchanged(reflect_home, shipped_packs,
                                                            fast_scrypt):
    """Every cut, every altered byte of an encrypted file, every hostile shape or header:
    reading and saving are both refused with a clear error, and the file stays as it was,
    with no backup or temporary file made from it."""
    source = reflect_home / "source.json"
    journal = Journal(source)
    pack = shipped_packs["hearing-no-quick"]
    for n in range(2):
        journal.add(pack, {"what_happened": f"Entry {n}: they said not tonight.",
                           "intensity": n, "need": ["closeness"], "reframe": "one-moment"},
                    f"id-{n}", "2026-03-01T21:30:00+01:00")
    plain = source.read_bytes()
    journal.encrypt(PASSPHRASE)
    sealed = source.read_bytes()
    header_end = sealed.index(b"\n", sealed.index(b"\n") + 1) + 1
    # Every position in the envelope's header and at the ends; every third one elsewhere.
    def positions(raw: bytes, close: int) -> list[int]:
        return sorted({*range(0, len(raw), 3), *range(min(close, len(raw))),
                       *range(max(len(raw) - 32, 0), len(raw))})

    cases = (
        [("plain cut", plain[:length]) for length in range(len(plain))]
        + [("shape", shape) for shape in HOSTILE_SHAPES]
        + [("encrypted cut", sealed[:length]) for length in positions(sealed, header_end)]
        + [("encrypted byte", sealed[:i] + bytes([sealed[i] ^ 0x01]) + sealed[i + 1:])
           for i in positions(sealed, header_end)]
        + [("hostile header", raw) for raw in hostile_envelopes(sealed)]
    )
    keyring = Keyring(lambda: PASSPHRASE)
    folder = reflect_home / "case"
    folder.mkdir()
    path = folder / "journal.json"
    started = time.monotonic()
    for kind, raw in cases:
        # A new file each time: truncating one just written makes ext4 flush it, slowly.
        path.unlink(missing_ok=True)
        path.write_bytes(raw)
        target = Journal(path)
        target.keyring = keyring  # one process: keys are derived once, as in reflect
        for attempt in (target.entries,
                        lambda t=target: t.add(pack, {"what_happened": "x"}, "new", "now")):
            try:
                attempt()
            except ReflectError as error:
                refusal = error.message
            else:
                pytest.fail(f"a damaged journal was accepted ({kind}): {raw[:80]!r}")
            assert refusal.strip(), kind
        assert path.read_bytes() == raw, kind
        assert sorted(p.name for p in folder.iterdir()) == ["journal.json",
                                                           "journal.json.lock"], kind
    by_kind: dict[str, int] = {}
    for kind, _ in cases:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    say(f"hostile/damaged journals: {len(cases)} tried, {len(cases)} refused with the file "
        f"unchanged ({', '.join(f'{n} {k}' for k, n in by_kind.items())}), "
        f"{time.monotonic() - started:.1f} s")


def saved_entries(path: Path, pack: Pack, count: int) -> bytes:
    """A plain journal of `count` short entries (ids id-0, id-1...), saved one by one; its
    bytes."""
    journal = Journal(path)
    for n in range(count):
        journal.add(pack, {"what_happened": f"Entry {n}."}, f"id-{n}",
                    "2026-03-01T21:30:00+01:00")
    return path.read_bytes()


def json_marks(raw: bytes) -> list[int]:
    """Where the JSON's own characters are: quotes, and brackets, colons and commas outside
    strings."""
    marks, in_string, escaped = [], False, False
    for i, byte in enumerate(raw):
        if in_string and escaped:
            escaped = False
        elif in_string and byte == ord("\\"):
            escaped = True
        elif byte == ord('"'):
            in_string = not in_string
            marks.append(i)
        elif not in_string and byte in b"{}[]:,":
            marks.append(i)
    return marks


def test_a_damaged_byte_inside_a_plain_journal_is_refused(reflect_home, shipped_packs):
    """A byte of the JSON's own changed, anywhere in the file: reading and saving both
    refuse, naming the file, and it stays as it was, with no backup made from it."""
    path = reflect_home / "journal.json"
    pack = shipped_packs["hearing-no-quick"]
    plain = saved_entries(path, pack, 3)
    for backup in backups.listing(path):
        backup.path.unlink()
    marks = json_marks(plain)
    for i in [*marks[:40], *marks[len(marks) // 2:len(marks) // 2 + 20], *marks[-40:]]:
        damaged = plain[:i] + b"#" + plain[i + 1:]
        path.write_bytes(damaged)
        for attempt in (Journal(path).entries,
                        lambda: Journal(path).add(pack, {"what_happened": "New."}, "id-new",
                                                  "2026-03-02T21:30:00+01:00")):
            with pytest.raises(ReflectError, match=r"damaged|not an entry|not a table") as caught:
                attempt()
            assert str(path) in caught.value.message
        assert path.read_bytes() == damaged
        assert backups.listing(path) == []


def schema_2_lines() -> list[bytes]:
    """The lines of the schema-2 fixture (a header, then an entry to a line), each with
    its line break."""
    from conftest import REPO

    return (REPO / "tests" / "fixtures" / "journal-v2.json").read_bytes().splitlines(
        keepends=True)


def test_a_schema_2_line_cut_short_by_a_crash_is_left_out_after_a_backup(reflect_home,
                                                                          shipped_packs):
    """In the line layout of schema 2, a crash while an entry was appended left its line
    cut short; that save was never reported. Bringing the file up to date leaves the piece
    out, after a backup that keeps the file exactly as it was."""
    reflect_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = reflect_home / "journal.json"
    header, first, second = schema_2_lines()
    whole = header + first + second
    for cut in (len(header) + len(first) + 1, len(whole) - len(second) // 2, len(whole) - 1):
        for backup in backups.listing(path):
            backup.path.unlink()
        path.write_bytes(whole[:cut])
        assert [e.number for e in Journal(path).entries()] == [1]
        [copy] = backups.listing(path)
        assert copy.path.read_bytes() == whole[:cut]
        assert mode(copy.path) == 0o600
        assert list(journal_data(path)["entries"]) == ["1"]
        saved = Journal(path).add(shipped_packs["hearing-no-quick"], {"what_happened": "Again."},
                                  "id-again", "2026-03-02T21:30:00+01:00")
        assert saved.number == 2
        check_folder(reflect_home, path)


def test_a_damaged_schema_2_file_is_refused_unchanged(reflect_home, shipped_packs):
    """Lines of the schema-2 layout that are not one entry each (a tab moved, lost or
    doubled, two lines run together): reading and saving refuse the file, naming it,
    before any backup or change."""
    reflect_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = reflect_home / "journal.json"
    header, first, second = schema_2_lines()
    tab_moved = first.replace(b"\t", b"\t\t") + second.replace(b"\t", b" ")
    for damaged in (header + tab_moved,
                    header + first + second.replace(b"\t", b""),
                    header + first + second.replace(b"\t", b"\t\t"),
                    header + first[:-1] + second):
        path.write_bytes(damaged)
        for attempt in (Journal(path).entries,
                        lambda: Journal(path).add(shipped_packs["hearing-no-quick"],
                                                  {"what_happened": "New."}, "id-new",
                                                  "2026-03-02T21:30:00+01:00")):
            with pytest.raises(ReflectError, match=r"not an entry|are damaged") as caught:
                attempt()
            assert str(path) in caught.value.message
        assert path.read_bytes() == damaged
        assert not (reflect_home / "backups").exists()


def test_encryption_round_trip_and_a_wrong_passphrase(reflect_home, shipped_packs):
    """Encrypting and decrypting (real scrypt settings) keep every entry exactly; a wrong
    passphrase changes no file at all."""
    path = reflect_home / paths.JOURNAL_NAME
    journal = Journal(path)
    pack = shipped_packs["hearing-no-quick"]
    for n in range(30):
        journal.add(pack, {"what_happened": f"Entry {n} \U0001f642 [bold]not markup[/]",
                           "intensity": n % 11, "need": ["closeness", f"my words {n}"],
                           "reframe": "one-moment"}, f"id-{n}", "2026-03-01T21:30:00+01:00")
    before = [e.to_record() for e in journal.entries()]
    started = time.monotonic()
    journal.encrypt(PASSPHRASE)
    encrypt_took = time.monotonic() - started
    assert b"not markup" not in path.read_bytes()
    opened = Journal(path, passphrase=lambda: PASSPHRASE)
    assert [e.to_record() for e in opened.entries()] == before

    files = {p: p.read_bytes() for p in reflect_home.rglob("*") if p.is_file()}
    wrong = Journal(path, passphrase=lambda: "a wrong passphrase entirely")
    for attempt in (wrong.entries, wrong.decrypt, wrong.verify,
                    lambda: wrong.add(pack, {"what_happened": "x"}, "new", "now")):
        with pytest.raises(ReflectError, match="That passphrase does not open the journal"):
            attempt()
    assert {p: p.read_bytes() for p in reflect_home.rglob("*") if p.is_file()} == files

    opened.decrypt()
    assert journal_data(path)["entries"]
    assert [e.to_record() for e in Journal(path).entries()] == before
    say(f"encryption: 30 entries encrypted (one scrypt derivation, n=2^16 r=8 p=1) in "
        f"{encrypt_took:.2f} s, read back equal, a wrong passphrase changed 0 of "
        f"{len(files)} files, decrypted back equal")


def test_nothing_leaves_the_machine(reflect_home, scripted, monkeypatch):
    """A whole reflection and the offline commands never open a socket or look up a name."""
    attempts: list[str] = []

    def refuse(name: str):
        def blocked(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"reflect tried the network: {name}")
        return blocked

    monkeypatch.setattr(socket.socket, "__init__", refuse("socket"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    # The trap works before trusting it.
    with pytest.raises(OSError, match="tried the network"):
        socket.create_connection(("example.org", 443))
    with pytest.raises(OSError, match="tried the network"):
        socket.socket()
    assert attempts == ["create_connection", "socket"]
    attempts.clear()

    packs, problems = discover(None)
    assert problems == []
    pack = next(p for p in packs if p.id == "hearing-no")
    journal_file = reflect_home / paths.JOURNAL_NAME
    outcome = reflect_new(packs, pack, scripted(FULL), Journal(journal_file),
                          Drafts(paths.drafts_dir(journal_file)))
    assert outcome.entry is not None
    assert [e.id for e in Journal(journal_file).entries()] == [outcome.entry.id]

    runner = CliRunner()
    for args in (["where"], ["packs"], ["resources"], ["--version"], ["--help"]):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert result.output.strip()
    assert f"reflect {__version__}" in runner.invoke(cli.app, ["--version"]).output
    assert attempts == []


OUTPUT_COMMANDS = [["--version"], ["--help"], ["list"], ["list", "--need", "closeness"],
                   ["show", "1"], ["search", "couch"], ["export"], ["stats"],
                   ["stats", "--json"], ["resources"], ["packs"]]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no full device here")
@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_output_to_a_full_disk_is_said_plainly(filled, args):
    """`reflect ... > file` on a full disk: one line that says so, exit code 1, no
    traceback, and the journal as it was."""
    before = filled.path.read_bytes()
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "reflect", *args], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()) == (
        "Error: Cannot write the output: No space left on device (the disk is full; free "
        "some space and try again).")
    assert filled.path.read_bytes() == before


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_a_reader_gone_before_the_output_ends_it_quietly(filled, args):
    """`reflect ... | head -0`: the reader has gone before a byte is written. Exit code
    1, as typer gives, and nothing on standard error."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([sys.executable, "-m", "reflect", *args], stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (1, "")
