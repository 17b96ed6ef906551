"""The demo's charter: version 1 adopted by the partners, version 2 an amendment proposed to
them (by hsbp.community.demo, whose community assemblies answer on it)."""

from sqlalchemy import select

from hsbp import demo
from hsbp.audit import AuditEntry
from hsbp.auth.models import User
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles import changes as charter_changes
from hsbp.principles import services
from hsbp.principles.demo import seed_charter

CAGUAN = "Alianza por la Seguridad Humana del Caguán"


def test_seed_charter_adopts_version_1_and_drafts_an_amendment(session):
    demo.seed_if_empty(session)
    caguan = session.scalars(select(Partnership).where(Partnership.name == CAGUAN)).one()
    # Once hsbp.demo calls seed_charter itself, its result is what is checked below.
    if not services.list_versions(session, partnership_id=caguan.id):
        partners = {
            p.name: p
            for p in session.scalars(select(Partner).where(Partner.partnership_id == caguan.id))
        }
        rows = session.execute(
            select(Partner.name, User)
            .join(Membership, Membership.partner_id == Partner.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.partnership_id == caguan.id)
        ).all()
        facilitator = session.scalars(
            select(User).where(User.email == "lucia.hernandez@demo.hsbp.example")
        ).one()
        seed_charter(
            session,
            partnership=caguan,
            partners=partners,
            facilitator=facilitator,
            representatives=dict(rows),
        )
    second, first = services.list_versions(session, partnership_id=caguan.id)
    assert (first.number, first.status, second.number, second.status) == (
        1,
        "adopted",
        2,
        "proposed",
    )
    assert second.based_on_id == first.id
    stances = services.answers(session, partnership_id=caguan.id, version_ids=[first.id])
    assert len(stances[first.id]) == 7
    assert {len(first.content["budget"]), len(first.content["goals"])} == {3}
    assert services.action_rule(session, partnership_id=caguan.id) == "owners"
    changes = charter_changes.diff(first.content, second.content, locales=caguan.locales)
    goal_key = first.content["goals"][1]["key"]
    assert [c.path for c in changes] == [
        ("goals", goal_key, "target", "es"),
        ("goals", goal_key, "target", "en"),
    ]
    actions = session.scalars(
        select(AuditEntry.action)
        .where(
            AuditEntry.partnership_id == caguan.id,
            AuditEntry.action.like("charter.%"),
            # The demo's suggestions on version 2 have their own test (test_suggestions_demo).
            AuditEntry.action.not_like("charter.suggestion.%"),
        )
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "charter.create",
        "charter.update",
        "charter.propose",
        *["charter.endorse"] * 7,
        "charter.adopt",
        "charter.create",
        "charter.update",
        "charter.propose",
        "charter.endorse",  # the victims' association's assembly, once witnessed
    ]
