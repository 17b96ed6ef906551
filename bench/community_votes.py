"""Benchmark: the pages of a community vote by SMS with 500 and with 50,000 ballots: the vote's
results (a charter proposal's SUPPORT vote, and a ranking of 5 options counted by Borda
points), the charter page that shows the vote beside the partners' endorsements, and the list
of votes. Prints the median response time, the SQL statements and the size of each page, and
the ratio of the large run to the small one measured in the same run.

    python bench/community_votes.py                      # SQLite in a temporary folder
    python bench/community_votes.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench_votes

Run by hand; never collected by pytest. The PostgreSQL database is dropped and recreated,
and dropped again at the end.
Ballots are bulk-inserted (reading SMS replies is tested elsewhere; here only the counting
is measured), spread over 40 localities of very different sizes (some pooled), the five
community sectors and the marginalised groups, one of which has 3 ballots in both runs (so
both pool a small group, and run the same statements).
"""

from __future__ import annotations

import random
from datetime import timedelta

from common import small_against_large
from sqlalchemy import func, insert, select

from hsbp import db
from hsbp.auth.models import User
from hsbp.community.models import Ballot, Talk, Vote
from hsbp.db import utcnow
from hsbp.mapping import tags as mapping_tags
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles import content as doc
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from hsbp.sms.models import Contact, ContactMembership, SmsSettings

PAGES = {
    "support vote": "/p/{pid}/community/votes/{support}",
    "ranking vote": "/p/{pid}/community/votes/{ranking}",
    "charter page": "/p/{pid}/charter",
    "list of votes": "/p/{pid}/community/votes",
}
SECTORS = ["community_group", "individual", "civil_society", "company", "local_government"]
LOCALITIES = [f"Vereda {n}" for n in range(1, 41)]
CHOICES = ["support", "object", "info"]
OPTIONS = 5
BATCH = 20_000


def _partnership(session, size: int) -> tuple[Partnership, User]:
    partnership = Partnership(
        name=f"Bench {size}",
        country="CO",
        default_locale="es",
        locales=["es", "en"],
        timezone="America/Bogota",
    )
    user = User(email=f"bench{size}@example.org", name="Bench", password_hash="x")
    session.add_all([partnership, user])
    session.flush()
    session.add(Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR))
    session.add(
        SmsSettings(
            partnership_id=partnership.id,
            sender=f"+1500555{size % 10000:04d}",
            join_code=f"B{size}",
        )
    )
    for n in range(3):
        session.add(Partner(partnership_id=partnership.id, name=f"Socio {n}", sector="company"))
    return partnership, user


def _proposed_version(session, partnership: Partnership) -> CharterVersion:
    content = doc.empty_content()
    for key in doc.LIFTS:
        content["principles"][key] = {"es": f"Compromiso {key}"}
    version = CharterVersion(
        partnership_id=partnership.id,
        number=1,
        status="proposed",
        content=content,
        proposed_at=utcnow() - timedelta(days=1),
    )
    session.add(version)
    session.flush()
    return version


def _votes(session, partnership: Partnership, version: CharterVersion) -> tuple[Vote, Vote]:
    closes = utcnow() + timedelta(days=10)
    support = Vote(
        partnership_id=partnership.id,
        kind="support",
        subject="charter",
        charter_version_id=version.id,
        title={"es": "Carta, versión 1"},
        question={"es": "¿Apoya la carta v1? Responda 1 apoyo, 2 me opongo, 3 más información"},
        audience={"kind": "all", "value": ""},
        closes_at=closes,
    )
    ranking = Vote(
        partnership_id=partnership.id,
        kind="ranking",
        subject="ranking",
        title={"es": "Prioridades"},
        question={"es": "Ordene: 1 Agua 2 Vías 3 Empleo 4 Salud 5 Escuela. Ej. 51234"},
        options=[{"key": f"o{n}", "label": {"es": f"Opción {n}"}} for n in range(1, OPTIONS + 1)],
        audience={"kind": "all", "value": ""},
        closes_at=closes,
    )
    session.add_all([support, ranking])
    session.flush()
    return support, ranking


def _ranking(rng) -> str:
    digits = [str(n) for n in range(1, OPTIONS + 1)]
    rng.shuffle(digits)
    return "".join(digits[: rng.choice([1, 3, 5, 5])])  # partial rankings too


def build(app, size: int) -> tuple[int, dict]:
    """A partnership with a proposed charter, a SUPPORT vote on it and a ranking vote, each
    with `size` ballots from `size` contacts (and a talk each)."""
    rng = random.Random(size)
    with app.app_context():
        session = db.session()
        partnership, user = _partnership(session, size)
        version = _proposed_version(session, partnership)
        support, ranking = _votes(session, partnership, version)
        tags = [t.id for t in mapping_tags.group_tags(session, partnership_id=partnership.id)]
        rare, common = tags[-1], tags[:-1]
        contact_id = (session.scalar(select(func.max(Contact.id))) or 0) + 1
        rows: dict = {Contact: [], ContactMembership: [], Ballot: [], Talk: []}
        # Locality weights fall steeply: the last ones get a handful of ballots, or none.
        weights = [1 / (n + 1) ** 1.6 for n in range(len(LOCALITIES))]

        def flush():
            for model in (Contact, ContactMembership, Ballot, Talk):
                if rows[model]:
                    session.execute(insert(model), rows[model])
                    rows[model].clear()

        for n in range(size):
            rows[Contact].append(
                {"id": contact_id, "phone": f"+57300{size}{n:07d}", "phone_hash": f"b{size}-{n}"}
            )
            rows[ContactMembership].append(
                {"contact_id": contact_id, "partnership_id": partnership.id, "status": "confirmed"}
            )
            locality = rng.choices(LOCALITIES, weights)[0]
            sector = rng.choice(SECTORS)
            groups = [rare] if n < 3 else rng.sample(common, rng.choice([0, 0, 1, 2]))
            for vote, choice in ((support, rng.choice(CHOICES)), (ranking, _ranking(rng))):
                rows[Ballot].append(
                    {
                        "partnership_id": partnership.id,
                        "vote_id": vote.id,
                        "contact_id": contact_id,
                        "choice": choice,
                        "locality": locality,
                        "sector": sector,
                        "tag_ids": groups,
                    }
                )
                rows[Talk].append(
                    {
                        "partnership_id": partnership.id,
                        "contact_id": contact_id,
                        "vote_id": vote.id,
                        "state": "answered",
                    }
                )
            contact_id += 1
            if len(rows[Ballot]) >= BATCH or n == size - 1:
                flush()
        db.finish(commit=True)
        return user.id, {"pid": partnership.id, "support": support.id, "ranking": ranking.id}


if __name__ == "__main__":
    small_against_large(PAGES, build)
