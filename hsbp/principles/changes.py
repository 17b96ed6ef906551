"""Comparing two versions of the charter's document field by field: which fields were added,
removed or changed, in the order the charter shows them, and how each is named and shown to a
reader (the page that compares two versions, and the proposal's notice of its changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from hsbp.i18n import language_name, translated
from hsbp.principles.content import (
    LIFTS,
    PROTOCOLS,
    action_rule_of,
    check_rule_of,
    community_rule_of,
    incident_partners_of,
    indicators_of,
    risk_rule_of,
)
from hsbp.principles.indicator_labels import (
    INDICATOR_DIRECTION_LABELS,
    INDICATOR_DISAGGREGATION_LABELS,
    INDICATOR_FIELD_LABELS,
    INDICATOR_FREQUENCY_LABELS,
    INDICATOR_KIND_LABELS,
)
from hsbp.principles.labels import (
    ACTION_RULE_FIELD_LABEL,
    ACTION_RULE_LABELS,
    BUDGET_FIELD_LABELS,
    CHECK_RULE_FIELD_LABEL,
    CHECK_RULE_LABELS,
    COMMUNITY_MODE_LABELS,
    COMMUNITY_RULE_FIELD_LABELS,
    GOAL_FIELD_LABELS,
    INCIDENT_PARTNERS_FIELD_LABEL,
    KIND_LABELS,
    PRINCIPLE_LABELS,
    PROTOCOL_LABELS,
    RISK_RULE_FIELD_LABEL,
    RISK_RULE_LABELS,
    RULE_FIELD_LABELS,
    RULE_LABELS,
)

# An indicator's fields that are one value each (its texts and levels are per language).
_INDICATOR_VALUES = tuple(
    name for name in INDICATOR_FIELD_LABELS if name not in ("name", "definition", "levels")
)


def flatten(content: dict) -> dict[tuple, object]:
    """Every leaf value of a document, by path: ("principles", "trust", "es") -> text."""
    out: dict[tuple, object] = {}
    for section, keys in (("principles", LIFTS), ("protocols", PROTOCOLS)):
        for key in keys:
            for code, text in (content.get(section) or {}).get(key, {}).items():
                out[(section, key, code)] = text
    for role in content.get("roles") or []:
        for code, text in role["text"].items():
            out[("roles", role["partner_id"], code)] = text
    rule = content.get("decision_rule") or {}
    if rule:
        out[("decision_rule", "rule")] = rule["rule"]
    if rule.get("rule") == "majority":
        # Under consensus the percentages mean nothing; comparing them would be noise.
        for name in ("majority_percent", "quorum_percent"):
            out[("decision_rule", name)] = rule[name]
    out[("action_rule",)] = action_rule_of(content)
    out[("check_rule",)] = check_rule_of(content)
    community = community_rule_of(content)
    out[("community_rule", "mode")] = community["mode"]
    if community["mode"] == "required":
        # Informative, the number of answers decides nothing: comparing it would be noise.
        out[("community_rule", "min_answers")] = community["min_answers"]
    out[("risk_rule",)] = risk_rule_of(content)
    if told := incident_partners_of(content):
        # One value, the partners told: naming none is the absence of the leaf.
        out[("incident_partners",)] = tuple(told)
    for line in content.get("budget") or []:
        for code, text in line["description"].items():
            out[("budget", line["key"], "description", code)] = text
        for name in ("partner_id", "kind", "amount", "currency"):
            out[("budget", line["key"], name)] = line[name]
    for goal in content.get("goals") or []:
        for name in ("title", "baseline", "target"):
            for code, text in goal[name].items():
                out[("goals", goal["key"], name, code)] = text
        if goal.get("due"):
            out[("goals", goal["key"], "due")] = goal["due"]
    indicators = indicators_of(content)
    if indicators is not None:
        # Taking the set into the charter is a change of its own, even an empty set.
        out[("indicators",)] = "included"
    for item in indicators or []:
        key = item["key"]
        for name in ("name", "definition"):
            for code, text in item[name].items():
                out[("indicators", key, name, code)] = text
        for number, level in enumerate(item["levels"], start=1):
            for code, text in level["label"].items():
                out[("indicators", key, "levels", number, code)] = text
        for name in _INDICATOR_VALUES:
            value = item.get(name)
            if name == "disaggregation":
                value = ",".join(value or [])
            if value not in ("", None):
                out[("indicators", key, name)] = value
    return out


@dataclass(frozen=True)
class Change:
    path: tuple
    old: object
    new: object

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


_SECTIONS = (
    "principles",
    "protocols",
    "roles",
    "decision_rule",
    "action_rule",
    "check_rule",
    "community_rule",
    "risk_rule",
    "incident_partners",
    "budget",
    "goals",
    "indicators",
)
_FIELDS = {
    **{name: i for i, name in enumerate(RULE_FIELD_LABELS)},
    **{name: i for i, name in enumerate(COMMUNITY_RULE_FIELD_LABELS)},
    **{name: i for i, name in enumerate(BUDGET_FIELD_LABELS)},
    **{name: i for i, name in enumerate(GOAL_FIELD_LABELS)},
}
# Apart: an indicator's fields share names with a goal's and a budget line's.
_INDICATOR_FIELDS = {name: i for i, name in enumerate(INDICATOR_FIELD_LABELS)}


def _order(old: dict, new: dict, locales: list[str]):
    # Items keep the newer version's order; removed ones follow, in the older one's order.
    position = {}
    for offset, content in ((0, new), (10_000, old)):
        sections = (("roles", "partner_id"), ("budget", "key"), ("goals", "key"))
        for section, id_name in (*sections, ("indicators", "key")):
            for index, item in enumerate(content.get(section) or []):
                position.setdefault((section, item[id_name]), offset + index)
    fixed = {**{k: i for i, k in enumerate(LIFTS)}, **{k: i for i, k in enumerate(PROTOCOLS)}}

    def key(path: tuple):
        section, rest = path[0], path[2:]
        if len(path) == 1 or section in (
            "decision_rule",
            "action_rule",
            "check_rule",
            "community_rule",
        ):
            item, rest = -1 if len(path) == 1 else 0, path[1:]
        else:
            item = fixed[path[1]] if section in ("principles", "protocols") else position[path[:2]]
        fields = _INDICATOR_FIELDS if section == "indicators" else _FIELDS
        parts = [
            p if isinstance(p, int) else fields[p] if p in fields else 100 + [*locales, p].index(p)
            for p in rest
        ]
        return (_SECTIONS.index(section), item, *parts)

    return key


def diff(old: dict, new: dict, *, locales: list[str] = ()) -> list[Change]:
    """What differs between two documents, leaf by leaf, items matched by key."""
    before, after = flatten(old), flatten(new)
    paths = [p for p in {**before, **after} if before.get(p) != after.get(p)]
    paths.sort(key=_order(old, new, list(locales)))
    return [Change(p, before.get(p), after.get(p)) for p in paths]


def describe(
    changes: list[Change],
    *,
    old: dict,
    new: dict,
    partner_names: dict[int, str],
    locale: str,
    fallback: str,
) -> list[dict]:
    """Readable rows for `changes`: label ("Trust — Español"), old and new values for display,
    and `lang`, the language of a text value."""
    numbers, titles = {}, {}
    for content in (new, old):
        for index, line in enumerate(content.get("budget") or []):
            numbers.setdefault(line["key"], index + 1)
        for goal in content.get("goals") or []:
            titles.setdefault(
                goal["key"], translated(goal["title"], locale=locale, fallback=fallback)
            )
        for item in indicators_of(content) or []:
            titles.setdefault(
                item["key"], translated(item["name"], locale=locale, fallback=fallback)
            )
    rows = []
    for change in changes:
        if change.path[0] == "indicators":
            shown = [
                _indicator_shown(change.path, v, titles, partner_names)
                for v in (change.old, change.new)
            ]
        else:
            shown = [_shown(change.path, v, partner_names) for v in (change.old, change.new)]
        rows.append(
            {
                "label": _label(change.path, numbers, titles, partner_names),
                "kind": change.kind,
                "old": shown[0],
                "new": shown[1],
                "lang": change.path[-1] if _is_text(change.path) else None,
            }
        )
    return rows


def _is_text(path: tuple) -> bool:
    return (
        path[0] in ("principles", "protocols", "roles")
        or (path[0] in ("budget", "goals") and len(path) == 4)
        or (path[0] == "indicators" and len(path) > 3)
    )


def _label(path: tuple, numbers: dict, titles: dict, partner_names: dict) -> str:
    section = path[0]
    if section == "principles":
        parts = [PRINCIPLE_LABELS[path[1]]]
    elif section == "protocols":
        parts = [PROTOCOL_LABELS[path[1]]]
    elif section == "roles":
        name = partner_names.get(path[1], f"#{path[1]}")
        parts = [_("Roles of %(partner)s", partner=name)]
    elif section == "decision_rule":
        parts = [RULE_FIELD_LABELS[path[1]]]
    elif section == "action_rule":
        parts = [ACTION_RULE_FIELD_LABEL]
    elif section == "check_rule":
        parts = [CHECK_RULE_FIELD_LABEL]
    elif section == "community_rule":
        parts = [COMMUNITY_RULE_FIELD_LABELS[path[1]]]
    elif section == "risk_rule":
        parts = [RISK_RULE_FIELD_LABEL]
    elif section == "incident_partners":
        parts = [INCIDENT_PARTNERS_FIELD_LABEL]
    elif section == "budget":
        parts = [_("Budget line %(number)d", number=numbers[path[1]])]
        parts.append(BUDGET_FIELD_LABELS[path[2]])
    elif section == "goals":
        parts = [_("Goal: %(title)s", title=titles[path[1]]), GOAL_FIELD_LABELS[path[2]]]
    elif len(path) == 1:
        parts = [_("Indicator set")]
    else:
        parts = [_("Indicator: %(name)s", name=titles[path[1]]), INDICATOR_FIELD_LABELS[path[2]]]
        if path[2] == "levels":
            parts.append(_("Level %(number)d", number=path[3]))
    if _is_text(path):
        parts.append(language_name(path[-1]))
    return " — ".join(str(part) for part in parts)


def _shown(path: tuple, value, partner_names: dict) -> str | None:
    if value is None:
        return None
    name = path[-1]
    if name == "partner_id":
        return partner_names.get(value, f"#{value}")
    if name == "kind":
        return str(KIND_LABELS[value])
    if name == "rule":
        return str(RULE_LABELS[value])
    if name == "action_rule":
        return str(ACTION_RULE_LABELS[value])
    if name == "check_rule":
        return str(CHECK_RULE_LABELS[value])
    if name == "risk_rule":
        return str(RISK_RULE_LABELS[value])
    if name == "incident_partners":
        return ", ".join(partner_names.get(p, f"#{p}") for p in value)
    if path[0] == "community_rule":
        return str(COMMUNITY_MODE_LABELS[value]) if name == "mode" else format_decimal(value)
    if name == "due":
        return format_date(date.fromisoformat(value))
    if name in ("majority_percent", "quorum_percent"):
        return format_percent(value / 100)
    if name == "amount":
        return format_decimal(Decimal(value))
    return str(value)


def _indicator_shown(path: tuple, value, titles: dict, partner_names: dict) -> str | None:
    if value is None:
        return None
    name = path[-1] if len(path) <= 3 else None
    if len(path) == 1:
        return _("Part of the charter")
    if name == "partner_id":
        return partner_names.get(value, f"#{value}")
    if name == "goal_key":
        return titles.get(value, value)
    if name == "kind":
        return str(INDICATOR_KIND_LABELS[value])
    if name == "direction":
        return str(INDICATOR_DIRECTION_LABELS[value])
    if name == "frequency":
        return str(INDICATOR_FREQUENCY_LABELS[value])
    if name == "disaggregation":
        return ", ".join(str(INDICATOR_DISAGGREGATION_LABELS[part]) for part in value.split(","))
    if name in ("baseline_on", "target_on"):
        return format_date(date.fromisoformat(value))
    if name in ("baseline", "target"):
        return format_decimal(Decimal(value))
    return str(value)
