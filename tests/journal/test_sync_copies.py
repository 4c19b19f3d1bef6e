"""The conflict copies of a journal are found by the names Syncthing, Dropbox, Nextcloud
and ownCloud give them, and nothing else beside the journal is taken for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflect.journal import sync_copies

COPIES = [
    "journal.sync-conflict-20261205-101500-ABCDEFG.json",  # Syncthing
    "journal.sync-conflict-20261205-101500.json",  # Syncthing before device ids
    "journal (conflicted copy 2026-12-05).json",  # Dropbox
    "journal (Sam's conflicted copy 2026-12-05).json",  # Dropbox, with the computer's name
    "journal (Sam's conflicted copy 2026-12-05 (1)).json",  # Dropbox, a second one that day
    "journal (conflicted copy 2026-12-05 101500).json",  # Nextcloud, ownCloud
    "journal (conflicted copy sam 2026-12-05 101500).json",  # Nextcloud with a user name
    "journal_conflict-20261205-101500.json",  # older Nextcloud and ownCloud clients
    "journal_conflict-sam-20261205-101500.json",
]
NOT_COPIES = [
    "journal.json",
    "journal.json.lock",
    "journal.damaged-2026-12-05_10-15-00.json",
    "journal.replaced-2026-12-05_10-15-00.json",
    "other.sync-conflict-20261205-101500-ABCDEFG.json",  # another journal's copy
    "journal.sync-conflict-20261205-101500-ABCDEFG.json.tmp",
    "journal (conflicted copy 2026-12-05).txt",
    "my journal (conflicted copy 2026-12-05).json",
    "journal.sync-conflict-2026-ABCDEFG.json",
]


@pytest.mark.parametrize("name", COPIES)
def test_each_sync_tools_conflict_copy_is_recognised(name):
    """A name each sync tool gives a conflict copy of journal.json is one."""
    assert sync_copies.is_copy_of(Path("journal.json"), name)


@pytest.mark.parametrize("name", NOT_COPIES)
def test_other_files_are_not_taken_for_a_copy(name):
    """The journal, its lock, reflect's own files and other journals' copies are not."""
    assert not sync_copies.is_copy_of(Path("journal.json"), name)


def test_a_journal_with_another_name_has_copies_by_its_name():
    """--journal diary.json: its copies are diary's, not journal's."""
    diary = Path("diary.json")
    assert sync_copies.is_copy_of(diary, "diary.sync-conflict-20261205-101500-ABCDEFG.json")
    assert not sync_copies.is_copy_of(diary, COPIES[0])


def test_find_lists_the_copies_beside_the_journal_and_only_files(tmp_path):
    """Copies are listed in name order; a folder with a copy's name is not one."""
    for name in [*COPIES[:3], *NOT_COPIES]:
        (tmp_path / name).write_text("{}")
    (tmp_path / COPIES[4]).mkdir()
    found = sync_copies.find(tmp_path / "journal.json")
    assert [path.name for path in found] == sorted(COPIES[:3])


def test_find_in_a_missing_folder_finds_nothing(tmp_path):
    """A journal whose folder does not exist yet has no copies."""
    assert sync_copies.find(tmp_path / "nowhere" / "journal.json") == []
