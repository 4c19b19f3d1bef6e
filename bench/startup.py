"""How long reflect takes to start, beside bare Python started in the same run.

    python bench/startup.py [--runs 7] [--reflect PATH]

Every figure is whole-process wall time, the median of --runs runs after one warm-up:
`python -c pass` (the baseline), `reflect --version`, `reflect --help`, and the time from
starting `reflect` in a pseudo-terminal to its first question on the screen. Needs pexpect.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def first_question(reflect: str, env: dict[str, str]) -> float:
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(reflect, env=env, encoding="utf-8", dimensions=(40, 120),
                          timeout=20)
    child.expect("1/1[0-9]")
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def median(measure, runs: int) -> float:
    measure()  # warm-up: the file cache, bytecode
    return statistics.median(measure() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reflect", default=str(Path(sys.executable).parent / "reflect"))
    args = parser.parse_args()
    if not Path(args.reflect).exists():
        args.reflect = shutil.which("reflect") or sys.exit("reflect is not installed")
    home = tempfile.mkdtemp(prefix="reflect-bench-")
    env = dict(os.environ, REFLECT_HOME=home, TERM="xterm-256color", NO_COLOR="1")
    rows = [
        ("python -c pass", median(lambda: timed([sys.executable, "-c", "pass"], env),
                                  args.runs)),
        ("reflect --version", median(lambda: timed([args.reflect, "--version"], env),
                                     args.runs)),
        ("reflect --help", median(lambda: timed([args.reflect, "--help"], env), args.runs)),
        ("first question", median(lambda: first_question(args.reflect, env), args.runs)),
    ]
    base = rows[0][1]
    print(f"{'what':<20} {'median s':>9} {'x python':>9}   ({args.runs} runs each)")
    for name, seconds in rows:
        print(f"{name:<20} {seconds:>9.3f} {seconds / base:>9.1f}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
