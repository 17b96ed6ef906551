"""What facilitation needs of a person: a facilitator's profile not written yet, listed by
"Needs me" and the notifications (registered by hsbp.governance.hooks).

It sits in governance because notifications stand above partnerships: partnerships may not
import them."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.notifications import Item
from hsbp.partnerships.models import Membership
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role

KIND = "facilitator_profile"


def path_for(endpoint: str, **values) -> str:
    """The path of a page, built without a request: a digest's items are listed by a task."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def profiles_missing(
    session: Session, *, user: User, memberships: list[Membership], locale: str, now: datetime
) -> list[Item]:
    """One item per partnership where `user` facilitates without a written profile. One
    query at most, whatever the number of partnerships."""
    facilitating = [m for m in memberships if m.role == Role.FACILITATOR]
    if not facilitating:
        return []
    written = set(
        session.scalars(
            select(FacilitatorProfile.membership_id).where(
                FacilitatorProfile.membership_id.in_([m.id for m in facilitating]),
                FacilitatorProfile.updated_at.is_not(None),
            )
        )
    )
    items = []
    with force_locale(locale):
        for membership in facilitating:
            if membership.id in written:
                continue
            items.append(
                Item(
                    kind=KIND,
                    key=f"{KIND}:{membership.id}",
                    partnership_id=membership.partnership_id,
                    text=_(
                        "Write your facilitator's profile for %(name)s: your organisation, "
                        "your neutrality statement and your interests.",
                        name=membership.partnership.name,
                    ),
                    url=path_for(
                        "partnerships.facilitator_profile",
                        partnership_id=membership.partnership_id,
                    ),
                )
            )
    return items
