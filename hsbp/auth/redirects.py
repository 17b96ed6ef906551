"""Where a form may send someone back to: only a path on this site."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# Longer than any page of ours with its query string; a longer `next` is not one of ours.
NEXT_MAX = 2000


def _unprintable(text: str) -> bool:
    """Whitespace, control and format characters (tab, CR/LF, NUL, direction overrides,
    zero-width spaces...): browsers drop or fold some of them, so `/\t/host` can become
    `//host`, another site."""
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text)


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site (`/...`), else `default`.

    A crafted link must not bounce a person to another site after signing in: refused are
    a scheme or a host (`https://x`, `//x`), a backslash anywhere (browsers read `/\\x` as
    `//x`), whitespace and control characters raw or percent-encoded (`/%09/x`, CR/LF),
    a path that decodes to `//` (`/%2F%2Fx`), and anything overlong.
    """
    if not target or len(target) > NEXT_MAX:
        return default
    decoded = unquote(target)
    if "\\" in decoded or _unprintable(target) or _unprintable(decoded):
        return default
    if decoded.startswith("//"):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    return target
