"""Encryption at rest: a passphrase, scrypt, and AES-256-GCM. The only module that imports
cryptography, and it does so only inside the functions that encrypt or decrypt, so a plain
journal never pays for loading it (nor for hashlib, base64 and the rest: every command
loads this module to tell a plain journal from an encrypted one).

An encrypted file is an envelope that can be recognised without the passphrase:

    reflect-encrypted 1\n
    {"kdf": "scrypt", "n": 65536, "r": 8, "p": 1, "salt": "...", "check": "...",
     "cipher": "AES-256-GCM", "nonce": "..."}\n
    <ciphertext and 16-byte tag>

The first line names the format and its version; the second (one line of JSON) holds what
is needed to derive the key again and to check the passphrase. Both lines are
authenticated as associated data, so none of it can be changed unnoticed. scrypt gives 64
bytes: the first 32 are the AES key, and a SHA-256 of the other 32 is kept as "check", so a
wrong passphrase is told apart from a damaged file. The salt is chosen once per file (when
it is encrypted) and kept; the nonce is fresh on every write.
"""

from __future__ import annotations

import binascii
import json
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from reflect.base.errors import ReflectError
from reflect.base.files import open_ordinary

MAGIC = b"reflect-encrypted "
FORMAT = 1
CIPHER = "AES-256-GCM"
KDF = "scrypt"
# About 0.2 s and 64 MiB for one derivation on an ordinary laptop; derived once per process.
SCRYPT_N = 2**16
SCRYPT_R = 8
SCRYPT_P = 1
# What a file may ask for, so a hostile header cannot make reflect spend minutes or
# gigabytes (n * r * 128 bytes of memory: at most 1 GiB here).
MAX_N = 2**20
MAX_R = 16
MAX_P = 4
MIN_N = 2**10
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_LIMIT = 4096
MIN_PASSPHRASE = 8

PassphraseSource = Callable[[], str]


class CryptoError(ReflectError):
    """An encrypted file cannot be opened: wrong passphrase, damage, or no way to ask."""


class DamagedEnvelope(CryptoError):
    """The encrypted file is cut short or altered."""


class Envelope(NamedTuple):
    """The parts of an encrypted file."""

    version: int
    n: int
    r: int
    p: int
    salt: bytes
    check: bytes
    nonce: bytes
    header: bytes
    body: bytes

    @property
    def params(self) -> tuple[bytes, int, int, int]:
        return (self.salt, self.n, self.r, self.p)


def is_encrypted(raw: bytes) -> bool:
    """Whether these bytes are an encrypted envelope (no passphrase needed to tell)."""
    return raw.startswith(MAGIC)


def peek(path: Path) -> bytes | None:
    """The start of the file, enough to hold an envelope's header; None if it is missing."""
    try:
        fd = open_ordinary(path, "the file")
    except FileNotFoundError:
        return None
    try:
        with os.fdopen(fd, "rb") as stream:
            return stream.read(HEADER_LIMIT)
    except OSError as error:
        raise ReflectError(f"Cannot read {path}: {error.strerror or error}.") from None


def file_is_encrypted(path: Path) -> bool:
    start = peek(path)
    return start is not None and is_encrypted(start)


