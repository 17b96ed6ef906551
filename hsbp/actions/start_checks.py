"""What must hold before an action starts, as other features say it: each registers a check
that may refuse an action's move to "in progress" (a do-no-harm screening not yet answered
for a place with recorded tensions), without the checklist importing them.

A check reads the action as it would be after the change (its places may change in the same
save) and answers with a Refusal or None. The first refusal stops the change before anything
is written; an action already in progress is never stopped by a check registered later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm import Session

from hsbp.actions.models import Action, ActionStatus
from hsbp.errors import ServiceError

KEY = "hsbp.actions.start_checks"

# check(session, partnership_id=, action=, localities=) -> Refusal | None. `action` is None
# while it is being added; `localities` are the places it will serve.
StartCheck = Callable[..., "Refusal | None"]


@dataclass(frozen=True)
class Refusal:
    """Why an action cannot start yet (a translated text), and where to put it right: a link
    text and the endpoint and values of its page, for a page to build its address."""

    message: object
    link_text: object | None = None
    endpoint: str | None = None
    values: dict = field(default_factory=dict)


class StartRefused(ServiceError):
    """A registered check refused the start: the message goes beside the status field, and
    `refusal` carries the link to where it is put right."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message, field="status")
        self.refusal = refusal


def add_start_check(app: Flask, check: StartCheck) -> None:
    """Ask `check` each time an action is about to move to "in progress"."""
    checks = app.extensions.setdefault(KEY, [])
    if check not in checks:
        checks.append(check)


def check_start(
    session: Session,
    *,
    partnership_id: int,
    action: Action | None,
    status_from: str,
    status_to: str,
    localities: list[str],
) -> None:
    """Raise StartRefused when the action moves to "in progress" and a check refuses it.
    Nothing is asked of a change that keeps an action in progress, or moves it elsewhere."""
    if status_to != ActionStatus.IN_PROGRESS or status_from == ActionStatus.IN_PROGRESS:
        return
    for check in current_app.extensions.get(KEY, ()):
        refusal = check(
            session, partnership_id=partnership_id, action=action, localities=list(localities)
        )
        if refusal is not None:
            raise StartRefused(refusal)
