"""Facilitators on the record: their profiles (organisation, neutrality statement, declared
interests), read by every member, and the co-facilitator from the community side.

A co-facilitator holds the facilitator role, since every process of the partnership is run
with it and a lesser role would make the title empty. What keeps it least privilege: only a
representative of a current community-side partner may be named; while co-facilitating they
no longer speak for that partner (a facilitator is neutral, and a partner must not count twice
in a decision); they never see who people are (protected identities, phones and e-mail
addresses, names in exports: `identities.sees_identities`); and standing them down gives them
back their seat for the partner (or an observer's, if it has left). Naming, standing down and
profiles are audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships import members
from hsbp.partnerships.models import Membership, Partner, Partnership, Sector
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role

# Partners that speak for the community: a co-facilitator comes from one of these.
COMMUNITY_SECTORS = (Sector.COMMUNITY_GROUP, Sector.CIVIL_SOCIETY)
ORGANISATION_MAX = 200
TEXT_MAX = 4000

audit.ACTION_LABELS.update(
    {
        "facilitator_profile.update": _l("Facilitator's profile written"),
        "co_facilitator.name": _l("Co-facilitator from the community side named"),
        "co_facilitator.remove": _l("Co-facilitator from the community side stood down"),
    }
)


@dataclass(frozen=True)
class Facilitator:
    """A facilitator of the partnership as the Facilitation page shows them."""

    membership: Membership
    profile: FacilitatorProfile | None
    community_partner: Partner | None

    @property
    def is_co(self) -> bool:
        return self.community_partner is not None

    @property
    def has_profile(self) -> bool:
        return self.profile is not None and self.profile.is_written


def facilitators(session: Session, *, partnership_id: int) -> list[Facilitator]:
    """Every facilitator with their profile (or none yet): the lead facilitators first, then
    the co-facilitators, each by name. One query."""
    partner = aliased(Partner)
    rows = session.execute(
        select(Membership, FacilitatorProfile, partner)
        .options(joinedload(Membership.user))
        .join(User, User.id == Membership.user_id)
        .outerjoin(FacilitatorProfile, FacilitatorProfile.membership_id == Membership.id)
        .outerjoin(partner, partner.id == FacilitatorProfile.community_partner_id)
        .where(
            Membership.partnership_id == partnership_id,
            Membership.role == Role.FACILITATOR,
        )
        .order_by(User.name, Membership.id)
    ).all()
    found = [Facilitator(m, profile, co) for m, profile, co in rows]
    return sorted(found, key=lambda f: f.is_co)


def profile_of(session: Session, *, membership: Membership) -> FacilitatorProfile | None:
    return session.scalar(
        select(FacilitatorProfile).where(FacilitatorProfile.membership_id == membership.id)
    )


def needs_profile(session: Session, *, membership: Membership) -> bool:
    """Whether `membership` is a facilitator who has not written their profile yet."""
    if membership.role != Role.FACILITATOR:
        return False
    profile = profile_of(session, membership=membership)
    return profile is None or not profile.is_written


def co_facilitators(session: Session, *, partnership_id: int) -> dict[int, str]:
    """{membership id: the community-side partner's name} of the co-facilitators."""
    return dict(
        session.execute(
            select(FacilitatorProfile.membership_id, Partner.name)
            .join(Partner, Partner.id == FacilitatorProfile.community_partner_id)
            .join(Membership, Membership.id == FacilitatorProfile.membership_id)
            .where(
                FacilitatorProfile.partnership_id == partnership_id,
                Membership.role == Role.FACILITATOR,
            )
        ).all()
    )


def community_representatives(session: Session, *, partnership_id: int) -> list[Membership]:
    """The members who may be named co-facilitator: representatives of a current partner of a
    community-side sector."""
    rows = session.scalars(
        select(Membership)
        .options(joinedload(Membership.user), joinedload(Membership.partner))
        .join(User, User.id == Membership.user_id)
        .join(Partner, Partner.id == Membership.partner_id)
        .where(
            Membership.partnership_id == partnership_id,
            Membership.role == Role.REPRESENTATIVE,
            Partner.sector.in_(COMMUNITY_SECTORS),
        )
        .order_by(User.name)
    )
    return [m for m in rows if m.partner.is_current]


def _texts(values: dict | None, partnership: Partnership) -> dict[str, str]:
    cleaned = {}
    for code in partnership.locales or [partnership.default_locale]:
        text = ((values or {}).get(code) or "").strip()
        if text:
            cleaned[code] = text[:TEXT_MAX]
    return cleaned


def save_profile(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    organisation: str,
    neutrality: dict | None,
    interests: dict | None,
) -> FacilitatorProfile:
    """Write `membership`'s own profile. The organisation, the neutrality statement and the
    declared interests (which may say there are none) are required in the partnership's
    default language; the other languages are optional.

    Side effects: the profile row (created on first save), an audit entry naming which parts
    changed (not their text)."""
    if membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only a facilitator has a facilitator's profile."))
    organisation = " ".join((organisation or "").split())
    if not organisation:
        raise ServiceError(_l("Say which organisation you come from."), field="organisation")
    if len(organisation) > ORGANISATION_MAX:
        raise ServiceError(
            _l("At most %(count)d characters.", count=ORGANISATION_MAX), field="organisation"
        )
    default = partnership.default_locale
    neutrality, interests = _texts(neutrality, partnership), _texts(interests, partnership)
    if default not in neutrality:
        raise ServiceError(
            _l("Write your neutrality statement in the partnership's main language."),
            field=f"neutrality-{default}",
        )
    if default not in interests:
        raise ServiceError(
            _l("Declare your interests, or write that you have none."),
            field=f"interests-{default}",
        )
    profile = profile_of(session, membership=membership)
    if profile is None:
        profile = FacilitatorProfile(
            partnership_id=membership.partnership_id, membership_id=membership.id
        )
        session.add(profile)
    fields = ["organisation", "neutrality", "interests"]
    before = audit.snapshot(profile, fields)
    profile.organisation, profile.neutrality, profile.interests = (
        organisation,
        neutrality,
        interests,
    )
    changed = sorted(audit.changes(profile, fields, before))
    if changed or not profile.is_written:
        profile.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="facilitator_profile.update",
            obj=profile,
            partnership_id=profile.partnership_id,
            details={"membership_id": membership.id, "changed": changed},
        )
    return profile


