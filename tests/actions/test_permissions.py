"""Who may change an action: facilitators always, observers never, representatives as the
charter's action rule says (lead by default; owners; any)."""

import pytest

from hsbp.actions import permissions, services
from hsbp.errors import ServiceError
from tests.actions.conftest import action_fields, membership_of


def set_rule(charter, session, rule):
    charter.content = {**charter.content, "action_rule": rule}
    session.flush()


def can(session, partnership, user, action, rule):
    member = membership_of(session, user, partnership)
    return (
        permissions.may_edit(member, action, rule=rule),
        permissions.may_report(member, action, rule=rule),
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # (lead's rep, supporter's rep, other partner's rep, facilitator, observer)
        ("lead", [(True, True), (False, True), (False, False), (True, True), (False, False)]),
        ("owners", [(True, True), (True, True), (False, False), (True, True), (False, False)]),
        ("any", [(True, True), (True, True), (True, True), (True, True), (False, False)]),
    ],
)
def test_the_rule_decides_who_edits_and_who_reports(
    session,
    partnership,
    add_action,
    company,
    council,
    company_rep,
    council_rep,
    ngo_rep,
    facilitator,
    observer,
    rule,
    expected,
):
    action = add_action(company, supporter_ids=[council.id])
    people = [company_rep, council_rep, ngo_rep, facilitator, observer]
    assert [can(session, partnership, p, action, rule) for p in people] == expected


def test_a_member_of_another_partnership_can_do_nothing(session, make, add_action, company):
    action = add_action(company)
    other = make.partnership()
    outsider = make.member(other)
    member = membership_of(session, outsider, other)
    assert not permissions.may_edit(member, action, rule="any")
    assert not permissions.may_report(member, action, rule="any")


def test_a_representative_editing_another_partners_action_gets_a_clear_message(
    session, partnership, add_action, company, ngo_rep
):
    action = add_action(company)
    with pytest.raises(ServiceError) as caught:
        services.update_action(
            session,
            actor=ngo_rep,
            membership=membership_of(session, ngo_rep, partnership),
            partnership=partnership,
            action=action,
            fields=action_fields(company, progress=50),
        )
    assert "charter" in str(caught.value.message)
    assert action.progress == 0


def test_a_representative_adds_actions_led_by_their_own_partner_only(
    session, partnership, company, council, company_rep
):
    member = membership_of(session, company_rep, partnership)
    own = services.create_action(
        session,
        actor=company_rep,
        membership=member,
        partnership=partnership,
        fields=action_fields(company),
    )
    assert own.lead_partner_id == company.id
    with pytest.raises(ServiceError) as caught:
        services.create_action(
            session,
            actor=company_rep,
            membership=member,
            partnership=partnership,
            fields=action_fields(council),
        )
    assert caught.value.field == "lead_partner_id"


def test_observers_add_nothing(session, partnership, company, observer):
    with pytest.raises(ServiceError):
        services.create_action(
            session,
            actor=observer,
            membership=membership_of(session, observer, partnership),
            partnership=partnership,
            fields=action_fields(company),
        )
