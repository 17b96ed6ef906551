"""The indicator set as a section of the charter (issue 16, item 4): its adoption listener,
what it needs of facilitators ("Needs me") and the editor's helper.

Wired in create_app."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.monitoring import charter_indicators
from hsbp.notifications import Item, add_provider, path_for
from hsbp.principles.adoption import on_adopted
from hsbp.principles.content import indicators_of
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role

AMENDMENT = "indicator_amendment"


def amendments_waiting(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Drafts that change the indicator set of a charter in force, waiting for a facilitator
    to propose them. One statement for all partnerships."""
    ids = {m.partnership_id for m in memberships if m.role == Role.FACILITATOR}
    if not ids:
        return []
    rows = session.scalars(
        select(CharterVersion)
        .where(
            CharterVersion.partnership_id.in_(ids),
            CharterVersion.status.in_((CharterStatus.DRAFT, CharterStatus.ADOPTED)),
        )
        .order_by(CharterVersion.id)
    ).all()
    adopted = {v.partnership_id: v for v in rows if v.status == CharterStatus.ADOPTED}
    found = []
    for draft in rows:
        current = adopted.get(draft.partnership_id)
        if draft.status != CharterStatus.DRAFT or current is None:
            continue
        before = indicators_of(current.content)
        if before is None or indicators_of(draft.content) == before:
            continue
        found.append(
            Item(
                kind=AMENDMENT,
                key=f"{AMENDMENT}:{draft.id}",
                partnership_id=draft.partnership_id,
                text=_(
                    "Draft version %(number)d of the charter changes the indicator set: "
                    "propose it to the partners.",
                    number=draft.number,
                ),
                url=path_for(
                    "principles.edit", partnership_id=draft.partnership_id, number=draft.number
                ),
            )
        )
    return found


def indicator_set_state(version: CharterVersion) -> dict:
    """For the charter editor: whether the charter in force holds the set (then the draft's
    set changes only through the indicators' pages) and whether the draft holds it."""
    governed = charter_indicators.indicators_endorsed(
        db.session(), partnership_id=version.partnership_id
    )
    return {"governed": governed, "holds": indicators_of(version.content) is not None}


def init_app(app: Flask) -> None:
    """Register this part's listeners, providers and template globals with `app`."""
    on_adopted(app, charter_indicators.apply_adopted)
    add_provider(
        app,
        AMENDMENT,
        label=_l("Indicator changes to propose"),
        provider=amendments_waiting,
        roles=[Role.FACILITATOR],
    )
    app.add_template_global(indicator_set_state)
