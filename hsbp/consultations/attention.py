"""What consultations put at the top of a partnership's dashboard and on its menu badge
(hsbp.partnerships.attention), and their step of the setup checklist
(hsbp.partnerships.setup): consultations open now, which every member may open; preparing a
first consultation. Registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from hsbp.consultations.models import Consultation, Status
from hsbp.notifications import path_for
from hsbp.partnerships import setup
from hsbp.partnerships.attention import KEEP, Count, add_provider, with_number


def open_consultations(session: Session, *, partnership, membership, now: datetime) -> list:
    """Consultations open and not past their closing time (the task that closes them may
    not have run yet). Whether the reader has answered is theirs alone: "Needs me" says it.
    One statement."""
    number = (
        session.scalar(
            select(func.count()).where(
                Consultation.partnership_id == partnership.id,
                Consultation.status == Status.OPEN,
                or_(Consultation.closes_at.is_(None), Consultation.closes_at > now),
            )
        )
        or 0
    )
    return [
        Count(
            kind="consultations_open",
            number=number,
            text=with_number(
                ngettext(
                    "%(count)s consultation open",
                    "%(count)s consultations open",
                    number,
                    count=KEEP,
                ),
                number,
            ),
            url=path_for("consultations.index", partnership_id=partnership.id),
            menu="consultations",
        )
    ]


def init_app(app: Flask) -> None:
    add_provider(app, "consultations", open_consultations)
    setup.add_step(
        app,
        setup.Step(
            key="consultation",
            order=60,
            label=_l("Prepare a first consultation"),
            endpoint="consultations.new",
            done=lambda pid: exists().where(Consultation.partnership_id == pid),
        ),
    )
