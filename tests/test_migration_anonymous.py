"""Revision 0016 on a database with data: confidential messages marked and blanked (a REPORT
left in the inbox by a number that had not joined too), anonymous times coarsened to the day,
pulse scores and comments unlinked from who gave them; and nothing without the field key."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from hsbp import migrate
from hsbp.db import make_engine
from tests.conftest import fresh_database_url

KEY = Fernet.generate_key().decode()
FERNET = Fernet(KEY.encode())
AT = "2026-01-01 17:05:06.000000"
MIDNIGHT = "2026-01-01 00:00:00"


def sealed(value: str) -> str:
    return FERNET.encrypt(value.encode()).decode()


def opened(value: str) -> str:
    return FERNET.decrypt(value.encode()).decode()


def insert(run, table: str, **values) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    run(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def inbound(run, id, body, route, *, contact_id=1, in_inbox=False):
    insert(
        run,
        "sms_inbound",
        id=id,
        provider_sid=f"SM{id}",
        from_phone=sealed("+573104567821"),
        from_hash=f"h{id}",
        to_number="+15005550006",
        body=sealed(body),
        received_at=AT,
        contact_id=contact_id,
        partnership_id=1,
        route=route,
        in_inbox=in_inbox,
        confidential=False,
    )


def outbound(run, id, body, kind, status, *, reply_to_id=None, contact_id=1):
    insert(
        run,
        "sms_outbound",
        id=id,
        partnership_id=1,
        contact_id=contact_id,
        sender="+15005550006",
        body=sealed(body),
        encoding="GSM-7",
        segments=1,
        kind=kind,
        status=status,
        error_message="",
        attempts=1,
        confidential=False,
        reply_to_id=reply_to_id,
        created_at=AT,
        updated_at=AT,
    )


def consultation(run, id, *, anonymous):
    insert(
        run,
        "consultations",
        id=id,
        partnership_id=1,
        title='{"es": "C"}',
        purpose="{}",
        dimensions="[]",
        audience="{}",
        channels='["sms"]',
        anonymous=anonymous,
        status="open",
        reminder_days=0,
        stale_days=7,
        outcome="{}",
        created_at=AT,
    )
    insert(
        run,
        "consultation_questions",
        id=id,
        consultation_id=id,
        position=0,
        kind="text",
        text='{"es": "Q"}',
        choices="[]",
        show_if_choices="[]",
        version=1,
        retired=False,
    )
    insert(
        run,
        "consultation_responses",
        id=id,
        consultation_id=id,
        channel="sms",
        state="complete",
        locale="es",
        sector="",
        locality="",
        started_at=AT,
        finished_at=AT,
    )
    insert(
        run,
        "consultation_answers",
        id=id,
        response_id=id,
        question_id=id,
        skipped=False,
        text=sealed("Una respuesta"),
        created_at=AT,
    )


def seed(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        run = connection.execute
        insert(
            run,
            "partnerships",
            id=1,
            name="P",
            country="CO",
            locality="",
            context_summary="",
            stage="active",
            default_locale="es",
            locales='["es"]',
            timezone="UTC",
            created_at=AT,
        )
        insert(
            run,
            "partners",
            id=1,
            partnership_id=1,
            name="Co",
            sector="company",
            description="",
            created_at=AT,
        )
        for contact_id, simulated in ((1, False), (2, True)):
            insert(
                run,
                "sms_contacts",
                id=contact_id,
                phone=sealed(f"+57310456782{contact_id}"),
                phone_hash=f"c{contact_id}",
                opted_out=False,
                awaiting="",
                simulated=simulated,
                created_at=AT,
            )
        consultation(run, 1, anonymous=True)
        consultation(run, 2, anonymous=False)
        insert(
            run,
            "consultation_participations",
            id=1,
            consultation_id=1,
            contact_id=1,
            channel="sms",
            state="complete",
            reprompts=0,
            sector="",
            invited_at=AT,
        )
        inbound(run, 1, "REPORT la cerca de Rosa", "grievance_report")
        inbound(run, 2, "QUEJA hay polvo", "inbox", contact_id=None, in_inbox=True)
        inbound(run, 3, "hola", "inbox", in_inbox=True)
        inbound(run, 4, "El río baja negro", "consultation")
        inbound(run, 5, "4", "pulse", contact_id=2)
        inbound(run, 6, "REPORT algo falló", "error")
        outbound(run, 1, "Queja recibida. Código 1234", "reply", "sent", reply_to_id=1)
        outbound(run, 2, "Queja 1234: cerrada.", "grievance", "queued")
        outbound(run, 3, "Reunión el sábado", "broadcast", "sent")
        outbound(run, 4, "Gracias", "reply", "delivered", reply_to_id=5, contact_id=2)
        for n in range(2, 7):
            insert(
                run,
                "users",
                id=n,
                email=f"u{n}@x.org",
                name=f"U{n}",
                password_hash="x",
                is_site_admin=False,
                active=True,
                session_token="t",
                created_at=AT,
            )
        insert(
            run,
            "pulse_rounds",
            id=1,
            partnership_id=1,
            title='{"es": "R"}',
            opens_at=AT,
            closes_at=AT,
            status="closed",
            include_sms=False,
            created_at=AT,
        )
        for n in range(1, 7):
            insert(
                run,
                "pulse_responses",
                id=n,
                partnership_id=1,
                round_id=1,
                contact_id=1 if n == 1 else None,
                user_id=None if n == 1 else n,
                constituency="company",
                created_at=AT,
            )
            insert(
                run,
                "pulse_scores",
                id=n,
                partnership_id=1,
                round_id=1,
                constituency="company",
                partner_id=1,
                dimension="equity",
                score=n % 5 + 1,
                created_at=AT,
            )
            insert(
                run,
                "pulse_comments",
                id=n,
                partnership_id=1,
                round_id=1,
                constituency="company",
                text=sealed(f"Comentario {n}"),
                created_at=AT,
            )
    engine.dispose()


def test_the_anonymity_revision_marks_blanks_coarsens_and_unlinks(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "anonymous_revision")
    migrate.upgrade(url, "0015")
    seed(url)
    migrate.upgrade(url, field_key=KEY)

    engine = make_engine(url)
    with engine.connect() as connection:
        run = connection.execute
        rows = run(
            text("SELECT id, route, confidential, in_inbox, body FROM sms_inbound ORDER BY id")
        ).all()
        assert [
            (i, route, bool(c), bool(inbox), opened(body)) for i, route, c, inbox, body in rows
        ] == [
            (1, "grievance_report", True, False, ""),
            (2, "grievance_report", True, False, ""),
            (3, "inbox", False, True, "hola"),
            (4, "consultation", True, False, ""),
            (5, "pulse", True, False, "4"),  # a training number keeps its texts
            (6, "error", False, False, "REPORT algo falló"),  # its handler failed: kept whole
        ]
        rows = run(text("SELECT id, confidential, body FROM sms_outbound ORDER BY id")).all()
        assert [(i, bool(c), opened(body)) for i, c, body in rows] == [
            (1, True, ""),
            (2, True, "Queja 1234: cerrada."),  # still to be sent
            (3, False, "Reunión el sábado"),
            (4, True, "Gracias"),
        ]
        times = run(
            text(
                "SELECT r.started_at, r.finished_at, a.created_at FROM consultation_responses r"
                " JOIN consultation_answers a ON a.response_id = r.id ORDER BY r.id"
            )
        ).all()
        assert [[str(value)[:19] for value in row] for row in times] == [
            [MIDNIGHT] * 3,
            ["2026-01-01 17:05:06"] * 3,
        ]
        for table in ("pulse_responses", "pulse_scores", "pulse_comments"):
            days = run(text(f"SELECT DISTINCT created_at FROM {table}")).scalars().all()
            assert [str(day)[:19] for day in days] == [MIDNIGHT]
        scores = run(text("SELECT partner_id, score FROM pulse_scores ORDER BY id")).all()
        assert {partner for partner, _score in scores} == {None}
        assert sorted(score for _partner, score in scores) == sorted(n % 5 + 1 for n in range(1, 7))
        comments = run(text("SELECT text FROM pulse_comments ORDER BY id")).scalars().all()
        assert sorted(opened(c) for c in comments) == [f"Comentario {n}" for n in range(1, 7)]
    engine.dispose()

    migrate.downgrade(url, "0015", field_key=KEY)
    migrate.upgrade(url, field_key=KEY)


def test_the_anonymity_revision_needs_the_field_key_for_messages(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "anonymous_no_key")
    migrate.upgrade(url, "0015")
    seed(url)
    with pytest.raises(RuntimeError, match="HSBP_FIELD_KEY"):
        migrate.upgrade(url)
