"""Fixtures of the mapping tests: a partnership with partners of several sectors."""

from dataclasses import dataclass

import pytest

from hsbp.mapping import services
from hsbp.security import Role


@dataclass
class Setting:
    partnership: object
    company: object
    municipality: object
    civil: object
    civil_two: object
    facilitator: object
    company_rep: object
    municipal_rep: object
    civil_rep: object
    civil_two_rep: object
    observer: object


@pytest.fixture
def mapped(make):
    p = make.partnership(country="CO")
    company = make.partner(p, name="Agroforestal", sector="company")
    municipality = make.partner(p, name="Alcaldía", sector="local_government")
    civil = make.partner(p, name="Mujeres Tejiendo Paz", sector="civil_society")
    civil_two = make.partner(p, name="Raíces", sector="civil_society")
    return Setting(
        partnership=p,
        company=company,
        municipality=municipality,
        civil=civil,
        civil_two=civil_two,
        facilitator=make.member(p, Role.FACILITATOR, user=make.user(locale="en")),
        company_rep=make.member(
            p, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=company
        ),
        municipal_rep=make.member(
            p, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=municipality
        ),
        civil_rep=make.member(p, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=civil),
        civil_two_rep=make.member(
            p, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=civil_two
        ),
        observer=make.member(p, Role.OBSERVER, user=make.user(locale="en")),
    )


def participant_fields(**overrides) -> dict:
    fields = {
        "name": "Asociación de Mujeres Cacaoteras",
        "kind": "organisation",
        "sector": "community_group",
        "locality": "Vereda La Esperanza",
        "languages": ["es"],
        "tag_ids": [],
        "interest": 5,
        "influence": 2,
        "phone": "",
        "email": "",
        "intermediary": "",
        "consent_on": None,
        "consent_method": "",
        "consent_scope": "",
        "risk": "low",
        "protective_measures": "",
        "proposed_by_partner_id": None,
        "external_ref": "",
        "notes": "",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def add(session, mapped):
    """Map a participant straight through the service."""

    def create(**overrides):
        return services.create_participant(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            fields=participant_fields(**overrides),
        )

    return create
