"""Shared fixtures of the notifications' tests: a partnership in Bogotá with a company and a
council, a representative who reads English, and helpers that make one waiting thing of each
existing feature straight in the database."""

from datetime import UTC, datetime, timedelta

import pytest

from hsbp.actions.models import Action, action_responsibles
from hsbp.consultations.models import Consultation
from hsbp.grievances.models import Grievance
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.monitoring.review_models import Review
from hsbp.principles.models import CharterVersion
from hsbp.security import Role

# 13:00 UTC is 8:00 in Bogotá (UTC-5): after the default digest hour, 7.
NOW = datetime(2026, 9, 23, 13, tzinfo=UTC)


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán")


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Palmas del Caguán", sector="company")


@pytest.fixture
def rep(make, partnership, company):
    user = make.user(name="Carlos", locale="en", email="carlos@example.org")
    return make.member(partnership, Role.REPRESENTATIVE, user=user, partner=company)


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(name="Fabiola"))


class Things:
    """Makes one waiting thing of each kind in a partnership."""

    def __init__(self, session):
        self.session = session
        self.n = 0
        self.now = NOW  # pages run at the real time: their tests set it to utcnow()

    def _add(self, row):
        self.session.add(row)
        self.session.flush()
        return row

    def proposal(self, partnership, number=1):
        return self._add(
            CharterVersion(
                partnership_id=partnership.id,
                number=number,
                status="proposed",
                content={},
                proposed_at=self.now,
            )
        )

    def action(self, partnership, lead, *, due=None, title="A well", responsible=()):
        due = due or (self.now + timedelta(days=7)).date()
        action = self._add(
            Action(
                partnership_id=partnership.id,
                title={"en": title, "es": title + " (es)"},
                lead_partner_id=lead.id,
                due_on=due,
            )
        )
        for user in responsible:
            self.session.execute(
                action_responsibles.insert().values(action_id=action.id, user_id=user.id)
            )
        return action

    def grievance(self, partnership, officer, *, stage="received", received_at=None):
        self.n += 1
        return self._add(
            Grievance(
                partnership_id=partnership.id,
                code=f"9{self.n:07d}",
                channel="web",
                stage=stage,
                description="Secret complaint text",
                complainant_name="Ana Complainant",
                officer_id=officer.id,
                received_at=received_at or self.now - timedelta(days=2),
            )
        )

    def consultation(self, partnership, *, title="Water", closes_at=None, members=True):
        return self._add(
            Consultation(
                partnership_id=partnership.id,
                title={"en": title},
                channels=["web"],
                audience={"members": members},
                status="open",
                closes_at=closes_at or self.now + timedelta(days=10),
            )
        )

    def pulse(self, partnership, *, title="Q3 pulse"):
        return self._add(
            PulseRound(
                partnership_id=partnership.id,
                title={"en": title},
                closes_at=self.now + timedelta(days=5),
            )
        )

    def review(self, partnership, *, days=3, place="Casa comunal"):
        return self._add(
            Review(
                partnership_id=partnership.id,
                title={"en": "Annual review"},
                scheduled_at=self.now + timedelta(days=days),
                place=place,
            )
        )


@pytest.fixture
def things(session):
    return Things(session)
