"""How salient a risk is: its severity (scale + scope + irremediability) first, then its
likelihood, as UNGP 24 asks: where a partner must choose what to address first, the gravest
harms come before the likelier ones.

Each factor runs 1..4, so severity runs 3..12 and `salience = severity * 10 + likelihood`
orders the register in SQL with one integer column: severity decides, likelihood breaks ties.
An actual impact has happened: its likelihood is 4, whatever was entered.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hsbp.risks.models import RiskKind

LOW, HIGH = 1, 4
LEVELS = range(LOW, HIGH + 1)
FACTORS = ("scale", "scope", "irremediability", "likelihood")
CERTAIN = HIGH  # the likelihood of an actual impact

# What each level of each factor means, so people pick a word, not a bare number.
LEVEL_LABELS = {
    "scale": {
        1: _p("scale of a harm", "Minor"),
        2: _p("scale of a harm", "Moderate"),
        3: _p("scale of a harm", "Serious"),
        4: _p("scale of a harm", "Grave"),
    },
    "scope": {
        1: _p("scope of a harm", "A few people"),
        2: _p("scope of a harm", "A group"),
        3: _p("scope of a harm", "A whole community"),
        4: _p("scope of a harm", "Several communities or more"),
    },
    "irremediability": {
        1: _p("irremediability of a harm", "Easily put right"),
        2: _p("irremediability of a harm", "Put right with effort"),
        3: _p("irremediability of a harm", "Hard to put right"),
        4: _p("irremediability of a harm", "Cannot be put right"),
    },
    "likelihood": {
        1: _p("likelihood of a harm", "Unlikely"),
        2: _p("likelihood of a harm", "Possible"),
        3: _p("likelihood of a harm", "Likely"),
        4: _p("likelihood of a harm", "Almost certain"),
    },
}
FACTOR_LABELS = {
    "scale": _l("Scale: how grave the harm is"),
    "scope": _l("Scope: how many people it reaches"),
    "irremediability": _l("Irremediability: how hard it is to put right"),
    "likelihood": _l("Likelihood"),
}

SEVERITY_BANDS = ("low", "medium", "high", "very_high")
SEVERITY_LABELS = {
    "low": _p("severity", "Low"),
    "medium": _p("severity", "Medium"),
    "high": _p("severity", "High"),
    "very_high": _p("severity", "Very high"),
}
LIKELIHOOD_BANDS = ("unlikely", "possible", "likely", "almost_certain", "happened")
LIKELIHOOD_LABELS = {
    "unlikely": _p("likelihood of a harm", "Unlikely"),
    "possible": _p("likelihood of a harm", "Possible"),
    "likely": _p("likelihood of a harm", "Likely"),
    "almost_certain": _p("likelihood of a harm", "Almost certain"),
    "happened": _p("likelihood of a harm", "Has happened"),
}


def likelihood_of(kind: str, likelihood: int) -> int:
    """The likelihood that counts: 4 for an actual impact, else the one entered."""
    return CERTAIN if kind == RiskKind.ACTUAL else likelihood


def severity(scale: int, scope: int, irremediability: int) -> int:
    """3..12: the three factors weigh alike; none alone makes a harm severe."""
    return scale + scope + irremediability


def salience(*, scale: int, scope: int, irremediability: int, likelihood: int, kind: str) -> int:
    """The register's sort key, highest first: severity in the tens, likelihood in the units
    (salience(scale=4, scope=4, irremediability=4, likelihood=1, kind="potential") == 121)."""
    return severity(scale, scope, irremediability) * 10 + likelihood_of(kind, likelihood)


def severity_band(value: int) -> str:
    """The band of a severity (3..12): low up to 5, medium up to 8, high up to 10, very high
    for 11 and 12 (at least two factors at their worst)."""
    if value <= 5:
        return "low"
    if value <= 8:
        return "medium"
    if value <= 10:
        return "high"
    return "very_high"


def likelihood_band(kind: str, likelihood: int) -> str:
    if kind == RiskKind.ACTUAL:
        return "happened"
    return LIKELIHOOD_BANDS[min(max(likelihood, LOW), HIGH) - 1]


def bands(risk) -> tuple[str, str]:
    """(severity band, likelihood band) of a risk, read from its stored factors."""
    return (
        severity_band(severity(risk.scale, risk.scope, risk.irremediability)),
        likelihood_band(risk.kind, risk.likelihood),
    )
