"""Benchmark: mapping pages with 100 and with 10,000 participants (and twice as many
relationships). Prints the median response time and the SQL statements per page, and the
ratio of the large run to the small one measured in the same run.

    python bench/mapping_pages.py                      # SQLite in a temporary folder
    python bench/mapping_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench

Run by hand; never collected by pytest. The PostgreSQL database is dropped and recreated.
"""

from __future__ import annotations

import argparse
import random

from common import migrated_app, time_pages
from sqlalchemy import insert, select

from hsbp import db
from hsbp.auth.models import User
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.models import (
    Participant,
    ParticipantLink,
    RelationshipKind,
    participant_tags,
)
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role

PAGES = {
    "register": "/p/{pid}/mapping",
    "register, filtered": "/p/{pid}/mapping?sector=community_group&tag={tag}&q=a",
    "grid": "/p/{pid}/mapping/grid",
    "inclusion": "/p/{pid}/mapping/inclusion",
    "network": "/p/{pid}/mapping/network",
}
SECTORS = ["company", "local_government", "civil_society", "community_group", "individual"]


def build(app, size: int) -> tuple[int, int, int]:
    """A partnership with `size` participants and 2 x `size` relationships, bulk-inserted."""
    rng = random.Random(size)
    with app.app_context():
        session = db.session()
        cipher = db.field_cipher()
        partnership = Partnership(
            name=f"Bench {size}",
            country="CO",
            default_locale="es",
            locales=["es"],
            timezone="America/Bogota",
        )
        session.add(partnership)
        session.flush()
        partner = Partner(partnership_id=partnership.id, name="Agroforestal", sector="company")
        user = User(email=f"bench{size}@example.org", name="Bench", password_hash="x")
        session.add_all([partner, user])
        session.flush()
        session.add(
            Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
        )
        tags = mapping_tags.group_tags(session, partnership_id=partnership.id)
        rows = []
        for n in range(size):
            name = f"Participante {n:05d}"
            rows.append(
                {
                    "partnership_id": partnership.id,
                    "kind": "person",
                    "display_name": name,
                    "sort_name": name.lower(),
                    "protected_name": name,
                    "name_hash": cipher.lookup_hash(name.lower()),
                    "sector": rng.choice(SECTORS),
                    "locality": rng.choice(["La Esperanza", "Los Pozos", "Playa Rica"]),
                    "languages": ["es"],
                    "interest": rng.randint(1, 5),
                    "influence": rng.randint(1, 5),
                    "reachable": rng.random() < 0.7,
                    "status": rng.choice(["proposed", "validated"]),
                    "risk": "low",
                    "intermediary": "",
                    "consent_method": "",
                    "consent_scope": "",
                    "protective_measures": "",
                    "notes": "",
                    "proposed_by_partner_id": partner.id,
                }
            )
        session.execute(insert(Participant), rows)
        ids = session.scalars(
            select(Participant.id).where(Participant.partnership_id == partnership.id)
        ).all()
        session.execute(
            insert(participant_tags),
            [{"participant_id": pid, "tag_id": rng.choice(tags).id} for pid in ids],
        )
        links, seen = [], set()
        kinds = list(RelationshipKind)
        while len(links) < 2 * size:
            a, b = rng.sample(ids, 2)
            kind = rng.choice(kinds)
            if (a, b, kind) in seen:
                continue
            seen.add((a, b, kind))
            links.append(
                {
                    "partnership_id": partnership.id,
                    "source_id": a,
                    "target_id": b,
                    "kind": kind,
                    "note": "",
                }
            )
        session.execute(insert(ParticipantLink), links)
        db.finish(commit=True)
        return partnership.id, user.id, tags[0].id


def measure(app, partnership_id: int, user_id: int, tag_id: int, repeats: int) -> dict:
    urls = {name: p.format(pid=partnership_id, tag=tag_id) for name, p in PAGES.items()}
    return time_pages(app, user_id, urls, repeats)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    app = migrated_app(args.database_url)
    url = app.config["DATABASE_URL"]
    small = measure(app, *build(app, 100), repeats=args.repeats)
    large = measure(app, *build(app, 10_000), repeats=args.repeats)
    print(f"database: {url.split(':')[0]}; median of {args.repeats} requests per page")
    header = ("100 ms", "10k ms", "ratio", "SQL 100", "SQL 10k", "KB 10k")
    print(f"{'page':<20}" + "".join(f"{h:>9}" for h in header))
    for name in PAGES:
        (t1, q1, _b1), (t2, q2, b2) = small[name], large[name]
        print(f"{name:<20}{t1:>9.1f}{t2:>9.1f}{t2 / t1:>9.1f}{q1:>9}{q2:>9}{b2 / 1024:>9.1f}")


if __name__ == "__main__":
    main()
