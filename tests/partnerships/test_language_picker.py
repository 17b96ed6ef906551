"""The partnership's other languages chosen by name, a code still accepted, without a script."""

from sqlalchemy import select

from hsbp.partnerships.models import Partnership
from hsbp.security import Role
from tests.partnerships.test_partnerships import FORM


def test_other_languages_are_typed_by_name_and_shown_back_by_name(client, make, login, session):
    partnership = make.partnership(locales=["es"], default_locale="es")
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    url = f"/p/{partnership.id}/settings"
    saved = client.post(url, data={**FORM, "other_locales": "Wayuu (guc), quechua, pbb"})
    assert saved.status_code == 302
    session.refresh(partnership)
    assert partnership.locales == ["es", "en", "guc", "qu", "pbb"]
    page = client.get(url).get_data(as_text=True)
    assert 'value="Wayuu (guc), Quechua (qu), pbb"' in page
    assert 'list="other_locales-suggestions"' in page


def test_a_name_that_is_no_language_rerenders_and_saves_nothing(client, make, login, session):
    login(make.user(is_site_admin=True, locale="en"))
    response = client.post(
        "/admin/partnerships/new", data={**FORM, "other_locales": "Wayuunaiki Norte"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No language is called “Wayuunaiki Norte”" in page
    assert 'value="Wayuunaiki Norte"' in page
    assert session.scalars(select(Partnership)).all() == []
