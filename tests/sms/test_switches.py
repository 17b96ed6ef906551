"""Switching the feature keywords on and off on the SMS settings page: the words shown, the
saved switches and their audit entry, the refusals."""

import re

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.security import Role
from hsbp.sms import contacts
from tests.sms.conftest import actions, page_text

SWITCHABLE = ["ask_info", "ask_actions", "ask_charter", "ask_results"]


def checked(response) -> list[str]:
    """The keywords whose box is ticked on the page, in its order."""
    body = response.get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="keywords-on"[^>]*>', body)
    return [re.search(r'value="([^"]+)"', box)[1] for box in boxes if "checked" in box]


def test_every_switchable_keyword_is_shown_on_with_its_words(
    client, session, demo_partnership, facilitator
):
    response = client.get(f"/p/{demo_partnership.id}/sms/settings")
    assert response.status_code == 200
    assert checked(response) == SWITCHABLE
    text = page_text(response)
    assert "INFO: The partnership, who facilitates it and how to reach them" in text
    assert "HELP, JOIN, YES, LANG, STOP, NEWS and the grievance keywords always work." in text


def test_switching_keywords_off_is_saved_once_and_audited(
    client, session, demo_partnership, facilitator
):
    url = f"/p/{demo_partnership.id}/sms/settings/keywords"
    data = {"keywords-on": ["ask_info", "ask_actions", "not_a_keyword"]}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sms/settings#keywords")
    settings = contacts.settings_of(session, demo_partnership.id)
    assert settings.keywords_off == ["ask_charter", "ask_results"]
    assert client.post(url, data=data).status_code == 302  # the same again: no new entry
    assert actions(session, demo_partnership.id) == ["sms.keywords"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "sms.keywords"))
    assert entry.details == {"keywords_off": [[], ["ask_charter", "ask_results"]]}
    page = client.get(f"/p/{demo_partnership.id}/sms/settings")
    assert checked(page) == ["ask_info", "ask_actions"]


def test_every_keyword_can_be_switched_off_and_back_on(
    client, session, demo_partnership, facilitator
):
    url = f"/p/{demo_partnership.id}/sms/settings/keywords"
    client.post(url, data={})
    assert contacts.settings_of(session, demo_partnership.id).keywords_off == sorted(SWITCHABLE)
    client.post(url, data={"keywords-on": SWITCHABLE})
    assert contacts.settings_of(session, demo_partnership.id).keywords_off == []


def test_keywords_wait_for_the_sender(client, session, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    page = client.get(f"/p/{partnership.id}/sms/settings")
    assert "Set the sender and join code first." in page_text(page)
    assert checked(page) == []
    refused = client.post(f"/p/{partnership.id}/sms/settings/keywords", data={})
    assert refused.status_code == 422
    assert "Set the sender and join code first." in page_text(refused)
    assert contacts.settings_of(session, partnership.id) is None


def test_keywords_are_switched_by_facilitators_only(client, session, make, login, demo_partnership):
    login(make.member(demo_partnership, Role.REPRESENTATIVE))
    url = f"/p/{demo_partnership.id}/sms/settings/keywords"
    assert client.post(url, data={}).status_code == 404
    assert contacts.settings_of(session, demo_partnership.id).keywords_off == []
