"""What most monitoring tests start from: a partnership, its facilitator and a company
partner. A test module that needs them otherwise defines its own, which wins."""

import pytest


@pytest.fixture
def partnership(make):
    return make.partnership()


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership)


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Minera Andina")
