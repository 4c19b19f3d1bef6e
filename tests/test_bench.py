"""The benchmark runs: a tiny journal, one run, no jrnl, and it writes its table and JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(90),
    pytest.mark.skipif(sys.platform == "win32", reason="the bench needs a POSIX system"),
]

BENCH = REPO / "bench" / "run.py"
SECONDS = r"\d+\.\d{3}"


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str],
                                                          Path]:
    if not (Path(sys.executable).parent / "reflect").exists() or not BENCH.exists():
        pytest.skip("needs the bench and an installed reflect beside this Python")
    folder = tmp_path_factory.mktemp("bench")
    results = folder / "results"
    done = bench("--here", "--sizes", "20", "--runs", "1", "--no-jrnl",
                 "--results", str(results), "--cache", str(folder / "cache"))
    return done, results


def test_the_bench_prints_a_table_of_every_figure(ran):
    """Each figure has its row: a time and the ratio to bare Python, or n/a if not built."""
    done, _ = ran
    assert done.returncode == 0, done.stderr
    rows = {line[:20].strip(): line for line in done.stdout.splitlines()}
    assert re.search(rf"python -c pass: {SECONDS} s", done.stdout)
    for label in ("--version", "--help", "first question, new", "first question",
                  "save one entry", "floor: questionary", "floor: read journal",
                  "floor: scan all"):
        assert re.search(rf"^{re.escape(label)} +(-|20) +{SECONDS} +\d+ +\d+\.\d\d ",
                         rows[label]), rows[label]
    for label in ("list (last 20)", "show N", "search lighthouse", "export md",
                  "export json", "stats"):
        assert re.search(rf"^{re.escape(label)} +20 +({SECONDS}|n/a) ", rows[label]), rows[label]
    assert "failed" not in done.stdout


def test_the_bench_writes_its_results_as_json(ran):
    """latest.json and a timestamped copy hold the same figures, and no paths."""
    _, results = ran
    latest = results / "latest.json"
    [stamped] = [path for path in results.glob("*.json") if path != latest]
    assert stamped.read_text() == latest.read_text()
    result = json.loads(latest.read_text())
    assert result["python"]["status"] == "ok"
    assert result["python"]["median"] > 0
    figures = {(row["figure"], row["size"]): row for row in result["figures"]}
    assert all(row["python"]["status"] == "ok" for row in result["figures"])
    for key in (("version", None), ("help", None), ("first_question_new", None),
                ("first_question", 20), ("save", 20), ("floor_prompt", None),
                ("floor_read", 20), ("floor_scan", 20)):
        mine = figures[key]["reflect"]
        assert mine["status"] == "ok"
        assert mine["median"] > 0
        assert mine["peak_mb"] > 0
        assert figures[key]["jrnl"]["status"] == "n/a"
    assert str(results.parent) not in latest.read_text()


def test_the_bench_compares_two_results(ran, tmp_path):
    """--compare shows each figure before and now, with the change in percent."""
    _, results = ran
    earlier = json.loads((results / "latest.json").read_text())
    for row in earlier["figures"]:
        if row["reflect"]["status"] == "ok":
            row["reflect"]["median"] *= 2
    before = tmp_path / "before.json"
    before.write_text(json.dumps(earlier))
    done = bench("--compare", str(before), "--against", str(results / "latest.json"))
    assert done.returncode == 0, done.stderr
    assert re.search(rf"^--version +- +{SECONDS} +{SECONDS} +-50%", done.stdout, re.M)
