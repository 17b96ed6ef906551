"""A partnership for the assembly tests: two represented partners, a community group without
web accounts, a proposed charter, and shortcuts to record and confirm assemblies."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hsbp.community import assemblies
from hsbp.community.models import Assembly, Vote, VoteKind
from hsbp.partnerships.models import Membership
from tests.principles import charter_content, partnership_with, proposed_version

CONSENSUS = {"rule": "consensus", "majority_percent": 67, "quorum_percent": 60}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = datetime.now(UTC).date()


class World:
    """A partnership with two represented partners (a company and a municipality, say) and
    a community group without web accounts."""

    def __init__(self, session, make, *, rule=CONSENSUS, propose=True):
        self.session = session
        setup = partnership_with(make, partners=2, timezone="UTC")
        self.partnership = setup.partnership
        self.facilitator = setup.facilitator
        self.observer = setup.observer
        self.company, self.council = setup.partners
        self.company_rep, self.council_rep = setup.representatives
        self.community = make.partner(self.partnership, sector="community_group")
        self.version = (
            proposed_version(session, setup, charter_content(decision_rule=rule))
            if propose
            else None
        )

    def membership(self, user):
        return self.session.scalars(
            select(Membership).where(
                Membership.partnership_id == self.partnership.id, Membership.user_id == user.id
            )
        ).one()

    def fields(self, **overrides) -> dict:
        values = {
            "actor": self.facilitator,
            "partnership": self.partnership,
            "version": self.version,
            "partner_id": self.community.id,
            "witness_partner_id": self.council.id,
            "held_on": TODAY,
            "place": "Salón comunal, vereda La Esperanza",
            "present_total": 40,
            "present": {"tag:women": 22, "tag:youth": 9},
            "result": "endorse",
            "counts": {"endorse": 35, "object": 3},
            "minutes": "Acta 12: la asamblea respalda la carta.",
        }
        values.update(overrides)
        return values

    def record(self, **overrides) -> Assembly:
        return assemblies.record(self.session, **self.fields(**overrides))

    def confirm(self, assembly, user=None):
        user = user or self.council_rep
        return assemblies.confirm(
            self.session, actor=user, membership=self.membership(user), assembly=assembly
        )

    def vote(self, **fields) -> Vote:
        values = {
            "partnership_id": self.partnership.id,
            "kind": VoteKind.SUPPORT,
            "subject": "decision",
            "title": {"es": "Cierre de la vía", "en": "Closing the road"},
            "opens_at": datetime.now(UTC) - timedelta(days=3),
            "closes_at": datetime.now(UTC) + timedelta(days=4),
        }
        vote = Vote(**{**values, **fields})
        self.session.add(vote)
        self.session.flush()
        return vote
