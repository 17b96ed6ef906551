"""The partnership's grievance deadlines, and telling its facilitators and grievance officers
by e-mail of grievances past them (run by a periodic task, hsbp.grievances.tasks).

A grievance is escalated once per stage: `escalated_at` is set by a conditional update, so
two runs at once tell people once, and a change of stage clears it, so the next deadline
missed is told again. The e-mail names codes, stages and delays only: never who filed a
grievance, nor what it says (an e-mail leaves the platform's audited pages).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from hsbp import audit, mail
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.grievances import officers, services
from hsbp.grievances.codes import shown
from hsbp.grievances.forms import ACKNOWLEDGE_DAYS_MAX, RESPOND_DAYS_MAX, STAGE_LABELS
from hsbp.grievances.models import Grievance, GrievanceEvent, GrievanceSettings
from hsbp.grievances.queries import ACKNOWLEDGE_STAGES, RESPOND_STAGES
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Membership, Partnership
from hsbp.partnerships.models import Stage as PartnershipStage
from hsbp.paths import public_url
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "grievance.settings": _l("Grievance settings changed"),
        "grievance.escalate": _l("Overdue grievance escalated"),
    }
)


# Settings --------------------------------------------------------------------------------


def _days(value, *, high: int, field: str) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= high:
        raise ServiceError(_l("Choose from 1 to %(max)d days.", max=high), field=field)
    return days


def save_settings(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    acknowledge_days,
    respond_days,
    public_form: bool,
    new_address: bool = False,
) -> GrievanceSettings:
    """Change the partnership's deadlines and its public form; facilitators only. Raises
    ServiceError on a value out of range or a response due before the acknowledgement.
    Side effects: the settings row; a new public token when `new_address`; an audit entry."""
    if membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators change the grievance settings."))
    acknowledge = _days(acknowledge_days, high=ACKNOWLEDGE_DAYS_MAX, field="acknowledge_days")
    respond = _days(respond_days, high=RESPOND_DAYS_MAX, field="respond_days")
    if respond < acknowledge:
        raise ServiceError(
            _l("A response cannot be due before the acknowledgement."), field="respond_days"
        )
    settings = services.settings_of(session, membership.partnership_id)
    fields = ["acknowledge_days", "respond_days", "public_form"]
    before = audit.snapshot(settings, fields)
    settings.acknowledge_days, settings.respond_days = acknowledge, respond
    settings.public_form = bool(public_form)
    if new_address or not settings.public_token:
        settings.public_token = secrets.token_urlsafe(32)
    session.flush()
    details = audit.changes(settings, fields, before)
    if new_address:
        details["new_address"] = True
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.settings",
        obj=settings,
        partnership_id=membership.partnership_id,
        details=details,
    )
    return settings


# Escalation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Late:
    grievance: Grievance
    due: datetime
    days: int  # whole days late, counting a day begun


def overdue_unescalated(session: Session, *, now: datetime) -> dict[int, list[Late]]:
    """Open grievances past their deadline at `now` and not escalated at their present
    stage, by partnership (closed partnerships left out). Reads only."""
    rows = session.scalars(
        select(Grievance)
        .join(Partnership, Partnership.id == Grievance.partnership_id)
        .where(
            Grievance.escalated_at.is_(None),
            Grievance.stage.in_((*ACKNOWLEDGE_STAGES, *RESPOND_STAGES)),
            Partnership.stage != PartnershipStage.CLOSED,
        )
        .order_by(Grievance.partnership_id, Grievance.received_at, Grievance.id)
    ).all()
    settings = {
        s.partnership_id: s
        for s in session.scalars(
            select(GrievanceSettings).where(
                GrievanceSettings.partnership_id.in_({g.partnership_id for g in rows})
            )
        )
    }
    columns = GrievanceSettings.__table__.c
    default = GrievanceSettings(
        acknowledge_days=columns.acknowledge_days.default.arg,
        respond_days=columns.respond_days.default.arg,
    )
    found: dict[int, list[Late]] = {}
    for grievance in rows:
        own = settings.get(grievance.partnership_id, default)
        if not services.is_overdue(grievance, own, now):
            continue
        due = services.deadline(grievance, own)
        days = max(1, math.ceil((now - due) / timedelta(days=1)))
        found.setdefault(grievance.partnership_id, []).append(Late(grievance, due, days))
    return found


def escalate_overdue(session: Session, *, now: datetime) -> int:
    """Escalate every grievance newly past its deadline; returns how many were escalated.

    Side effects, per grievance claimed: `escalated_at`, an event (stage unchanged, no
    actor), an audit entry; per partnership, one e-mail to each active facilitator and
    grievance officer in their language, sent after the commit, naming only the grievances
    they may handle (none about a partner they represent)."""
    count = 0
    for partnership_id, late in overdue_unescalated(session, now=now).items():
        claimed = [item for item in late if _claim(session, item.grievance, now)]
        if not claimed:
            continue
        count += len(claimed)
        partnership = session.get(Partnership, partnership_id)
        for user, partner_id in _recipients(session, partnership_id):
            theirs = [
                item
                for item in claimed
                if partner_id is None or item.grievance.partner_id != partner_id
            ]
            if theirs:
                _queue_mail(session, user, partnership, theirs)
    return count


def _claim(session: Session, grievance: Grievance, now: datetime) -> bool:
    """Mark it escalated unless another run (or a change of stage) came first."""
    done = session.execute(
        update(Grievance)
        .where(
            Grievance.id == grievance.id,
            Grievance.stage == grievance.stage,
            Grievance.escalated_at.is_(None),
        )
        .values(escalated_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    grievance.escalated_at = now
    session.add(
        GrievanceEvent(
            partnership_id=grievance.partnership_id,
            grievance_id=grievance.id,
            stage_from=grievance.stage,
            stage_to=grievance.stage,
            created_at=now,
        )
    )
    audit.record(
        session,
        actor_id=None,
        action="grievance.escalate",
        obj=grievance,
        partnership_id=grievance.partnership_id,
        details={"stage": grievance.stage},
    )
    return True


def _recipients(session: Session, partnership_id: int) -> list[tuple[User, int | None]]:
    """Active facilitators and current grievance officers of the partnership, each once, with
    the partner they represent (None for most)."""
    memberships = session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.partnership_id == partnership_id,
            Membership.role == Role.FACILITATOR,
            User.active.is_(True),
        )
    ).all()
    found = {m.user_id: m for m in memberships}
    for officer in officers.current_officers(session, partnership_id=partnership_id):
        if officer.user.active:
            found.setdefault(officer.user.id, officer.membership)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(found)))}
    return [(users[uid], found[uid].partner_id) for uid in sorted(found)]


def grievance_link(grievance: Grievance) -> str:
    try:
        return public_url(
            "grievances.detail", partnership_id=grievance.partnership_id, grievance_id=grievance.id
        )
    except BuildError:
        base = current_app.config["PUBLIC_URL"]
        return f"{base}/p/{grievance.partnership_id}/grievances/{grievance.id}"


def _locale_of(user: User, partnership: Partnership) -> str:
    for code in (user.locale, partnership.default_locale):
        if code in UI_LOCALE_CODES:
            return code
    return "en"


def _queue_mail(session: Session, user: User, partnership: Partnership, late: list[Late]):
    with force_locale(_locale_of(user, partnership)):
        subject = ngettext(
            "%(partnership)s: %(num)d grievance is past its deadline",
            "%(partnership)s: %(num)d grievances are past their deadline",
            len(late),
            partnership=partnership.name,
        )
        lines = [
            _("Hello %(name)s,", name=user.name),
            "",
            _("These grievances are past their deadline and not yet handled:"),
        ]
        for item in late:
            lines.append(
                _(
                    "- %(code)s, %(stage)s: due on %(date)s, %(late)s",
                    code=shown(item.grievance.code),
                    stage=STAGE_LABELS[item.grievance.stage],
                    date=format_date(item.due.astimezone(partnership.zone).date(), "medium"),
                    late=ngettext("%(num)d day late", "%(num)d days late", item.days),
                )
            )
            lines.append("  " + grievance_link(item.grievance))
        lines += [
            "",
            _(
                "You get this e-mail because you are a facilitator or grievance officer of "
                "this partnership. Each grievance is escalated once at each stage."
            ),
        ]
    mail.queue_email(session, to=user.email, subject=subject, body="\n".join(lines))
