"""The audit log: written by services, append-only, readable by facilitators only."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from hsbp.audit import AppendOnlyError, AuditEntry, record, scrub
from hsbp.partnerships import services
from hsbp.security import Role


def test_services_write_who_what_and_where(session, make):
    partnership = make.partnership()
    actor = make.user()
    partner = services.create_partner(
        session,
        actor=actor,
        partnership=partnership,
        name="Alcaldía",
        sector="local_government",
        description="",
        joined_on=None,
        left_on=None,
    )
    services.update_partner(
        session,
        actor=actor,
        partner=partner,
        name="Alcaldía Municipal",
        sector="local_government",
        description="",
        joined_on=None,
        left_on=None,
    )
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.partnership_id, e.object_id) for e in entries] == [
        ("partner.create", actor.id, partnership.id, partner.id),
        ("partner.update", actor.id, partnership.id, partner.id),
    ]
    assert entries[1].details == {"name": ["Alcaldía", "Alcaldía Municipal"]}


def test_saving_without_a_change_writes_no_entry(session, make):
    partnership = make.partnership()
    actor = make.user()
    partner = make.partner(partnership, name="Same", sector="company", description="")
    services.update_partner(
        session,
        actor=actor,
        partner=partner,
        name="Same",
        sector="company",
        description="",
        joined_on=partner.joined_on,
        left_on=None,
    )
    assert session.scalars(select(AuditEntry)).all() == []


def test_entries_cannot_be_changed_through_the_orm(session, make):
    entry = record(session, actor_id=make.user().id, action="x.test", obj=make.partnership())
    session.flush()
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()


def test_entries_cannot_be_changed_or_deleted_in_the_database(session, make):
    record(session, actor_id=make.user().id, action="x.test", obj=make.partnership())
    session.flush()
    for statement in ("UPDATE audit_entries SET action = 'rewritten'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


def test_facilitator_reads_the_log_and_so_do_other_members(client, make, login, app):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía"))
    login(facilitator)
    client.post(
        f"/p/{partnership.id}/partners/new",
        data={"name": "Cabildo", "sector": "community_group", "description": ""},
    )
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert "partner.create" in body
    assert "Lucía" in body
    observer = login(make.member(partnership, Role.OBSERVER), target=app.test_client())
    # The shared record (issue 16): redacted for them, tests/partnerships/test_shared_audit.py.
    assert observer.get(f"/p/{partnership.id}/audit").status_code == 200


def test_audit_page_queries_do_not_grow_with_entries(client, make, login, session, count_queries):
    partnership = make.partnership()
    user = make.member(partnership, Role.FACILITATOR)
    login(user)
    record(
        session, actor_id=user.id, action="x.test", obj=partnership, partnership_id=partnership.id
    )
    session.flush()  # an entry on the page: its object's label is read once, as with 31
    with count_queries() as few:
        client.get(f"/p/{partnership.id}/audit")
    for n in range(30):
        actor = make.user()
        record(
            session,
            actor_id=actor.id,
            action=f"x.{n}",
            obj=partnership,
            partnership_id=partnership.id,
        )
    session.flush()
    with count_queries() as many:
        assert client.get(f"/p/{partnership.id}/audit").status_code == 200
    assert many["n"] == few["n"]


def scrub_setting(session, make):
    partnership = make.partnership()
    actor = make.user()
    subject = make.partner(partnership, name="Subject")
    other = make.partner(partnership, name="Other")

    def entry(obj, partnership_id=partnership.id, **details):
        return record(
            session,
            actor_id=actor.id,
            action="x.test",
            obj=obj,
            partnership_id=partnership_id,
            details=details,
        )

    elsewhere = make.partnership()

    written = [
        entry(subject, person="Ana María Ruiz", kept=1),
        entry(subject, note="no name here", phone="+573001112233"),
        entry(other, diff=["", "ana maría  ruiz"], kept=2),
        entry(other, word="Ana"),
        entry(elsewhere, partnership_id=elsewhere.id, person="Ana María Ruiz"),
    ]
    session.flush()
    return partnership, actor, subject, written


def test_scrub_drops_keys_of_the_subject_and_the_texts_of_the_partnership(session, make):
    partnership, actor, subject, written = scrub_setting(session, make)
    count = scrub(
        session,
        actor_id=actor.id,
        partnership_id=partnership.id,
        obj=subject,
        subjects=[("Partner", subject.id)],
        keys=["phone"],
        texts=["Ana María Ruiz"],
    )
    for entry in written:
        session.refresh(entry)
    assert count == 3
    assert [e.details for e in written] == [
        {"kept": 1, "scrubbed": ["person"]},
        {"note": "no name here", "scrubbed": ["phone"]},
        {"kept": 2, "scrubbed": ["diff"]},
        {"word": "Ana"},
        {"person": "Ana María Ruiz"},  # another partnership's log is not touched
    ]
    scrubbed = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.scrub")).one()
    assert (scrubbed.object_id, scrubbed.partnership_id, scrubbed.details) == (
        subject.id,
        partnership.id,
        {"entries": 3},
    )


def test_a_scrub_with_nothing_to_drop_writes_nothing(session, make):
    partnership, actor, subject, _written = scrub_setting(session, make)
    assert (
        scrub(
            session,
            actor_id=actor.id,
            partnership_id=partnership.id,
            obj=subject,
            texts=["Pedro Pérez"],
        )
        == 0
    )
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.scrub")).all() == []


def test_the_database_refuses_changes_again_after_a_scrub(session, make):
    partnership, actor, subject, _written = scrub_setting(session, make)
    scrub(
        session,
        actor_id=actor.id,
        partnership_id=partnership.id,
        obj=subject,
        texts=["Ana María Ruiz"],
    )
    for statement in ("UPDATE audit_entries SET action = 'rewritten'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


def test_a_rolled_back_scrub_leaves_the_log_as_it_was(session, make):
    partnership, actor, subject, written = scrub_setting(session, make)
    with session.begin_nested() as nested:
        scrub(
            session,
            actor_id=actor.id,
            partnership_id=partnership.id,
            obj=subject,
            texts=["Ana María Ruiz"],
        )
        nested.rollback()
    session.refresh(written[0])
    assert written[0].details == {"person": "Ana María Ruiz", "kept": 1}
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE audit_entries SET action = 'rewritten'"))


def test_on_postgresql_the_scrub_flag_lets_the_details_change_and_nothing_else(session, make):
    if session.connection().dialect.name != "postgresql":
        pytest.skip("the flag is PostgreSQL's; SQLite lifts its trigger inside the transaction")
    _partnership, _actor, _subject, written = scrub_setting(session, make)
    entry_id = written[0].id
    with session.begin_nested():
        session.execute(text("SET LOCAL hsbp.audit_scrub = 'on'"))
        session.execute(
            text("UPDATE audit_entries SET details = '{}' WHERE id = :id"), {"id": entry_id}
        )
        for statement in (
            "UPDATE audit_entries SET action = 'rewritten' WHERE id = :id",
            "DELETE FROM audit_entries WHERE id = :id",
        ):
            with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
                session.execute(text(statement), {"id": entry_id})
    session.expire(written[0])
    assert written[0].details == {}
