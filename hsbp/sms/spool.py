"""A local, append-only spool for inbound messages that arrive while the database is down.

Each message is one JSON file, written to a temporary name and renamed, so a crash never
leaves half a message. Once the database answers again the spool is drained in arrival
order; the unique MessageSid makes a message spooled twice count once.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app

log = logging.getLogger("hsbp.sms")


def spool_dir(app: Flask | None = None) -> Path:
    return Path((app or current_app).config["SMS_SPOOL_DIR"])


def write(params: dict, app: Flask | None = None) -> Path:
    folder = spool_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    temporary = folder / f".{name}.tmp"
    with temporary.open("w", encoding="utf-8") as f:
        json.dump(params, f)
        f.flush()
        os.fsync(f.fileno())
    final = folder / f"{name}.json"
    temporary.rename(final)
    log.warning("database unreachable: message %s spooled", params.get("MessageSid"))
    return final


def pending(app: Flask | None = None) -> list[Path]:
    folder = spool_dir(app)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"))


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def received_at(path: Path) -> datetime:
    """When the spooled message arrived (its file name starts with the time in ns), so it
    takes its place among the messages stored since."""
    return datetime.fromtimestamp(int(path.name.split("-")[0]) / 1e9, UTC)
