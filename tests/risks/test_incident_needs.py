"""Who is told of a new incident at once: facilitators and the named partners' members, in a
fixed number of queries, with no words, sender or time in the item."""

from datetime import UTC, datetime

from hsbp.notifications import items as notification_items
from hsbp.notifications.items import items_for, kinds_for, memberships_of
from hsbp.risks import incident_needs
from hsbp.security import Role
from tests.risks.test_incident_world import incident, name_partners

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def told(session, user) -> list[notification_items.Item]:
    memberships = memberships_of(session, user_id=user.id)
    found = items_for(session, user=user, memberships=memberships, locale="en", now=NOW)
    return [item for item in found if item.kind == incident_needs.KIND]


def test_facilitators_and_named_partners_are_told_others_not(
    session,
    partnership,
    company,
    facilitator,
    company_rep,
    municipality_rep,
    observer,
):
    name_partners(session, partnership, company)
    row = incident(session, partnership, locality="Vereda La Esperanza", description="Secreto")
    unknown = incident(session, partnership, locality="", anonymous=True)
    incident(session, partnership, status="acknowledged")
    expected = [
        notification_items.Item(
            kind="incident",
            key=f"incident:{row.id}",
            partnership_id=partnership.id,
            text="New incident I-1 in Vereda La Esperanza.",
            url=f"/p/{partnership.id}/incidents/{row.id}",
        ),
        notification_items.Item(
            kind="incident",
            key=f"incident:{unknown.id}",
            partnership_id=partnership.id,
            text="New incident I-2, place not known.",
            url=f"/p/{partnership.id}/incidents/{unknown.id}",
        ),
    ]
    assert told(session, facilitator) == expected
    assert told(session, company_rep) == expected
    assert told(session, municipality_rep) == []
    assert told(session, observer) == []


def test_the_kind_concerns_only_those_who_read_incidents(
    session, partnership, company, facilitator, company_rep, municipality_rep
):
    name_partners(session, partnership, company)
    for user, expected in ((facilitator, True), (company_rep, True), (municipality_rep, False)):
        memberships = memberships_of(session, user_id=user.id)
        found = kinds_for(session, user_id=user.id, memberships=memberships)
        assert (incident_needs.KIND in found) is expected, user.name
    kind = notification_items.kinds()[incident_needs.KIND]
    assert kind.immediate is True


def test_the_provider_runs_a_fixed_number_of_queries(session, make, count_queries):
    user = make.user(name="Rosa")
    counts = []
    for partnerships in (2, 8):
        while len(memberships_of(session, user_id=user.id)) < partnerships:
            place = make.partnership()
            partner = make.partner(place)
            make.member(place, Role.REPRESENTATIVE, user=user, partner=partner)
            name_partners(session, place, partner)
            for _ in range(3):
                incident(session, place)
        memberships = memberships_of(session, user_id=user.id)
        with count_queries() as counter:
            found = incident_needs.incidents_new(
                session, user=user, memberships=memberships, locale="en", now=NOW
            )
        assert len(found) == 3 * partnerships
        counts.append(counter["n"])
    assert counts[0] == counts[1] == 2
