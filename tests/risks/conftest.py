"""Shared fixtures of the risks tests: a partnership with a company, a municipality and a
civil society partner, members by role (each representative speaking for its partner), and
another partnership whose rows no page of the first may show."""

from __future__ import annotations

import pytest

from hsbp.security import Role


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán")


@pytest.fixture
def other(make):
    return make.partnership(name="Putumayo")


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Palma del Caguán S.A.", sector="company")


@pytest.fixture
def municipality(make, partnership):
    return make.partner(
        partnership, name="Alcaldía de Cartagena del Chairá", sector="local_government"
    )


@pytest.fixture
def civil_society(make, partnership):
    return make.partner(partnership, name="Asociación Campesina", sector="civil_society")


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(name="Fabiola"))


@pytest.fixture
def company_rep(make, partnership, company):
    return make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Carlos"), partner=company
    )


@pytest.fixture
def municipality_rep(make, partnership, municipality):
    return make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Marta"), partner=municipality
    )


@pytest.fixture
def civil_society_rep(make, partnership, civil_society):
    return make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Sonia"), partner=civil_society
    )


@pytest.fixture
def observer(make, partnership):
    return make.member(partnership, Role.OBSERVER, user=make.user(name="Omar"))


@pytest.fixture
def outsider(make, other):
    return make.member(other, Role.FACILITATOR, user=make.user(name="Otto"))
