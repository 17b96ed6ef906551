"""Do-no-harm screening of actions: an action that works in a place with recorded tensions
(hsbp.risks.tensions) answers three short questions before it starts — who could be put at
risk, which divider it could feed, which connector it strengthens — so the partners think
through how their work meets the conflict before it does (conflict sensitivity: understand
the context, the action's interaction with it, and act on both).

The checklist asks `start_check` before an action moves to "in progress" (a start check of
hsbp.actions.start_checks); an action already under way is not stopped, its page says the
screening is needed. Whoever may change the action answers; every member reads the answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions import permissions as action_permissions
from hsbp.actions import services as action_services
from hsbp.actions.extras import Columns, Note
from hsbp.actions.models import CLOSED, Action, ActionStatus
from hsbp.actions.start_checks import Refusal
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership
from hsbp.risks.screening_models import ActionScreening
from hsbp.risks.tensions import places_with_tension, tense_places

ANSWERS = ("who_at_risk", "divider", "connector")
ANSWER_MAX = 500
QUESTIONS = {
    "who_at_risk": _l("Who could be put at risk by this action?"),
    "divider": _l("Which divider could it feed?"),
    "connector": _l("Which connector does it strengthen?"),
}
HINTS = {
    "who_at_risk": _l(
        "People or groups who could be harmed, singled out or exposed by what the action does, "
        "where, and who gains from it."
    ),
    "divider": _l(
        "What already sets people apart here (land, water, jobs, who receives benefits) that "
        "the action could sharpen."
    ),
    "connector": _l(
        "What already brings people together here (markets, schools, water points, trusted "
        "leaders) that the action builds on."
    ),
}
# Short headings of the answers, for tables and the export.
HEADINGS = {
    "who_at_risk": _l("Who could be put at risk"),
    "divider": _l("Divider it could feed"),
    "connector": _l("Connector it strengthens"),
}
STATE_LABELS = {
    "answered": _p("do-no-harm screening", "Answered"),
    "needed": _p("do-no-harm screening", "Needed"),
}

audit.ACTION_LABELS.update(
    {
        "screening.answer": _l("Do-no-harm screening answered"),
        "screening.update": _l("Do-no-harm screening changed"),
    }
)


@dataclass(frozen=True)
class Standing:
    """Where an action stands with its screening: its places with recorded tensions (as it
    names them), its answers if given, and whether they are still owed (tense places, no
    answers, the action not closed)."""

    places: list[str]
    screening: ActionScreening | None

    def state(self, action: Action) -> str | None:
        if self.screening is not None:
            return "answered"
        if self.places and action.status not in CLOSED:
            return "needed"
        return None


def screening_of(session: Session, *, action: Action) -> ActionScreening | None:
    return session.scalar(
        select(ActionScreening).where(
            ActionScreening.action_id == action.id,
            ActionScreening.partnership_id == action.partnership_id,
        )
    )


def standing(session: Session, *, action: Action) -> Standing:
    """The screening standing of one action. Three queries."""
    tense = places_with_tension(session, partnership_id=action.partnership_id)
    return Standing(tense_places(action.localities, tense), screening_of(session, action=action))


def standings(session: Session, *, partnership_id: int) -> dict[int, tuple[Action, Standing]]:
    """{action id: (action, standing)} of the partnership's actions that have answers or owe
    them, by id. At most four queries, however many actions."""
    tense = places_with_tension(session, partnership_id=partnership_id)
    answered = {
        row.action_id: row
        for row in session.scalars(
            select(ActionScreening).where(ActionScreening.partnership_id == partnership_id)
        )
    }
    if not tense and not answered:
        return {}  # no action can owe or hold answers: the checklist is not read
    actions = session.scalars(
        select(Action).where(Action.partnership_id == partnership_id).order_by(Action.id)
    )
    found = {}
    for action in actions:
        shown = Standing(tense_places(action.localities, tense), answered.get(action.id))
        if shown.state(action) is not None:
            found[action.id] = (action, shown)
    return found


def may_answer(session: Session, membership: Membership, action: Action) -> bool:
    """Whoever may change the action (the charter's action rule) answers its screening."""
    rule = action_services.charter_rule(session, action.partnership_id)
    return action_permissions.may_edit(membership, action, rule=rule)


def _checked(answers: dict) -> dict[str, str]:
    out = {}
    for name in ANSWERS:
        text = str(answers.get(name) or "").replace("\r\n", "\n").strip()
        if not text:
            raise ServiceError(_l("Answer this question."), field=name)
        if len(text) > ANSWER_MAX:
            raise ServiceError(
                _l("Keep this answer under %(count)d characters.", count=ANSWER_MAX), field=name
            )
        out[name] = text
    return out


def save_screening(
    session: Session, *, actor: User, membership: Membership, action: Action, answers: dict
) -> ActionScreening:
    """Record (or revise) the three answers of `action`'s screening. Raises ServiceError,
    naming the field at fault, when the member may not change the action or an answer is
    missing or too long; nothing is written then. Side effects: the screening row, and an
    audit entry on the action when an answer was given or changed (naming which, never
    what: the answers may name people at risk)."""
    if action.partnership_id != membership.partnership_id:
        raise ServiceError(_l("This action is not part of this partnership."))
    if not may_answer(session, membership, action):
        rule = action_services.charter_rule(session, action.partnership_id)
        raise ServiceError(action_services.not_allowed_message(rule))
    clean = _checked(answers)
    screening = screening_of(session, action=action)
    if screening is None:
        screening = ActionScreening(
            partnership_id=action.partnership_id, action_id=action.id, answered_by_id=actor.id
        )
        session.add(screening)
        changed, kind = list(ANSWERS), "screening.answer"
    else:
        changed = [name for name in ANSWERS if getattr(screening, name) != clean[name]]
        kind = "screening.update"
    for name in ANSWERS:
        setattr(screening, name, clean[name])
    if changed:
        screening.answered_by_id = actor.id
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action=kind,
            obj=action,
            partnership_id=action.partnership_id,
            details={"changed": [f"screening.{name}" for name in changed]},
        )
    return screening


