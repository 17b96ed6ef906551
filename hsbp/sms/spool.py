"""A local, append-only spool for inbound messages that arrive while the database is down.

Each message is one file, encrypted with the field key (it holds a phone number and what the
person wrote), readable by the app's user only, written to a temporary name and renamed, so
a crash never leaves half a message. Once the database answers again the spool is drained in
arrival order; the unique MessageSid makes a message spooled twice count once. Plain JSON
files left by versions before the encryption are drained too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app

from hsbp.db import field_cipher

log = logging.getLogger("hsbp.sms")
SEALED = ".sealed"
PLAIN = ".json"  # written by older versions, unencrypted
UNREADABLE = ".unreadable"


def spool_dir(app: Flask | None = None) -> Path:
    return Path((app or current_app).config["SMS_SPOOL_DIR"])


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # another user's folder: leave it as it is
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)


def write(params: dict, app: Flask | None = None) -> Path:
    """Keep a posted message on disk until the database takes it.

    Side effects: one encrypted file (0600) in the spool folder (0700); a log line that
    names the file, never the sender or the text.
    """
    app = app or current_app._get_current_object()
    folder = spool_dir(app)
    _private_folder(folder)
    sealed = field_cipher(app).encrypt_bytes(json.dumps(params).encode())
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    temporary = folder / f".{name}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(sealed)
        file.flush()
        os.fsync(file.fileno())
    final = folder / f"{name}{SEALED}"
    temporary.rename(final)
    log.warning("database unreachable: an inbound message waits in the spool as %s", final.name)
    return final


def pending(app: Flask | None = None) -> list[Path]:
    """The spooled messages, oldest first (file names start with the arrival time)."""
    folder = spool_dir(app)
    if not folder.is_dir():
        return []
    found = [*folder.glob(f"*{SEALED}"), *folder.glob(f"*{PLAIN}")]
    return sorted(found, key=lambda path: path.name)


def read(path: Path, app: Flask | None = None) -> dict:
    """The posted fields of a spooled message.

    A file that cannot be read (another field key, a damaged file) is renamed `*.unreadable`
    and reported as gone (FileNotFoundError, as for a file another router drained first), so
    it never holds up the messages after it; the log says so, without its content.
    """
    if path.suffix == PLAIN:
        return json.loads(path.read_text(encoding="utf-8"))
    data = path.read_bytes()
    try:
        return json.loads(field_cipher(app or current_app).decrypt_bytes(data))
    except ValueError:
        path.rename(path.with_suffix(UNREADABLE))
        log.error("SMS spool: %s cannot be read with this HSBP_FIELD_KEY, set aside", path.name)
        raise FileNotFoundError(path) from None


def received_at(path: Path) -> datetime:
    """When the spooled message arrived (its file name starts with the time in ns), so it
    takes its place among the messages stored since."""
    return datetime.fromtimestamp(int(path.name.split("-")[0]) / 1e9, UTC)
