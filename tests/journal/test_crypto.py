"""Encryption at rest: a recognisable envelope, scrypt and AES-256-GCM, a fresh nonce on every
write, one key derivation per process, and clear refusals of a wrong passphrase or damage."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from reflect.journal import crypto
from reflect.journal.crypto import CryptoError, DamagedEnvelope, Keyring

PASSPHRASE = "correct horse battery staple"
PLAIN = b'{"entries":{"1":{"what":"They said not tonight \\ud83d\\ude42"}}}'
WHERE = Path("/nowhere/journal.json")


def header_of(raw: bytes) -> dict:
    return json.loads(raw.split(b"\n")[1])


@pytest.fixture
def sealed(fast_scrypt) -> bytes:
    return Keyring().encrypt_new(PLAIN, PASSPHRASE)


def test_an_envelope_is_recognised_without_the_passphrase(sealed):
    """The first line names the format; the header names scrypt's settings and the cipher."""
    assert crypto.is_encrypted(sealed)
    assert not crypto.is_encrypted(PLAIN)
    assert sealed.startswith(b"reflect-encrypted 1\n")
    header = header_of(sealed)
    assert header["kdf"] == "scrypt"
    assert header["cipher"] == "AES-256-GCM"
    assert (header["n"], header["r"], header["p"]) == (crypto.MIN_N, 8, 1)
    assert len(base64.b64decode(header["salt"])) == 16
    assert len(base64.b64decode(header["nonce"])) == 12
    assert b"tonight" not in sealed


def test_it_decrypts_to_exactly_what_was_written(sealed):
    """A round trip gives back the same bytes."""
    assert Keyring(lambda: PASSPHRASE).decrypt(sealed, WHERE, "journal") == PLAIN


def test_every_write_has_a_fresh_nonce_and_keeps_the_salt(sealed):
    """Writing again keeps the file's salt and settings and never reuses a nonce."""
    keyring = Keyring(lambda: PASSPHRASE)
    writes = [keyring.encrypt_like(PLAIN, sealed, WHERE, "journal") for _ in range(20)]
    assert len({header_of(w)["nonce"] for w in [sealed, *writes]}) == 21
    assert {header_of(w)["salt"] for w in writes} == {header_of(sealed)["salt"]}
    assert all(keyring.decrypt(w, WHERE, "journal") == PLAIN for w in writes)


def test_each_new_file_gets_its_own_salt(fast_scrypt):
    """Encrypting twice with the same passphrase gives different salts and ciphertexts."""
    first = Keyring().encrypt_new(PLAIN, PASSPHRASE)
    second = Keyring().encrypt_new(PLAIN, PASSPHRASE)
    assert header_of(first)["salt"] != header_of(second)["salt"]


def test_the_key_is_derived_once_and_the_passphrase_asked_once(sealed, monkeypatch):
    """However many reads and writes, one question and one scrypt run per keyring."""
    asked, derived = [], []
    real = crypto._derive

    def counting(*args):
        derived.append(args[1])
        return real(*args)

    monkeypatch.setattr(crypto, "_derive", counting)
    keyring = Keyring(lambda: asked.append(1) or PASSPHRASE)
    raw = sealed
    for _ in range(5):
        raw = keyring.encrypt_like(keyring.decrypt(raw, WHERE, "journal"), raw, WHERE,
                                   "journal")
    assert (len(asked), len(derived)) == (1, 1)


def test_a_wrong_passphrase_is_told_apart_from_damage(sealed):
    """A wrong passphrase says so (exit 1); it is not called damage."""
    with pytest.raises(CryptoError) as caught:
        Keyring(lambda: "not the passphrase").decrypt(sealed, WHERE, "journal")
    assert not isinstance(caught.value, DamagedEnvelope)
    assert caught.value.message == (f"That passphrase does not open the journal {WHERE}. "
                                    "Nothing was changed.")
    assert caught.value.exit_code == 1


def test_a_wrong_passphrase_is_asked_again_up_to_the_tries_given(sealed):
    """With three tries, two wrong passphrases then the right one open the file."""
    typed = iter(["wrong once", "wrong twice", PASSPHRASE])
    asked: list[str] = []
    keyring = Keyring(lambda: asked.append("?") or next(typed), tries=3)
    assert keyring.decrypt(sealed, WHERE, "journal") == PLAIN
    assert len(asked) == 3


@pytest.mark.parametrize("tries", [1, 3])
def test_after_the_last_try_a_wrong_passphrase_is_refused(sealed, tries):
    """Each try is asked for, and after the last the refusal says so."""
    asked: list[str] = []
    keyring = Keyring(lambda: asked.append("?") or "never right", tries=tries)
    with pytest.raises(CryptoError, match="That passphrase does not open"):
        keyring.decrypt(sealed, WHERE, "journal")
    assert len(asked) == tries


def test_a_passphrase_that_opened_one_file_is_not_asked_again_for_another(sealed):
    """A file locked with another passphrase than the one that already opened the journal
    is refused at once: asking again would not help."""
    other = Keyring().encrypt_new(PLAIN, "another passphrase entirely")
    asked: list[str] = []
    keyring = Keyring(lambda: asked.append("?") or PASSPHRASE, tries=3)
    keyring.decrypt(sealed, WHERE, "journal")
    with pytest.raises(CryptoError, match="That passphrase does not open the backup"):
        keyring.decrypt(other, WHERE, "backup")
    assert len(asked) == 1


