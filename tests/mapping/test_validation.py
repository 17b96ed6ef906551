"""Joint mapping: a participant is validated by a partner of another sector."""

import pytest

from hsbp.errors import ServiceError
from hsbp.mapping import services
from hsbp.mapping.models import Validation
from hsbp.partnerships.models import Membership


def membership(session, user):
    return session.query(Membership).filter_by(user_id=user.id).one()


def test_a_partner_of_another_sector_validates(session, mapped, add):
    participant = add(proposed_by_partner_id=mapped.company.id)
    services.validate_participant(
        session,
        actor=mapped.civil_rep,
        membership=membership(session, mapped.civil_rep),
        participant=participant,
    )
    assert participant.status == Validation.VALIDATED
    assert participant.validated_by_partner_id == mapped.civil.id


def test_the_proposing_partner_cannot_validate(session, mapped, add):
    participant = add(proposed_by_partner_id=mapped.company.id)
    with pytest.raises(ServiceError, match="another sector than the one that proposed it"):
        services.validate_participant(
            session,
            actor=mapped.company_rep,
            membership=membership(session, mapped.company_rep),
            participant=participant,
        )
    assert participant.status == Validation.PROPOSED


def test_another_partner_of_the_same_sector_cannot_validate(session, mapped, add):
    participant = add(proposed_by_partner_id=mapped.civil.id)
    with pytest.raises(ServiceError, match="another sector"):
        services.validate_participant(
            session,
            actor=mapped.civil_two_rep,
            membership=membership(session, mapped.civil_two_rep),
            participant=participant,
        )


@pytest.mark.parametrize("who", ["facilitator", "observer"])
def test_only_partner_representatives_validate(session, mapped, add, who):
    participant = add(proposed_by_partner_id=mapped.company.id)
    user = getattr(mapped, who)
    with pytest.raises(ServiceError, match="Only a partner representative"):
        services.validate_participant(
            session, actor=user, membership=membership(session, user), participant=participant
        )


def test_validating_twice_is_refused(session, mapped, add):
    participant = add(proposed_by_partner_id=mapped.company.id)
    services.validate_participant(
        session,
        actor=mapped.civil_rep,
        membership=membership(session, mapped.civil_rep),
        participant=participant,
    )
    with pytest.raises(ServiceError, match="already validated"):
        services.validate_participant(
            session,
            actor=mapped.municipal_rep,
            membership=membership(session, mapped.municipal_rep),
            participant=participant,
        )


def test_validation_through_the_page(client, login, mapped, add, session):
    participant = add(proposed_by_partner_id=mapped.company.id)
    login(mapped.municipal_rep)
    url = f"/p/{mapped.partnership.id}/mapping/{participant.id}"
    assert "Validate for my partner" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/validate")
    session.expire_all()
    assert participant.status == Validation.VALIDATED
    refused = client.post(f"{url}/validate", follow_redirects=True)
    assert "This participant is already validated." in refused.get_data(as_text=True)
