"""Pages of "you said, we did": the message to those who took part in a consultation, and what
the consultation's page (a template global) and a done action's page (a section of
hsbp.actions.extras) show of it, so neither feature imports this one."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.actions.models import Action, ActionStatus
from hsbp.community import feedback, feedback_send
from hsbp.community.feedback_forms import ACTIONS, feedback_form, filled
from hsbp.community.views import bp
from hsbp.consultations.models import Consultation, Status
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Partnership
from hsbp.security import Role
from hsbp.sms import broadcasts, encoding
from hsbp.sms.broadcasts import body_field
from hsbp.views import render_form


def local_text(values: dict | None) -> str:
    """A text stored per language, in the reader's language, else the partnership's."""
    return translated(values, locale=str(get_locale()), fallback=g.partnership.default_locale)


@bp.context_processor
def _helpers():
    return {"local_text": local_text}


def size_of(text: str | None) -> encoding.SegmentCount:
    """What a text costs as it will be sent."""
    return encoding.measure(encoding.normalise((text or "").strip()))


# Panels on other features' pages ------------------------------------------------------------


@bp.app_template_global("consultation_feedback")
def consultation_feedback(consultation: Consultation) -> dict | None:
    """For the consultation's page: what was sent to those who took part, the message to send
    (facilitators), and the done actions serving its goals; None until it has closed."""
    if consultation.status != Status.CLOSED or g.get("partnership") is None:
        return None
    session = db.session()
    facilitator = g.membership.role == Role.FACILITATOR
    sent = feedback.sent_of(session, consultation_id=consultation.id, every_kind=True)
    if not sent and "sms" not in (consultation.channels or []):
        return None  # nobody could answer by SMS: nobody to tell by SMS
    panel = {
        "sent": sent,
        "titles": _action_titles(session, sent),
        "offer": None,
        "actions": [],
        "facilitator": facilitator,
    }
    if facilitator:
        panel["offer"] = feedback.proposal(
            session, partnership=g.partnership, consultation=consultation
        )
        told = {row.action_id for row in sent if row.action_id}
        panel["actions"] = [
            (action, item, action.id in told)
            for action, item in feedback.done_actions_for(
                session, partnership_id=g.partnership.id, consultation=consultation
            )
        ]
    return panel


def action_section(session, *, action: Action, membership) -> dict | None:
    """For a done action's page (an hsbp.actions.extras section): one message per closed
    consultation whose outcome led to the action's goal; None when there is none."""
    if action.status != ActionStatus.DONE or not action.goal_key:
        return None
    partnership = session.get(Partnership, action.partnership_id)
    offers = [
        feedback.proposal(
            session, partnership=partnership, consultation=consultation, action=action
        )
        for consultation, _item in feedback.consultations_for(
            session, partnership_id=partnership.id, action=action
        )
    ]
    if not offers:
        return None
    return {"offers": offers, "facilitator": membership.role == Role.FACILITATOR}


@bp.app_template_global("feedback_size")
def feedback_size(text: str | None) -> encoding.SegmentCount:
    return size_of(text)


@bp.app_template_global("feedback_field")
def feedback_field(code: str) -> str:
    """The name of the form field of the text in language `code`."""
    return body_field(code)


def _action_titles(session, rows) -> dict[int, dict]:
    ids = {row.action_id for row in rows if row.action_id}
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Action.id, Action.title).where(
                Action.id.in_(ids), Action.partnership_id == g.partnership.id
            )
        ).all()
    )


# The message's own page -----------------------------------------------------------------------


def _consultation_or_404(consultation_id: int) -> Consultation:
    found = db.session().scalar(
        select(Consultation).where(
            Consultation.id == consultation_id, Consultation.partnership_id == g.partnership.id
        )
    )
    return found or abort(404)


def _action_or_404(consultation: Consultation, action_id: int) -> Action:
    found = db.session().scalar(
        select(Action).where(Action.id == action_id, Action.partnership_id == g.partnership.id)
    )
    # Only an action serving a goal that came from this consultation has a message here.
    if found is None or feedback.linked_item(consultation, found.goal_key) is None:
        abort(404)
    return found


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/feedback",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR)
def consultation_message(partnership_id: int, consultation_id: int):
    return _message_page(_consultation_or_404(consultation_id), None)


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/feedback/actions/<int:action_id>",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR)
def action_message(partnership_id: int, consultation_id: int, action_id: int):
    consultation = _consultation_or_404(consultation_id)
    return _message_page(consultation, _action_or_404(consultation, action_id))


def _back(consultation: Consultation, action: Action | None) -> str:
    """Where the message is offered: the action's page, or the consultation's."""
    if action is not None:
        return (
            url_for("actions.detail", partnership_id=g.partnership.id, action_id=action.id)
            + "#feedback"
        )
    return (
        url_for(
            "consultations.detail", partnership_id=g.partnership.id, consultation_id=consultation.id
        )
        + "#feedback"
    )


def _message_page(consultation: Consultation, action: Action | None):
    languages = g.partnership.locales or [g.partnership.default_locale]
    pressed = next((name for name in ACTIONS if name in request.form), "send")
    form = feedback_form(languages)
    offer = None
    if request.method == "POST" and form.validate_on_submit():
        if pressed in ("send", "save"):
            # Sending reads the participation list only: the proposal (which counts the
            # responses) is built for showing the page, never on the way to a send.
            try:
                return _act(pressed, form, consultation, action)
            except ServiceError as error:
                apply_to_form(form, error)
        elif pressed == "refill":
            offer = _offer(consultation, action)
            form = feedback_form(languages, formdata=None, data=filled(_proposed(offer)))
    offer = offer or _offer(consultation, action)
    if request.method == "GET":
        form = feedback_form(languages, formdata=None, data=filled(offer.texts))
    return render_form(
        "community/feedback.html",
        form,
        form=form,
        offer=offer,
        progress=broadcasts.progress(
            db.session(),
            broadcast_ids=[row.broadcast_id for row in offer.sent if row.broadcast_id],
        ),
        back=_back(consultation, action),
    )


def _offer(consultation: Consultation, action: Action | None) -> feedback.Proposal:
    return feedback.proposal(
        db.session(), partnership=g.partnership, consultation=consultation, action=action
    )


def _proposed(offer: feedback.Proposal) -> dict[str, str]:
    """The proposal again, whatever draft was saved."""
    if offer.action is not None:
        return feedback.action_proposal(
            db.session(), partnership=g.partnership, item=offer.item or {}, action=offer.action
        )
    return feedback.closure_proposal(
        db.session(), partnership=g.partnership, consultation=offer.consultation
    )


def _act(pressed: str, form, consultation: Consultation, action: Action | None):
    session = db.session()
    subject = {"partnership": g.partnership, "consultation": consultation, "action": action}
    if pressed == "save":
        feedback_send.save_draft(session, actor=current_user, bodies=form.bodies(), **subject)
        flash(_("The draft is saved: nothing has been sent."), "success")
        return redirect(_back(consultation, action))
    sent = feedback_send.send_feedback(
        session, actor=current_user, bodies=form.bodies(), again=bool(form.again.data), **subject
    )
    message = ngettext(
        "The message is on its way to %(num)d person who took part.",
        "The message is on its way to %(num)d people who took part.",
        sent.recipients,
    )
    flash(message, "success")
    return redirect(_back(consultation, action))
