"""The benchmark: reflect's start-up and its work on journals of 1k, 10k and 100k entries,
beside bare Python and jrnl doing the same jobs in the same run.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 7] [--quick]
                        [--compare bench/results/latest.json]

On its first run it makes its own environment in bench/.cache/venv (git-ignored): reflect
from this tree (not editable, as a person installs it) and jrnl from PyPI, for comparison
only. It reinstalls reflect there whenever the tree has changed, then runs itself inside.
Generated journals are cached in bench/.cache/journals, keyed by size and format.

Every figure is whole-process wall time, the median of --runs runs after one warm-up, and
the peak memory (maximum resident set) of that process. The table and a JSON copy go to
bench/results/ (a timestamped file and latest.json). Commands this reflect does not have
yet show as n/a.

Three rows are floors, not commands: what a figure cannot go below with reflect's libraries
and its journal as it is. "floor: questionary" imports the library that draws the first
question; "floor: read journal" starts reflect's reading code, reads the whole journal
through TinyDB and loads the packs, as every read command does before it prints anything;
"floor: scan all" adds one case-blind pass over every byte of the file for the searched
word, in the same process.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import marshal
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
JRNL_VERSION = "4.6"
FORMAT = 1
"""The version of the generated journals and of the results file; bump it to regenerate."""
SIZES = (1_000, 10_000, 100_000)
RUNS = 7
SEARCH_WORD = "lighthouse"
"""Appears in a few entries in a thousand, so a search finds some but not all."""
RUN_TIMEOUT = 600.0
IN_BENCH_ENV = "REFLECT_BENCH_ENV"


# ---------------------------------------------------------------------------------------
# The environment: one command sets it up and runs inside it.
# ---------------------------------------------------------------------------------------

def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files() -> list[Path]:
    files = [REPO / "pyproject.toml", REPO / "README.md"]
    files += (REPO / "reflect").rglob("*.py")
    files += (REPO / "prompts").glob("*.toml")
    return [path for path in files if path.is_file()]


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def enter_environment(cache: Path) -> None:
    """Make or update the bench's own environment, then run this script again inside it."""
    venv = cache / "venv"
    python = _venv_python(venv)
    marker = venv / "bench-setup.json"
    wanted = {"deps": _digest([REPO / "pyproject.toml"]) + "-jrnl" + JRNL_VERSION,
              "source": _digest(_source_files())}
    try:
        done = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        done = {}
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    if not python.exists():
        note("Making the bench environment (once) ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if done.get("deps") != wanted["deps"]:
        note(f"Installing reflect, its dependencies and jrnl {JRNL_VERSION} there ...")
        subprocess.run([*pip, "hatchling", f"jrnl=={JRNL_VERSION}"], check=True, env=env)
        subprocess.run([*pip, "--no-build-isolation", str(REPO)], check=True, env=env)
        done = {}
    if done.get("source") != wanted["source"]:
        note("Installing this tree's reflect into the bench environment ...")
        subprocess.run([*pip, "--no-deps", "--no-build-isolation", "--force-reinstall",
                        str(REPO)], check=True, env=env)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    os.environ[IN_BENCH_ENV] = "1"
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Journals: realistic entries made with reflect's own code, cached by size.
# ---------------------------------------------------------------------------------------

NAMES = ("Alex", "Sam", "Robin", "Jordan", "Kai", "Riley", "Noor", "Eli", "Jo", "Charlie",
         "Taylor", "Morgan", "Quinn", "Avery", "Rowan", "Sasha")
PLACES = ("on the couch", "in the kitchen", "on the walk home", "in bed", "at the bus stop",
          "after the film", "over text", "at the party", "in the car", "after dinner")
HAPPENED = (
    "We were {place} and I asked {name} if they wanted to fool around.",
    "I leaned in for a kiss and {name} turned their head and said not tonight.",
    "I asked {name} out for coffee after the class, and they said they would rather not.",
    "{name} said they were too tired, and went to read in the other room.",
    "I suggested an early night together and {name} said they needed some time alone.",
    "I messaged {name} to ask about a second date and they wrote back that they were not "
    "feeling it.",
    "{name} had been quiet all evening, and when I reached for their hand they moved away.",
    "I asked if {name} wanted to come over this weekend and they said they already had "
    "plans, without suggesting another time.",
    "We had been talking for two weeks and {name} stopped replying after I asked to meet.",
    "It was late, we were both {place}, and I asked if they wanted to stay the night.",
    "I asked {name} for a hug and they said they did not feel like being touched right now.",
    "They said it kindly, and still it landed like a door closing.",
    "I said okay out loud, but I went quiet for the rest of the evening.",
    "Nothing dramatic happened; it was a short no and then we watched something.",
    "I noticed my face get hot and I made a joke to cover it.",
    "Later I lay awake replaying the moment and wondering what I had done wrong.",
    "We talked about the {word} trip again, and I let the subject drop.",
)
STORY = (
    "The first thought was that I am not wanted, and that it will always be like this.",
    "Part of me said I must have done something wrong, or asked in the wrong way.",
    "I told myself that if they really loved me they would want to, which is not fair to them.",
    "It sounded like proof that I am too much, too needy, too eager.",
    "A harsh voice said that nobody would ever choose me first.",
    "I felt silly for hoping, as if wanting closeness was a mistake in itself.",
    "The story was that they are slowly losing interest and this is the start of it.",
    "I caught myself counting the last few times they said no, as if keeping score.",
    "It reminded me of being picked last at school, an old and familiar sting.",
)
THEIR_SIDE = (
    "They have had a long week and probably just needed quiet and sleep.",
    "Maybe they needed to feel that saying no is safe with me, without a sulk afterwards.",
    "They might have wanted closeness of a different kind, like talking or just sitting.",
    "They might have been worried about something at work and had no room for anything else.",
    "Perhaps they needed space to miss me a little.",
    "I do not know, and I do not need to know to respect it.",
)
NEXT_TIME = (
    "Next time I will say okay once, and then look after the feeling another way.",
    "I want to notice the urge to ask again and let the first no be enough.",
    "I can say: thanks for telling me, and then go for a walk or call a friend.",
)
REMEMBER = (
    "A no to an offer is not a no to me.",
    "Be as kind to myself as I would be to a friend.",
    "Their honesty is a gift, even when it stings.",
    "Feelings pass; I do not have to act on this one.",
    "I can meet my need another way tonight.",
    "Asking took courage, and I can be proud of that.",
)
OWN_WORDS = (
    "Something I cannot quite name yet",
    "Wanting to feel chosen",
    "A bit of both, honestly",
    "Relief, oddly, mixed with the hurt",
    "Make tea and sit with the feeling for ten minutes",
)


def _sentences(rng: random.Random, bank: tuple[str, ...], low: int, high: int,
               word: str) -> str:
    picked = rng.sample(bank, rng.randint(low, high))
    text = " ".join(picked).format(name=rng.choice(NAMES), place=rng.choice(PLACES), word=word)
    return text


@dataclasses.dataclass
class Made:
    """One generated reflection: its answers, when it was written, and its text for jrnl."""

    created: datetime
    answers: dict[str, Any]
    texts: list[str]


def _answer(step: Any, choices: Any, rng: random.Random, word: str) -> Any:
    kind = step.kind
    if kind == "long_text":
        bank = {"what_happened": HAPPENED, "story": STORY, "their_side": THEIR_SIDE,
                "next_time": NEXT_TIME}.get(step.id, STORY)
        low, high = (3, 5) if step.id == "what_happened" else (1, 3)
        text = _sentences(rng, bank, low, high, word)
        if rng.random() < 0.2:
            second = _sentences(rng, bank, 1, 1, word)
            text = f"{text}\n\n{second}"
        return text
    if kind == "text":
        return rng.choice(REMEMBER)
    values = [choice.value for choice in choices]
    if kind == "select":
        if step.other and rng.random() < 0.05:
            return rng.choice(OWN_WORDS)
        return rng.choice(values)
    if kind == "checkbox":
        chosen = rng.sample(values, min(len(values), rng.randint(1, 3)))
        if step.other and rng.random() < 0.05:
            chosen.append(rng.choice(OWN_WORDS))
        return chosen
    if kind == "scale":
        return rng.randint(step.min, step.max)
    return rng.random() < 0.5


def make_reflections(pack: Any, count: int, seed: str) -> Iterator[Made]:
    """`count` reflections through the pack, the way a person would fill them in."""
    from reflect.engine.session import check_answer, visible

    rng = random.Random(seed)
    end = datetime(2025, 1, 1, 21, 0, tzinfo=timezone.utc)
    span = timedelta(days=3650)
    for index in range(count):
        created = end - span + span * index / max(count, 1)
        created += timedelta(minutes=rng.randint(0, 240))
        created = created.replace(microsecond=0)
        word = SEARCH_WORD if rng.random() < 0.01 else "seaside"
        answers: dict[str, Any] = {}
        texts: list[str] = []
        for step in pack.steps:
            if not visible(step, answers):
                continue
            if step.optional and rng.random() < 0.2:
                continue
            choices = step.choices_for(answers)
            value = check_answer(step, choices, _answer(step, choices, rng, word))
            answers[step.id] = value
            if step.kind in ("text", "long_text"):
                texts.append(value)
            elif isinstance(value, list):
                texts.append(", ".join(_label(choices, v) for v in value) + ".")
            elif step.kind == "select":
                texts.append(_label(choices, value) + ".")
        yield Made(created=created, answers=answers, texts=texts)


def _label(choices: Any, value: str) -> str:
    return next((choice.label for choice in choices if choice.value == value), value)


def _pack() -> Any:
    from reflect.packs.load import DEFAULT_PACK, discover, find_pack

    packs, _ = discover(None)
    return find_pack(packs, DEFAULT_PACK, quick=False)


def journal_key(size: int) -> str:
    from reflect.journal.file_format import SCHEMA_VERSION
    from reflect.packs.load import builtin_packs_dir

    pack_file = builtin_packs_dir() / "hearing-no.toml"
    pack_hash = hashlib.sha256(pack_file.read_bytes()).hexdigest()[:8]
    return f"f{FORMAT}-s{SCHEMA_VERSION}-{pack_hash}-{size}"


def journals(cache: Path, size: int) -> tuple[Path, Path]:
    """The reflect journal and the jrnl journal of this size, generated once and cached."""
    from reflect.base.files import ensure_private_folder, write_private
    from reflect.journal.entry import Entry, derive
    from reflect.journal.file_format import SCHEMA_VERSION

    folder = cache / "journals"
    key = journal_key(size)
    ours, theirs = folder / f"reflect-{key}.json", folder / f"jrnl-{key}.txt"
    if ours.exists() and theirs.exists():
        return ours, theirs
    note(f"Generating journals of {size:,} entries (cached for later runs) ...")
    started = time.perf_counter()
    ensure_private_folder(folder)
    pack = _pack()
    ids = random.Random(f"ids-{size}")
    records: dict[str, Any] = {}
    text_lines: list[str] = []
    for number, made in enumerate(make_reflections(pack, size, f"journal-{FORMAT}"), start=1):
        stamp = made.created.isoformat(timespec="seconds")
        entry = Entry(id=str(uuid.UUID(int=ids.getrandbits(128), version=4)), number=number,
                      created=stamp, updated=stamp, pack_id=pack.id,
                      pack_version=pack.version, answers=made.answers,
                      derived=derive(pack, made.answers))
        records[str(number)] = entry.to_record()
        text_lines.append(f"[{made.created:%Y-%m-%d %H:%M}] " + "\n".join(made.texts) + "\n")
    data = {"entries": records, "meta": {"1": {"schema": SCHEMA_VERSION}}}
    encoded = json.dumps(data).encode()  # TinyDB's layout, as reflect writes it
    write_private(ours, encoded)
    write_private(theirs, "\n".join(text_lines).encode("utf-8"))
    note(f"  done in {time.perf_counter() - started:.1f} s: "
         f"{len(encoded) / size / 1024:.2f} KB per entry in reflect's journal")
    return ours, theirs


def save_material() -> tuple[dict[str, Any], str]:
    """One more reflection: its answers for reflect, and its text for jrnl."""
    [made] = make_reflections(_pack(), 1, "one-more")
    return made.answers, " ".join(made.texts)


# ---------------------------------------------------------------------------------------
# Measuring: wall time and peak memory of one whole process.
# ---------------------------------------------------------------------------------------

class Failed(Exception):
    """A command exited with an error, timed out, or never showed its prompt."""


class Launcher:
    """The small processes (measure.py) that start each timed command; see why there.

    Commands in a terminal get a launcher of their own, so the modules that takes never
    raise the floor under the other figures."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.processes: dict[bool, subprocess.Popen[bytes]] = {}

    def _process(self, terminal: bool) -> subprocess.Popen[bytes]:
        if terminal not in self.processes:
            self.processes[terminal] = subprocess.Popen(
                [sys.executable, "-S", str(BENCH / "measure.py")], cwd=self.cwd,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self.processes[terminal]

    def once(self, job: Job) -> tuple[float, int]:
        """Seconds and peak kilobytes of one run of the job."""
        process = self._process(job.shown is not None)
        assert process.stdin is not None
        assert process.stdout is not None
        request = marshal.dumps({"argv": job.argv, "env": job.env,
                                 "shown": job.shown.decode() if job.shown else None})
        process.stdin.write(len(request).to_bytes(4, "big") + request)
        process.stdin.flush()
        size = int.from_bytes(process.stdout.read(4), "big")
        answer = marshal.loads(process.stdout.read(size))
        if "error" in answer:
            raise Failed(answer["error"])
        if answer["exit"] != 0:
            raise Failed(f"exit {answer['exit']}")
        return answer["seconds"], answer["peak_kb"]

    def close(self) -> None:
        for process in self.processes.values():
            assert process.stdin is not None
            process.stdin.close()
            process.wait()


def check_process(argv: list[str], env: dict[str, str], silent: bool, cwd: Path) -> None:
    """The warm-up run: it must succeed and, unless silent, print something."""
    try:
        done = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=RUN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise Failed(f"took longer than {RUN_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Failed(f"exit {done.returncode}" + (f": {said[-1][:120]}" if said else ""))
    if not silent and not done.stdout.strip():
        raise Failed("printed nothing")


@dataclasses.dataclass
class Job:
    """One way to run a tool for a figure: a command line, in a terminal or not."""

    argv: list[str]
    env: dict[str, str]
    shown: bytes | None = None
    """In a pseudo-terminal, until this pattern is on screen; else to the end."""
    silent: bool = False
    """It prints nothing when it works (the warm-up checks only its exit status)."""


def measure(launcher: Launcher, jobs: dict[str, Job], runs: int,
            cwd: Path) -> dict[str, dict[str, Any]]:
    """For each job: median wall time and peak memory over `runs` runs after a warm-up, or
    why not. The jobs take turns, run by run, so a spell when the machine is busy falls on
    all of them alike rather than on one."""
    cells: dict[str, dict[str, Any]] = {}
    samples: dict[str, list[tuple[float, int]]] = {}
    for name, job in jobs.items():
        try:
            if job.shown is None:
                check_process(job.argv, job.env, job.silent, cwd)
            else:
                launcher.once(job)
            samples[name] = []
        except Failed as problem:
            cells[name] = {"status": "failed", "why": str(problem)}
    for _ in range(runs):
        for name in list(samples):
            try:
                samples[name].append(launcher.once(jobs[name]))
            except Failed as problem:
                cells[name] = {"status": "failed", "why": str(problem)}
                del samples[name]
    for name, taken in samples.items():
        times = [round(seconds, 4) for seconds, _ in taken]
        cells[name] = {"status": "ok", "median": round(statistics.median(times), 4),
                       "peak_mb": round(max(kb for _, kb in taken) / 1024, 1),
                       "times": times}
    return cells


# ---------------------------------------------------------------------------------------
# The figures, and what each tool runs for them.
# ---------------------------------------------------------------------------------------

SAVE_SCRIPT = """\
import json, sys
from pathlib import Path
from reflect.base import paths
from reflect.journal.entry import new_id, now
from reflect.journal.store import Journal
from reflect.packs.load import DEFAULT_PACK, discover, find_pack
packs, problems = discover(None)
pack = find_pack(packs, DEFAULT_PACK, quick=False)
answers = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
Journal(Path(sys.argv[2])).add(pack, answers, new_id(), now())
"""

FLOOR_READ_SCRIPT = """\
import sys
from pathlib import Path
from reflect.base import paths
from reflect.journal.store import Journal
from reflect.packs.load import discover
from reflect.review.entry_text import Reader
entries = Journal(Path(sys.argv[1])).entries()
reader = Reader(discover(paths.user_packs_dir())[0])
"""
"""What every read command does before it prints anything: reflect's reading code
started, the whole journal read through TinyDB, the packs loaded. A floor for those figures."""
FLOOR_SCAN_SCRIPT = FLOOR_READ_SCRIPT + f"""\
Path(sys.argv[1]).read_bytes().lower().count({SEARCH_WORD.encode()!r})
"""
"""The read floor, then every byte of the journal lower-cased and looked through once for
the searched word, in one pass: the least a search without an index does."""
FLOOR_PROMPT_SCRIPT = "import questionary"
"""The library that draws reflect's questions, loaded: a floor for the first question."""

FIRST_QUESTION = rb"(?<![\d/])1/\d+"
"""reflect's first question is on screen: its step marker, like 1/15."""
JRNL_PROMPT = rb"Writing Entry"

FLOOR_SCRIPTS = {"floor_read": FLOOR_READ_SCRIPT, "floor_scan": FLOOR_SCAN_SCRIPT}

# (key, label, reflect subcommand it needs or None, sized)
FIGURES = (
    ("version", "--version", None, False),
    ("help", "--help", None, False),
    ("first_question_new", "first question, new", None, False),
    ("floor_prompt", "floor: questionary", None, False),
    ("first_question", "first question", None, True),
    ("floor_read", "floor: read journal", None, True),
    ("list", "list (last 20)", "list", True),
    ("show", "show N", "show", True),
    ("floor_scan", "floor: scan all", None, True),
    ("search", f"search {SEARCH_WORD}", "search", True),
    ("export_md", "export md", "export", True),
    ("export_json", "export json", "export", True),
    ("save", "save one entry", None, True),
    ("stats", "stats", "stats", True),
)
JRNL_MAP = {
    "version": "jrnl --version",
    "help": "jrnl --help",
    "first_question_new": "jrnl (no editor) on an empty journal: time to 'Writing Entry'",
    "first_question": "jrnl (no editor): time to its 'Writing Entry' prompt",
    "floor_prompt": "none: reflect's own floor (python -c 'import questionary')",
    "floor_read": "none: reflect's own floor (start, read the journal, load the packs)",
    "floor_scan": "none: reflect's own floor (the read floor, then one case-blind pass "
                  "over every byte for the word)",
    "list": "jrnl -n 20 --short",
    "show": "jrnl -n 1 (jrnl has no entry numbers; it parses the whole journal either way)",
    "search": f"jrnl -contains {SEARCH_WORD}",
    "export_md": "jrnl --export markdown",
    "export_json": "jrnl --export json",
    "save": 'jrnl "text of one more entry"',
    "stats": "jrnl --tags (its one whole-journal summary; it has no stats)",
}


class Setup:
    """Tools, folders and environments for one run of the bench."""

    def __init__(self, work: Path, cache: Path, use_jrnl: bool) -> None:
        self.work = work
        self.cache = cache
        bin_dir = Path(sys.executable).parent
        self.python = sys.executable
        self.reflect = str(bin_dir / "reflect")
        if not Path(self.reflect).exists():
            sys.exit(f"reflect is not installed beside {sys.executable}")
        jrnl = bin_dir / "jrnl"
        self.jrnl = str(jrnl) if use_jrnl and jrnl.exists() else None
        if use_jrnl and self.jrnl is None:
            note("jrnl is not installed in this environment; its column stays empty.")
        self.base_env = {k: v for k, v in os.environ.items()
                         if k not in ("COLUMNS", "LINES", IN_BENCH_ENV)
                         and not k.startswith(("REFLECT_", "XDG_", "PYTHON"))}
        self.base_env.update(HOME=str(work / "home"), NO_COLOR="1", TERM="xterm-256color")
        (work / "home").mkdir()
        self.commands = self._available_commands()

    def _available_commands(self) -> set[str]:
        """The reflect subcommands this version has: `reflect CMD --help` succeeds."""
        env = self.env_for(self.work / "probe")
        found = set()
        for name in {needs for _, _, needs, _ in FIGURES if needs}:
            done = subprocess.run([self.reflect, name, "--help"], env=env,
                                  capture_output=True, check=False)
            if done.returncode == 0:
                found.add(name)
        return found

    def env_for(self, home: Path) -> dict[str, str]:
        """A person's environment with this home folder: reflect keeps its files where it
        would for them (no REFLECT_HOME, no XDG_ folders set)."""
        return dict(self.base_env, HOME=str(home))

    def version(self, argv: list[str]) -> str:
        done = subprocess.run(argv, env=self.base_env, capture_output=True, text=True,
                              check=False)
        line = (done.stdout.strip().splitlines() or ["?"])[0]
        return line.split()[-1].lstrip("v")

    def jrnl_env(self, folder: Path, journal: Path) -> dict[str, str]:
        config = folder / "config" / "jrnl"
        config.mkdir(parents=True, exist_ok=True)
        (config / "jrnl.yaml").write_text(
            "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n"
            "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\n"
            "highlight: false\nindent_character: '|'\njournals:\n  default:\n"
            f"    journal: {json.dumps(str(journal))}\nlinewrap: 79\ntagsymbols: '#@'\n"
            f"template: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: '{JRNL_VERSION}'\n",
            encoding="utf-8")
        return dict(self.base_env, XDG_CONFIG_HOME=str(folder / "config"),
                    XDG_DATA_HOME=str(folder / "data"))


def default_journal(home: Path) -> Path:
    """Where reflect keeps the journal for a person whose home folder is `home`."""
    from reflect.base import paths

    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name == "REFLECT_HOME" or name.startswith("XDG_"):
                del os.environ[name]
        os.environ["HOME"] = str(home)
        return paths.journal_path()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def jobs_for(setup: Setup, key: str, size: int | None,
             material: tuple[dict[str, Any], str]) -> tuple[Job | None, Job | None, str]:
    """What reflect and jrnl run for this figure at this size, and why reflect cannot."""
    r, j = setup.reflect, setup.jrnl
    if size is None:
        # A home with nothing of reflect's in it yet: a reflection stopped at its first
        # question leaves none behind, so every run is a first run.
        env = setup.env_for(setup.work / "empty")
        empty = setup.work / "jrnl-empty.txt"
        empty.touch()
        jenv = setup.jrnl_env(setup.work / "jrnl-empty", empty)
        if key == "first_question_new":
            return (Job([r], env, shown=FIRST_QUESTION),
                    Job([j], jenv, shown=JRNL_PROMPT) if j else None, "")
        if key == "floor_prompt":
            return Job([setup.python, "-c", FLOOR_PROMPT_SCRIPT], env, silent=True), None, ""
        argv = {"version": ["--version"], "help": ["--help"]}[key]
        return (Job([r, *argv], env),
                Job([j, *argv], jenv) if j else None, "")
    folder = setup.work / str(size)
    home = folder / "home"
    env = setup.env_for(home)
    jrnl_journal = folder / "jrnl" / "journal.txt"
    jenv = setup.jrnl_env(folder / "jrnl", jrnl_journal)
    answers, text = material
    needs = next(needs for k, _, needs, _ in FIGURES if k == key)
    if needs and needs not in setup.commands:
        ours: Job | None = None
    elif key in FLOOR_SCRIPTS:
        return (Job([setup.python, "-c", FLOOR_SCRIPTS[key], str(default_journal(home))], env,
                    silent=True), None, "")
    elif key == "first_question":
        ours = Job([r], env, shown=FIRST_QUESTION)
    elif key == "save":
        answers_file = folder / "answers.json"
        answers_file.write_text(json.dumps(answers), encoding="utf-8")
        ours = Job([setup.python, "-c", SAVE_SCRIPT, str(answers_file),
                    str(default_journal(home))], env, silent=True)
    else:
        ours = Job([r, *{
            "list": ["list", "--limit", "20"],
            "show": ["show", str(size // 2)],
            "search": ["search", SEARCH_WORD],
            "export_md": ["export", "--format", "md"],
            "export_json": ["export", "--format", "json"],
            "stats": ["stats"],
        }[key]], env)
    theirs: Job | None = None
    if j:
        theirs = Job([j, *{
            "first_question": [],
            "list": ["-n", "20", "--short"],
            "show": ["-n", "1"],
            "search": ["-contains", SEARCH_WORD],
            "export_md": ["--export", "markdown"],
            "export_json": ["--export", "json"],
            "save": [text],
            "stats": ["--tags"],
        }[key]], jenv, shown=JRNL_PROMPT if key == "first_question" else None,
                     silent=key == "save")
    why = f"no `reflect {needs}` yet" if ours is None else ""
    return ours, theirs, why


# ---------------------------------------------------------------------------------------
# The run, the table and the comparison.
# ---------------------------------------------------------------------------------------

def bench(args: argparse.Namespace) -> dict[str, Any]:
    cache = Path(args.cache)
    with tempfile.TemporaryDirectory(prefix="reflect-bench-") as temp:
        work = Path(temp)
        setup = Setup(work, cache, use_jrnl=not args.no_jrnl)
        material = save_material()
        result: dict[str, Any] = {
            "format": FORMAT,
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "runs": args.runs,
            "sizes": args.sizes,
            "machine": {"python": platform.python_version(), "system": platform.system(),
                        "machine": platform.machine(), "cpus": os.cpu_count()},
            "versions": {"reflect": setup.version([setup.reflect, "--version"]),
                         "jrnl": setup.version([setup.jrnl, "--version"])
                         if setup.jrnl else None},
            "jrnl_commands": JRNL_MAP,
            "reflect_commands": sorted(setup.commands),
        }
        launcher = Launcher(work)
        python = Job([setup.python, "-c", "pass"], setup.base_env, silent=True)
        figures = []
        for size in [None, *args.sizes]:
            if size is not None:
                ours, theirs = journals(cache, size)
                _copy(ours, default_journal(work / str(size) / "home"))
                _copy(theirs, work / str(size) / "jrnl" / "journal.txt")
            for key, label, _, sized in FIGURES:
                if sized != (size is not None):
                    continue
                note(f"Measuring {label}" + (f" at {size:,} entries" if size else "") + " ...")
                mine, jrnl_job, why = jobs_for(setup, key, size, material)
                jobs = {"python": python}
                if mine:
                    jobs["reflect"] = mine
                if jrnl_job:
                    jobs["jrnl"] = jrnl_job
                cells = measure(launcher, jobs, args.runs, work)
                figures.append({
                    "figure": key, "label": label, "size": size, "python": cells["python"],
                    "reflect": cells.get("reflect", {"status": "n/a", "why": why}),
                    "jrnl": cells.get("jrnl", {"status": "n/a", "why": "jrnl not measured"}),
                })
            if size is not None:
                shutil.rmtree(work / str(size), ignore_errors=True)
        launcher.close()
        result["figures"] = figures
        everything = [t for row in figures if row["python"].get("status") == "ok"
                      for t in row["python"]["times"]]
        result["python"] = ({"status": "ok", "median": round(statistics.median(everything), 4),
                             "peak_mb": max(row["python"]["peak_mb"] for row in figures
                                            if row["python"].get("status") == "ok"),
                             "times": everything}
                            if everything else {"status": "failed", "why": "no runs"})
        return result


def _seconds(cell: dict[str, Any]) -> str:
    if cell.get("status") == "ok":
        return f"{cell['median']:.3f}"
    return "n/a" if cell.get("status") == "n/a" else "failed"


def _mb(cell: dict[str, Any]) -> str:
    return f"{cell['peak_mb']:.0f}" if cell.get("status") == "ok" else ""


def _ratio(top: dict[str, Any], bottom: dict[str, Any]) -> str:
    if top.get("status") == "ok" and bottom.get("status") == "ok" and bottom["median"] > 0:
        return f"{top['median'] / bottom['median']:.2f}"
    return ""


def table(result: dict[str, Any]) -> str:
    python = result["python"]
    versions = result["versions"]
    lines = [
        f"reflect {versions['reflect']}"
        + (f", jrnl {versions['jrnl']}" if versions.get("jrnl") else ", no jrnl")
        + f", Python {result['machine']['python']}: median seconds of {result['runs']} "
        "runs after a warm-up; MB = peak memory",
        f"python -c pass: {_seconds(python)} s, {_mb(python)} MB (run beside every figure; "
        "x python is against its runs there)",
        "",
        f"{'figure':<20} {'entries':>7} {'reflect s':>9} {'MB':>5} {'x python':>8} "
        f"{'jrnl s':>8} {'MB':>5} {'reflect/jrnl':>12}",
    ]
    for row in result["figures"]:
        ours, theirs = row["reflect"], row["jrnl"]
        size = f"{row['size']:,}" if row["size"] else "-"
        lines.append(
            f"{row['label']:<20} {size:>7} {_seconds(ours):>9} {_mb(ours):>5} "
            f"{_ratio(ours, row['python']):>8} {_seconds(theirs):>8} {_mb(theirs):>5} "
            f"{_ratio(ours, theirs):>12}")
    problems = [(row, tool, row[tool]["why"]) for row in result["figures"]
                for tool in ("reflect", "jrnl") if row[tool].get("status") == "failed"]
    for row, tool, why in problems:
        lines.append(f"  {tool} {row['label']} ({row['size'] or '-'}) failed: {why}")
    missing = sorted({row["reflect"]["why"] for row in result["figures"]
                      if row["reflect"].get("status") == "n/a"})
    if missing:
        lines.append("  n/a: " + "; ".join(missing))
    return "\n".join(lines)


def comparison(before: dict[str, Any], now: dict[str, Any]) -> str:
    """reflect's figures now beside the same figures in an earlier result."""
    earlier = {(row["figure"], row["size"]): row["reflect"] for row in before["figures"]}
    lines = [
        f"reflect now ({now['when']}) against {before['when']}; python -c pass "
        f"{_seconds(before['python'])} -> {_seconds(now['python'])} s",
        "",
        f"{'figure':<20} {'entries':>7} {'before s':>9} {'now s':>9} {'change':>8} "
        f"{'MB before':>9} {'MB now':>7}",
    ]
    for row in now["figures"]:
        old = earlier.get((row["figure"], row["size"]), {"status": "n/a"})
        new = row["reflect"]
        change = ""
        if old.get("status") == "ok" and new.get("status") == "ok" and old["median"] > 0:
            change = f"{(new['median'] / old['median'] - 1) * 100:+.0f}%"
        size = f"{row['size']:,}" if row["size"] else "-"
        lines.append(f"{row['label']:<20} {size:>7} {_seconds(old):>9} {_seconds(new):>9} "
                     f"{change:>8} {_mb(old):>9} {_mb(new):>7}")
    return "\n".join(lines)


def save_result(result: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    encoded = json.dumps(result, indent=1) + "\n"
    path = folder / f"{stamp}.json"
    path.write_text(encoded, encoding="utf-8")
    latest = folder / "latest.json"
    temp = folder / "latest.json.tmp"
    temp.write_text(encoded, encoding="utf-8")
    os.replace(temp, latest)
    return path


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").replace(",", "")) for part in text.split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are whole numbers, like 1000,10000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one size of 1 or more")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Time reflect beside bare Python and jrnl, on journals of several sizes.")
    parser.add_argument("--sizes", type=_sizes, default=list(SIZES), metavar="N,N,...",
                        help="journal sizes in entries (default: 1000,10000,100000)")
    parser.add_argument("--runs", type=int, default=RUNS,
                        help=f"timed runs per figure after a warm-up (default: {RUNS})")
    parser.add_argument("--quick", action="store_true",
                        help="1000 entries only and 5 runs, for a first look")
    parser.add_argument("--compare", metavar="FILE",
                        help="show the change against an earlier result file")
    parser.add_argument("--against", metavar="FILE",
                        help="with --compare: compare this result file instead of running")
    parser.add_argument("--no-jrnl", action="store_true", help="leave jrnl out")
    parser.add_argument("--here", action="store_true",
                        help="use the current environment as it is, instead of the bench's own")
    parser.add_argument("--results", default=str(RESULTS), metavar="DIR",
                        help="where to write the results (default: bench/results)")
    parser.add_argument("--cache", default=str(CACHE), metavar="DIR",
                        help="where the environment and journals are kept "
                             "(default: bench/.cache)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    if args.quick:
        args.sizes, args.runs = [1_000], 5
    if args.against:
        if not args.compare:
            parser.error("--against needs --compare")
        print(comparison(_load(args.compare), _load(args.against)))
        return
    earlier = _load(args.compare) if args.compare else None
    if not args.here and not os.environ.get(IN_BENCH_ENV):
        enter_environment(Path(args.cache))
    result = bench(args)
    print(table(result))
    written = save_result(result, Path(args.results))
    print(f"\nWritten to {written.name} and latest.json in {args.results}")
    if earlier is not None:
        print()
        print(comparison(earlier, result))


def _load(path: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        sys.exit(f"Cannot read the result file {path}: {problem}")
    return data


if __name__ == "__main__":
    main()
