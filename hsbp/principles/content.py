"""The charter's JSON document: its empty shape and cleaning what a form sends (comparing two
versions field by field is hsbp.principles.changes).

Every text is a {locale: text} dict. Budget lines and goals carry a stable `key` (uuid hex),
so two versions are compared item by item whatever their order, and later features can point
at a goal across versions. `action_rule` says who may change an item of the joint action
checklist; a version written before it existed is read as "lead". `indicators` is the
indicator set the partners agree to be evaluated by (hsbp.monitoring.charter_indicators):
None, as in a version written before it existed, when the charter does not hold it.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l

from hsbp.errors import ServiceError
from hsbp.principles.indicator_labels import (
    INDICATOR_DIRECTIONS,
    INDICATOR_DISAGGREGATIONS,
    INDICATOR_FREQUENCIES,
    INDICATOR_KINDS,
)

LIFTS = ("locally_driven", "inclusive", "forward_looking", "trust", "sharing")
PROTOCOLS = ("entry_rules", "leaver_rules", "communication_protocol", "grievance_handling")
RULES = ("consensus", "majority")
KINDS = ("cash", "in_kind")
ACTION_RULES = ("lead", "owners", "any")
DEFAULT_ACTION_RULE = "lead"
# Whether a done action is checked with the community by SMS (hsbp.community.checks).
CHECK_RULES = ("never", "choose", "always")
DEFAULT_CHECK_RULE = "choose"
# Whether the community's SMS vote on a proposal (hsbp.community.votes) only informs the
# partners or is required for adoption: a majority of those who answered supports it, with
# at least `min_answers` answers.
COMMUNITY_MODES = ("informative", "required")
DEFAULT_COMMUNITY_RULE = {"mode": "informative", "min_answers": 30}
MIN_ANSWERS_MAX = 1_000_000
# Who reads the risks and impacts register (hsbp.risks): every member, or the facilitators
# and the members of partners connected to each risk. Least privilege until partners agree.
RISK_RULES = ("all_members", "connected")
DEFAULT_RISK_RULE = "connected"
TEXT_MAX = 5000
AMOUNT_MAX_DIGITS = 15

_KEY = re.compile(r"[0-9a-f]{32}")


def empty_content() -> dict:
    return {
        "principles": {key: {} for key in LIFTS},
        "protocols": {key: {} for key in PROTOCOLS},
        "roles": [],
        "decision_rule": {"rule": "consensus", "majority_percent": 67, "quorum_percent": 60},
        "action_rule": DEFAULT_ACTION_RULE,
        "check_rule": DEFAULT_CHECK_RULE,
        "community_rule": dict(DEFAULT_COMMUNITY_RULE),
        "risk_rule": DEFAULT_RISK_RULE,
        # Partners (ids) told of each incident reported by SMS, besides the facilitators.
        "incident_partners": [],
        "budget": [],
        "goals": [],
        "indicators": None,
    }


def normalise(raw: dict, *, locales: list[str], partner_ids: set[int]) -> dict:
    """A clean charter document from `raw` (what a form or a script sends, same shape).

    Texts are stripped and kept only in the partnership's `locales`; budget lines and goals
    that are blank or marked `remove` are dropped; missing or unknown keys get a new one.
    A missing `action_rule`, `check_rule` or `community_rule` is the default and missing
    `indicators` is None, so documents written before them still pass.
    Raises ServiceError whose `field` is the editor form's field name (`budget-2-amount`).
    """
    principles, protocols = raw.get("principles") or {}, raw.get("protocols") or {}
    return {
        "principles": {k: _texts(principles.get(k), locales, f"principles-{k}") for k in LIFTS},
        "protocols": {k: _texts(protocols.get(k), locales, f"protocols-{k}") for k in PROTOCOLS},
        "roles": _roles(raw.get("roles") or [], locales, partner_ids),
        "decision_rule": _decision_rule(raw.get("decision_rule") or {}),
        "action_rule": _action_rule(raw.get("action_rule", DEFAULT_ACTION_RULE)),
        "check_rule": _check_rule(raw.get("check_rule", DEFAULT_CHECK_RULE)),
        "community_rule": _community_rule(raw.get("community_rule") or DEFAULT_COMMUNITY_RULE),
        "risk_rule": _risk_rule(raw.get("risk_rule", DEFAULT_RISK_RULE)),
        "incident_partners": _incident_partners(raw.get("incident_partners") or [], partner_ids),
        "budget": _budget(raw.get("budget") or [], locales, partner_ids),
        "goals": _goals(raw.get("goals") or [], locales),
        "indicators": _indicators(raw.get("indicators"), locales, partner_ids),
    }


def _texts(values: dict | None, locales: list[str], field: str) -> dict:
    out = {}
    for code in locales:
        text = (values or {}).get(code) or ""
        text = str(text).replace("\r\n", "\n").strip()
        if len(text) > TEXT_MAX:
            raise ServiceError(
                _l("Keep this text under %(count)d characters.", count=TEXT_MAX),
                field=f"{field}-{code}",
            )
        if text:
            out[code] = text
    return out


def _int(value, field: str):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError(_l("Write a whole number."), field=field) from None


def _roles(rows: list, locales: list[str], partner_ids: set[int]) -> list:
    out, seen = [], set()
    for row in rows:
        partner_id = _int(row.get("partner_id"), "roles")
        text = _texts(row.get("text"), locales, f"roles-p{partner_id}")
        if partner_id not in partner_ids:
            raise ServiceError(_l("Choose a partner of this partnership."), field="roles")
        if text and partner_id not in seen:
            seen.add(partner_id)
            out.append({"partner_id": partner_id, "text": text})
    return out


def _decision_rule(raw: dict) -> dict:
    rule = raw.get("rule")
    if rule not in RULES:
        raise ServiceError(_l("Choose consensus or majority."), field="rule")
    majority = _int(raw.get("majority_percent"), "majority_percent")
    if not 51 <= majority <= 100:
        raise ServiceError(
            _l("A majority is between %(low)d and %(high)d %%.", low=51, high=100),
            field="majority_percent",
        )
    quorum = _int(raw.get("quorum_percent"), "quorum_percent")
    if not 1 <= quorum <= 100:
        raise ServiceError(
            _l("A quorum is between %(low)d and %(high)d %%.", low=1, high=100),
            field="quorum_percent",
        )
    return {"rule": rule, "majority_percent": majority, "quorum_percent": quorum}


def _action_rule(rule) -> str:
    if rule not in ACTION_RULES:
        raise ServiceError(_l("Choose who may change an action."), field="action_rule")
    return rule


def action_rule_of(content: dict) -> str:
    """The action rule of a stored document, the default for one that predates it."""
    rule = (content or {}).get("action_rule")
    return rule if rule in ACTION_RULES else DEFAULT_ACTION_RULE


def _check_rule(rule) -> str:
    if rule not in CHECK_RULES:
        raise ServiceError(
            _l("Choose when done actions are checked with the community."), field="check_rule"
        )
    return rule


def check_rule_of(content: dict) -> str:
    """The community check rule of a stored document, the default for one that predates it."""
    rule = (content or {}).get("check_rule")
    return rule if rule in CHECK_RULES else DEFAULT_CHECK_RULE


def _risk_rule(rule) -> str:
    if rule not in RISK_RULES:
        raise ServiceError(_l("Choose who reads the risks register."), field="risk_rule")
    return rule


def risk_rule_of(content: dict) -> str:
    """The risk register rule of a stored document, the default for one that predates it."""
    rule = (content or {}).get("risk_rule")
    return rule if rule in RISK_RULES else DEFAULT_RISK_RULE


def _incident_partners(values: list, partner_ids: set[int]) -> list[int]:
    chosen = sorted({_int(value, "incident_partners") for value in values})
    if any(partner_id not in partner_ids for partner_id in chosen):
        raise ServiceError(_l("Choose a partner of this partnership."), field="incident_partners")
    return chosen


def incident_partners_of(content: dict) -> list[int]:
    """The partners a stored document names to hear of incidents (none before it existed)."""
    values = (content or {}).get("incident_partners") or []
    return [value for value in values if isinstance(value, int)]


def _community_rule(raw: dict) -> dict:
    mode = raw.get("mode")
    if mode not in COMMUNITY_MODES:
        raise ServiceError(_l("Choose what the community's vote decides."), field="community_mode")
    fewest = _int(raw.get("min_answers"), "community_min_answers")
    if not 1 <= fewest <= MIN_ANSWERS_MAX:
        raise ServiceError(
            _l("Write a number from %(low)d to %(high)d.", low=1, high=MIN_ANSWERS_MAX),
            field="community_min_answers",
        )
    return {"mode": mode, "min_answers": fewest}


def community_rule_of(content: dict) -> dict:
    """The community rule of a stored document, the default (informative) for one that
    predates it."""
    rule = (content or {}).get("community_rule") or {}
    if rule.get("mode") not in COMMUNITY_MODES or not isinstance(rule.get("min_answers"), int):
        return dict(DEFAULT_COMMUNITY_RULE)
    return rule


def _key(value, used: set[str]) -> str:
    key = value if isinstance(value, str) and _KEY.fullmatch(value) and value not in used else None
    key = key or uuid.uuid4().hex
    used.add(key)
    return key


def _amount(value, field: str) -> str:
    text = str(value or "").replace(" ", "").replace("_", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise ServiceError(_l("Write the amount as a number, for example 1500000.50"), field=field)
    amount = amount.normalize()
    digits, exponent = len(amount.as_tuple().digits), amount.as_tuple().exponent
    if exponent < -2 or digits - min(exponent, 0) > AMOUNT_MAX_DIGITS:
        raise ServiceError(_l("Write the amount with at most two decimals."), field=field)
    return format(amount, "f")


def _budget(rows: list, locales: list[str], partner_ids: set[int]) -> list:
    out, used = [], set()
    for index, row in enumerate(rows):
        field = f"budget-{index}"
        description = _texts(row.get("description"), locales, f"{field}-description")
        amount = str(row.get("amount") or "").strip()
        if row.get("remove") or not (description or amount):
            continue
        if not description:
            raise ServiceError(
                _l("Describe this contribution."), field=f"{field}-description-{locales[0]}"
            )
        partner_id = _int(row.get("partner_id") or 0, f"{field}-partner_id")
        if partner_id not in partner_ids:
            raise ServiceError(
                _l("Choose the partner who contributes."), field=f"{field}-partner_id"
            )
        if row.get("kind") not in KINDS:
            raise ServiceError(_l("Choose cash or in kind."), field=f"{field}-kind")
        currency = str(row.get("currency") or "").strip().upper()
        if currency not in list_currencies():
            raise ServiceError(
                _l("Use a three-letter ISO 4217 currency code, for example COP."),
                field=f"{field}-currency",
            )
        out.append(
            {
                "key": _key(row.get("key"), used),
                "description": description,
                "partner_id": partner_id,
                "kind": row["kind"],
                "amount": _amount(amount, f"{field}-amount"),
                "currency": currency,
            }
        )
    return out


def _due(value, field: str) -> str | None:
    if not value:
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ServiceError(_l("Write the date as YYYY-MM-DD."), field=field) from None


def _goals(rows: list, locales: list[str]) -> list:
    out, used = [], set()
    for index, row in enumerate(rows):
        field = f"goals-{index}"
        texts = {
            name: _texts(row.get(name), locales, f"{field}-{name}")
            for name in ("title", "baseline", "target")
        }
        due = _due(row.get("due"), f"{field}-due")
        if row.get("remove") or not (any(texts.values()) or due):
            continue
        if not texts["title"]:
            raise ServiceError(_l("Give this goal a title."), field=f"{field}-title-{locales[0]}")
        out.append({"key": _key(row.get("key"), used), **texts, "due": due})
    return out


def indicators_of(content: dict) -> list | None:
    """The indicator set a stored document holds, or None if it holds none (a version
    written before the section existed, or one never given the set)."""
    found = (content or {}).get("indicators")
    return found if isinstance(found, list) else None


def _choice(value, allowed: tuple, field: str) -> str:
    if value not in allowed:
        # Only a tampered or stale document gets here: the set comes from monitoring's checks.
        raise ServiceError(
            _l("This indicator of the set is not valid: take the set again."), field=field
        )
    return value


def _decimal(value, field: str) -> str:
    try:
        number = Decimal(str(value if value is not None else "").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ServiceError(_l("Write a number, for example 42 or 3.5"), field=field)
    return format(number.normalize(), "f")


def _indicators(rows, locales: list[str], partner_ids: set[int]) -> list | None:
    if rows is None:
        return None
    if not isinstance(rows, list):
        raise ServiceError(_l("This indicator of the set is not valid: take the set again."))
    out, used = [], set()
    for index, row in enumerate(rows):
        field = f"indicators-{index}"
        name = _texts(row.get("name"), locales, f"{field}-name")
        if not name:
            raise ServiceError(_l("Give the indicator a name."), field=f"{field}-name-{locales[0]}")
        kind = _choice(row.get("kind"), INDICATOR_KINDS, f"{field}-kind")
        levels = [
            {"value": number, "label": _texts(level.get("label"), locales, f"{field}-levels")}
            for number, level in enumerate(row.get("levels") or [], start=1)
        ]
        partner_id = row.get("partner_id")
        if partner_id is not None and _int(partner_id, field) not in partner_ids:
            raise ServiceError(_l("Choose a partner of this partnership."), field=field)
        chosen = set(row.get("disaggregation") or [])
        out.append(
            {
                "key": _key(row.get("key"), used),
                "name": name,
                "definition": _texts(row.get("definition"), locales, f"{field}-definition"),
                "goal_key": str(row.get("goal_key") or "").strip()[:32],
                "kind": kind,
                "unit": str(row.get("unit") or "").strip()[:40],
                "currency": str(row.get("currency") or "").strip().upper()[:3],
                "levels": levels if kind == "scale" else [],
                "baseline": _decimal(row.get("baseline"), f"{field}-baseline"),
                "baseline_on": _due(row.get("baseline_on"), f"{field}-baseline_on")
                or _choice(None, (), f"{field}-baseline_on"),
                "target": _decimal(row.get("target"), f"{field}-target"),
                "target_on": _due(row.get("target_on"), f"{field}-target_on")
                or _choice(None, (), f"{field}-target_on"),
                "direction": _choice(row.get("direction"), INDICATOR_DIRECTIONS, field),
                "source": str(row.get("source") or "").strip()[:TEXT_MAX],
                "partner_id": int(partner_id) if partner_id is not None else None,
                "frequency": _choice(row.get("frequency"), INDICATOR_FREQUENCIES, field),
                "disaggregation": [d for d in INDICATOR_DISAGGREGATIONS if d in chosen],
            }
        )
    return out
