"""The setup checklist of a new partnership: partners, members, mapping, charter, SMS number,
first consultation, actions, indicators. A step is done when its data exists (computed, never
ticked), and links to the page where it is done.

`partnerships` knows no feature: the two steps about its own data are here, the others are
registered by their features (wired in create_app), each with the SQL that says it is done:

    add_step(app, Step(key="mapping", order=30, label=_l("Map the participants"),
                       endpoint="mapping.create",
                       done=lambda pid: exists().where(Participant.partnership_id == pid)))

All steps are answered by one statement, whatever the partnership's size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from hsbp.partnerships.models import Invitation, Membership, Partner
from hsbp.security import Role

STEPS_KEY = "hsbp.partnerships.setup_steps"


@dataclass(frozen=True)
class Step:
    key: str
    order: int  # where it stands in the checklist (steps are numbered by tens)
    label: Any  # lazy string, an instruction: "Add the partners"
    endpoint: str  # the page where it is done; takes only partnership_id
    done: Callable[[int], Any]  # partnership id -> SQL EXISTS clause: its data exists


def _members_done(partnership_id: int):
    # Inviting is the facilitator's part: an invitation sent counts before it is accepted.
    # The administrator's invitation of the facilitator themself is not a representative's.
    return or_(
        exists().where(
            Membership.partnership_id == partnership_id, Membership.role != Role.FACILITATOR
        ),
        exists().where(
            Invitation.partnership_id == partnership_id,
            Invitation.role != Role.FACILITATOR,
            Invitation.revoked_at.is_(None),
        ),
    )


OWN_STEPS = (
    Step(
        key="partners",
        order=10,
        label=_l("Add the partners"),
        endpoint="partnerships.partners",
        done=lambda pid: exists().where(Partner.partnership_id == pid),
    ),
    Step(
        key="members",
        order=20,
        label=_l("Invite the partners' representatives"),
        endpoint="partnerships.member_list",
        done=_members_done,
    ),
)


def add_step(app: Flask, step: Step) -> None:
    """Put `step` on every partnership's checklist (a key registered again replaces it)."""
    app.extensions.setdefault(STEPS_KEY, {})[step.key] = step


def steps() -> list[Step]:
    registered = current_app.extensions.get(STEPS_KEY, {}).values()
    return sorted([*OWN_STEPS, *registered], key=lambda step: (step.order, step.key))


@dataclass(frozen=True)
class Progress:
    steps: list[tuple[Step, bool]]  # each step and whether it is done, in order

    @property
    def done(self) -> int:
        return sum(1 for _step, done in self.steps if done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def next_step(self) -> Step | None:
        return next((step for step, done in self.steps if not done), None)


def progress(session: Session, *, partnership_id: int) -> Progress:
    """Which steps of the checklist are done. One statement. Reads only."""
    ordered = steps()
    row = session.execute(
        select(*(step.done(partnership_id).label(step.key) for step in ordered))
    ).one()
    return Progress([(step, bool(done)) for step, done in zip(ordered, row, strict=True)])
