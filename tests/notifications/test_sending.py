"""The daily digest and the immediate e-mails: at the person's hour in their time zone, in
their language, only what they chose, new items marked, never twice, nothing when nothing
waits, each e-mail with one unsubscribe link per kind."""

import re
from datetime import timedelta

from sqlalchemy import select

from hsbp.mail import OutboundEmail
from hsbp.notifications import preferences, sending
from hsbp.notifications.models import NotificationSeen, UnsubscribeToken
from hsbp.security import Role
from tests.notifications.conftest import NOW


def emails(session) -> list[OutboundEmail]:
    return list(session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)))


def choose(session, user, **modes):
    preferences.save(session, user_id=user.id, modes=modes, digest_hour="7", timezone="")


def test_the_digest_lists_what_waits_in_the_persons_language_with_unsubscribe_links(
    session, partnership, company, rep, things
):
    action = things.action(partnership, company, title="A well")
    things.proposal(partnership)

    assert sending.send_digests(session, now=NOW) == 1

    [message] = emails(session)
    assert message.to_address == "carlos@example.org"
    assert message.subject == "2 things need you (2 new)"
    body = message.body
    assert body.startswith(
        "Hello Carlos,\n\nThis is what waits for you across your partnerships today.\n\n"
        "Caguán\n======\n"
    )
    assert (
        "- New: “A well” is due on Sep 30, 2026.\n"
        f"  http://hsbp.test/p/{partnership.id}/actions/{action.id}\n"
    ) in body
    links = re.findall(r"http://hsbp.test/notifications/unsubscribe/\S+", body)
    assert len(links) == 2
    assert "- Actions due soon or overdue: http://hsbp.test/notifications/unsubscribe/" in body
    # The links are secrets: cut out of the stored body once it is sent.
    assert sorted(message.secret.split("\n")) == sorted(links)
    # One more for the List-Unsubscribe header, which mail programs call: every kind.
    assert sorted(session.scalars(select(UnsubscribeToken.kind)).all()) == [
        "*",
        "action_due",
        "charter_endorsement",
    ]
    assert message.unsubscribe_url.startswith("http://hsbp.test/notifications/unsubscribe/")
    assert message.unsubscribe_url not in body


def test_the_digest_goes_once_a_day_and_marks_only_what_is_new(
    session, partnership, company, rep, things
):
    things.action(partnership, company, title="A well")
    assert sending.send_digests(session, now=NOW) == 1
    assert sending.send_digests(session, now=NOW + timedelta(hours=3)) == 0

    things.proposal(partnership)
    assert sending.send_digests(session, now=NOW + timedelta(days=1)) == 1

    second = emails(session)[-1]
    assert second.subject == "2 things need you (1 new)"
    assert "- New: Version 1 of the charter" in second.body
    assert "- “A well” is due" in second.body


def test_the_digest_waits_for_the_persons_hour_in_their_time_zone(
    session, partnership, company, rep, things
):
    things.action(partnership, company)
    preferences.save(session, user_id=rep.id, modes={}, digest_hour="9", timezone="")
    # 13:00 UTC is 8:00 in Bogotá: not yet.
    assert sending.send_digests(session, now=NOW) == 0
    assert sending.send_digests(session, now=NOW + timedelta(hours=1)) == 1
    preferences.save(session, user_id=rep.id, modes={}, digest_hour="9", timezone="Asia/Tokyo")
    # 15:00 UTC the next day is midnight in Tokyo: before 9 there.
    assert sending.send_digests(session, now=NOW + timedelta(days=1, hours=2)) == 0


def test_nothing_is_sent_when_nothing_waits_or_everything_is_off(
    session, partnership, company, rep, things
):
    assert sending.send_digests(session, now=NOW) == 0
    things.action(partnership, company)
    choose(session, rep, action_due="off")
    assert sending.send_digests(session, now=NOW + timedelta(days=1)) == 0
    assert sending.send_immediate(session, now=NOW + timedelta(days=1)) == 0
    assert emails(session) == []


def test_the_digest_is_written_in_spanish_for_a_spanish_reader(
    session, partnership, company, rep, things
):
    rep.locale = "es"
    things.action(partnership, company, title="A well")
    sending.send_digests(session, now=NOW)
    [message] = emails(session)
    assert "«A well (es)» vence" in message.body  # its Spanish title, in Spanish
    assert "Carlos" in message.body


def test_immediate_e_mails_go_once_per_item_and_leave_the_digest(
    session, partnership, company, rep, things
):
    choose(session, rep, charter_endorsement="immediate")
    things.proposal(partnership)
    things.action(partnership, company)

    assert sending.send_immediate(session, now=NOW) == 1
    [message] = emails(session)
    assert message.subject == (
        "Version 1 of the charter awaits the answer of Palmas del Caguán: endorse it or object."
    )
    assert "This has just come up for you:" in message.body
    assert "A well" not in message.body
    assert sending.send_immediate(session, now=NOW + timedelta(minutes=5)) == 0

    sending.send_digests(session, now=NOW)
    digest = emails(session)[-1]
    assert digest.subject == "1 thing needs you (1 new)"
    assert "charter" not in digest.body.split("To stop")[0]


def test_an_item_that_no_longer_waits_is_forgotten_and_told_again_if_it_returns(
    session, partnership, company, rep, things
):
    choose(session, rep, charter_endorsement="immediate")
    version = things.proposal(partnership)
    assert sending.send_immediate(session, now=NOW) == 1
    version.status = "draft"
    session.flush()
    assert sending.send_immediate(session, now=NOW + timedelta(minutes=5)) == 0
    assert session.scalars(select(NotificationSeen)).all() == []
    version.status = "proposed"
    session.flush()
    assert sending.send_immediate(session, now=NOW + timedelta(minutes=10)) == 1


def test_a_digest_builds_in_as_many_statements_for_ten_partnerships_as_for_two(
    session, make, count_queries, rep, things
):
    def add(n):
        for i in range(n):
            partnership = make.partnership(name=f"Place {i}")
            partner = make.partner(partnership)
            make.member(partnership, Role.REPRESENTATIVE, user=rep, partner=partner)
            things.proposal(partnership)
            things.action(partnership, partner)
            things.consultation(partnership)

    def statements(now):
        with count_queries() as counter:
            prepared = sending.build_digest(session, user=rep, now=now)
        return counter["n"], len(prepared.items)

    add(1)
    sending.build_digest(session, user=rep, now=NOW)  # then each build has old and new items
    add(1)
    few, found_few = statements(NOW + timedelta(days=1))
    add(8)
    many, found_many = statements(NOW + timedelta(days=2))
    assert (found_few, found_many) == (6, 30)
    assert many == few


def test_a_long_digest_lists_ten_per_partnership_and_links_to_the_rest(
    session, partnership, company, rep, things
):
    for n in range(14):
        things.action(partnership, company, title=f"T{n:02d}")
    sending.send_digests(session, now=NOW)
    [message] = emails(session)
    assert message.subject == "14 things need you (14 new)"
    assert message.body.count("- New: “T") == 10
    assert f"…and 4 more: http://hsbp.test/needs-me?p={partnership.id}\n" in message.body
