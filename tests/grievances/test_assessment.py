"""A grievance nobody assessed yet: its severity (and a category nobody chose) read "Not
assessed yet" on the list and on its page instead of the defaults it was filed with, until an
officer saves its handling, which then starts from no choice."""

import html

from hsbp.grievances.models import Grievance

NOT_YET = "<em>Not assessed yet</em>"


def url(partnership, tail=""):
    return f"/p/{partnership.id}/grievances{tail}"


def page_of(client, path) -> str:
    return html.unescape(client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True))


def row_of(listing: str, grievance: Grievance) -> str:
    return listing.split(f'/grievances/{grievance.id}"')[1].split("</tr>")[0]


def test_a_new_sms_grievance_reads_not_assessed_on_the_list_and_its_page(
    client, login, partnership, officer, file, contact
):
    sms = file(channel="sms", anonymous=True, complainant=None)
    login(officer)
    row = row_of(page_of(client, url(partnership)), sms)
    assert row.count(NOT_YET) == 2  # category and severity
    assert "Moderate" not in row and "Other" not in row
    detail = page_of(client, url(partnership, f"/{sms.id}"))
    facts = detail.split('<dl class="facts">')[1].split("</dl>")[0]
    assert f"<dt>Category</dt>\n  <dd>{NOT_YET}</dd>" in facts
    assert f"<dt>Severity</dt>\n  <dd>{NOT_YET}</dd>" in facts


def test_a_category_the_complainant_chose_is_shown_but_not_a_severity(
    client, login, partnership, officer, file
):
    water = file(category="water")
    login(officer)
    row = row_of(page_of(client, url(partnership)), water)
    assert ">Water</td>" in row
    assert row.count(NOT_YET) == 1


def test_the_handling_form_starts_unassessed_and_refuses_to_save_so(
    session, client, login, partnership, officer, file
):
    sms = file(channel="sms")
    login(officer)
    detail = page_of(client, url(partnership, f"/{sms.id}"))
    for name in ("category", "severity"):
        select_html = detail.split(f'name="{name}"')[1].split("</select>")[0]
        assert select_html.split("<option")[1].startswith(' selected value="">Not assessed yet')
    refused = client.post(
        url(partnership, f"/{sms.id}/handling"),
        data={"category": "", "severity": "", "partner_id": "", "officer_id": ""},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "Choose a category." in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(Grievance, sms.id).assessed_at is None


def test_an_officer_assessing_it_shows_the_values_from_then_on(
    session, client, login, partnership, officer, file
):
    sms = file(channel="sms")
    login(officer)
    saved = client.post(
        url(partnership, f"/{sms.id}/handling"),
        data={"category": "other", "severity": "high", "partner_id": "", "officer_id": ""},
    )
    assert saved.status_code == 302
    session.expire_all()
    assessed = session.get(Grievance, sms.id)
    assert (assessed.category, assessed.severity) == ("other", "high")
    assert assessed.assessed_at is not None
    row = row_of(page_of(client, url(partnership)), sms)
    assert ">Other</td>" in row and ">Serious</td>" in row
    assert NOT_YET not in row
    # Assessed once, the form offers no "Not assessed yet" to go back to.
    detail = page_of(client, url(partnership, f"/{sms.id}"))
    assert "Not assessed yet" not in detail
