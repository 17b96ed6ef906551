"""What the charter puts at the top of a partnership's dashboard and on its menu badge
(hsbp.partnerships.attention), and its step of the setup checklist (hsbp.partnerships.setup):
charter proposals awaiting endorsement, for a representative whose partner has not answered
and for facilitators; drafting the charter. Registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from hsbp.notifications import path_for
from hsbp.partnerships import setup
from hsbp.partnerships.attention import KEEP, Count, add_provider, with_number
from hsbp.principles.models import CharterStatus, CharterVersion, Endorsement
from hsbp.security import Role


def proposals_waiting(session: Session, *, partnership, membership, now: datetime) -> list:
    """A representative: proposals their partner has not endorsed or objected to (a partner
    that has left answers nothing); a facilitator: every proposal, since they see the
    partners through to a decision. Observers act on none. One statement."""
    query = select(func.count()).where(
        CharterVersion.partnership_id == partnership.id,
        CharterVersion.status == CharterStatus.PROPOSED,
    )
    if membership.role == Role.REPRESENTATIVE:
        partner = membership.partner
        if partner is None or not partner.is_current:
            return []
        query = query.where(
            ~exists().where(
                Endorsement.version_id == CharterVersion.id,
                Endorsement.partnership_id == partnership.id,
                Endorsement.partner_id == partner.id,
            )
        )
    elif membership.role != Role.FACILITATOR:
        return []
    number = session.scalar(query) or 0
    return [
        Count(
            kind="charter_proposals",
            number=number,
            text=with_number(_sentence(membership.role, number), number),
            url=path_for("principles.charter", partnership_id=partnership.id),
            menu="charter",
        )
    ]


def _sentence(role: str, number: int) -> str:
    # Whole sentences in ngettext, so the catalogs hold each one.
    if role == Role.REPRESENTATIVE:
        text = ngettext(
            "%(count)s charter proposal awaits your endorsement",
            "%(count)s charter proposals await your endorsement",
            number,
            count=KEEP,
        )
    else:
        text = ngettext(
            "%(count)s charter proposal awaits the partners' endorsement",
            "%(count)s charter proposals await the partners' endorsement",
            number,
            count=KEEP,
        )
    return text


def init_app(app: Flask) -> None:
    add_provider(app, "charter", proposals_waiting)
    setup.add_step(
        app,
        setup.Step(
            key="charter",
            order=40,
            label=_l("Draft the charter"),
            endpoint="principles.charter",
            done=lambda pid: exists().where(CharterVersion.partnership_id == pid),
        ),
    )
