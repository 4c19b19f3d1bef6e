"""Finding and reading packs: the shipped ones, the person's own, and the one to use."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reflect.base import toml
from reflect.base.errors import ReflectError
from reflect.base.files import ReadError, read_if_present
from reflect.base.safe_text import echoed
from reflect.base.trust import doubt
from reflect.packs.model import ID_PATTERN, MAX_PACK_BYTES, Pack, PackError
from reflect.packs.validate import parse_pack


def builtin_packs_dir() -> Path:
    """Where the packs shipped with reflect live (inside the package when installed)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "prompts"
    if installed.is_dir():
        return installed
    return package.parent / "prompts"

def load_pack(path: Path, *, builtin: bool = False) -> Pack:
    """Read and validate one pack file; any problem raises PackError naming file, step, field."""
    return parse_pack(_parsed(_read(path), path), path, builtin=builtin)

def _read(path: Path) -> bytes:
    """The pack file's bytes: an ordinary file no larger than MAX_PACK_BYTES."""
    try:
        raw = read_if_present(path, "the pack", MAX_PACK_BYTES)
    except ReadError as error:
        raise PackError(path, f"cannot be read ({error.reason})") from None
    if raw is None:
        raise PackError(path, "cannot be read (it does not exist)")
    return raw

def _parsed(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        return toml.loads(raw.decode("utf-8"))  # type: ignore[no-any-return]
    except UnicodeDecodeError:
        raise PackError(path, "is not UTF-8 text") from None
    except toml.TOMLDecodeError as error:
        raise PackError(path, f"is not valid TOML ({error})") from None
    except ValueError:  # from int(): a number of more than 4,300 digits
        raise PackError(path, "holds a number too long to be part of a pack") from None
    except RecursionError:
        raise PackError(path, "is nested too deeply to be a pack") from None

def check_pack_file(path: Path) -> tuple[Pack | None, list[PackError]]:
    """Every problem in one pack file, for `reflect packs validate`; the pack if none."""
    try:
        data = _parsed(_read(path), path)
    except PackError as problem:
        return None, [problem]
    problems: list[PackError] = []
    pack = parse_pack(data, path, problems=problems)
    return (None if problems else pack), problems

def discover(user_dir: Path | None) -> tuple[list[Pack], list[PackError]]:
    """Every pack available: the shipped ones, then the person's own.

    A broken shipped pack raises PackError. A broken pack of the person's own is left out
    and returned among the problems, so one bad file does not stop a reflection; so is a
    pack another user could have written (reflect.base.trust), or every pack, when they could
    have written the folder."""
    packs: dict[str, Pack] = {}
    for path in sorted(builtin_packs_dir().glob("*.toml")):
        pack = load_pack(path, builtin=True)
        packs[pack.id] = pack
    problems: list[PackError] = []
    for path in _own_pack_files(user_dir, problems):
        try:
            file_doubt = doubt(path, "it")
            if file_doubt is not None:
                raise PackError(path, f"it is not loaded, since {file_doubt}")
            pack = load_pack(path)
            if pack.id in packs:
                raise PackError(path, f"the id {pack.id!r} is already used by "
                                      f"{packs[pack.id].path}", field="pack.id")
        except PackError as problem:
            problems.append(problem)
            continue
        packs[pack.id] = pack
    for pack in list(packs.values()):
        if pack.quick is not None and pack.quick not in packs:
            missing = PackError(pack.path or pack.id, f"no pack has the id {pack.quick!r}",
                                field="pack.quick")
            if pack.builtin:
                raise missing
            problems.append(missing)
            del packs[pack.id]
    return list(packs.values()), problems

def _own_pack_files(user_dir: Path | None, problems: list[PackError]) -> list[Path]:
    """The pack files in the person's folder, none when another user could have written
    the folder or the one above it (said among the problems)."""
    if user_dir is None or not user_dir.is_dir():
        return []
    reason = (doubt(user_dir.parent, f"the folder above it, {user_dir.parent},")
              or doubt(user_dir, "the folder"))
    if reason is not None:
        problems.append(PackError(user_dir, f"none of the packs here is loaded, since {reason}"))
        return []
    return sorted(user_dir.glob("*.toml"))

DEFAULT_PACK = "hearing-no"

def find_pack(packs: Iterable[Pack], pack_id: str | None, quick: bool) -> Pack:
    """The pack a person asked for, or the default; its quick companion with quick=True."""
    by_id = {pack.id: pack for pack in packs}
    wanted = pack_id or DEFAULT_PACK
    if wanted not in by_id:
        known = ", ".join(sorted(by_id)) or "none"
        raise ReflectError(f"There is no pack called {echoed(wanted)}. Packs: {known}. "
                           "See them with: reflect packs")
    pack = by_id[wanted]
    if quick:
        if pack.quick is None:
            raise ReflectError(f"The pack {wanted!r} has no quick version.")
        pack = by_id[pack.quick]
    return pack

def new_pack_text(name: str) -> str:
    """The default pack's file, made into the person's own: a new id, title and version."""
    if not ID_PATTERN.match(name):
        raise ReflectError(f"{echoed(name)} cannot be a pack name: use lower-case letters, digits, "
                           "'-' and '_', starting with a letter (like after-a-date).",
                           exit_code=2)
    source = builtin_packs_dir() / f"{DEFAULT_PACK}.toml"
    text = source.read_text(encoding="utf-8")
    header = re.search(r"^\[pack\]\n(.*?)(?=^\[)", text, flags=re.S | re.M)
    if header is None:  # pragma: no cover - the shipped pack always has one
        raise ReflectError(f"The default pack {source} has no [pack] table to copy.")
    fields = header.group(1)
    fields = re.sub(r'^id = ".*"$', f'id = "{name}"', fields, flags=re.M)
    fields = re.sub(r"^version = .*$", "version = 1", fields, flags=re.M)
    fields = re.sub(r'^title = "(.*)"$', rf'title = "{name} (from: \1)"', fields, flags=re.M)
    fields = re.sub(r"^quick = .*\n", "", fields, flags=re.M)
    intro = (f"# {name}: your own reflection pack, copied from the default one.\n"
             "# Change the questions and choices; check it with `reflect packs validate`.\n"
             "# The README's \"Prompt packs\" section lists every field.\n\n")
    return intro + "[pack]\n" + fields + text[header.end(1):]
