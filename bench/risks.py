"""Benchmark: the risks register and the report by framework with 50 and with 5,000 risks
(each with one or two partners' connections and two framework references, and an action
tagged for every tenth risk). Prints the median response time and the SQL statements per
page, and the ratio of the large run to the small one measured in the same run.

    python bench/risks.py                      # SQLite in a temporary folder
    python bench/risks.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench

Run by hand; never collected by pytest. The PostgreSQL database is dropped and recreated.
"""

from __future__ import annotations

import argparse
import os
import random

from common import migrated_app, recreate_postgres_database, time_pages
from sqlalchemy import insert, select

from hsbp import db
from hsbp.actions.models import Action
from hsbp.auth.models import User
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.risks.framework_models import FrameworkTag
from hsbp.risks.models import Risk, RiskConnection
from hsbp.security import Role

PAGES = {
    "register": "/p/{pid}/risks",
    "register, filtered": "/p/{pid}/risks?status=open&dimension=personal",
    "register, last page": "/p/{pid}/risks?page={last}",
    "one risk": "/p/{pid}/risks/{rid}",
    "report: IFC": "/p/{pid}/frameworks?framework=ifc",
    "report: UNGPs": "/p/{pid}/frameworks?framework=ungp",
}
REFERENCES = ["ifc:PS1", "ifc:PS4", "ifc:PS5", "ifc:PS7", "ungp:13", "ungp:17", "ungp:22"]
DIMENSIONS = ["economic", "food", "health", "environmental", "personal", "community", "political"]


def build(app, size: int) -> dict:
    """A partnership with three partners and `size` risks, bulk-inserted."""
    rng = random.Random(size)
    with app.app_context():
        session = db.session()
        partnership = Partnership(
            name=f"Bench {size}",
            country="CO",
            default_locale="es",
            locales=["es", "en"],
            timezone="America/Bogota",
        )
        session.add(partnership)
        session.flush()
        partners = [
            Partner(partnership_id=partnership.id, name=name, sector=sector)
            for name, sector in (
                ("Palmas", "company"),
                ("Alcaldía", "local_government"),
                ("Asociación", "civil_society"),
            )
        ]
        user = User(email=f"bench{size}@example.org", name="Bench", password_hash="x")
        session.add_all([*partners, user])
        session.flush()
        session.add(
            Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
        )
        risks = []
        for n in range(1, size + 1):
            scale, scope, irremediability, likelihood = (rng.randint(1, 4) for _ in range(4))
            risks.append(
                {
                    "partnership_id": partnership.id,
                    "number": n,
                    "title": {"es": f"Riesgo {n}", "en": f"Risk {n}"},
                    "description": {"es": "Descripción"},
                    "kind": rng.choice(["potential", "actual"]),
                    "status": rng.choice(["open", "open", "addressed", "closed"]),
                    "status_reason": "",
                    "affected_groups": "Comunidades ribereñas",
                    "localities": [rng.choice(["La Esperanza", "Los Pozos", "Playa Rica"])],
                    "rights": ["water", "health"],
                    "dimensions": rng.sample(DIMENSIONS, 2),
                    "scale": scale,
                    "scope": scope,
                    "irremediability": irremediability,
                    "likelihood": likelihood,
                    "salience": (scale + scope + irremediability) * 10 + likelihood,
                    "created_by_id": user.id,
                }
            )
        session.execute(insert(Risk), risks)
        ids = session.scalars(
            select(Risk.id).where(Risk.partnership_id == partnership.id).order_by(Risk.number)
        ).all()
        connections, tags = [], []
        for risk_id in ids:
            for partner in rng.sample(partners, rng.randint(1, 2)):
                connections.append(
                    {
                        "partnership_id": partnership.id,
                        "risk_id": risk_id,
                        "partner_id": partner.id,
                        "connection": rng.choice(["causes", "contributes", "linked"]),
                        "reasoning": "Its operations share the river upstream of the village.",
                        "relationship_with": "",
                        "leverage": {"commercial": "medium"},
                        "leverage_note": "",
                        "questions": {},
                        "escalation": "",
                    }
                )
            for reference in rng.sample(REFERENCES, 2):
                tags.append(
                    {
                        "partnership_id": partnership.id,
                        "subject_kind": "risk",
                        "subject_key": str(risk_id),
                        "reference": reference,
                    }
                )
        session.execute(insert(RiskConnection), connections)
        actions = [
            Action(
                partnership_id=partnership.id,
                title={"es": f"Acción {n}"},
                lead_partner_id=partners[0].id,
            )
            for n in range(max(1, size // 10))
        ]
        session.add_all(actions)
        session.flush()
        tags += [
            {
                "partnership_id": partnership.id,
                "subject_kind": "action",
                "subject_key": str(action.id),
                "reference": rng.choice(REFERENCES),
            }
            for action in actions
        ]
        session.execute(insert(FrameworkTag), tags)
        db.finish(commit=True)
        return {
            "user_id": user.id,
            "pid": partnership.id,
            "rid": ids[len(ids) // 2],
            "last": max(1, -(-size // 50)),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=5_000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    app = migrated_app(args.database_url)
    url = app.config["DATABASE_URL"]
    runs = []
    for size in (args.small, args.large):
        values = build(app, size)
        urls = {name: page.format(**values) for name, page in PAGES.items()}
        runs.append(time_pages(app, values["user_id"], urls, args.repeats))
    small, large = runs
    print(f"database: {url.split(':')[0]}; median of {args.repeats} requests per page")
    header = (f"{args.small} ms", f"{args.large} ms", "ratio", "SQL small", "SQL large", "KB large")
    print(f"{'page':<22}" + "".join(f"{h:>10}" for h in header))
    for name in PAGES:
        (t1, q1, _b1), (t2, q2, b2) = small[name], large[name]
        print(f"{name:<22}{t1:>10.1f}{t2:>10.1f}{t2 / t1:>10.1f}{q1:>10}{q2:>10}{b2 / 1024:>10.1f}")
    if url.startswith("postgresql"):
        db.database(app).engine.dispose()
        recreate_postgres_database(url, create=False)


if __name__ == "__main__":
    main()
