"""The context assessment's JSON document (hsbp.risks.context_models): its empty shape,
cleaning what the editor or a script sends, and comparing two versions item by item.

Every item carries a stable `key` (uuid hex) kept when a draft copies the validated version,
so two versions compare item by item whatever their order. Texts the partners read (a threat,
a divider, a connector, an actor's role, a trend) are {locale: text} dicts in the
partnership's languages, as the charter's are; places and free names are plain strings.
A mapped actor is kept by `participant_id` only, never by name: who it is shows through the
register, a pseudonym for a protected person.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from hsbp.errors import ServiceError
from hsbp.human_security import Dimension

SECTIONS = ("threats", "dividers", "connectors", "actors", "trends")
# The fields of each section's items that hold {locale: text} dicts.
TEXT_FIELDS = {
    "threats": ("text",),
    "dividers": ("text",),
    "connectors": ("text",),
    "actors": ("role",),
    "trends": ("text",),
}
TEXT_MAX = 5000
SHORT_MAX = 200
MAX_ROWS = 100

_KEY = re.compile(r"[0-9a-f]{32}")
_SPACES = re.compile(r"\s+")


def empty_content() -> dict:
    return {section: [] for section in SECTIONS}


def item_count(content: dict | None) -> int:
    return sum(len((content or {}).get(section) or []) for section in SECTIONS)


def participant_ids(content: dict | None) -> set[int]:
    """The mapped participants a stored document names as key actors."""
    return {
        actor["participant_id"]
        for actor in (content or {}).get("actors") or []
        if isinstance(actor.get("participant_id"), int)
    }


def normalise(raw: dict, *, locales: list[str], known_participants: set[int]) -> dict:
    """A clean document from `raw` (what the editor or a script sends, same shape).

    Texts are stripped and kept only in the partnership's `locales`; rows that are blank or
    marked `remove` are dropped; a missing or repeated key gets a new one. An actor's
    `participant_id` must be one of `known_participants` (the partnership's).
    Raises ServiceError whose `field` is the editor's field name (`threats-2-dimension`).
    """
    for section in SECTIONS:
        rows = raw.get(section) or []
        if not isinstance(rows, list) or len(rows) > MAX_ROWS:
            raise ServiceError(
                _l("At most %(count)d items in each part.", count=MAX_ROWS), field=section
            )
    return {
        "threats": _threats(raw.get("threats") or [], locales),
        "dividers": _plain_items(raw.get("dividers") or [], locales, "dividers"),
        "connectors": _plain_items(raw.get("connectors") or [], locales, "connectors"),
        "actors": _actors(raw.get("actors") or [], locales, known_participants),
        "trends": _trends(raw.get("trends") or [], locales),
    }


def _texts(values, locales: list[str], field: str) -> dict:
    out = {}
    values = values if isinstance(values, dict) else {}
    for code in locales:
        text = str(values.get(code) or "").replace("\r\n", "\n").strip()
        if len(text) > TEXT_MAX:
            raise ServiceError(
                _l("Keep this text under %(count)d characters.", count=TEXT_MAX),
                field=f"{field}-{code}",
            )
        if text:
            out[code] = text
    return out


def _short(value, field: str) -> str:
    text = _SPACES.sub(" ", str(value or "")).strip()
    if len(text) > SHORT_MAX:
        raise ServiceError(
            _l("Keep this under %(count)d characters.", count=SHORT_MAX), field=field
        )
    return text


def _key(value, used: set[str]) -> str:
    key = value if isinstance(value, str) and _KEY.fullmatch(value) and value not in used else None
    key = key or uuid.uuid4().hex
    used.add(key)
    return key


def _rows(rows: list):
    """(index, row) of the rows that are dicts not marked `remove`."""
    for index, row in enumerate(rows):
        if isinstance(row, dict) and not row.get("remove"):
            yield index, row


def _threats(rows: list, locales: list[str]) -> list:
    out, used = [], set()
    for index, row in _rows(rows):
        field = f"threats-{index}"
        text = _texts(row.get("text"), locales, f"{field}-text")
        locality = _short(row.get("locality"), f"{field}-locality")
        dimension = str(row.get("dimension") or "")
        if not (text or locality or dimension):
            continue
        if dimension not in set(Dimension):
            raise ServiceError(
                _l("Choose the human-security dimension this threat touches."),
                field=f"{field}-dimension",
            )
        if not text:
            raise ServiceError(_l("Describe this threat."), field=f"{field}-text-{locales[0]}")
        out.append(
            {
                "key": _key(row.get("key"), used),
                "dimension": dimension,
                "locality": locality,
                "text": text,
            }
        )
    return out


def _plain_items(rows: list, locales: list[str], section: str) -> list:
    message = {
        "dividers": _l("Describe what divides people here."),
        "connectors": _l("Describe what connects people here."),
    }[section]
    out, used = [], set()
    for index, row in _rows(rows):
        field = f"{section}-{index}"
        text = _texts(row.get("text"), locales, f"{field}-text")
        locality = _short(row.get("locality"), f"{field}-locality")
        if not (text or locality):
            continue
        if not text:
            raise ServiceError(message, field=f"{field}-text-{locales[0]}")
        out.append({"key": _key(row.get("key"), used), "locality": locality, "text": text})
    return out


def _participant_id(value, known: set[int], field: str) -> int | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = None
    try:
        number = int(value) if value is not None else None
    except ValueError:
        number = None
    if number is None or number not in known:
        raise ServiceError(_l("Choose a participant of this partnership."), field=field)
    return number


def _actors(rows: list, locales: list[str], known: set[int]) -> list:
    out, used = [], set()
    for index, row in _rows(rows):
        field = f"actors-{index}"
        participant_id = _participant_id(row.get("participant_id"), known, f"{field}-participant")
        name = _short(row.get("name"), f"{field}-name")
        role = _texts(row.get("role"), locales, f"{field}-role")
        if participant_id is None and not (name or role):
            continue
        if participant_id is not None and name:
            raise ServiceError(
                _l("Choose a mapped participant or write a name, not both."),
                field=f"{field}-name",
            )
        if participant_id is None and not name:
            raise ServiceError(
                _l("Choose a mapped participant or write the actor's name."),
                field=f"{field}-participant",
            )
        out.append(
            {
                "key": _key(row.get("key"), used),
                "participant_id": participant_id,
                "name": name,
                "role": role,
            }
        )
    return out


def _trends(rows: list, locales: list[str]) -> list:
    out, used = [], set()
    for index, row in _rows(rows):
        field = f"trends-{index}"
        text = _texts(row.get("text"), locales, f"{field}-text")
        locality = _short(row.get("locality"), f"{field}-locality")
        if not (text or locality):
            continue
        if not locality:
            raise ServiceError(
                _l("Name the place where this trend is seen."), field=f"{field}-locality"
            )
        if not text:
            raise ServiceError(_l("Describe this trend."), field=f"{field}-text-{locales[0]}")
        out.append({"key": _key(row.get("key"), used), "locality": locality, "text": text})
    return out


# Comparing ---------------------------------------------------------------------------------


class ChangeKind:
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class ItemChange:
    """One item of a section that differs between two versions (`old`/`new`: the item as
    each holds it, None where it is missing)."""

    section: str
    kind: str
    old: dict | None
    new: dict | None


def compare(old: dict | None, new: dict | None) -> list[ItemChange]:
    """What changed from `old` to `new`, section by section: items added and changed in the
    newer version's order, then those removed in the older one's. Items are matched by key, so
    moving an item changes nothing; a translation added or edited counts as a change."""
    found = []
    for section in SECTIONS:
        before = {item["key"]: item for item in (old or {}).get(section) or []}
        after = {item["key"]: item for item in (new or {}).get(section) or []}
        for key, item in after.items():
            if key not in before:
                found.append(ItemChange(section, ChangeKind.ADDED, None, item))
            elif before[key] != item:
                found.append(ItemChange(section, ChangeKind.CHANGED, before[key], item))
        found.extend(
            ItemChange(section, ChangeKind.REMOVED, item, None)
            for key, item in before.items()
            if key not in after
        )
    return found


def change_counts(changes: list[ItemChange]) -> dict[str, int]:
    counts = {ChangeKind.ADDED: 0, ChangeKind.REMOVED: 0, ChangeKind.CHANGED: 0}
    for change in changes:
        counts[change.kind] += 1
    return counts
