"""Mapping's step of a new partnership's setup checklist (hsbp.partnerships.setup): done once
a participant is mapped. Registered by init_app (wired in create_app)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from hsbp.mapping.models import Participant
from hsbp.partnerships import setup


def init_app(app: Flask) -> None:
    setup.add_step(
        app,
        setup.Step(
            key="mapping",
            order=30,
            label=_l("Map the participants"),
            endpoint="mapping.create",
            done=lambda pid: exists().where(Participant.partnership_id == pid),
        ),
    )
