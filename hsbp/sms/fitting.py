"""Making SMS content fit: a name or title cut at a word, a text clipped to one segment, and a
list sent in numbered parts of one segment each ("1/3 ...", "2/3 ...").

Texts here are already in the contact's language; nothing is looked up or translated.
"""

from __future__ import annotations

import re

from hsbp.sms.encoding import fits_one_segment, normalise

# How short a title or a name inside a list may become before the list is cut instead.
CONTENT_LIMITS = (80, 60, 48, 40, 32, 26, 20, 16, 12)
# "2/3 " before each part of a reply sent in several messages.
PART_PREFIX = "%(number)d/%(total)d "
ELLIPSIS = "..."


def short_name(name: str, limit: int) -> str:
    """A partnership's name in at most `limit` characters, cut at a word when it can be."""
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    cut = name[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" -,.;:(")


def fits(written: str) -> bool:
    """Whether a text goes, as sent (hsbp.sms.sending normalises it), in one segment."""
    return fits_one_segment(normalise(written))


def clip(content: str, limit: int) -> str:
    """Content (a title, a name) in at most `limit` characters and "...", cut at a word when
    it can be; whole when it is short enough."""
    content = " ".join(content.split())
    if len(content) <= limit:
        return content
    return short_name(content, limit - len(ELLIPSIS)) + ELLIPSIS


def cut_to_fit(written: str, *, room: int = 0) -> str:
    """`written`, cut with "..." so that it fits one segment with `room` characters to spare
    (a part's number); whole when it fits."""
    spare = "0" * room
    if fits(spare + written):
        return written
    low, high = 0, len(written)
    while low < high:  # the longest start that fits with the ellipsis
        middle = (low + high + 1) // 2
        if fits(spare + written[:middle].rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    return written[:low].rstrip() + ELLIPSIS


def fit(render, *, limits=CONTENT_LIMITS, room: int = 0) -> str:
    """The longest of `render(limit)` (content clipped to `limit`) that fits one segment
    with `room` to spare, else the shortest cut to fit."""
    written = ""
    for limit in limits:
        written = render(limit)
        if fits("0" * room + written):
            return written
    return cut_to_fit(written, room=room)


def numbered_parts(pieces: list[str], *, sep: str = " ", max_parts: int | None = None) -> list[str]:
    """`pieces` joined in one message when it fits one segment; else packed, in order, into
    numbered parts ("1/3 ...") of one segment each, a piece too long for a part going on in
    the next at a space. With `max_parts`, what does not fit in them is left out and the
    last part ends with "..."."""
    pieces = [piece for piece in pieces if piece]
    whole = sep.join(pieces)
    if fits(whole):
        return [whole]
    for room in (len(PART_PREFIX % {"number": 9, "total": 9}), len("99/99 ")):
        bodies = _pack(pieces, sep=sep, room=room)
        if len(bodies) < 10 or room > 4:
            break
    if max_parts is not None and len(bodies) > max_parts:
        bodies = bodies[:max_parts]
        # Whole with "..." when that fits, else cut inside the part (never inside the dots);
        # a sentence's full stop gives way to the dots.
        bodies[-1] = cut_to_fit(bodies[-1].rstrip(".") + ELLIPSIS, room=room)
    total = len(bodies)
    if total == 1:
        return bodies
    numbered = enumerate(bodies, start=1)
    return [PART_PREFIX % {"number": n, "total": total} + body for n, body in numbered]


def _pack(pieces: list[str], *, sep: str, room: int) -> list[str]:
    spare = "0" * room
    bodies: list[str] = []
    current = ""
    for piece in pieces:
        for chunk in _wrap(piece, room=room):
            joined = f"{current}{sep}{chunk}" if current else chunk
            if current and not fits(spare + joined):
                bodies.append(current)
                joined = chunk
            current = joined
    if current:
        bodies.append(current)
    return bodies


_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def _wrap(piece: str, *, room: int) -> list[str]:
    """`piece` in chunks that each fit a part: split between sentences, else at spaces (a
    word longer than a part, which no text of ours has, is cut)."""
    spare = "0" * room
    if fits(spare + piece):
        return [piece]
    units: list[str] = []
    for sentence in _SENTENCE_END.split(piece):
        units += [sentence] if fits(spare + sentence) else sentence.split(" ")
    chunks: list[str] = []
    current = ""
    for unit in units:
        joined = f"{current} {unit}" if current else unit
        if current and not fits(spare + joined):
            chunks.append(current)
            joined = unit
        current = joined if fits(spare + joined) else cut_to_fit(joined, room=room)
    if current:
        chunks.append(current)
    return chunks
