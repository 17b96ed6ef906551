"""The demo's participants: every page opens, local languages Babel cannot name included."""

from dataclasses import dataclass

import pytest

from hsbp.demo import CAGUAN_PARTNERS
from hsbp.mapping.demo import seed_participants
from hsbp.security import Role


@dataclass
class Demo:
    partnership: object
    facilitator: object
    representative: object
    participants: list


@pytest.fixture
def demo(session, make):
    """The demo's participants, mapped as `hsbp demo` maps them, in a partnership of the
    demo's partners (the rest of the demo is other features' business)."""
    partnership = make.partnership(name="Caguán", country="CO", locales=["es", "en"])
    partners = {
        name: make.partner(partnership, name=name, sector=sector)
        for name, sector, _description in CAGUAN_PARTNERS
    }
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="es"))
    company = partners["Agroforestal del Caguán S.A.S."]
    representative = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(locale="es"), partner=company
    )
    mapped = seed_participants(
        session, partnership=partnership, partners=partners, actor=facilitator, validators={}
    )
    return Demo(partnership, facilitator, representative, mapped)


@pytest.mark.parametrize("who", ["facilitator", "representative"])
def test_every_demo_participant_page_opens(client, login, demo, who):
    login(getattr(demo, who))
    base = f"/p/{demo.partnership.id}/mapping"
    answers = {p.id: client.get(f"{base}/{p.id}").status_code for p in demo.participants}
    assert set(answers.values()) == {200}
    assert client.get(base).status_code == 200


def test_a_language_babel_does_not_know_is_shown_by_its_code(client, login, demo):
    nasa = next(p for p in demo.participants if p.display_name.startswith("Resguardo Nasa"))
    assert nasa.languages == ["es", "pbb"]
    login(demo.facilitator)
    body = client.get(f"/p/{demo.partnership.id}/mapping/{nasa.id}").get_data(as_text=True)
    assert "español, pbb</dd>" in body
