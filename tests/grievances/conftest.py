"""Shared fixtures of the grievance tests: a partnership with a company partner, members by
role (one facilitator who is also a grievance officer), an SMS contact, and `file` to make
grievances through the service."""

import pytest
from sqlalchemy import select

from hsbp.grievances import services
from hsbp.grievances.models import GrievanceOfficer
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from hsbp.sms import contacts


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán")


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Palmas del Caguán", sector="company")


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
def officer(session, make, partnership):
    """A facilitator named grievance officer."""
    user = make.member(partnership, Role.FACILITATOR, user=make.user(name="Olga"))
    session.add(
        GrievanceOfficer(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
    )
    session.flush()
    return user


@pytest.fixture
def company_rep(make, partnership, company):
    return make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Carlos"), partner=company
    )


@pytest.fixture
def observer(make, partnership):
    return make.member(partnership, Role.OBSERVER, user=make.user(name="Omar"))


@pytest.fixture
def contact(session, partnership):
    found = contacts.get_or_create_contact(session, "+573104567890")
    found.locale = "es"
    session.flush()
    return found


@pytest.fixture
def file(session, partnership):
    """file(**fields): a grievance filed through the service (by default a named one from
    the public form)."""

    def make_one(
        text="El camión tumbó la cerca de mi finca.",
        channel="public",
        anonymous=False,
        complainant=None,
        **fields,
    ):
        return services.file_grievance(
            session,
            partnership=partnership,
            channel=channel,
            description=text,
            locale="es",
            complainant=complainant
            or services.Complainant(name="María Lozano", phone="3104567890"),
            anonymous=anonymous,
            **fields,
        )

    return make_one
