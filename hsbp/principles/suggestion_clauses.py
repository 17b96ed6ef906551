"""The clauses of a charter document partners may suggest wording for: every text of it
(principles, protocols, roles, budget lines' descriptions, goals' texts), each named by a
stable path ("principles/trust", "roles/12", "goals/<key>/target") and by the labels the
comparison of versions uses (hsbp.principles.changes)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from flask_babel import gettext as _

from hsbp.principles.content import LIFTS, PROTOCOLS
from hsbp.principles.labels import (
    BUDGET_FIELD_LABELS,
    GOAL_FIELD_LABELS,
    PRINCIPLE_LABELS,
    PROTOCOL_LABELS,
)

GOAL_TEXTS = ("title", "baseline", "target")


@dataclass(frozen=True)
class Clause:
    path: str
    texts: dict  # {locale: text} as the document holds it now


def clauses(content: dict, *, role_partner_ids: list[int]) -> list[Clause]:
    """Every clause of `content`, in the order the charter shows them. Roles are offered for
    `role_partner_ids` (current partners), and for any partner the document already names."""
    out = [Clause(f"principles/{k}", _texts(content, "principles", k)) for k in LIFTS]
    out += [Clause(f"protocols/{k}", _texts(content, "protocols", k)) for k in PROTOCOLS]
    roles = {role["partner_id"]: role["text"] for role in content.get("roles") or []}
    for partner_id in [*roles, *(p for p in role_partner_ids if p not in roles)]:
        out.append(Clause(f"roles/{partner_id}", dict(roles.get(partner_id) or {})))
    for line in content.get("budget") or []:
        out.append(Clause(f"budget/{line['key']}/description", dict(line["description"])))
    for goal in content.get("goals") or []:
        out += [Clause(f"goals/{goal['key']}/{n}", dict(goal.get(n) or {})) for n in GOAL_TEXTS]
    return out


def _texts(content: dict, section: str, key: str) -> dict:
    return dict((content.get(section) or {}).get(key) or {})


def text_of(content: dict, path: str) -> dict | None:
    """The clause's {locale: text} in `content`, or None when the document no longer has it
    (a budget line or goal removed since)."""
    parts = path.split("/")
    section = parts[0]
    if section in ("principles", "protocols") and len(parts) == 2:
        return _texts(content, section, parts[1])
    if section == "roles" and len(parts) == 2:
        for role in content.get("roles") or []:
            if str(role["partner_id"]) == parts[1]:
                return dict(role["text"])
        return {}
    if section in ("budget", "goals") and len(parts) == 3:
        for item in content.get(section) or []:
            if item["key"] == parts[1]:
                return dict(item.get(parts[2]) or {})
    return None


def with_wording(content: dict, path: str, wording: dict) -> dict:
    """A copy of `content` where the clause's languages in `wording` read as it says (others
    are kept); the caller cleans it with content.normalise. Assumes `text_of` found it."""
    out = copy.deepcopy(content)
    parts = path.split("/")
    section = parts[0]
    if section in ("principles", "protocols"):
        out.setdefault(section, {}).setdefault(parts[1], {}).update(wording)
    elif section == "roles":
        partner_id = int(parts[1])
        role = next((r for r in out.setdefault("roles", []) if r["partner_id"] == partner_id), None)
        if role is None:
            out["roles"].append({"partner_id": partner_id, "text": dict(wording)})
        else:
            role["text"].update(wording)
    else:
        item = next(i for i in out[section] if i["key"] == parts[1])
        item.setdefault(parts[2], {}).update(wording)
    return out


def clause_name(path: str, *, content: dict, partner_names: dict[int, str], title_of=None) -> str:
    """How the charter names the clause ("Trust", "Goal: Fewer land conflicts — Target").
    `title_of(values)` picks a goal's title in the reader's language (the first written one
    by default)."""
    parts = path.split("/")
    section = parts[0]
    if section == "principles" and parts[1] in PRINCIPLE_LABELS:
        return str(PRINCIPLE_LABELS[parts[1]])
    if section == "protocols" and parts[1] in PROTOCOL_LABELS:
        return str(PROTOCOL_LABELS[parts[1]])
    if section == "roles":
        name = partner_names.get(int(parts[1]), f"#{parts[1]}")
        return _("Roles of %(partner)s", partner=name)
    items = content.get(section) or []
    index = next((i for i, item in enumerate(items) if item["key"] == parts[1]), None)
    if section == "budget":
        if index is None:
            return _("A budget line no longer in the draft")
        line = _("Budget line %(number)d", number=index + 1)
        return f"{line} — {BUDGET_FIELD_LABELS['description']}"
    if index is None:
        return _("A goal no longer in the draft")
    titles = items[index]["title"]
    title = title_of(titles) if title_of else next(iter(titles.values()), "")
    return f"{_('Goal: %(title)s', title=title)} — {GOAL_FIELD_LABELS[parts[2]]}"