def test_no_way_to_ask_is_exit_2(sealed):
    """Without a passphrase source, opening an encrypted file says why, with exit 2."""
    with pytest.raises(CryptoError, match="no way to ask") as caught:
        Keyring().decrypt(sealed, WHERE, "journal")
    assert caught.value.exit_code == 2


def test_the_passphrase_is_read_the_same_however_it_was_typed(fast_scrypt):
    """An accented passphrase opens the file whether typed composed or decomposed."""
    composed = unicodedata.normalize("NFC", "café au lait, s'il vous plaît")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    sealed = Keyring().encrypt_new(PLAIN, composed)
    assert Keyring(lambda: decomposed).decrypt(sealed, WHERE, "journal") == PLAIN


def test_every_cut_is_refused_as_damage(sealed):
    """The file cut short at any byte is refused as damaged, never half read."""
    keyring = Keyring(lambda: PASSPHRASE)
    keyring.decrypt(sealed, WHERE, "journal")
    for length in range(len(sealed)):
        with pytest.raises(CryptoError):
            keyring.decrypt(sealed[:length], WHERE, "journal")


def test_every_altered_byte_is_refused(sealed):
    """Any single byte changed, in the header or the ciphertext, is refused."""
    keyring = Keyring(lambda: PASSPHRASE)
    for index in range(len(sealed)):
        altered = bytearray(sealed)
        altered[index] ^= 0x01
        with pytest.raises(CryptoError):
            keyring.decrypt(bytes(altered), WHERE, "journal")


def hostile(sealed: bytes, **changes) -> bytes:
    first, header, body = sealed.split(b"\n", 2)
    fields = json.loads(header)
    fields.update(changes)
    return first + b"\n" + json.dumps(fields).encode() + b"\n" + body


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"n": 2**30}, "scrypt settings reflect will not use"),
        ({"n": 1000}, "scrypt settings reflect will not use"),
        ({"r": 4096}, "scrypt settings reflect will not use"),
        ({"p": 0}, "scrypt settings reflect will not use"),
        ({"n": "65536"}, "header is not readable"),
        ({"kdf": "pbkdf2"}, "key derivation or cipher"),
        ({"cipher": "ChaCha20"}, "key derivation or cipher"),
        ({"salt": "***"}, "header is not readable"),
        ({"salt": ""}, "wrong size"),
        ({"nonce": base64.b64encode(b"short").decode()}, "wrong size"),
    ],
)
def test_a_hostile_header_is_refused_before_any_work(sealed, change, problem, monkeypatch):
    """Settings that would cost minutes or gigabytes, or make no sense, are refused at once."""
    monkeypatch.setattr(crypto, "_derive", lambda *a: pytest.fail("derived a key"))
    with pytest.raises(DamagedEnvelope, match=problem):
        Keyring(lambda: PASSPHRASE).decrypt(hostile(sealed, **change), WHERE, "journal")


def test_a_newer_format_asks_for_a_newer_reflect(sealed):
    """An envelope of a later format is not guessed at: update reflect."""
    newer = sealed.replace(b"reflect-encrypted 1\n", b"reflect-encrypted 2\n", 1)
    with pytest.raises(CryptoError, match="newer reflect"):
        Keyring(lambda: PASSPHRASE).decrypt(newer, WHERE, "journal")


def test_the_real_settings_take_a_fraction_of_a_second():
    """scrypt n=2^16, r=8, p=1 (64 MiB): one derivation, timed for the record."""
    assert (crypto.SCRYPT_N, crypto.SCRYPT_R, crypto.SCRYPT_P) == (2**16, 8, 1)
    began = time.perf_counter()
    sealed = Keyring().encrypt_new(PLAIN, PASSPHRASE)
    took = time.perf_counter() - began
    print(f"\n[crypto] scrypt n=2^16 r=8 p=1: one derivation and encryption {took:.3f} s")
    assert took < 3.0
    assert header_of(sealed)["n"] == 2**16


def test_cryptography_is_loaded_only_for_an_encrypted_journal(reflect_home, shipped_packs,
                                                               tmp_path):
    """Saving to and reading a plain journal, and `where`, never import cryptography."""
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys, uuid\n"
        "from pathlib import Path\n"
        "from typer.testing import CliRunner\n"
        "from reflect.cli import app\n"
        "from reflect.journal.entry import now\n"
        "from reflect.journal.store import Journal\n"
        "from reflect.packs.load import discover\n"
        "pack = [p for p in discover(None)[0] if p.id == 'hearing-no-quick'][0]\n"
        "journal = Journal(Path(sys.argv[1]))\n"
        "journal.add(pack, {'what_happened': 'x', 'intensity': 1, 'need': ['fun'],\n"
        "                   'reframe': 'one-moment'}, str(uuid.uuid4()), now())\n"
        "journal.entries()\n"
        "assert CliRunner().invoke(app, ['where']).exit_code == 0\n"
        "print('cryptography' in ' '.join(sys.modules))\n"
    )
    env = dict(os.environ, REFLECT_HOME=str(reflect_home))
    result = subprocess.run([sys.executable, str(script), str(reflect_home / "journal.json")],
                            capture_output=True, text=True, env=env, timeout=60, check=True)
    assert result.stdout.strip() == "False"
