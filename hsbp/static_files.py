"""Static files and text responses for slow networks: versioned static URLs cached for a year,
and HTML, CSS, JavaScript and SVG compressed for clients that accept it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request
from flask.wrappers import Response
from flask_compress import Compress

# For a URL that names the file's content: a new file gets a new URL, so it never goes stale.
FOREVER = "public, max-age=31536000, immutable"

# Brotli and zstd where the browser offers them (HTTPS), gzip for every other one; deflate is
# left out because some clients mistake its framing.
COMPRESS_SETTINGS = {
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
    # Static files are sent as streams: without gzip here a plain-HTTP client, or an older
    # phone's browser, would get the stylesheet uncompressed.
    "COMPRESS_ALGORITHM_STREAMING": ["zstd", "br", "gzip"],
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ],
    "COMPRESS_MIN_SIZE": 500,
}


def content_version(path: Path) -> str:
    """A short digest of the file's bytes: its version in the URL."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


class StaticVersions:
    """Each static file's version, computed once at start; while developing (`watch`), again
    whenever the file changes, so an edited stylesheet is not hidden behind a cached one."""

    def __init__(self, folder: str | Path, *, watch: bool = False) -> None:
        self.folder = Path(folder).resolve()
        self.watch = watch
        self._known: dict[str, tuple[float, str]] = {}
        if self.folder.is_dir():
            for path in self.folder.rglob("*"):
                if path.is_file():
                    self._remember(path.relative_to(self.folder).as_posix(), path)

    def _remember(self, name: str, path: Path) -> str:
        self._known[name] = (path.stat().st_mtime, content_version(path))
        return self._known[name][1]

    def of(self, filename: str) -> str | None:
        known = self._known.get(filename)
        if not self.watch:
            return known[1] if known else None
        path = (self.folder / filename).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        if known and known[0] == path.stat().st_mtime:
            return known[1]
        return self._remember(filename, path)


def init_app(app: Flask) -> None:
    for key, value in COMPRESS_SETTINGS.items():
        app.config.setdefault(key, value)
    Compress(app)
    if app.static_folder:
        _version_static_urls(app, StaticVersions(app.static_folder, watch=app.debug))


def _version_static_urls(app: Flask, versions: StaticVersions) -> None:
    @app.url_defaults
    def _versioned_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = versions.of(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def _cache_versioned(response: Response) -> Response:
        # Only the current version is kept for a year: a page cached from before a deploy
        # that asks for an old version gets today's file, revalidated as usual.
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args["v"] == versions.of(filename):
                response.headers["Cache-Control"] = FOREVER
        return response
