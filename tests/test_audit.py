"""The audit log: written by services, append-only, readable by facilitators only."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from hsbp.audit import AppendOnlyError, AuditEntry, record
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


def test_facilitator_reads_the_log_and_others_cannot(client, make, login, app):
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
    assert observer.get(f"/p/{partnership.id}/audit").status_code == 404


def test_audit_page_queries_do_not_grow_with_entries(client, make, login, session, count_queries):
    partnership = make.partnership()
    user = make.member(partnership, Role.FACILITATOR)
    login(user)
    record(
        session, actor_id=user.id, action="x.test", obj=partnership, partnership_id=partnership.id
    )
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
