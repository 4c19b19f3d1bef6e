"""`reflect merge FILE`, and reflect as git's merge driver for the journal (`reflect
git-setup` sets it up): the terminal's side of merging journals by hand, free of typer.

reflect never syncs anything itself and never touches the network: git moves the file, and
reflect merges the two versions by reflection (reflect.journal.merge says how).
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from reflect.base import paths
from reflect.base.errors import ReflectError
from reflect.base.files import read_if_present, write_private
from reflect.journal import crypto, migrations
from reflect.journal.merge import Record, Report, Side, side_of_records
from reflect.journal.store import Journal
from reflect.packs.load import discover
from reflect.review.entry_text import Reader, short_date
from reflect.review.export import EXPORT_FORMAT, MAX_IMPORT_BYTES, read_export, relabel

DRIVER = "reflect"
"""The name of the merge driver in git's config and in .gitattributes."""
GIT_WAIT = 30.0
"""The longest a git command may take before reflect gives up on it."""


def read_incoming(journal: Journal, file: Path) -> Side:
    """Another journal file (any layout reflect can bring up to date, encrypted with this
    journal's passphrase or asked for) or a JSON export, checked whole, to be merged."""
    try:
        if file.is_dir():
            raise ReflectError(f"{file} is a folder; give the journal file itself.",
                               exit_code=2)
    except OSError as error:
        raise ReflectError(f"Cannot read {file}: {error.strerror or error}.") from None
    raw = read_if_present(file, "the file", MAX_IMPORT_BYTES)
    if raw is None:
        raise ReflectError(f"There is no file {file}. Nothing was changed.")
    if _is_export(raw):
        entries = read_export(raw, str(file), doing="merge")
        available, _ = discover(paths.user_packs_dir())
        relabel(entries, Reader(available).packs, str(file), doing="merge")
        return side_of_records(entry.to_record() for entry in entries)
    return journal.read_other(file)


def _is_export(raw: bytes) -> bool:
    if crypto.is_encrypted(raw) or raw.startswith(migrations.LINES_MARK):
        return False
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == EXPORT_FORMAT


def merge_lines(report: Report) -> list[str]:
    """One line for each reflection a merge adds, changes or removes."""

    def line(sign: str, record: Record, note: str) -> str:
        title = (record.get("derived") or {}).get("title") or ""
        return f"{sign} #{record['number']}  {short_date(record['created'])}  {title}  ({note})"

    was = {id(record): number for record, number in report.renumbered}
    lines = [line("+", record, "new" if id(record) not in was
                  else f"new; #{was[id(record)]} there")
             for record in report.added]
    lines += [line("~", record, "changed there") for record in report.changed]
    lines += [line("-", record, "deleted there") for record in report.removed]
    return lines


# git -------------------------------------------------------------------------------------


def driver_command() -> str:
    """How git should start this reflect: by name when `reflect` is on the PATH, else
    through the Python running now."""
    if shutil.which("reflect"):
        return "reflect"
    return f"{shlex.quote(sys.executable)} -m reflect"


def git_setup(journal_file: Path) -> list[str]:
    """Make reflect git's merge driver for the journal: a line in the .gitattributes
    beside it, and the driver in the repository's config. Returns what was done, line by
    line. Refused (nothing changed) where git is missing or the folder is not in a
    repository."""
    folder = journal_file.parent
    if not folder.is_dir():
        raise ReflectError(f"There is no folder {folder}. Nothing was changed.")
    if shutil.which("git") is None:
        raise ReflectError("git was not found on this computer. Nothing was changed; the "
                           "README's 'On more than one computer' says what to set by hand.")
    _git(folder, "rev-parse", "--show-toplevel", problem=(
        f"{folder} is not in a git repository. Run `git init` there first (or clone "
        "yours), then `reflect git-setup` again. Nothing was changed."))
    done = []
    attributes = folder / ".gitattributes"
    wanted = f"{_attribute_pattern(journal_file.name)} merge={DRIVER}"
    raw = read_if_present(attributes, ".gitattributes", 1024 * 1024) or b""
    text = raw.decode("utf-8", "replace")
    if wanted in text.splitlines():
        done.append(f"{attributes} already has: {wanted}")
    else:
        joined = text if not text or text.endswith("\n") else text + "\n"
        write_private(attributes, (joined + wanted + "\n").encode())
        done.append(f"Added to {attributes}: {wanted}")
    command = f"{driver_command()} merge-driver %O %A %B"
    _git(folder, "config", f"merge.{DRIVER}.name", "reflect: merge journals by reflection")
    _git(folder, "config", f"merge.{DRIVER}.driver", command)
    done.append(f'Ran: git config merge.{DRIVER}.driver "{command}"')
    return done


def _attribute_pattern(name: str) -> str:
    """The file name as a .gitattributes pattern: spaces and pattern characters escaped."""
    return "".join(f"\\{c}" if c in " \\*?[]!#\"" else c for c in name)


def _git(folder: Path, *args: str, problem: str = "") -> str:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                              text=True, timeout=GIT_WAIT, stdin=subprocess.DEVNULL,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReflectError(f"git could not be run: {error}. Nothing more was changed."
                           ) from None
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise ReflectError(problem or f"git {args[0]} failed: "
                           f"{said[-1] if said else done.returncode}.")
    return done.stdout
