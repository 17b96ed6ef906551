"""What a partner's connection to a harm asks of it (UNGP 13, 19 and 22; OECD Guidelines II):

- it **causes** the harm: cease (or prevent) it, and remediate what has happened;
- it **contributes** to it: cease (or prevent) its own contribution, use its leverage to
  mitigate what remains, and remediate to the extent of its contribution;
- the harm is **directly linked** to its operations, products or services by a business
  relationship: use its leverage to prevent or mitigate it; it need not provide remedy
  itself, though it may take a role in it.

A potential harm asks for prevention and mitigation; an actual one for ceasing and remedy.
Responsibility does not shrink with leverage: a partner with little leverage still owes the
response, and is expected to build leverage (seed 001).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hsbp.risks.models import Connection, RiskKind

RESPONSES = ("cease", "prevent", "mitigate", "remediate", "use_leverage")

_EXPECTED = {
    (Connection.CAUSES, RiskKind.POTENTIAL): ("prevent", "mitigate"),
    (Connection.CAUSES, RiskKind.ACTUAL): ("cease", "remediate", "prevent"),
    (Connection.CONTRIBUTES, RiskKind.POTENTIAL): ("prevent", "mitigate", "use_leverage"),
    (Connection.CONTRIBUTES, RiskKind.ACTUAL): ("cease", "remediate", "use_leverage"),
    (Connection.LINKED, RiskKind.POTENTIAL): ("use_leverage", "mitigate"),
    (Connection.LINKED, RiskKind.ACTUAL): ("use_leverage", "mitigate"),
}

CONNECTION_LABELS = {
    Connection.CAUSES: _l("Causes"),
    Connection.CONTRIBUTES: _l("Contributes to"),
    Connection.LINKED: _l("Directly linked to"),
}

CONNECTION_HINTS = {
    Connection.CAUSES: _l("Its own activities cause the harm, without anyone else's part."),
    Connection.CONTRIBUTES: _l(
        "Its activities, together with others', lead to the harm, or it facilitates or "
        "encourages another's harm."
    ),
    Connection.LINKED: _l(
        "It neither causes nor contributes, but the harm is tied to its operations, "
        "products or services through a business relationship."
    ),
}

RESPONSE_LABELS = {
    "cease": _l("Cease the activity"),
    "prevent": _l("Prevent it"),
    "mitigate": _l("Mitigate it"),
    "remediate": _l("Remediate"),
    "use_leverage": _l("Use leverage"),
}


def expected_responses(connection: str, kind: str) -> tuple[str, ...]:
    """The responses a connection asks for, in the order they are owed: expected_responses(
    "contributes", "actual") == ("cease", "remediate", "use_leverage"). ValueError if either
    word is unknown."""
    try:
        return _EXPECTED[(Connection(connection), RiskKind(kind))]
    except (KeyError, ValueError):
        raise ValueError(f"unknown connection or kind: {connection!r}, {kind!r}") from None


def owes_remedy(connection: str) -> bool:
    """Whether the partner must itself provide for remedy of an actual harm (not if only
    linked: it may still take a role in it)."""
    return Connection(connection) in (Connection.CAUSES, Connection.CONTRIBUTES)
