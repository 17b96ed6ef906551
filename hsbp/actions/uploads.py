"""Files kept as evidence: where they live, which types are accepted (judged by content),
how they are copied in with a size cap, and how they follow their rows' transactions.

A file is written before its row: streamed to a temporary name with a size cap, checked by
its first bytes (and, for Office and OpenDocument files, by the zip's own type entry), then
renamed to a random name. If the transaction that holds its row does not commit, the file
is removed; a file removed with its row is deleted only once that removal is committed, so
a rolled-back request never leaves a row without its file.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from babel.units import format_unit
from flask import abort, current_app, send_file
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from hsbp.errors import ServiceError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A download cannot run anything, load anything or be framed, whatever it holds.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
FILENAME_MAX = 255
CHUNK = 64 * 1024

_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
# Accepted content types: the extensions a download may carry and a short name to show.
TYPES = {
    "application/pdf": ((".pdf",), "PDF"),
    "image/jpeg": ((".jpg", ".jpeg"), "JPEG"),
    "image/png": ((".png",), "PNG"),
    "image/webp": ((".webp",), "WebP"),
    "image/gif": ((".gif",), "GIF"),
    "text/plain": ((".txt", ".text", ".md", ".log", ".tsv"), "TXT"),
    "text/csv": ((".csv",), "CSV"),
    _OOXML + "wordprocessingml.document": ((".docx",), "DOCX"),
    _OOXML + "spreadsheetml.sheet": ((".xlsx",), "XLSX"),
    _OOXML + "presentationml.presentation": ((".pptx",), "PPTX"),
    _ODF + "text": ((".odt",), "ODT"),
    _ODF + "spreadsheet": ((".ods",), "ODS"),
    _ODF + "presentation": ((".odp",), "ODP"),
}
# Images are shown in the browser; every other type is downloaded (a PDF viewer would not
# run under the sandbox the downloads are served with).
INLINE = ("image/jpeg", "image/png", "image/webp", "image/gif")
# For the file input's `accept`: a hint to the browser's file picker, not a check.
ACCEPT = ",".join(ext for exts, _name in TYPES.values() for ext in exts)

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
# The main part of an Office Open XML package, as its [Content_Types].xml names it. Macro
# enabled documents and templates have other names, so they are refused.
_OOXML_MAIN = {
    b"wordprocessingml.document.main+xml": _OOXML + "wordprocessingml.document",
    b"spreadsheetml.sheet.main+xml": _OOXML + "spreadsheetml.sheet",
    b"presentationml.presentation.main+xml": _OOXML + "presentationml.presentation",
}
# Text that opens like markup (HTML, SVG, XML) is refused, though it would be served as
# plain text: evidence is documents and data, and a page in disguise has no place there.
_MARKUP = ("<!doctype", "<html", "<script", "<svg", "<?xml", "<iframe", "<body")
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}

TYPE_REFUSED = _l(
    "This type of file is not accepted. Evidence can be a PDF, an image (JPEG, PNG, WebP, "
    "GIF), plain text or CSV in UTF-8, or a Word, Excel, PowerPoint or OpenDocument file "
    "without macros."
)


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    path: Path
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    """The largest file accepted: ACTION_UPLOAD_MAX_BYTES, and never more than a request may
    carry (MAX_CONTENT_LENGTH), so the limit people are told is the one that holds."""
    limit = int(current_app.config.get("ACTION_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, int(request_limit)) if request_limit else limit


def file_size(size: int) -> str:
    """A size for people to read, in the reader's language: "340.2 kB", "1,5 MB"."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), "digital-megabyte"
    else:
        value, unit = max(size / 1024, 0.1), "digital-kilobyte"
    return format_unit(value, unit, length="short", locale=get_locale(), format="#,##0.#")


def accepted_text() -> str:
    return str(
        _l(
            "PDF, images, text, CSV, Word, Excel, PowerPoint or OpenDocument files, up to "
            "%(size)s.",
            size=file_size(max_bytes()),
        )
    )


def too_large_message() -> str:
    return str(
        _l(
            "The file is larger than %(size)s, the limit for evidence. Make it smaller, or "
            "add a link to where it is kept.",
            size=file_size(max_bytes()),
        )
    )


def type_name(content_type: str) -> str:
    return TYPES.get(content_type, ((), ""))[1]


def storage_dir(partnership_id: int) -> Path:
    """Where a partnership's files are kept: the instance folder, never the static one."""
    root = current_app.config.get("ACTION_UPLOAD_DIR") or Path(
        current_app.instance_path, "uploads", "actions"
    )
    return Path(root, str(int(partnership_id)))


def path_of(partnership_id: int, stored_name: str) -> Path:
    if not _STORED_NAME.fullmatch(stored_name or ""):
        raise FileNotFoundError(stored_name)
    return storage_dir(partnership_id) / stored_name


