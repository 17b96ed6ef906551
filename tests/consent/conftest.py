"""Fixtures of the consent tests: the SMS tests' partnership with a sender, its facilitator
signed in, the signed webhook, and a contact's consents as rows."""

import pytest
from sqlalchemy import select

from hsbp.consent.models import Consent
from hsbp.security import Role
from tests.sms.conftest import demo_partnership as demo_partnership  # the fixtures
from tests.sms.conftest import sms as sms

PHONE = "+573104567821"


@pytest.fixture
def facilitator(make, demo_partnership, login):
    """A facilitator of `demo_partnership`, signed in on `client`, reading English."""
    user = make.member(demo_partnership, Role.FACILITATOR, user=make.user(locale="en"))
    login(user)
    return user


def consents_of(session, *, contact_id=None, participant_id=None) -> dict[tuple, tuple]:
    """{(partnership id, purpose): (granted, channel, expires_on)} of one person."""
    session.expire_all()
    person = (
        Consent.contact_id == contact_id
        if contact_id is not None
        else Consent.participant_id == participant_id
    )
    return {
        (row.partnership_id, row.purpose): (row.granted, row.channel, row.expires_on)
        for row in session.scalars(select(Consent).where(person))
    }