def name_co_facilitator(
    session: Session, *, actor: User, partnership: Partnership, membership_id: int | None
) -> tuple[Membership, list[str]]:
    """Name a representative of a community-side partner co-facilitator: they take the
    facilitator role and no longer speak for the partner, which their profile records.

    Side effects: the membership's role (with its own audit entry and the membership
    listeners, through `members.change_member`), the profile row marked, an audit entry.
    Returns the membership and the listeners' notices."""
    membership = session.scalar(
        select(Membership).where(
            Membership.id == (membership_id or 0), Membership.partnership_id == partnership.id
        )
    )
    eligible = {m.id for m in community_representatives(session, partnership_id=partnership.id)}
    if membership is None or membership.id not in eligible:
        raise ServiceError(
            _l(
                "Choose a representative of a community group or civil society partner that "
                "is still in the partnership."
            ),
            field="membership_id",
        )
    partner_id = membership.partner_id
    notices = members.change_member(
        session, actor=actor, membership=membership, role=Role.FACILITATOR, partner_id=None
    )
    profile = profile_of(session, membership=membership)
    if profile is None:
        profile = FacilitatorProfile(partnership_id=partnership.id, membership_id=membership.id)
        session.add(profile)
    profile.community_partner_id = partner_id
    profile.named_by_id, profile.named_at = actor.id, utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="co_facilitator.name",
        obj=profile,
        partnership_id=partnership.id,
        details={"membership_id": membership.id, "partner_id": partner_id},
    )
    return membership, notices


def stand_down(
    session: Session, *, actor: User, partnership: Partnership, membership_id: int
) -> tuple[Membership, list[str]]:
    """End a co-facilitation: the member speaks again for the partner they came from, as its
    representative, or becomes an observer if it has left the partnership.

    Side effects: the mark removed from the profile (kept with its text), the role (through
    `members.change_member`, which refuses to leave the partnership without a facilitator),
    an audit entry. Returns the membership and the listeners' notices."""
    found = session.execute(
        select(Membership, FacilitatorProfile)
        .join(FacilitatorProfile, FacilitatorProfile.membership_id == Membership.id)
        .where(
            Membership.id == membership_id,
            Membership.partnership_id == partnership.id,
            Membership.role == Role.FACILITATOR,
            FacilitatorProfile.community_partner_id.is_not(None),
        )
    ).first()
    if found is None:
        raise ServiceError(_l("This member is not a co-facilitator."))
    membership, profile = found
    others = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.partnership_id == partnership.id,
            Membership.role == Role.FACILITATOR,
            Membership.id != membership.id,
        )
    )
    if not others:
        # Refused before anything changes: the request may still commit.
        raise ServiceError(_l("A partnership needs at least one facilitator."))
    partner = session.get(Partner, profile.community_partner_id)
    back = Role.REPRESENTATIVE if partner is not None and partner.is_current else Role.OBSERVER
    profile.community_partner_id, profile.named_by_id, profile.named_at = None, None, None
    notices = members.change_member(
        session,
        actor=actor,
        membership=membership,
        role=back,
        partner_id=partner.id if back == Role.REPRESENTATIVE else None,
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="co_facilitator.remove",
        obj=profile,
        partnership_id=partnership.id,
        details={
            "membership_id": membership.id,
            "partner_id": partner.id if partner else None,
            "role": str(back),
        },
    )
    return membership, notices


def end_with_role(session: Session, change: members.MembershipChange) -> str | None:
    """Membership listener: a co-facilitation ends with the facilitator role (changed on the
    Members page), and a removed member's profile goes with the membership.

    Side effects: the profile unmarked (or deleted with a removed member), an audit entry
    when a co-facilitation ends."""
    if change.old_role != Role.FACILITATOR:
        return None
    if not change.removed and change.membership.role == Role.FACILITATOR:
        return None
    profile = profile_of(session, membership=change.membership)
    if profile is None:
        return None
    partner_id = profile.community_partner_id
    if change.removed:
        session.delete(profile)
    else:
        profile.community_partner_id, profile.named_by_id, profile.named_at = None, None, None
    if partner_id is None:
        return None
    audit.record(
        session,
        actor_id=change.actor.id,
        action="co_facilitator.remove",
        obj=change.membership,
        partnership_id=change.membership.partnership_id,
        details={
            "membership_id": change.membership.id,
            "partner_id": partner_id,
            "role": "" if change.removed else str(change.membership.role),
        },
    )
    return _(
        "%(name)s is no longer co-facilitator from the community side.",
        name=change.membership.user.name,
    )
