"""Entry and exit of partners by the protocol (issue 16, item 6).

Wired in create_app: the charter's decision rule for proposed partners (hsbp.partnerships
.entry knows no charter), and what entry and exit need of people, for "Needs me" and the
notifications."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.governance import tasks  # noqa: F401  (declares the daily task to the queue)
from hsbp.notifications import Item, add_provider
from hsbp.notifications.items import path_for, start_of
from hsbp.partnerships import entry
from hsbp.partnerships.entry_forms import PROPOSAL_STATUS_LABELS
from hsbp.partnerships.entry_models import Departure, DepartureStatus
from hsbp.partnerships.models import Partner, zone_of
from hsbp.principles import services as charter
from hsbp.principles.adoption import tally
from hsbp.security import Role


def charter_rule(session: Session, *, partnership_id: int) -> dict | None:
    """The decision rule of the charter in force, or None when no charter is in force."""
    version = charter.in_force(session, partnership_id=partnership_id)
    return version.content.get("decision_rule") if version is not None else None


def entries_to_answer(session: Session, *, user, memberships, locale: str, now: datetime):
    """Proposed partners the person's current partner has not answered yet; two queries."""
    speaking = {
        m.partnership_id: m
        for m in memberships
        if m.role == Role.REPRESENTATIVE and m.partner is not None and m.partner.is_current
    }
    items = []
    rows = entry.open_for_representatives(session, partnership_ids=sorted(speaking))
    for proposal_id, partnership_id, name, _created, answered in rows:
        membership = speaking[partnership_id]
        if membership.partner_id in answered:
            continue
        items.append(
            Item(
                kind="partner_entry",
                key=f"partner_entry:{proposal_id}:{membership.partner_id}",
                partnership_id=partnership_id,
                text=_("Accept or object to %(name)s as a new partner.", name=name),
                url=path_for(
                    "partnerships.partner_proposal",
                    partnership_id=partnership_id,
                    proposal_id=proposal_id,
                ),
            )
        )
    return items


def handovers_to_do(session: Session, *, user, memberships, locale: str, now: datetime):
    """Open departures the person hands over work for: as a facilitator of the partnership
    or a representative of the leaving partner; one query."""
    by_partnership = {m.partnership_id: m for m in memberships}
    if not by_partnership:
        return []
    rows = session.execute(
        select(Departure, Partner.name)
        .join(Partner, Partner.id == Departure.partner_id)
        .where(
            Departure.partnership_id.in_(sorted(by_partnership)),
            Departure.status == DepartureStatus.OPEN,
        )
        .order_by(Departure.leaving_on, Departure.id)
    ).all()
    items = []
    for departure, name in rows:
        membership = by_partnership[departure.partnership_id]
        if not (
            membership.role == Role.FACILITATOR
            or (
                membership.role == Role.REPRESENTATIVE
                and membership.partner_id == departure.partner_id
            )
        ):
            continue
        zone = zone_of(membership.partnership.timezone)
        items.append(
            Item(
                kind="partner_handover",
                key=f"partner_handover:{departure.id}",
                partnership_id=departure.partnership_id,
                text=_("Hand over the work of %(name)s before it leaves.", name=name),
                url=path_for(
                    "governance.departure",
                    partnership_id=departure.partnership_id,
                    departure_id=departure.id,
                ),
                due=start_of(departure.leaving_on, zone),
                overdue=now.astimezone(zone).date() >= departure.leaving_on,
            )
        )
    return items


def init_app(app: Flask) -> None:
    """Register this part's listeners, providers and template globals with `app`."""
    entry.use_charter(app, rule=charter_rule, count=tally)
    app.jinja_env.globals["PROPOSAL_STATUS_LABELS"] = PROPOSAL_STATUS_LABELS
    add_provider(
        app,
        "partner_entry",
        label=_l("Proposed partners to accept or object to"),
        provider=entries_to_answer,
        roles=[Role.REPRESENTATIVE],
    )
    add_provider(
        app,
        "partner_handover",
        label=_l("Work of a leaving partner to hand over"),
        provider=handovers_to_do,
        roles=[Role.FACILITATOR, Role.REPRESENTATIVE],
    )
