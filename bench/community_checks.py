"""Benchmark: the pages that show community checks of done actions, with 500 and with 50,000
answers: the check's page (answers by place, small places pooled), the action's page, the list
of checks, the partnership dashboard (the flag), the public page (totals) and the progress
report. Prints the median response time, the SQL statements and the size of each page, and
the ratio of the large run to the small one measured in the same run.

    python bench/community_checks.py                     # SQLite in a temporary folder
    python bench/community_checks.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench_checks

Run by hand; never collected by pytest. The PostgreSQL database is dropped and recreated.
Answers are bulk-inserted (reading SMS replies is tested elsewhere; here only the counting is
measured), spread over 40 localities of very different sizes, so both runs pool small places.
Each partnership has 20 done actions, each with a closed check; one holds the answers.
"""

from __future__ import annotations

import random
from datetime import timedelta

from common import small_against_large
from sqlalchemy import func, insert, select

from hsbp import db
from hsbp.actions.models import Action, ChecklistSettings
from hsbp.auth.models import User
from hsbp.community.models import Check, CheckAnswer, Talk
from hsbp.db import utcnow
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role
from hsbp.sms.models import Contact, ContactMembership, SmsSettings

PAGES = {
    "check": "/p/{pid}/community/checks/{check}",
    "action page": "/p/{pid}/actions/{action}",
    "list of checks": "/p/{pid}/community/checks",
    "dashboard": "/p/{pid}/",
    "public page": "/public/actions/{token}",
    "report": "/p/{pid}/monitoring/report",
}
LOCALITIES = [f"Vereda {n}" for n in range(1, 41)]
ANSWERS = ["yes", "no", "no", "unknown"]  # more "no": every check flags its action
ACTIONS = 20
BATCH = 20_000


def _partnership(session, size: int) -> tuple[Partnership, User, Partner]:
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
            sender=f"+1500666{size % 10000:04d}",
            join_code=f"C{size}",
        )
    )
    session.add(
        ChecklistSettings(partnership_id=partnership.id, public_page=True, public_token=f"t{size}")
    )
    lead = Partner(partnership_id=partnership.id, name="Empresa", sector="company")
    session.add(lead)
    session.flush()
    return partnership, user, lead


def build(app, size: int) -> tuple[int, dict]:
    """A partnership of ACTIONS done actions, each with a closed check; the first check has
    `size` answers from `size` contacts (and a talk each), the others 5 each."""
    rng = random.Random(size)
    with app.app_context():
        session = db.session()
        partnership, user, lead = _partnership(session, size)
        closed = utcnow() - timedelta(days=1)
        checks = []
        for n in range(ACTIONS):
            action = Action(
                partnership_id=partnership.id,
                title={"es": f"Acción {n}"},
                lead_partner_id=lead.id,
                status="done",
                progress=100,
                localities=[LOCALITIES[n % len(LOCALITIES)]],
            )
            session.add(action)
            session.flush()
            check = Check(
                partnership_id=partnership.id,
                action_id=action.id,
                question={"es": "¿Funciona? 1 sí 2 no 3 no sé"},
                audience={"kind": "all", "value": ""},
                status="closed",
                opens_at=closed - timedelta(days=14),
                closes_at=closed,
                closed_at=closed,
            )
            session.add(check)
            session.flush()
            checks.append((action, check))
        contact_id = (session.scalar(select(func.max(Contact.id))) or 0) + 1
        rows: dict = {Contact: [], ContactMembership: [], CheckAnswer: [], Talk: []}
        weights = [1 / (n + 1) ** 1.6 for n in range(len(LOCALITIES))]

        def flush():
            for model in (Contact, ContactMembership, CheckAnswer, Talk):
                if rows[model]:
                    session.execute(insert(model), rows[model])
                    rows[model].clear()

        total = size + 5 * (ACTIONS - 1)
        for n in range(total):
            _action, check = checks[0] if n < size else checks[1 + (n - size) // 5]
            rows[Contact].append(
                {"id": contact_id, "phone": f"+57301{size}{n:07d}", "phone_hash": f"c{size}-{n}"}
            )
            rows[ContactMembership].append(
                {"contact_id": contact_id, "partnership_id": partnership.id, "status": "confirmed"}
            )
            rows[CheckAnswer].append(
                {
                    "partnership_id": partnership.id,
                    "check_id": check.id,
                    "contact_id": contact_id,
                    "answer": rng.choice(ANSWERS),
                    "locality": rng.choices(LOCALITIES, weights)[0],
                }
            )
            rows[Talk].append(
                {
                    "partnership_id": partnership.id,
                    "contact_id": contact_id,
                    "check_id": check.id,
                    "state": "answered",
                }
            )
            contact_id += 1
            if len(rows[CheckAnswer]) >= BATCH or n == total - 1:
                flush()
        db.finish(commit=True)
        action, check = checks[0]
        return user.id, {
            "pid": partnership.id,
            "check": check.id,
            "action": action.id,
            "token": f"t{size}",
        }


if __name__ == "__main__":
    small_against_large(PAGES, build)
