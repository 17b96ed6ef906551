"""Lead facilitators and co-facilitators: who sees who people are, and who decides who is a
member.

Lead facilitators see protected participants' names, the phones and e-mail addresses of
participants and SMS contacts, and answers exported with names, because they run the mapping
and the SMS channel and every look is audited. They also decide who is a member and with
which rights, and name co-facilitators.

A co-facilitator from the community side holds the facilitator role to run the partnership's
processes (charter, consultations, reviews, SMS), but neither of those: they come from one of
the groups those people live among, and a person at risk who trusted the neutral facilitator
with a name or a number did not trust the neighbours' representative with it; and one who
could change roles could make themselves (or a friend) a lead facilitator. They see
pseudonyms and masked numbers like any partner, and ask the lead facilitator to act.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from hsbp.partnerships.models import Membership
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role

# Memoised on the membership for the request it was loaded in: lists ask once per row.
_MEMO = "_hsbp_lead_facilitator"


def is_co_facilitator(membership: Membership) -> bool:
    """A facilitator whose profile names the community-side partner they come from."""
    session = object_session(membership)
    if session is None or membership.role != Role.FACILITATOR:
        return False
    return (
        session.scalar(
            select(FacilitatorProfile.id).where(
                FacilitatorProfile.membership_id == membership.id,
                FacilitatorProfile.community_partner_id.is_not(None),
            )
        )
        is not None
    )


def is_lead_facilitator(membership: Membership | None) -> bool:
    """A facilitator of the partnership who is not a co-facilitator from the community side."""
    if membership is None or membership.role != Role.FACILITATOR:
        return False
    known = membership.__dict__.get(_MEMO)
    if known is None or known[0] != membership.role:
        known = (membership.role, not is_co_facilitator(membership))
        membership.__dict__[_MEMO] = known
    return known[1]


def sees_identities(membership: Membership | None) -> bool:
    """Who sees names of protected participants and everyone's phones and e-mail addresses:
    the lead facilitators."""
    return is_lead_facilitator(membership)
