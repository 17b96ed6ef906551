"""Benchmark: the monitoring pages of a partnership with 200 indicators of 60 monthly values
each and 20 pulse rounds of 500 respondents, against a partnership with a tenth of that (20
indicators of 6 values, 2 rounds of 50), built in the same run. Prints the median response
time, the SQL statements and the size of each page, and the ratios large / small.

    python bench/monitoring.py                      # SQLite in a temporary folder
    python bench/monitoring.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench

Run by hand; never collected by pytest. The PostgreSQL database is dropped and recreated.
Data is bulk-inserted (the rules of recording values and scores are tested elsewhere; here
only the reading side is measured).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from common import migrated_app, time_pages
from sqlalchemy import insert, select

from hsbp import db
from hsbp.auth.models import User
from hsbp.monitoring.models import Indicator, Measurement
from hsbp.monitoring.pulse_models import DIMENSIONS, PulseResponse, PulseRound, PulseScore
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role

PAGES = {
    "partnership dashboard": "/p/{pid}/",
    "monitoring index": "/p/{pid}/monitoring",
    "pulses": "/p/{pid}/pulses",
    "latest pulse results": "/p/{pid}/pulses/{rid}/results",
    "report (HTML)": "/p/{pid}/monitoring/report",
    "report (PDF)": "/p/{pid}/monitoring/report.pdf",
    "values (CSV)": "/p/{pid}/monitoring/values.csv",
}
SECTORS = ["company", "local_government", "civil_society", "community_group"]
GOALS = ["agua", "empleo", "seguridad", "vias"]
BASELINE_ON = date(2021, 1, 1)


def _month(index: int) -> date:
    return date(BASELINE_ON.year + index // 12, index % 12 + 1, 1)


def _indicators(session, rng, partnership_id, count, periods):
    indicators = [
        Indicator(
            partnership_id=partnership_id,
            goal_key=GOALS[n % len(GOALS)],
            name={"es": f"Indicador {n + 1}"},
            kind="percentage",
            baseline_value=20,
            baseline_on=BASELINE_ON,
            target_value=60,
            target_on=_month(periods + 12),
        )
        for n in range(count)
    ]
    session.add_all(indicators)
    session.flush()
    rows = [
        {
            "partnership_id": partnership_id,
            "indicator_id": indicator.id,
            "period_on": _month(month),
            "breakdown": "",
            "revision": 1,
            "value": 20 + month * rng.uniform(0.2, 0.8),
            "method": "web",
        }
        for indicator in indicators
        for month in range(periods)
    ]
    session.execute(insert(Measurement), rows)


def _respondents(session, partnership_id, size, count) -> list[tuple[int, str, int]]:
    """`count` representatives spread over one partner per sector: (user id, sector, partner)."""
    partners = [Partner(partnership_id=partnership_id, name=s, sector=s) for s in SECTORS]
    session.add_all(partners)
    session.flush()
    session.execute(
        insert(User),
        [
            {"email": f"r{n}.{size}@bench.example", "name": f"R{n}", "password_hash": "x"}
            for n in range(count)
        ],
    )
    ids = session.scalars(
        select(User.id).where(User.email.like(f"%.{size}@bench.example")).order_by(User.id)
    ).all()
    people = [(uid, partners[n % 4].sector, partners[n % 4].id) for n, uid in enumerate(ids)]
    session.execute(
        insert(Membership),
        [
            {
                "partnership_id": partnership_id,
                "user_id": uid,
                "role": Role.REPRESENTATIVE,
                "partner_id": pid,
            }
            for uid, _sector, pid in people
        ],
    )
    return people


def _rounds(session, rng, partnership_id, user_id, count, people):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    round_id = None
    for n in range(count):
        opened = start + timedelta(days=30 * n)
        pulse_round = PulseRound(
            partnership_id=partnership_id,
            title={"es": f"Pulso {n + 1}"},
            opens_at=opened,
            closes_at=opened + timedelta(days=14),
            status="closed",
            created_by_id=user_id,
        )
        session.add(pulse_round)
        session.flush()
        round_id = pulse_round.id
        session.execute(
            insert(PulseResponse),
            [
                {
                    "partnership_id": partnership_id,
                    "round_id": round_id,
                    "user_id": uid,
                    "constituency": sector,
                }
                for uid, sector, _pid in people
            ],
        )
        session.execute(
            insert(PulseScore),
            [
                {
                    "partnership_id": partnership_id,
                    "round_id": round_id,
                    "constituency": sector,
                    "partner_id": pid,
                    "dimension": dimension,
                    # The company scores high, the community low: a gap to find.
                    "score": min(5, max(1, rng.randint(1, 3) + (2 if sector == "company" else 0))),
                }
                for _uid, sector, pid in people
                for dimension in DIMENSIONS
            ],
        )
    return round_id


def build(app, *, indicators: int, periods: int, rounds: int, respondents: int):
    rng = random.Random(indicators)
    with app.app_context():
        session = db.session()
        partnership = Partnership(
            name=f"Bench {indicators}",
            country="CO",
            default_locale="es",
            locales=["es", "en"],
            timezone="America/Bogota",
        )
        user = User(email=f"facilitator{indicators}@bench.example", name="F", password_hash="x")
        session.add_all([partnership, user])
        session.flush()
        session.add(
            Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
        )
        _indicators(session, rng, partnership.id, indicators, periods)
        people = _respondents(session, partnership.id, indicators, respondents)
        round_id = _rounds(session, rng, partnership.id, user.id, rounds, people)
        db.finish(commit=True)
        return partnership.id, round_id, user.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    app = migrated_app(args.database_url)
    url = app.config["DATABASE_URL"]
    started = time.perf_counter()
    small_ids = build(app, indicators=20, periods=6, rounds=2, respondents=50)
    large_ids = build(app, indicators=200, periods=60, rounds=20, respondents=500)
    built = time.perf_counter() - started

    def measure(pid, rid, uid):
        urls = {name: page.format(pid=pid, rid=rid) for name, page in PAGES.items()}
        return time_pages(app, uid, urls, args.repeats)

    small, large = measure(*small_ids), measure(*large_ids)
    print(f"database: {url.split(':')[0]}; median of {args.repeats} requests per page")
    print(f"data built in {built:.0f} s")
    header = ("tenth ms", "full ms", "ratio", "SQL tenth", "SQL full", "KB tenth", "KB full")
    print(f"{'page':<24}" + "".join(f"{h:>10}" for h in header))
    for name in PAGES:
        (t1, q1, b1), (t2, q2, b2) = small[name], large[name]
        print(
            f"{name:<24}{t1:>10.1f}{t2:>10.1f}{t2 / t1:>10.1f}{q1:>10}{q2:>10}"
            f"{b1 / 1024:>10.1f}{b2 / 1024:>10.1f}"
        )


if __name__ == "__main__":
    main()
