"""The translator permission: facilitators give a member the right to write the SMS texts in
the partnership's local languages, and take it back; each change is audited by ids."""

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from tests.sms.conftest import page_text


def membership_of(session, user) -> Membership:
    session.expire_all()
    return session.scalars(select(Membership).where(Membership.user_id == user.id)).one()


def translator_changes(session, partnership) -> list[tuple]:
    return [
        (entry.action, entry.object_id, entry.details)
        for entry in session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.partnership_id == partnership.id,
                AuditEntry.action.like("membership.translator%"),
            )
            .order_by(AuditEntry.id)
        )
    ]


def test_a_facilitator_gives_and_takes_back_the_translator_permission(client, make, login, session):
    partnership = make.partnership(locales=["es", "pbb"])
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    ana = make.member(partnership, Role.OBSERVER, user=make.user(name="Ana", locale="en"))
    membership = membership_of(session, ana)
    url = f"/p/{partnership.id}/members/{membership.id}/translator"
    page = page_text(client.get(f"/p/{partnership.id}/members"))
    assert "Allow to translate the SMS texts · Ana" in page
    granted = client.post(url, data={"translator": "1"}, follow_redirects=True)
    assert "Ana may now write the SMS texts in local languages." in page_text(granted)
    assert "Translates the SMS texts Withdraw · Translates the SMS texts · Ana" in page_text(
        granted
    )
    assert membership_of(session, ana).translator is True
    client.post(url, data={"translator": "1"})  # again: nothing changes, nothing logged
    revoked = client.post(url, data={"translator": "0"}, follow_redirects=True)
    assert "Ana may no longer write the SMS texts." in page_text(revoked)
    assert membership_of(session, ana).translator is False
    assert translator_changes(session, partnership) == [
        ("membership.translator_grant", membership.id, {"user_id": ana.id}),
        ("membership.translator_revoke", membership.id, {"user_id": ana.id}),
    ]
    log = page_text(client.get(f"/p/{partnership.id}/audit"))
    assert "Member may write the SMS texts in local languages" in log


def test_only_facilitators_change_the_permission_and_only_in_their_partnership(
    client, make, login, session
):
    partnership = make.partnership()
    other = make.partnership()
    stranger = make.member(other, Role.OBSERVER)
    observer = make.member(partnership, Role.OBSERVER, user=make.user(locale="en"))
    login(observer)
    mine = membership_of(session, observer)
    url = f"/p/{partnership.id}/members/{mine.id}/translator"
    assert client.post(url, data={"translator": "1"}).status_code == 404
    assert membership_of(session, observer).translator is False
    login(make.member(partnership, Role.FACILITATOR))
    theirs = membership_of(session, stranger)
    foreign = f"/p/{partnership.id}/members/{theirs.id}/translator"
    assert client.post(foreign, data={"translator": "1"}).status_code == 404
    assert client.post(url, data={"translator": "yes"}).status_code == 400
    assert client.post(url).status_code == 400
    assert membership_of(session, stranger).translator is False
    assert translator_changes(session, partnership) == []


def test_members_see_who_translates(client, make, login, session):
    partnership = make.partnership()
    ana = make.member(partnership, Role.REPRESENTATIVE, user=make.user(name="Ana"))
    membership_of(session, ana).translator = True
    session.flush()
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="en")))
    page = page_text(client.get(f"/p/{partnership.id}/members"))
    assert "Ana Partner representative Translates the SMS texts" in page
