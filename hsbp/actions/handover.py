"""Handing a leaving partner's place on an action to another partner (issue 16, item 6).

Not an ordinary edit: the leaver protocol (hsbp.governance.handover) decides who may do it,
not the charter's action rule, and only the leaving partner's lead or supporting place
moves. It keeps the action's own history all the same: an update row and an audit entry.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions.models import Action, ActionUpdate
from hsbp.auth.models import User
from hsbp.partnerships.models import Partner, Partnership

audit.ACTION_LABELS["action.handover"] = _l("Action handed over by a leaving partner")
NOTE_MAX = 2000


def hand_over(
    session: Session,
    *,
    actor: User,
    action: Action,
    leaving: Partner,
    to: Partner,
    note: str = "",
) -> None:
    """Give `leaving`'s place on `action` (lead or supporting) to `to`; the caller checked
    both partners. Contributions stay as they are: they record what was put in.

    Side effects: the action's lead or supporters, an update row whose comment says who
    took over (in the partnership's language), an audit entry."""
    before = {"lead_partner_id": action.lead_partner_id, "supporters": _ids(action)}
    if action.lead_partner_id == leaving.id:
        action.lead_partner_id = to.id
        action.supporters = [p for p in action.supporters if p.id not in (leaving.id, to.id)]
    else:
        kept = [p for p in action.supporters if p.id != leaving.id]
        if to.id != action.lead_partner_id and all(p.id != to.id for p in kept):
            kept.append(to)
        action.supporters = sorted(kept, key=lambda p: p.name)
    partnership = session.get(Partnership, action.partnership_id)
    with force_locale(partnership.default_locale):
        comment = _(
            "%(leaving)s leaves the partnership: %(to)s takes over its part in this action.",
            leaving=leaving.name,
            to=to.name,
        )
    note = (note or "").strip()[:NOTE_MAX]
    session.add(
        ActionUpdate(
            partnership_id=action.partnership_id,
            action_id=action.id,
            author_id=actor.id,
            status_from=action.status,
            status_to=action.status,
            progress_from=action.progress,
            progress_to=action.progress,
            comment=f"{comment}\n{note}" if note else comment,
        )
    )
    session.flush()
    after = {"lead_partner_id": action.lead_partner_id, "supporters": _ids(action)}
    audit.record(
        session,
        actor_id=actor.id,
        action="action.handover",
        obj=action,
        partnership_id=action.partnership_id,
        details={
            "from_partner_id": leaving.id,
            "to_partner_id": to.id,
            **{k: [before[k], after[k]] for k in before if before[k] != after[k]},
        },
    )


def _ids(action: Action) -> list[int]:
    return sorted(p.id for p in action.supporters)
