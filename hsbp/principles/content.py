"""The charter's JSON document: its empty shape and cleaning what a form sends (comparing two
versions field by field is hsbp.principles.changes).

Every text is a {locale: text} dict. Budget lines and goals carry a stable `key` (uuid hex),
so two versions are compared item by item whatever their order, and later features can point
at a goal across versions. `action_rule` says who may change an item of the joint action
checklist; a version written before it existed is read as "lead".
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l

from hsbp.errors import ServiceError

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
TEXT_MAX = 5000
AMOUNT_MAX_DIGITS = 15

PRINCIPLE_LABELS = {
    "locally_driven": _l("Locally driven"),
    "inclusive": _l("Inclusive"),
    "forward_looking": _l("Forward looking"),
    "trust": _l("Trust"),
    "sharing": _l("Sharing"),
}
PROTOCOL_LABELS = {
    "entry_rules": _l("Entry rules"),
    "leaver_rules": _l("Leaver rules"),
    "communication_protocol": _l("Communication protocol"),
    "grievance_handling": _l("Grievance handling"),
}
RULE_LABELS = {"consensus": _l("Consensus"), "majority": _l("Majority")}
RULE_FIELD_LABELS = {
    "rule": _l("Decision rule"),
    "majority_percent": _l("Majority needed (percentage of the partners)"),
    "quorum_percent": _l("Quorum (percentage of the partners who answer)"),
}
ACTION_RULE_FIELD_LABEL = _l("Who may change an action")
ACTION_RULE_LABELS = {
    "lead": _l("Lead partner"),
    "owners": _l("Lead and supporting partners"),
    "any": _l("Any partner"),
}
ACTION_RULE_HINTS = {
    "lead": _l(
        "Only representatives of the action's lead partner change it; supporting partners "
        "add progress updates and evidence."
    ),
    "owners": _l("Representatives of the lead partner and of the supporting partners change it."),
    "any": _l("Any partner representative of the partnership changes any action."),
}
ACTION_RULE_NOTE = _l("Facilitators may always change an action; observers never.")
CHECK_RULE_FIELD_LABEL = _l("Check done actions with the community")
CHECK_RULE_LABELS = {
    "never": _l("Never"),
    "choose": _l("The facilitator chooses"),
    "always": _l("Always"),
}
CHECK_RULE_HINTS = {
    "never": _l("No SMS check is sent when an action is done."),
    "choose": _l(
        "When an action is done, a facilitator may ask the people of its places, by SMS, "
        "whether it works for them."
    ),
    "always": _l(
        "When an action is done, the people of its places are asked at once, by SMS, "
        "whether it works for them; the question stays open for two weeks."
    ),
}
COMMUNITY_RULE_FIELD_LABELS = {
    "mode": _l("Community support by SMS"),
    "min_answers": _l("Fewest answers for the community's decision"),
}
COMMUNITY_MODE_LABELS = {
    "informative": _l("Informative"),
    "required": _l("Required for adoption"),
}
COMMUNITY_MODE_HINTS = {
    "informative": _l(
        "The community's vote by SMS is shown beside the partners' endorsements; the partners "
        "decide."
    ),
    "required": _l(
        "A proposal is adopted only when the partners' rule is met and the latest community "
        "vote on it, once closed, has enough answers and a majority of them in support."
    ),
}
KIND_LABELS = {"cash": _l("Cash"), "in_kind": _l("In kind")}
BUDGET_FIELD_LABELS = {
    "description": _l("Description"),
    "partner_id": _l("Partner"),
    "kind": _l("Kind"),
    "amount": _l("Amount"),
    "currency": _l("Currency"),
}
GOAL_FIELD_LABELS = {
    "title": _l("Title"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "due": _l("Due date"),
}
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
        "budget": [],
        "goals": [],
    }


def normalise(raw: dict, *, locales: list[str], partner_ids: set[int]) -> dict:
    """A clean charter document from `raw` (what a form or a script sends, same shape).

    Texts are stripped and kept only in the partnership's `locales`; budget lines and goals
    that are blank or marked `remove` are dropped; missing or unknown keys get a new one.
    A missing `action_rule`, `check_rule` or `community_rule` is the default, so documents
    written before them still pass.
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
        "budget": _budget(raw.get("budget") or [], locales, partner_ids),
        "goals": _goals(raw.get("goals") or [], locales),
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
