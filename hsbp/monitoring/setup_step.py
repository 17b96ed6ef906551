"""Monitoring's step of a new partnership's setup checklist (hsbp.partnerships.setup): done
once an indicator is defined. Registered by init_app (wired in create_app)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from hsbp.monitoring.models import Indicator
from hsbp.partnerships import setup


def init_app(app: Flask) -> None:
    setup.add_step(
        app,
        setup.Step(
            key="indicators",
            order=80,
            label=_l("Set the indicators"),
            endpoint="monitoring.new",
            done=lambda pid: exists().where(Indicator.partnership_id == pid),
        ),
    )
