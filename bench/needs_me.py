"""Benchmark: "Needs me" and the daily digest of a representative with 1,000 waiting items
across 10 partnerships, and of another with 1,000 across 20. Prints each one's median time,
SQL statements and size (the page's bytes, the e-mail's characters); the statements must be
the same for 20 partnerships as for 10.

    python bench/needs_me.py                      # SQLite in a temporary folder
    python bench/needs_me.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench_needs

Run by hand; never collected by pytest. A PostgreSQL database is dropped and recreated.
Per partnership: a charter proposal, a consultation, a pulse round, a review and two
grievances assigned to the person; the rest of the 1,000 are actions of their partner due in
the coming days. Items are bulk-inserted: only reading them is measured.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from common import migrated_app, recreate_postgres_database, time_pages
from sqlalchemy import event, insert

from hsbp import db
from hsbp.actions.models import Action
from hsbp.auth.models import User
from hsbp.consultations.models import Consultation
from hsbp.db import utcnow
from hsbp.grievances.models import Grievance
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.monitoring.review_models import Review
from hsbp.notifications import sending
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles.models import CharterVersion
from hsbp.security import Role

ITEMS = 1_000
OTHER_PER_PARTNERSHIP = 6  # proposal, consultation, pulse, review, two grievances


def build(app, partnerships: int) -> int:
    """A representative of `partnerships` partnerships with ITEMS items waiting; their id."""
    now = utcnow()
    with app.app_context():
        session = db.session()
        user = User(email=f"rep{partnerships}@example.org", name="Rep", password_hash="x")
        session.add(user)
        session.flush()
        actions_each = (ITEMS - OTHER_PER_PARTNERSHIP * partnerships) // partnerships
        rows: dict = {Action: [], Grievance: []}
        for n in range(partnerships):
            partnership = Partnership(
                name=f"Bench {partnerships}-{n}", country="CO", timezone="America/Bogota"
            )
            session.add(partnership)
            session.flush()
            partner = Partner(partnership_id=partnership.id, name="Empresa", sector="company")
            session.add(partner)
            session.flush()
            session.add_all(
                [
                    Membership(
                        partnership_id=partnership.id,
                        user_id=user.id,
                        role=Role.REPRESENTATIVE,
                        partner_id=partner.id,
                    ),
                    CharterVersion(partnership_id=partnership.id, number=1, status="proposed"),
                    Consultation(
                        partnership_id=partnership.id,
                        title={"en": "Agua"},
                        channels=["web"],
                        audience={"members": True},
                        status="open",
                        closes_at=now + timedelta(days=9),
                    ),
                    PulseRound(
                        partnership_id=partnership.id,
                        title={"en": "Pulse"},
                        closes_at=now + timedelta(days=5),
                    ),
                    Review(
                        partnership_id=partnership.id,
                        title={"en": "Review"},
                        scheduled_at=now + timedelta(days=4),
                    ),
                ]
            )
            for g in range(2):
                rows[Grievance].append(
                    {
                        "partnership_id": partnership.id,
                        "code": f"{partnerships:02d}{n:03d}{g:03d}",
                        "channel": "web",
                        "description": "",
                        "officer_id": user.id,
                        "received_at": now - timedelta(days=g * 9),
                    }
                )
            extra = ITEMS - OTHER_PER_PARTNERSHIP * partnerships - actions_each * partnerships
            for a in range(actions_each + (extra if n == 0 else 0)):
                rows[Action].append(
                    {
                        "partnership_id": partnership.id,
                        "title": {"en": f"Action {a}"},
                        "lead_partner_id": partner.id,
                        "due_on": (now + timedelta(days=a % 14 - 3)).date(),
                    }
                )
        for model, values in rows.items():
            session.execute(insert(model), values)
        db.finish(commit=True)
        return user.id


def time_digest(app, user_id: int, repeats: int) -> tuple[float, int, int, int]:
    """(median ms, SQL statements, characters, items) of building the person's digest; each
    run is rolled back, so every one builds the same digest."""
    engine = db.database(app).engine
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    times = []
    try:
        for _ in range(repeats + 1):
            with app.test_request_context():
                session = db.session()
                user = session.get(User, user_id)
                counter["n"] = 0
                start = time.perf_counter()
                prepared = sending.build_digest(session, user=user, now=utcnow())
                times.append(time.perf_counter() - start)
                db.finish(commit=False)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    median = statistics.median(times[1:]) * 1000
    return median, counter["n"], len(prepared.body), len(prepared.items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    app = migrated_app(args.database_url)
    url = app.config["DATABASE_URL"]
    users = {n: build(app, n) for n in (10, 20)}
    print(f"database: {url.split(':')[0]}; {ITEMS} items; median of {args.repeats} runs")
    print(f"{'':28}{'10 p. ms':>10}{'20 p. ms':>10}{'SQL 10':>8}{'SQL 20':>8}{'KB 20':>8}")
    pages = {
        n: time_pages(app, uid, {"page": "/needs-me"}, args.repeats) for n, uid in users.items()
    }
    small, large = pages[10]["page"], pages[20]["page"]
    print(
        f"{'Needs me (overview)':28}{small[0]:>10.1f}{large[0]:>10.1f}"
        f"{small[1]:>8}{large[1]:>8}{large[2] / 1024:>8.1f}"
    )
    digests = {n: time_digest(app, uid, args.repeats) for n, uid in users.items()}
    small, large = digests[10], digests[20]
    print(
        f"{'digest build (' + str(large[3]) + ' items)':28}{small[0]:>10.1f}{large[0]:>10.1f}"
        f"{small[1]:>8}{large[1]:>8}{large[2] / 1024:>8.1f}"
    )
    if url.startswith("postgresql"):
        db.database(app).engine.dispose()
        recreate_postgres_database(url, create=False)


if __name__ == "__main__":
    main()
