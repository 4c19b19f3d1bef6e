"""A new reflection in the terminal, from opening the journal to the follow-up.

cli.py's `new` command (and a bare `reflect`) calls `reflection`; `open_journal` is the one
place every command opens the journal.
"""

from __future__ import annotations

import functools
import gc
import getpass
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from reflect.base import paths
from reflect.base.errors import ReflectError
from reflect.engine import followup
from reflect.engine.drafts import Drafts
from reflect.engine.new_reflection import reflect_new, still_heavy
from reflect.engine.prepare import ask_to_link, recent_preparation
from reflect.engine.session import Asker
from reflect.journal.entry import LINK
from reflect.journal.store import Journal
from reflect.packs.load import discover, find_pack
from reflect.packs.model import Pack
from reflect.review.entry_text import Reader
from reflect.settings.config import load_settings
from reflect.settings.resources import COACH_NOT_THERAPIST, STILL_HEAVY
from reflect.terminal import plain_asker as plain
from reflect.terminal.plain_asker import PAUSE_WORD, PlainAsker
from reflect.terminal.sync import take_in_copies

UNLOCK_VARIABLE = "REFLECT_PASSPHRASE"
PASSPHRASE_TRIES = 3
"""How many times a passphrase typed at the terminal is asked for while it is wrong."""


def open_journal(journal_file: Path) -> Journal:
    """The one place a command opens the journal, so every command opens it the same way.

    The settings are read here, so a mistake in them shows before any question is asked;
    the passphrase is asked for only if the journal turns out to be encrypted. Conflict
    copies a sync tool left beside the journal are merged in here, and said so."""
    settings = load_settings(paths.config_file())
    tries = 1 if os.environ.get(UNLOCK_VARIABLE) else PASSPHRASE_TRIES
    journal = Journal(journal_file,
                      passphrase=functools.partial(passphrase, journal_file, []),
                      keep_backups=settings.keep_backups, passphrase_tries=tries)
    take_in_copies(journal)
    return journal


def drafts_of(journal_file: Path, journal: Journal) -> Drafts:
    """The drafts of the journal's reflections, sealed like it."""
    return Drafts(paths.drafts_dir(journal_file), journal,
                  legacy=paths.draft_path(journal_file))


def passphrase(journal_file: Path, asked: list[str]) -> str:
    """The passphrase: REFLECT_PASSPHRASE if set, else asked on the terminal, hidden.
    `asked` keeps what was typed before: asked again, the last one did not open it."""
    given = os.environ.get(UNLOCK_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise ReflectError(
            f"The journal {journal_file} is encrypted. Run reflect in a terminal to type its "
            f"passphrase, or set {UNLOCK_VARIABLE}.", exit_code=2)
    if asked:
        from reflect.terminal import render  # deferred, as in reflection()

        left = PASSPHRASE_TRIES - len(asked)
        render.warn(f"That passphrase does not open the journal. Try again ({left} "
                    f"{'try' if left == 1 else 'tries'} left).")
    typed = ask_secret("Passphrase for your journal: ")
    asked.append(typed)
    return typed


def ask_secret(prompt: str) -> str:
    """A passphrase typed at the terminal, hidden. Ctrl-C (or Ctrl-D) stops calmly."""
    try:
        return getpass.getpass(prompt)
    except (KeyboardInterrupt, EOFError):
        sys.stdout.write("\n")  # the prompt's line was left open
        raise ReflectError("Stopped. Nothing was opened or changed.", exit_code=130,
                           calm=True) from None


def reflection(journal_file: Path, pack: str | None, quick: bool, resume: bool) -> int:
    """A guided reflection in the terminal: 0 once it is saved, 130 when it is paused.

    In plain mode it asks in plain lines, from a terminal or a pipe; when a pipe ends
    before the last question, what was answered is kept as a draft, and it says so."""
    if not plain.wanted() and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ReflectError(
            "A reflection needs an interactive terminal to ask its questions. "
            "Run `reflect` in a terminal window, without piping its input or output, "
            "or `reflect --plain` to answer in typed lines.",
            exit_code=2,
        )
    # Starting makes a great many objects and next to no garbage, so the collector's passes
    # over them only delay the first question: off while the journal and packs are read,
    # then what they made is set aside for good (freeze) and it is back on for the questions.
    gc.disable()
    try:
        available, problems = discover(paths.user_packs_dir())
        # Deferred: rich's console takes about 0.03 s to import (-X importtime); on the way
        # to the first question only a warning needs it (the first-run note is the asker's).
        for problem in problems:
            from reflect.terminal import render

            render.warn(f"Left out a pack: {problem.message}")
        chosen = find_pack(available, pack, quick)
        journal = open_journal(journal_file)
        journal.verify()
        drafts = drafts_of(journal_file, journal)
        asker = make_asker()
        if not journal.exists() and not drafts.exist():
            asker.say(COACH_NOT_THERAPIST)
    finally:
        gc.freeze()
        gc.enable()
    outcome = reflect_new(available, chosen, asker, journal, drafts,
                          resume=True if resume else None)
    from reflect.terminal import render  # deferred (see above)

    if outcome.entry is None:
        if isinstance(asker, PlainAsker) and asker.ended:
            kept = ("Your answers so far are kept: `reflect new --plain --resume` picks them "
                    "up." if outcome.kept_draft else "Nothing was saved.")
            raise ReflectError(f"The input ended before the last question. {kept}")
        render.paused(outcome.kept_draft)
        return 130
    used = next(p for p in available if p.id == outcome.entry.pack_id)
    render.summary(outcome.entry, used, journal_file)
    if still_heavy(outcome.entry):
        render.say(STILL_HEAVY)
    preparation = recent_preparation(journal.entries(), outcome.entry)
    if preparation is not None and ask_to_link(preparation, asker):
        journal.link(outcome.entry.id, LINK, preparation.id)
        render.say(f"Linked: `reflect show {outcome.entry.number}` shows the two together.",
                   "dim")
    follow_up(journal, available, asker, only_one=True, leave_out=outcome.entry.id)
    return 0


def make_asker() -> Asker:
    """The Asker for this run: plain lines in plain mode, else questionary's lists."""
    if plain.wanted():
        return PlainAsker()
    # Deferred: questionary takes about 0.1 s to import (-X importtime), and only a
    # reflection asks; every other command imports this module too.
    from reflect.terminal.asker import QuestionaryAsker

    return QuestionaryAsker()


def follow_up(journal: Journal, available: Iterable[Pack], asker: Asker, only_one: bool,
              leave_out: str | None = None) -> int:
    """Ask how earlier alternatives went: after a reflection, one entry's at most."""
    from reflect.terminal import render  # deferred with the reflection's (see there)

    items = [item for item in followup.open_items(journal.entries(), again=not only_one)
             if item.entry.id != leave_out]
    if only_one:
        items = followup.one_entry(items)
    if not items:
        return 0
    if only_one:
        leave = f"type {PAUSE_WORD}" if plain.wanted() else "Ctrl-C"
        render.say(f"\nOne more thing, only if you like ({leave} to leave it):", "dim")
    outcomes = followup.ask(items, Reader(available), asker)
    journal.record_followups(outcomes)
    count = sum(len(items) for items in outcomes.values())
    render.followed_up(count)
    return count
