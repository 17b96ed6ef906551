"""The backup archive's format: a tar.gz stream, optionally sealed with a passphrase.

An archive is one gzip-compressed tar stream (`.tar.gz`), or the same stream encrypted
(`.hsbp-enc`). Restore tells them apart by their first bytes, not by their name. Members, in
this order, each a regular file:

    database/postgresql.dump   pg_dump's custom format (PostgreSQL), or
    database/sqlite.db         a copy made with SQLite's online backup API
    files/<SETTING>/<path>     every file of a folder named by a setting (ACTION_UPLOAD_DIR,
                               any other *_UPLOAD_DIR, SMS_SPOOL_DIR), at its path inside it
    keys.json                  only when asked, and only in an encrypted archive:
                               {"HSBP_SECRET_KEY": "...", "HSBP_FIELD_KEY": "..."}
    manifest.json              last, so that it describes every member written before it

manifest.json, format_version 1:

    {"format": "hsbp-backup", "format_version": 1, "hsbp_version": "0.1.0",
     "created": "2026-01-05T03:15:00Z",
     "database": {"kind": "postgresql" | "sqlite", "schema_revision": "0027",
                  "row_counts": {"<table>": 12, ...},
                  "field_key_checks": ["<hex HMAC-SHA256 of a fixed text under each key
                                        that HSBP_FIELD_KEY lists>"]},
     "folders": {"<SETTING>": {"files": 3, "bytes": 5120}, ...},
     "keys": false,
     "members": {"<member name>": {"sha256": "<hex>", "bytes": 5120}, ...}}

field_key_checks tell a restore whether its HSBP_FIELD_KEY holds the keys the protected
data was encrypted with, and reveal nothing of them.

An encrypted archive, so that a multi-gigabyte archive streams in bounded memory and any
change, reordering or truncation of it is detected:

    magic    8 bytes   b"HSBPENC" followed by the byte 0x01
    length   4 bytes   big-endian length of the header
    header   UTF-8 JSON: {"format": "hsbp-backup-encrypted", "version": 1,
             "kdf": {"name": "scrypt", "n": 131072, "r": 8, "p": 1, "salt": "<base64, 16 B>"},
             "cipher": "AES-256-GCM", "chunk_bytes": 1048576, "nonce_prefix": "<base64, 7 B>"}
    chunks   the tar.gz stream cut into chunks of chunk_bytes; the last one, always present,
             holds 1 to chunk_bytes (0 only for an empty stream). Each is sealed with
             AES-256-GCM under key = scrypt(passphrase, salt, n, r, p, 32 bytes), nonce =
             nonce_prefix + chunk index (4 bytes, big-endian) + one byte (1 for the last chunk,
             else 0), associated data = magic + length + header, and stored as its ciphertext
             followed by its 16-byte tag.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import re
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "hsbp-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEYS = "keys.json"
DATABASE_MEMBERS = {"postgresql": "database/postgresql.dump", "sqlite": "database/sqlite.db"}
FILES_PREFIX = "files/"

MAGIC = b"HSBPENC\x01"
ENCRYPTED_FORMAT = "hsbp-backup-encrypted"
TAG_BYTES = 16
CHUNK_BYTES = 1024 * 1024
# scrypt at 2**17 x 8: 128 MiB and about half a second per guess on a server, so a stolen
# archive cannot be tried against a dictionary quickly.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
# What a reader accepts from a header, so a forged one cannot make it allocate gigabytes.
HEADER_MAX_BYTES = 4096
SCRYPT_N_RANGE = (2**14, 2**20)
CHUNK_RANGE = (4096, 16 * 1024 * 1024)
PASSPHRASE_MIN = 12
DAMAGED = "wrong passphrase or damaged archive"

_SETTING = re.compile(r"[A-Z][A-Z0-9_]*")


class BackupError(Exception):
    """A backup or restore cannot go on; the message is one line for the technician."""


def field_key_checks(field_keys: str) -> list[str]:
    """A check of each key HSBP_FIELD_KEY lists (comma-separated while keys are rotated)."""
    keys = [key.strip() for key in str(field_keys).split(",") if key.strip()]
    return [hmac.new(key.encode(), b"hsbp-backup key check", "sha256").hexdigest() for key in keys]


def read_passphrase(path: Path | None, environment: dict | None = None) -> bytes | None:
    """The passphrase from `path` (its first line) or HSBP_BACKUP_PASSPHRASE, or None."""
    if path is not None:
        try:
            text = Path(path).read_bytes()
        except OSError as error:
            raise BackupError(f"cannot read the passphrase file {path}: {error.strerror}") from None
        passphrase = text.splitlines()[0] if text.strip() else b""
        if not passphrase:
            raise BackupError(f"the passphrase file {path} is empty")
        return passphrase
    value = (os.environ if environment is None else environment).get("HSBP_BACKUP_PASSPHRASE")
    return value.encode() if value else None


def member_kind(name: str) -> tuple[str, str | None, str | None]:
    """("database" | "files" | "keys" | "manifest", setting, path inside the folder) of an
    archive member's name; BackupError for a name no archive of ours holds (an absolute path,
    "..", an unknown folder), so nothing is ever written outside the folders restored."""
    if name in DATABASE_MEMBERS.values():
        return "database", None, None
    if name == KEYS:
        return "keys", None, None
    if name == MANIFEST:
        return "manifest", None, None
    if name.startswith(FILES_PREFIX) and "\0" not in name:
        setting, _, inside = name[len(FILES_PREFIX) :].partition("/")
        parts = inside.split("/")
        if _SETTING.fullmatch(setting) and all(p not in ("", ".", "..") for p in parts):
            return "files", setting, inside
    raise BackupError(f"damaged archive: it holds an unexpected member {name[:200]!r}")


def _derive(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase)


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if final else 0)


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that seals what it is given, chunk by chunk, into `target`.
    close() seals the last chunk; without it the output is (detectably) truncated."""

    def __init__(self, target: BinaryIO, passphrase: bytes, *, scrypt: dict | None = None):
        super().__init__()
        params = dict(scrypt or SCRYPT)
        salt, self._prefix = os.urandom(16), os.urandom(7)
        header = {
            "format": ENCRYPTED_FORMAT,
            "version": 1,
            "kdf": {"name": "scrypt", **params, "salt": base64.b64encode(salt).decode()},
            "cipher": "AES-256-GCM",
            "chunk_bytes": CHUNK_BYTES,
            "nonce_prefix": base64.b64encode(self._prefix).decode(),
        }
        encoded = json.dumps(header).encode()
        self._aad = MAGIC + struct.pack(">I", len(encoded)) + encoded
        self._aead = AESGCM(_derive(passphrase, salt, params["n"], params["r"], params["p"]))
        self._target = target
        self._buffer = bytearray()
        self._index = 0
        target.write(self._aad)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        # Strictly more than a chunk: the last chunk is sealed as such only in close().
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), final=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        nonce = _nonce(self._prefix, self._index, final)
        self._target.write(self._aead.encrypt(nonce, chunk, self._aad))
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A read-only stream of what an EncryptingWriter sealed; BackupError(DAMAGED) as soon
    as a chunk fails its check, or at the end if the last chunk is missing."""

    def __init__(self, source: BinaryIO, passphrase: bytes):
        super().__init__()
        header, self._aad = _read_header(source)
        kdf = header["kdf"]
        key = _derive(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
        self._aead = AESGCM(key)
        self._prefix = base64.b64decode(header["nonce_prefix"])
        self._sealed_bytes = header["chunk_bytes"] + TAG_BYTES
        self._source = source
        self._index = 0
        self._plain = b""
        self._finished = False
        self._ahead = _read_exactly(source, self._sealed_bytes)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._plain and not self._finished:
            self._open_next()
        size = min(len(buffer), len(self._plain))
        buffer[:size] = self._plain[:size]
        self._plain = self._plain[size:]
        return size

    def _open_next(self) -> None:
        sealed = self._ahead
        self._ahead = _read_exactly(self._source, self._sealed_bytes)
        final = not self._ahead
        if len(sealed) < TAG_BYTES or (not final and len(sealed) != self._sealed_bytes):
            raise BackupError(DAMAGED)
        try:
            self._plain = self._aead.decrypt(
                _nonce(self._prefix, self._index, final), sealed, self._aad
            )
        except InvalidTag:
            raise BackupError(DAMAGED) from None
        self._index += 1
        self._finished = final

    def verify_to_end(self) -> None:
        """Read and check what is left, so a truncated or extended archive is refused."""
        while not self._finished:
            self._open_next()


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        piece = source.read(size - len(data))
        if not piece:
            break
        data += piece
    return bytes(data)


def _read_header(source: BinaryIO) -> tuple[dict, bytes]:
    start = _read_exactly(source, len(MAGIC) + 4)
    if len(start) != len(MAGIC) + 4:
        raise BackupError(DAMAGED)
    (length,) = struct.unpack(">I", start[len(MAGIC) :])
    if length > HEADER_MAX_BYTES:
        raise BackupError(DAMAGED)
    encoded = _read_exactly(source, length)
    try:
        header = json.loads(encoded)
        kdf = header["kdf"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        valid = (
            header["format"] == ENCRYPTED_FORMAT
            and kdf["name"] == "scrypt"
            and header["cipher"] == "AES-256-GCM"
            and SCRYPT_N_RANGE[0] <= n <= SCRYPT_N_RANGE[1]
            and n & (n - 1) == 0
            and 1 <= r <= 32
            and 1 <= p <= 16
            and CHUNK_RANGE[0] <= int(header["chunk_bytes"]) <= CHUNK_RANGE[1]
            and len(base64.b64decode(header["nonce_prefix"])) == 7
            and len(base64.b64decode(kdf["salt"])) >= 16
        )
    except (ValueError, KeyError, TypeError):
        raise BackupError(DAMAGED) from None
    if not valid:
        raise BackupError(DAMAGED)
    if header.get("version") != 1:
        raise BackupError("the archive's encryption is of a newer format: upgrade hsbp first")
    return header, start + encoded


def is_encrypted(path: Path) -> bool:
    """Whether the archive at `path` is sealed; BackupError if it is neither of our forms."""
    with open(path, "rb") as file:
        start = file.read(len(MAGIC))
    if start == MAGIC:
        return True
    if start[:2] == b"\x1f\x8b":
        return False
    raise BackupError(f"{path} is not an hsbp backup archive")


class HashingReader(io.RawIOBase):
    """Passes `source` through, counting and hashing what was read."""

    def __init__(self, source: BinaryIO):
        super().__init__()
        self._source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.sha256.update(data)
        self.size += size
        return size

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data
