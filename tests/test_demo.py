"""The demo as a whole: its people are fictional, so the phone simulator may act as them."""

from sqlalchemy import func, select

from hsbp import demo
from hsbp.sms.models import Contact


def test_every_contact_of_the_demo_is_a_training_number(session):
    assert demo.seed_if_empty(session) is True
    total, simulated = session.execute(
        select(func.count(), func.count().filter(Contact.simulated.is_(True))).select_from(Contact)
    ).one()
    assert total > 0
    assert simulated == total
