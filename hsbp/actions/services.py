"""Creating and changing actions of the checklist, and reporting their progress.

Every rule is checked before anything is changed, so a refused save leaves the action as it
was (nothing half-saved). A change of status or progress is also an ActionUpdate row with
its comment: the action row holds the present, the updates the history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions import checks, permissions, start_checks
from hsbp.actions.models import (
    NEEDS_REASON,
    Action,
    ActionStatus,
    ActionUpdate,
    Contribution,
)
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partnership
from hsbp.principles import services as charter

audit.ACTION_LABELS.update(
    {
        "action.create": _l("Action added to the checklist"),
        "action.update": _l("Action changed"),
        "action.progress": _l("Action progress reported"),
    }
)
AUDITED = ["title", "goal_key", "lead_partner_id", "start_on", "due_on", "status", "progress"]
AUDITED += ["principles", "sdg_targets", "budget", "currency", "localities"]
# Who hears that an action became done (a community check of it, wired in create_app): they
# build on the checklist, so it cannot call them by name.
DONE_LISTENERS_KEY = "hsbp.action_done_listeners"


def on_done(app: Flask, callback: Callable[..., None]) -> None:
    """Call `callback(session, action=, actor=)` each time an action becomes done (added as
    done, saved as done or reported done), in the same transaction, after its update and
    audit entry. A listener must not refuse: the action is done whatever it does."""
    listeners = app.extensions.setdefault(DONE_LISTENERS_KEY, [])
    if callback not in listeners:
        listeners.append(callback)


def _tell_done(session: Session, action: Action, actor: User, was: str) -> None:
    if was != ActionStatus.DONE and action.status == ActionStatus.DONE:
        for callback in current_app.extensions.get(DONE_LISTENERS_KEY, ()):
            callback(session, action=action, actor=actor)


def create_action(
    session: Session, *, actor: User, membership: Membership, partnership: Partnership, fields
) -> Action:
    """A new action from `fields` (see `_checked`). Raises ServiceError (with the form field)
    when a rule refuses it, StartRefused when a start check (hsbp.actions.start_checks)
    refuses it added as in progress. Side effects: the action, its first update, an audit entry, and
    what the `on_done` listeners do when it is added as done."""
    if not permissions.may_create(membership):
        raise ServiceError(_l("Only facilitators and partner representatives add actions."))
    rule = charter_rule(session, partnership.id)
    values = checks.checked(session, partnership, None, fields)
    if not permissions.may_lead(membership, values["lead_partner_id"], rule=rule):
        raise ServiceError(
            _l("You can add actions led by your own organisation only."), field="lead_partner_id"
        )
    start_checks.check_start(
        session,
        partnership_id=partnership.id,
        action=None,
        status_from="",
        status_to=values["status"],
        localities=values["localities"],
    )
    action = Action(partnership_id=partnership.id, created_by_id=actor.id)
    session.add(action)
    _apply(session, action, values)
    session.flush()
    _record_update(
        session,
        action,
        actor,
        ("", values["status"]),
        (None, values["progress"]),
        values["comment"],
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="action.create",
        obj=action,
        partnership_id=partnership.id,
        details=audit.changes(action, AUDITED, {}),
    )
    _tell_done(session, action, actor, "")
    return action


def update_action(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    action: Action,
    fields,
) -> Action:
    """Change every field of `action`, if the charter's rule lets this member edit it.
    Side effects: the action, an update when its status or progress changed, an audit entry,
    and what the `on_done` listeners do when it becomes done."""
    rule = charter_rule(session, partnership.id)
    if not permissions.may_edit(membership, action, rule=rule):
        raise ServiceError(not_allowed_message(rule))
    values = checks.checked(session, partnership, action, fields)
    if values["lead_partner_id"] != action.lead_partner_id and not permissions.may_lead(
        membership, values["lead_partner_id"], rule=rule
    ):
        raise ServiceError(
            _l("Only a facilitator can hand the lead to another partner."),
            field="lead_partner_id",
        )
    start_checks.check_start(
        session,
        partnership_id=partnership.id,
        action=action,
        status_from=action.status,
        status_to=values["status"],
        localities=values["localities"],
    )
    before = audit.snapshot(action, AUDITED)
    status, progress = action.status, action.progress
    _apply(session, action, values)
    session.flush()
    if (status, progress) != (action.status, action.progress) or values["comment"]:
        _record_update(
            session,
            action,
            actor,
            (status, action.status),
            (progress, action.progress),
            values["comment"],
        )
    audit.record(
        session,
        actor_id=actor.id,
        action="action.update",
        obj=action,
        partnership_id=partnership.id,
        details=audit.changes(action, AUDITED, before),
    )
    _tell_done(session, action, actor, status)
    return action


def report_progress(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    action: Action,
    status: str,
    progress,
    comment: str = "",
    reason: str = "",
) -> ActionUpdate:
    """A dated update of status and progress with its comment, by anyone who may report on
    the action (supporting partners included). Raises ServiceError on a refused value.
    Side effects: the action, the update, an audit entry, and what the `on_done` listeners do
    when it becomes done."""
    rule = charter_rule(session, action.partnership_id)
    if not permissions.may_report(membership, action, rule=rule):
        raise ServiceError(not_allowed_message(rule))
    status = checks.status_of(status)
    progress = checks.progress_of(progress)
    # Still blocked (or dropped) with nothing new to say: the reason given before stands.
    reason = (reason or "").strip()[: checks.TEXT_MAX] or (
        action.status_reason if status == action.status else ""
    )
    comment = (comment or "").strip()[: checks.COMMENT_MAX]
    checks.check_status(action, status, reason, [d for d in action.depends_on])
    if (status, progress) == (action.status, action.progress) and not comment:
        raise ServiceError(_l("Change the status or the progress, or write a comment."))
    start_checks.check_start(
        session,
        partnership_id=action.partnership_id,
        action=action,
        status_from=action.status,
        status_to=status,
        localities=action.localities or [],
    )
    old = (action.status, action.progress)
    _set_status(action, status, progress, reason)
    update = _record_update(
        session, action, actor, (old[0], action.status), (old[1], action.progress), comment
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="action.progress",
        obj=action,
        partnership_id=action.partnership_id,
        details={"status": [old[0], action.status], "progress": [old[1], action.progress]},
    )
    _tell_done(session, action, actor, old[0])
    return update


# The charter's rule -----------------------------------------------------------------------


def charter_rule(session: Session, partnership_id: int) -> str:
    """Who may change actions under the charter in force (hsbp.actions.permissions)."""
    return charter.action_rule(session, partnership_id=partnership_id)


def not_allowed_message(rule: str):
    """What a member refused by `rule` is told."""
    if rule == permissions.LEAD:
        return _l(
            "The charter lets only the lead partner's representatives change this action; "
            "supporting partners can report progress."
        )
    return _l("The charter does not let your organisation change this action.")


# Changing --------------------------------------------------------------------------------


def _apply(session: Session, action: Action, values: dict) -> None:
    for name in ("title", "description", "goal_key", "lead_partner_id", "start_on", "due_on"):
        setattr(action, name, values[name])
    for name in ("principles", "sdg_targets", "budget", "currency", "localities"):
        setattr(action, name, values[name])
    action.supporters = values["supporters"]
    action.responsibles = values["responsibles"]
    action.depends_on = values["depends_on"]
    action.contributions = [Contribution(**row) for row in values["contributions"]]
    _set_status(action, values["status"], values["progress"], values["status_reason"])


def _set_status(action: Action, status: str, progress: int, reason: str) -> None:
    if status == ActionStatus.DONE:
        progress = 100
        if action.status != ActionStatus.DONE:
            action.done_at = utcnow()
    else:
        action.done_at = None
    action.status, action.progress = status, progress
    action.status_reason = reason if status in NEEDS_REASON else ""


def _record_update(session, action, actor, statuses, progresses, comment) -> ActionUpdate:
    update = ActionUpdate(
        partnership_id=action.partnership_id,
        action_id=action.id,
        author_id=actor.id,
        status_from=statuses[0],
        status_to=statuses[1],
        progress_from=progresses[0],
        progress_to=progresses[1],
        comment=comment,
    )
    session.add(update)
    session.flush()
    return update


def overdue_and_due_soon(
    session: Session, *, partnership_id: int, today: date, days: int
) -> tuple[list[Action], list[Action]]:
    """The partnership's open actions past their due date, and those due within `days`."""
    rows = session.scalars(
        select(Action)
        .where(
            Action.partnership_id == partnership_id,
            Action.status.not_in((ActionStatus.DONE, ActionStatus.DROPPED)),
            Action.due_on.is_not(None),
            Action.due_on <= today + timedelta(days=days),
        )
        .order_by(Action.due_on, Action.id)
    ).all()
    return [a for a in rows if a.due_on < today], [a for a in rows if a.due_on >= today]
