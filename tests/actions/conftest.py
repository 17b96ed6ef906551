"""Shared fixtures of the checklist's tests: a partnership of three partners, its members by
role, a charter with one goal, and `add_action` to make actions through the service."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.actions import services
from hsbp.partnerships.models import Membership
from hsbp.principles.models import CharterVersion
from hsbp.security import Role

GOAL = "a" * 32


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán")


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Palmas del Caguán", sector="company")


@pytest.fixture
def council(make, partnership):
    return make.partner(partnership, name="Alcaldía", sector="local_government")


@pytest.fixture
def ngo(make, partnership):
    return make.partner(partnership, name="Asocomunal", sector="civil_society")


@pytest.fixture
def charter(session, partnership):
    version = CharterVersion(
        partnership_id=partnership.id,
        number=1,
        status="adopted",
        content={"goals": [{"key": GOAL, "title": {"es": "Agua limpia", "en": "Clean water"}}]},
    )
    session.add(version)
    session.flush()
    return version


def membership_of(session, user, partnership) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(name="Fabiola"))


@pytest.fixture
def company_rep(make, partnership, company):
    return make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Carlos"), partner=company
    )


@pytest.fixture
def council_rep(make, partnership, council):
    return make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Lucía"), partner=council
    )


@pytest.fixture
def ngo_rep(make, partnership, ngo):
    return make.member(partnership, Role.REPRESENTATIVE, user=make.user(name="Nora"), partner=ngo)


@pytest.fixture
def observer(make, partnership):
    return make.member(partnership, Role.OBSERVER, user=make.user(name="Omar"))


def action_fields(lead, **overrides) -> dict:
    values = {
        "title": {"es": "Pozo para la vereda", "en": "A well for the village"},
        "description": {"es": "Perforar y equipar un pozo."},
        "goal_key": "",
        "lead_partner_id": lead.id,
        "supporter_ids": [],
        "responsible_ids": [],
        "start_on": date(2026, 3, 1),
        "due_on": date(2026, 9, 30),
        "status": "planned",
        "progress": 0,
        "principles": ["inclusive"],
        "sdg_targets": ["6.1"],
        "budget": "",
        "currency": "",
        "contributions": [],
        "depends_on_ids": [],
    }
    return {**values, **overrides}


@pytest.fixture
def add_action(session, partnership, facilitator):
    """Make an action as the facilitator: add_action(lead, **field overrides)."""

    def add(lead, **overrides):
        return services.create_action(
            session,
            actor=facilitator,
            membership=membership_of(session, facilitator, partnership),
            partnership=partnership,
            fields=action_fields(lead, **overrides),
        )

    return add
