"""The language and time of pages: a partnership's public pages speak its language unless the
visitor chose one, and dates and times read the same way everywhere, without seconds, in the
partnership's time zone."""

from datetime import datetime

import pytest
from flask import g
from flask_babel import force_locale

from hsbp.grievances import services as grievance_services
from hsbp.i18n import format_when

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def form_url(session, make):
    partnership = make.partnership(name="Caguán", default_locale="es", locales=["es", "en"])
    return f"/g/{grievance_services.settings_of(session, partnership.id).public_token}"


def lang_of(response) -> str:
    body = response.get_data(as_text=True)
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def test_public_form_speaks_the_partnerships_language_not_the_browsers(client, form_url):
    page = client.get(form_url, headers=ENGLISH_BROWSER)
    assert page.status_code == 200
    assert lang_of(page) == "es"
    assert "Presentar una queja a Caguán" in page.get_data(as_text=True)


def test_lang_in_the_link_wins_and_is_remembered(client, form_url):
    assert lang_of(client.get(f"{form_url}?lang=sw")) == "sw"
    # The next page of the same visitor, without the parameter.
    assert lang_of(client.get(form_url, headers=ENGLISH_BROWSER)) == "sw"


def test_unknown_lang_in_the_link_is_ignored(client, form_url):
    assert lang_of(client.get(f"{form_url}?lang=xx", headers=ENGLISH_BROWSER)) == "es"


def test_language_chosen_with_the_menu_wins(client, form_url):
    client.post("/language", data={"locale": "fr", "next": form_url})
    assert lang_of(client.get(form_url, headers=ENGLISH_BROWSER)) == "fr"


def test_partnership_language_without_a_catalog_leaves_the_browsers(client, session, make):
    partnership = make.partnership(default_locale="pbb", locales=["pbb", "es"])
    url = f"/g/{grievance_services.settings_of(session, partnership.id).public_token}"
    assert lang_of(client.get(url, headers=ENGLISH_BROWSER)) == "en"


def test_staff_pages_still_follow_the_browser(client):
    assert lang_of(client.get("/login", headers={"Accept-Language": "fr"})) == "fr"


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("en", "Dec 5, 2026, 12:09\u202fPM"),  # CLDR puts a narrow no-break space
        ("es", "5 dic 2026, 12:09"),
        ("fr", "5 déc. 2026, 12:09"),
        ("sw", "5 Des 2026 12:09"),
    ],
)
def test_date_times_show_minutes_in_the_partnerships_time_zone(app, make, locale, shown):
    bogota = make.partnership(timezone="America/Bogota")  # UTC-5 all year
    at = datetime(2026, 12, 5, 17, 9, 36)  # stored in UTC
    with app.test_request_context(), force_locale(locale):
        g.partnership = bogota
        assert format_when(at) == shown
        # Pages written for the short format read the same.
        assert format_when(at, "short") == shown


def test_date_time_outside_a_partnership_is_utc(app):
    with app.test_request_context(), force_locale("en"):
        assert format_when(datetime(2026, 12, 5, 17, 9, 36)) == "Dec 5, 2026, 5:09\u202fPM"
        assert format_when(None) == ""
