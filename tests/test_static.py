"""Static files and compression for slow networks: the stylesheet's URL names its content and
is cached for a year, and text responses are compressed only for clients that accept it."""

import gzip
import hashlib
import re
from pathlib import Path

from hsbp.static_files import FOREVER


def stylesheet_url(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_pages_link_the_stylesheet_by_a_digest_of_its_bytes(app, client):
    digest = hashlib.sha256((Path(app.static_folder) / "hsbp.css").read_bytes()).hexdigest()
    assert stylesheet_url(client) == f"/static/hsbp.css?v={digest[:12]}"


def test_versioned_stylesheet_is_cached_for_a_year(client):
    response = client.get(stylesheet_url(client))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == FOREVER == "public, max-age=31536000, immutable"
    assert response.mimetype == "text/css"


def test_stylesheet_without_or_with_an_old_version_is_revalidated(client):
    for url in ("/static/hsbp.css", "/static/hsbp.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"


def test_stylesheet_is_gzipped_when_the_browser_accepts_it(app, client):
    response = client.get(stylesheet_url(client), headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = (Path(app.static_folder) / "hsbp.css").read_bytes()
    assert gzip.decompress(response.get_data()) == plain
    assert len(response.get_data()) < len(plain) / 2


def test_page_is_gzipped_when_the_browser_accepts_it(client):
    plain = client.get("/login")
    squeezed = client.get("/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed.headers["Vary"]
    assert gzip.decompress(squeezed.get_data()) == plain.get_data()


def test_nothing_is_compressed_without_accept_encoding(client):
    for url in ("/login", stylesheet_url(client)):
        response = client.get(url)
        assert "Content-Encoding" not in response.headers
        assert response.get_data().lstrip().startswith((b"<!doctype html>", b"/*"))


def test_tiny_responses_are_not_compressed(client):
    # The favicon is a few hundred bytes: gzip would add more than it saves.
    response = client.get("/static/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
