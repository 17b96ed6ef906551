"""What the SMS channel puts at the top of a partnership's dashboard and on its menu badge
(hsbp.partnerships.attention), and its step of the setup checklist (hsbp.partnerships.setup):
messages in the inbox nobody has handled, for facilitators (the only ones who may open the
inbox); the partnership's SMS number. Registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import exists
from sqlalchemy.orm import Session

from hsbp.notifications import path_for
from hsbp.partnerships import setup
from hsbp.partnerships.attention import KEEP, Count, add_provider, with_number
from hsbp.security import Role
from hsbp.sms.inbox import unhandled_count
from hsbp.sms.models import SmsSettings


def unhandled_messages(session: Session, *, partnership, membership, now: datetime) -> list:
    """One statement, for facilitators only."""
    if membership.role != Role.FACILITATOR:
        return []
    number = unhandled_count(session, partnership_id=partnership.id)
    return [
        Count(
            kind="sms_unhandled",
            number=number,
            text=with_number(
                ngettext(
                    "%(count)s SMS not handled", "%(count)s SMS not handled", number, count=KEEP
                ),
                number,
            ),
            url=path_for("sms.inbox", partnership_id=partnership.id),
            menu="sms",
        )
    ]


def init_app(app: Flask) -> None:
    add_provider(app, "sms", unhandled_messages)
    setup.add_step(
        app,
        setup.Step(
            key="sms_number",
            order=50,
            label=_l("Set the partnership's SMS number"),
            endpoint="sms.settings",
            done=lambda pid: exists().where(SmsSettings.partnership_id == pid),
        ),
    )
