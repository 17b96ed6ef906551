"""The action checklist's step of a new partnership's setup checklist
(hsbp.partnerships.setup): done once an action is written. Registered by init_app (wired in
create_app)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from hsbp.actions.models import Action
from hsbp.partnerships import setup


def init_app(app: Flask) -> None:
    setup.add_step(
        app,
        setup.Step(
            key="actions",
            order=70,
            label=_l("Agree the first actions"),
            endpoint="actions.new",
            done=lambda pid: exists().where(Action.partnership_id == pid),
        ),
    )
