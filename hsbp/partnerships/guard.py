"""The one partnership access guard: every page under /p/<partnership_id>/ goes through it."""

from __future__ import annotations

import functools

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.extensions import login_manager
from hsbp.partnerships.identities import is_lead_facilitator
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role


def partnership_guard(min_role: Role = Role.OBSERVER, *, lead: bool = False):
    """Protect a view under /p/<partnership_id>/: the signed-in user must be a member of that
    partnership with at least `min_role` (with `lead`, a lead facilitator: not a co-facilitator
    from the community side, see `identities`); anyone else gets the same 404 as for a
    partnership that does not exist, so ids reveal nothing. Sets g.partnership and
    g.membership."""

    def decorator(view):
        @functools.wraps(view)
        def guarded(*args, partnership_id: int, **kwargs):
            if not current_user.is_authenticated:
                # Every id redirects alike, so this reveals nothing about which ones exist.
                return login_manager.unauthorized()
            row = (
                db.session()
                .execute(
                    select(Partnership, Membership)
                    .join(Membership, Membership.partnership_id == Partnership.id)
                    .where(Partnership.id == partnership_id, Membership.user_id == current_user.id)
                )
                .first()
            )
            if row is None or Role(row.Membership.role).rank < min_role.rank:
                abort(404)
            if lead and not is_lead_facilitator(row.Membership):
                abort(404)
            g.partnership, g.membership = row.Partnership, row.Membership
            return view(*args, partnership_id=partnership_id, **kwargs)

        guarded.partnership_guard = min_role
        return guarded

    return decorator
