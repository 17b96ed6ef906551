"""What adopts a charter proposal: the partners' decision rule counted over their endorsements
(`Tally`), and the checks features above the charter add (the community's vote by SMS,
hsbp.community), with the panels they show beside a proposal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.orm import Session

from hsbp.partnerships.models import Partner
from hsbp.principles import content as doc
from hsbp.principles.models import CharterVersion, Endorsement, Stance

# Features above the charter (the community's vote, hsbp.community) add, in create_app:
# check(session, version) -> what a proposal still lacks for adoption beyond the partners'
# decision rule (a sentence), or None; panel(session, version) -> (template, context) shown
# with a proposal on the charter page, or None.
ADOPTION_CHECKS_KEY = "hsbp.principles.adoption_checks"
PANELS_KEY = "hsbp.principles.panels"
# And features the charter governs (the indicator set, hsbp.monitoring) add
# listener(session, *, version, replaced, actor), run inside the adopting transaction once
# `version` is in force (`replaced`: the version it supersedes, or None).
ADOPTED_KEY = "hsbp.principles.adopted_listeners"


def on_adoption_check(app: Flask, check: Callable) -> None:
    app.extensions.setdefault(ADOPTION_CHECKS_KEY, []).append(check)


def on_charter_panel(app: Flask, panel: Callable) -> None:
    app.extensions.setdefault(PANELS_KEY, []).append(panel)


def on_adopted(app: Flask, listener: Callable) -> None:
    app.extensions.setdefault(ADOPTED_KEY, []).append(listener)


def adopted(
    session: Session,
    *,
    version: CharterVersion,
    replaced: CharterVersion | None,
    actor=None,
) -> None:
    """Tell the listeners that `version` is now in force. Side effects: theirs."""
    for listener in current_app.extensions.get(ADOPTED_KEY, ()):
        listener(session, version=version, replaced=replaced, actor=actor)


def adoption_missing(session: Session, *, version: CharterVersion) -> list[str]:
    """What `version` lacks for adoption besides its partners' endorsements; [] if nothing."""
    checks = current_app.extensions.get(ADOPTION_CHECKS_KEY, ())
    return [str(found) for check in checks if (found := check(session, version))]


def charter_panels(session: Session, *, version: CharterVersion) -> list[tuple[str, dict]]:
    panels = current_app.extensions.get(PANELS_KEY, ())
    return [found for panel in panels if (found := panel(session, version))]


@dataclass(frozen=True)
class Tally:
    """Where a proposal stands against a decision rule, counting current partners only."""

    rule: str
    majority_percent: int
    quorum_percent: int
    partners: int
    endorsed: int
    objected: int

    @property
    def responded(self) -> int:
        return self.endorsed + self.objected

    def _share(self, percent: int) -> int:
        return -(-self.partners * percent // 100)  # rounded up: 67 % of 9 is 7 partners

    @property
    def needed(self) -> int:
        """Endorsements needed; a majority counts all partners, so it cannot flip later."""
        if self.rule == "consensus":
            return self.partners
        return self._share(self.majority_percent)

    @property
    def quorum(self) -> int:
        return self.partners if self.rule == "consensus" else self._share(self.quorum_percent)

    @property
    def decided(self) -> bool:
        if self.partners == 0 or (self.rule == "consensus" and self.objected):
            return False
        return self.endorsed >= self.needed and self.responded >= self.quorum

    @property
    def blocked(self) -> bool:
        """No answer still to come can adopt it: only a withdrawal and revision can help."""
        return self.partners - self.objected < self.needed


def governing_rule(version: CharterVersion, current: CharterVersion | None) -> dict:
    """The rule that decides on `version`: the one of the charter in force, so an amendment
    cannot lower the bar for itself; a first charter is decided by its own rule."""
    source = current if current is not None and current.id != version.id else version
    return source.content.get("decision_rule") or doc.empty_content()["decision_rule"]


def tally(rule: dict, partners: list[Partner], stances: dict[int, Endorsement]) -> Tally:
    current = [p.id for p in partners if p.is_current]
    given = [stances[p].stance for p in current if p in stances]
    return Tally(
        rule=rule["rule"],
        majority_percent=rule["majority_percent"],
        quorum_percent=rule["quorum_percent"],
        partners=len(current),
        endorsed=given.count(Stance.ENDORSE),
        objected=given.count(Stance.OBJECT),
    )
