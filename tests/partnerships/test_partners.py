"""Partners of a partnership: adding, editing, dates, names, and who may do it."""

from datetime import date

from sqlalchemy import func, select

from hsbp.partnerships.models import Partner
from hsbp.security import Role

FORM = {
    "name": "Fundación Raíces",
    "sector": "civil_society",
    "description": "",
    "joined_on": "2026-02-01",
}


def test_facilitator_adds_a_partner(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    response = client.post(f"/p/{partnership.id}/partners/new", data=FORM)
    assert response.status_code == 302
    partner = session.scalars(select(Partner)).one()
    assert (partner.name, partner.sector, partner.joined_on) == (
        "Fundación Raíces",
        "civil_society",
        date(2026, 2, 1),
    )


def test_partner_left_before_joined_is_refused(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    response = client.post(
        f"/p/{partnership.id}/partners/new", data={**FORM, "left_on": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "The date left must not be before the date joined." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Partner)) == 0


def test_partner_name_must_be_unique_in_the_partnership(client, make, login):
    partnership = make.partnership()
    make.partner(partnership, name="Fundación Raíces")
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    response = client.post(
        f"/p/{partnership.id}/partners/new", data={**FORM, "name": "fundación raíces"}
    )
    assert response.status_code == 422
    assert "already has a partner of this name" in response.get_data(as_text=True)


def test_same_partner_name_is_fine_in_another_partnership(client, make, login):
    make.partner(make.partnership(), name="Fundación Raíces")
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    assert client.post(f"/p/{partnership.id}/partners/new", data=FORM).status_code == 302


def test_editing_a_partner_does_not_make_it_leave(client, make, login, session):
    # Leaving goes through the leaver protocol (tests/governance/test_handover*.py).
    partnership = make.partnership()
    partner = make.partner(partnership, name="Agroforestal", joined_on=date(2026, 1, 1))
    login(make.member(partnership, Role.FACILITATOR))
    response = client.post(
        f"/p/{partnership.id}/partners/{partner.id}",
        data={
            "name": "Agroforestal",
            "sector": "company",
            "joined_on": "2026-01-01",
            "left_on": "2026-06-30",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert partner.left_on is None
    assert partner.is_current is True


def test_partner_of_another_partnership_is_404(client, make, login):
    other = make.partner(make.partnership())
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    assert client.get(f"/p/{partnership.id}/partners/{other.id}").status_code == 404


def test_partners_list_queries_do_not_grow_with_rows(client, make, login, count_queries):
    partnership = make.partnership()
    login(make.member(partnership, Role.OBSERVER))
    make.partner(partnership)
    with count_queries() as few:
        assert client.get(f"/p/{partnership.id}/partners").status_code == 200
    for _ in range(20):
        make.partner(partnership)
    with count_queries() as many:
        assert client.get(f"/p/{partnership.id}/partners").status_code == 200
    assert many["n"] == few["n"]