def read_envelope(raw: bytes, path: Path, what: str) -> Envelope:
    """Split an encrypted file into its header fields and body; damage is a clear error."""

    def damaged(problem: str) -> DamagedEnvelope:
        return DamagedEnvelope(f"The encrypted {what} {path} is damaged: {problem}. "
                               "It has not been changed.")

    first_end = raw.find(b"\n")
    if first_end < 0 or first_end > 64:
        raise damaged("its first line is cut short")
    version_text = raw[len(MAGIC):first_end]
    if not version_text.isdigit():
        raise damaged("its first line is not reflect's")
    version = int(version_text)
    if version > FORMAT:
        raise CryptoError(f"The {what} {path} was encrypted by a newer reflect (format "
                          f"{version}); update reflect to open it. It has not been changed.")
    second_end = raw.find(b"\n", first_end + 1)
    if second_end < 0 or second_end > HEADER_LIMIT:
        raise damaged("its header is cut short")
    header = raw[:second_end + 1]

    try:
        fields = json.loads(raw[first_end + 1:second_end])
        if not isinstance(fields, dict):
            raise ValueError("not an object")
        if fields.get("kdf") != KDF or fields.get("cipher") != CIPHER:
            raise damaged("it names a key derivation or cipher reflect does not use")
        n, r, p = (_integer(fields, name) for name in ("n", "r", "p"))
        salt, check, nonce = (_bytes(fields, name) for name in ("salt", "check", "nonce"))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise damaged("its header is not readable") from None
    if not (MIN_N <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
        raise damaged(f"it asks for scrypt settings reflect will not use (n={n}, r={r}, "
                      f"p={p})")
    if len(salt) < SALT_BYTES or len(check) != 32 or len(nonce) != NONCE_BYTES:
        raise damaged("its header has a salt, check or nonce of the wrong size")
    body = raw[second_end + 1:]
    if len(body) < TAG_BYTES:
        raise damaged("it is cut short")
    return Envelope(version, n, r, p, salt, check, nonce, header, body)


def _integer(fields: dict[str, Any], name: str) -> int:
    value = fields.get(name)
    if type(value) is not int:
        raise ValueError(name)
    return value


def _bytes(fields: dict[str, Any], name: str) -> bytes:
    value = fields.get(name)
    if not isinstance(value, str):
        raise ValueError(name)
    import base64  # deferred, as cryptography is: only an encrypted file has a header

    return base64.b64decode(value.encode("ascii"), validate=True)


def _b64(data: bytes) -> str:
    import base64  # deferred, as cryptography is: only an encrypted file has a header

    return base64.b64encode(data).decode("ascii")


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    """The AES key and the passphrase check for these settings."""

    # Deferred, hashlib too: with its OpenSSL it takes about 4 ms to load (-X importtime),
    # which every command would pay, though only an encrypted journal needs a key.
    import hashlib

    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    # surrogateescape: a passphrase that is not UTF-8 (REFLECT_PASSPHRASE set to other
    # bytes reaches Python as surrogates) is those bytes again; UTF-8 text is unchanged.
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogateescape")
    material = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(secret)
    return material[:32], hashlib.sha256(material[32:]).digest()


def _same(check: bytes, kept: bytes) -> bool:
    """Whether a passphrase's check is the one kept, compared in constant time."""
    import hmac  # deferred with hashlib (see _derive), which it loads

    return hmac.compare_digest(check, kept)


class Keyring:
    """Keys for the files of one journal, derived at most once per salt in this process.

    The passphrase is asked for only when an encrypted file is met, and once it has opened
    one, only once. Until then a wrong one is asked for again, up to `tries` times in all
    (a passphrase typed at a terminal; one given in the environment is the same each time,
    so it has one try)."""

    def __init__(self, passphrase: PassphraseSource | None = None, tries: int = 1) -> None:
        self._source = passphrase
        self._tries = max(1, tries)
        self._passphrase: str | None = None
        self._keys: dict[tuple[bytes, int, int, int], tuple[bytes, bytes]] = {}

    def _ask(self, path: Path, what: str) -> str:
        if self._passphrase is None:
            if self._source is None:
                raise CryptoError(f"The {what} {path} is encrypted, and there is no way to "
                                  "ask for its passphrase here.", exit_code=2)
            self._passphrase = self._source()
        return self._passphrase

    def _key(self, envelope: Envelope, path: Path, what: str) -> bytes:

        known = self._keys.get(envelope.params)
        if known is None:
            known = self._keys[envelope.params] = self._derived(envelope, path, what)
        elif not _same(known[1], envelope.check):
            raise DamagedEnvelope(f"The encrypted {what} {path} is damaged: its passphrase "
                                  "check was altered. It has not been changed.")
        return known[0]

    def _derived(self, envelope: Envelope, path: Path, what: str) -> tuple[bytes, bytes]:
        """The key and check for an envelope, from the passphrase (asked for again while
        it is wrong, up to `tries` times)."""

        for tried in range(1, self._tries + 1):
            derived = _derive(self._ask(path, what), *envelope.params)
            if _same(derived[1], envelope.check):
                return derived
            # A passphrase that opened another file is the person's: this file was locked
            # with another one, and asking again would not help.
            if self._keys or tried == self._tries:
                break
            self._passphrase = None
        raise CryptoError(f"That passphrase does not open the {what} {path}. "
                          "Nothing was changed.")

    def decrypt(self, raw: bytes, path: Path, what: str) -> bytes:
        """The plain bytes of an encrypted file; a wrong passphrase or damage is an error."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        envelope = read_envelope(raw, path, what)
        key = self._key(envelope, path, what)
        try:
            return AESGCM(key).decrypt(envelope.nonce, envelope.body, envelope.header)
        except InvalidTag:
            raise DamagedEnvelope(f"The encrypted {what} {path} is damaged: it was cut short "
                                  "or altered, so it cannot be decrypted. It has not been "
                                  "changed.") from None

    def knows(self, envelope: Envelope) -> bool:
        """Whether the key for this envelope is at hand, so opening it asks for nothing."""
        return envelope.params in self._keys

    def encrypt_like(self, plain: bytes, like: bytes, like_path: Path, like_what: str) -> bytes:
        """Encrypt with the salt and settings of another envelope (and a fresh nonce).

        `like` is that envelope (a whole file or its first bytes), from `like_path`."""
        envelope = _settings_of(like, like_path, like_what)
        key = self._key(envelope, like_path, like_what)
        return _seal(plain, key, envelope.salt, envelope.check, envelope.n, envelope.r,
                     envelope.p)

    def encrypt_new(self, plain: bytes, passphrase: str) -> bytes:
        """Encrypt with a new salt for this passphrase, and keep its key for later writes."""
        salt = os.urandom(SALT_BYTES)
        key, check = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self._keys[(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)] = (key, check)
        self._passphrase = passphrase
        return _seal(plain, key, salt, check, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def _settings_of(start: bytes, path: Path, what: str) -> Envelope:
    """An envelope's header, from a whole file or its first bytes (the body is not needed)."""
    second_end = start.find(b"\n", start.find(b"\n") + 1)
    if second_end < 0:
        return read_envelope(start, path, what)
    padded = start[:second_end + 1] + b"\0" * TAG_BYTES
    return read_envelope(padded, path, what)


def _seal(plain: bytes, key: bytes, salt: bytes, check: bytes, n: int, r: int,
          p: int) -> bytes:

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    fields = {"kdf": KDF, "n": n, "r": r, "p": p, "salt": _b64(salt), "check": _b64(check),
              "cipher": CIPHER, "nonce": _b64(nonce)}
    header = (MAGIC + str(FORMAT).encode("ascii") + b"\n"
              + json.dumps(fields, separators=(",", ":")).encode("ascii") + b"\n")
    return header + AESGCM(key).encrypt(nonce, plain, header)


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to be worth the name."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ReflectError(f"Please choose a passphrase of at least {MIN_PASSPHRASE} "
                           "characters; a few words together are easy to remember. "
                           "Nothing was changed.")