# What the checklist asks ------------------------------------------------------------------


def start_check(
    session: Session, *, partnership_id: int, action: Action | None, localities: list[str]
) -> Refusal | None:
    """The checklist's start check: an action in a place with recorded tensions starts only
    once its screening is answered. Three queries, two when no place is tense."""
    places = tense_places(localities, places_with_tension(session, partnership_id=partnership_id))
    if not places:
        return None
    named = ", ".join(places)
    if action is None or action.id is None:
        return Refusal(
            _l(
                "This action works where tensions are recorded (%(places)s): add it as "
                "planned, answer its do-no-harm screening, then start it.",
                places=named,
            )
        )
    if screening_of(session, action=action) is not None:
        return None
    return Refusal(
        _l(
            "This action works where tensions are recorded (%(places)s): answer its do-no-harm "
            "screening before it starts.",
            places=named,
        ),
        link_text=_l("Answer the do-no-harm screening"),
        endpoint="risks.screening",
        values={"partnership_id": partnership_id, "action_id": action.id},
    )


def notes(session: Session, *, partnership_id: int, public: bool = False) -> dict[int, Note]:
    """The checklist's note provider: each action under way that still owes its screening,
    flagged for the dashboard. Nothing on the public page: tensions are the partners' own
    reading of the place."""
    if public:
        return {}
    return {
        action_id: Note(_("Do-no-harm screening needed"), flagged=True)
        for action_id, (action, shown) in standings(session, partnership_id=partnership_id).items()
        if shown.state(action) == "needed" and action.status == ActionStatus.IN_PROGRESS
    }


def columns(session: Session, *, partnership_id: int) -> Columns | None:
    """The export's columns: the screening's state and its three answers, for a partnership
    where some action has answers or owes them (none otherwise: no empty columns)."""
    found = standings(session, partnership_id=partnership_id)
    if not found:
        return None
    values = {}
    for action_id, (action, shown) in found.items():
        answered = shown.screening
        values[action_id] = (
            str(STATE_LABELS[shown.state(action)]),
            *(getattr(answered, name) if answered else "" for name in ANSWERS),
        )
    headings = (str(_l("Do-no-harm screening")), *(str(HEADINGS[n]) for n in ANSWERS))
    return Columns(headings=headings, values=values)