def clean_filename(name: str) -> str:
    """The uploaded name, kept only for display and downloads: its last path part, without
    control or direction-changing characters (which can disguise "exe.pdf"), at most 255."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch
        for ch in name
        if ch not in _BIDI_CONTROLS and unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
    )
    name = name.strip().lstrip(".")
    if len(name) > FILENAME_MAX:
        suffix = Path(name).suffix[:16]
        name = name[: FILENAME_MAX - len(suffix)] + suffix
    return name or "file"


def download_name(filename: str, content_type: str) -> str:
    """The name a download is saved under: as uploaded, with the extension of what the file
    really is, so "photo.exe" holding a JPEG is saved as "photo.exe.jpg"."""
    extensions = TYPES.get(content_type, ((".bin",), ""))[0]
    return filename if Path(filename).suffix.lower() in extensions else filename + extensions[0]


def store(session: Session, *, partnership_id: int, filename: str, stream: BinaryIO) -> StoredFile:
    """Copy an upload into the partnership's folder under a random name, if it is of an
    accepted type and within the size limit; else raise ServiceError (field "file") and
    leave nothing behind. The file is deleted again if `session`'s transaction does not
    commit."""
    folder = storage_dir(partnership_id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    temporary, path = folder / f".{stored_name}.part", folder / stored_name
    try:
        size, digest, text = _copy(stream, temporary, max_bytes())
        content_type = _sniff(temporary, text)
        if content_type is None:
            raise ServiceError(TYPE_REFUSED, field="file")
        if content_type == "text/plain" and Path(filename).suffix.lower() == ".csv":
            content_type = "text/csv"
        _pending(session)["added"].append(path)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return StoredFile(stored_name, path, content_type, size, digest)


def delete_after_commit(session: Session, path: Path) -> None:
    _pending(session)["removed"].append(path)


def _copy(stream: BinaryIO, target: Path, limit: int) -> tuple[int, str, bool]:
    """Copy at most `limit` bytes of `stream` to `target`; the size, sha256 and whether the
    whole file is UTF-8 text without NUL. Raises ServiceError past the limit or if empty."""
    digest, size = hashlib.sha256(), 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    text = True
    # Evidence may show people (a photo of a meeting): readable by the app's user only.
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ServiceError(too_large_message(), field="file")
            digest.update(chunk)
            if text:
                text = b"\0" not in chunk and _decodes(decoder, chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if size == 0:
        raise ServiceError(_l("The file is empty."), field="file")
    return size, digest.hexdigest(), text and _decodes(decoder, b"", final=True)


def _decodes(decoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _sniff(path: Path, text: bool) -> str | None:
    """The content type of the file at `path`, judged by its content, or None if refused."""
    with open(path, "rb") as f:
        head = f.read(1024)
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    if text:
        start = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
        if start.startswith("<") or any(tag in start for tag in _MARKUP):
            return None
        return "text/plain"
    return None


def _zip_type(path: Path) -> str | None:
    """An Office Open XML or OpenDocument type by the zip's own type entry; None for any
    other zip, and for documents that carry macros. Nothing is extracted."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            lower = [name.lower() for name in names]
            if any(name.endswith("vbaproject.bin") for name in lower):
                return None
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    types = part.read(256 * 1024)
                found = {t for key, t in _OOXML_MAIN.items() if key in types}
                return found.pop() if len(found) == 1 and b"macroEnabled" not in types else None
            if names[:1] == ["mimetype"]:
                if any(name.startswith(("basic/", "scripts/")) for name in lower):
                    return None
                with archive.open("mimetype") as part:
                    mimetype = part.read(100).decode("ascii", "replace").strip()
                return mimetype if mimetype.startswith(_ODF) and mimetype in TYPES else None
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError, ValueError):
        return None
    return None


# Files follow their rows: an added one is kept only if its row commits; a removed one is
# deleted only when its row's removal commits. Listeners sit on the one session concerned.

_PENDING = "hsbp.evidence_files"


def _pending(session: Session) -> dict[str, list[Path]]:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = {"added": [], "removed": []}
        if not event.contains(session, "after_commit", _committed):
            event.listen(session, "after_commit", _committed)
            event.listen(session, "after_transaction_end", _ended)
    return pending


def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None) or {"removed": []}
    for path in pending["removed"]:
        _unlink(path)


def _ended(session: Session, transaction) -> None:
    # Also reached after a commit, once _committed has taken the list away.
    if transaction.parent is not None:
        return
    pending = session.info.pop(_PENDING, None) or {"added": []}
    for path in pending["added"]:
        _unlink(path)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        # An orphan file is harmless (no row points to it); say so and carry on.
        log.warning("could not delete evidence file %s", path, exc_info=True)


def download_response(
    *,
    partnership_id: int,
    stored_name: str,
    filename: str,
    content_type: str,
    etag: str,
    last_modified,
    fallback: str,
):
    """A stored file sent back: inline for the types a browser shows safely, else as an
    attachment under the name it was uploaded with; 404 when it is gone. `fallback` names it
    for clients that cannot read a non-ASCII name."""
    try:
        path = path_of(partnership_id, stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    # Werkzeug adds "; charset=utf-8" to text types, which is what was checked on upload.
    response = send_file(
        path, mimetype=content_type, conditional=True, etag=etag, last_modified=last_modified
    )
    kind = "inline" if content_type in INLINE else "attachment"
    response.headers["Content-Disposition"] = _disposition(kind, filename, content_type, fallback)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _disposition(kind: str, filename: str, content_type: str, fallback: str) -> str:
    """RFC 6266: an ASCII name for old clients, and the name as uploaded in filename*."""
    name = download_name(filename, content_type)
    suffix = Path(name).suffix
    # "año.pdf" falls back to "ano.pdf"; a name in another script would lose all but its
    # extension, so it falls back to `fallback` instead.
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    ascii_name = secure_filename(name) if folded.isascii() else ""
    if not ascii_name.lower().endswith(suffix.lower()) or ascii_name == suffix[1:]:
        ascii_name = f"{fallback}{suffix}"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
