"""How the audit log tells the work on partnerships, partners and members (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.auth.models import User
from hsbp.partnerships.entry_models import PartnerProposal
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role


def _partnership_names(session, partnership_id, ids, _locale, _fallback):
    return dict(
        session.execute(
            select(Partnership.id, Partnership.name).where(
                Partnership.id == partnership_id, Partnership.id.in_(ids)
            )
        ).all()
    )


def _member_names(session, partnership_id, ids, _locale, _fallback):
    return dict(
        session.execute(
            select(Membership.id, User.name)
            .join(User, User.id == Membership.user_id)
            .where(Membership.partnership_id == partnership_id, Membership.id.in_(ids))
        ).all()
    )


def _profile_names(session, partnership_id, ids, _locale, _fallback):
    return dict(
        session.execute(
            select(FacilitatorProfile.id, User.name)
            .join(Membership, Membership.id == FacilitatorProfile.membership_id)
            .join(User, User.id == Membership.user_id)
            .where(FacilitatorProfile.partnership_id == partnership_id)
            .where(FacilitatorProfile.id.in_(ids))
        ).all()
    )


def _user_names(session, partnership_id, ids, _locale, _fallback):
    # A user's name is no secret to the members of a partnership the user is a member of;
    # nobody else's name is read.
    return dict(
        session.execute(
            select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.partnership_id == partnership_id, User.id.in_(ids))
        ).all()
    )


register_object(
    "Partnership",
    phrase=_l("the partnership “%(label)s”"),
    labels=_partnership_names,
    url=lambda pid, _oid, _label: url_for("partnerships.dashboard", partnership_id=pid),
)
register_object(
    "Partner",
    phrase=_l("the partner “%(label)s”"),
    labels=column_labels(Partner, Partner.name),
    url=lambda pid, oid, _label: url_for(
        "partnerships.edit_partner", partnership_id=pid, partner_id=oid
    ),
    min_role=Role.FACILITATOR,
)
register_object(
    "PartnerProposal",
    phrase=_l("the proposed partner “%(label)s”"),
    labels=column_labels(PartnerProposal, PartnerProposal.name),
    url=lambda pid, oid, _label: url_for(
        "partnerships.partner_proposal", partnership_id=pid, proposal_id=oid
    ),
)
register_object(
    "Membership",
    phrase=_l("the member “%(label)s”"),
    labels=_member_names,
    url=lambda pid, _oid, _label: url_for("partnerships.member_list", partnership_id=pid),
)
register_object(
    "FacilitatorProfile",
    phrase=_l("the facilitator profile of “%(label)s”"),
    labels=_profile_names,
    url=lambda pid, _oid, _label: url_for("partnerships.facilitation", partnership_id=pid),
)
# An invitation is named by nothing: its only name is an e-mail address.
register_object("Invitation", phrase=_l("an invitation"))
register_object("User", phrase=_l("“%(label)s”"), labels=_user_names)
for key in ("partner_id", "to_partner_id", "from_partner_id", "witness_partner_id"):
    audit_text.REFERENCE_KINDS[key] = "Partner"
audit_text.REFERENCE_KINDS["membership_id"] = "Membership"
audit_text.REFERENCE_KINDS["user_id"] = "User"

audit_text.SENTENCES.update(
    {
        "partnership.create": says(_l("%(actor)s created %(object)s.")),
        "partnership.update": says(
            _l("%(actor)s changed the settings of %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "partner.create": says(_l("%(actor)s added %(object)s.")),
        "partner.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "partner.departure": says(_l("%(actor)s announced the departure of %(object)s.")),
        "partner.departure_cancel": says(_l("%(actor)s cancelled the departure of %(object)s.")),
        "partner.leave": says(_l("%(actor)s recorded that %(object)s left the partnership.")),
        "partner.leave_override": says(
            _l("%(actor)s recorded that %(object)s left with work not handed over.")
        ),
        "partner.handover": says(
            _l("%(actor)s handed work of %(object)s over to %(to_partner_id)s.")
        ),
        "invitation.create": says(_l("%(actor)s invited someone to join the partnership.")),
        "invitation.revoke": says(_l("%(actor)s withdrew an invitation.")),
        "membership.create": says(_l("%(actor)s joined the partnership.")),
        "membership.update": says(
            _l("%(actor)s changed the role of %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "membership.delete": says(_l("%(actor)s removed %(object)s from the partnership.")),
        "membership.translator_grant": says(
            _l("%(actor)s let %(object)s write the SMS texts in local languages.")
        ),
        "membership.translator_revoke": says(
            _l("%(actor)s stopped %(object)s from writing the SMS texts in local languages.")
        ),
        "co_facilitator.name": says(
            _l("%(actor)s named %(membership_id)s co-facilitator from the community side.")
        ),
        "co_facilitator.remove": says(
            _l("%(actor)s stood %(membership_id)s down as co-facilitator.")
        ),
        "facilitator_profile.update": says(
            _l("%(actor)s wrote %(object)s."), _l("%(actor)s changed the %(fields)s of %(object)s.")
        ),
        "partner_proposal.create": says(_l("%(actor)s proposed %(object)s as a new partner.")),
        "partner_proposal.answer": says(_l("%(actor)s answered on %(object)s.")),
        "partner_proposal.accept": says(_l("%(actor)s recorded that %(object)s was accepted.")),
        "partner_proposal.refuse": says(_l("%(actor)s recorded that %(object)s was refused.")),
        "partner_proposal.withdraw": says(_l("%(actor)s withdrew %(object)s.")),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "country": _l("country"),
        "locality": _l("locality"),
        "context_summary": _l("context"),
        "stage": _l("stage"),
        "default_locale": _l("default language"),
        "locales": _l("languages"),
        "timezone": _l("time zone"),
        "require_two_factor": _l("second factor for every member"),
        "sector": _l("sector"),
        "description": _l("description"),
        "joined_on": _l("joining date"),
        "left_on": _l("leaving date"),
        "role": _l("role"),
        "partner_id": _l("partner"),
        "organisation": _l("organisation"),
        "neutrality": _l("neutrality"),
        "interests": _l("declared interests"),
    }
)
audit_text.FAMILY_LABELS.update(
    {
        "partnership": _l("Partnership settings"),
        "partner": _l("Partners"),
        "partner_proposal": _l("New partners"),
        "invitation": _l("Invitations"),
        "membership": _l("Members"),
        "co_facilitator": _l("Facilitation"),
        "facilitator_profile": _l("Facilitation"),
    }
)
