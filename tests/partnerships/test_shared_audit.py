"""The shared record: every member reads the partnership's audit log, with protected data
left out; facilitators keep the full view (hsbp.partnerships.shared_record)."""

import pytest

from hsbp import audit
from hsbp.security import Role

# Entries whose existence and time say something protected: left out for non-facilitators.
HIDDEN = [
    ("participant.identity_view", {"participant_id": 7}),
    ("grievance.identity_view", {"grievance": "HIDDEN-GRIEVANCE-VIEW"}),
    ("grievance.file", {"channel": "sms", "anonymous": True, "note": "HIDDEN-FILE"}),
    ("grievance.rate", {"rating": "HIDDEN-RATE"}),
    ("audit.scrub", {"entries": "HIDDEN-SCRUB"}),
    ("participant.duplicate_check", {"candidate_id": 7, "source": "HIDDEN-DUPLICATE"}),
    ("participant.duplicate_resolve", {"outcome": "HIDDEN-RESOLVE"}),
    ("sms_inbound.handle", {"inbound": "HIDDEN-INBOUND"}),
    ("sms_inbound.reply", {"outbound_id": 3, "segments": "HIDDEN-REPLY"}),
]
# Entries shown as their action alone.
LABEL_ONLY = [
    ("participant.update", {"participant_id": 7, "risk": ["low", "LABEL-RISK"]}),
    ("participant.create", {"participant_id": 7, "risk": "LABEL-CREATE"}),
    ("relationship.create", {"participant_id": 7, "kind": "LABEL-TENSION"}),
    ("grievance.stage", {"stage": ["received", "LABEL-STAGE"]}),
    ("grievance.update", {"recused_officer_id": 4, "category": "LABEL-CATEGORY"}),
    ("sms_contact.create", {"participant_id": 7, "LABEL-CONTACT": 1}),
    ("sms.settings", {"sender": ["", "LABEL-SENDER"]}),
    ("invitation.create", {"email": "LABEL-INVITE@example.org", "role": "observer"}),
    ("consultation.assisted_entry", {"channel": "assisted", "note": "LABEL-NOTE"}),
    ("consultation_theme.tag", {"answer_id": 9, "name": "LABEL-THEME"}),
    ("consultation.export_identities", {"format": "LABEL-EXPORT"}),
]


def record_all(session, partnership, actor, rows):
    for action, details in rows:
        audit.record(
            session,
            actor_id=actor.id,
            action=action,
            obj=partnership,
            partnership_id=partnership.id,
            details=details,
        )
    session.flush()


def markers(rows) -> list[str]:
    found = []
    for _action, details in rows:
        for key, value in details.items():
            for text in (key, *(value if isinstance(value, list) else [value])):
                if isinstance(text, str) and text.startswith(("HIDDEN-", "LABEL-")):
                    found.append(text)
    return found


@pytest.fixture
def setting(make, session):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía"))
    record_all(session, partnership, facilitator, HIDDEN + LABEL_ONLY)
    return partnership, facilitator


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.REPRESENTATIVE])
def test_members_read_the_record_without_protected_entries_or_details(
    client, make, login, setting, role
):
    partnership, _facilitator = setting
    login(make.member(partnership, role, user=make.user(locale="en")))
    response = client.get(f"/p/{partnership.id}/audit")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for action, _details in HIDDEN:
        assert f"<code>{action}</code>" not in body, action
    for action, _details in LABEL_ONLY:
        assert f"<code>{action}</code>" in body, action
    for marker in markers(HIDDEN + LABEL_ONLY):
        assert marker not in body, marker
    assert body.count("(details protected)") == len(LABEL_ONLY)
    assert "The facilitators keep the full record." in body


def test_facilitators_keep_the_full_view(client, login, setting):
    partnership, facilitator = setting
    login(facilitator)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    for action, _details in HIDDEN + LABEL_ONLY:
        assert f"<code>{action}</code>" in body, action
    for marker in markers(HIDDEN + LABEL_ONLY):
        assert marker in body, marker
    assert "(details protected)" not in body
    assert "The facilitators keep the full record." not in body


def test_shared_work_shows_its_details_but_for_personal_keys_and_the_unknown_its_label(
    client, make, login, session
):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía"))
    record_all(
        session,
        partnership,
        facilitator,
        [
            ("charter.propose", {"number": 2, "email": "rosa@example.org"}),
            # An action added later, by a feature nobody has cleared for sharing yet.
            ("newfeature.create", {"section": "trust", "phone": "+573001112233"}),
        ],
    )
    login(make.member(partnership, Role.REPRESENTATIVE, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert "Lucía" in body
    assert "number: 2" in body
    assert "section: trust" not in body
    assert "rosa@example.org" not in body and "+573001112233" not in body
    assert body.count("(details protected)") == 2


def test_an_invitation_through_the_page_keeps_its_address_from_members(client, make, login, app):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    client.post(
        f"/p/{partnership.id}/members/invite",
        data={"invite-email": "nueva@example.org", "invite-role": "observer"},
    )
    assert "nueva@example.org" in client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    member = login(make.member(partnership, Role.OBSERVER), target=app.test_client())
    body = member.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert "invitation.create" in body and "nueva@example.org" not in body


def test_hidden_entries_are_not_counted_in_the_pages(client, make, login, session):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR)
    record_all(session, partnership, facilitator, [("charter.propose", {"number": 1})] * 50)
    record_all(session, partnership, facilitator, HIDDEN)
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert body.count("<code>charter.propose</code>") == 50
    assert "Older" not in body
    login(facilitator)
    assert "Older" in client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)


def test_another_partnership_s_record_stays_closed(client, make, login, setting):
    partnership, _facilitator = setting
    elsewhere = make.partnership()
    login(make.member(elsewhere, Role.FACILITATOR))
    assert client.get(f"/p/{partnership.id}/audit").status_code == 404


def test_shared_record_queries_do_not_grow_with_entries(
    client, make, login, session, count_queries
):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR)
    record_all(session, partnership, facilitator, LABEL_ONLY[:2])
    login(make.member(partnership, Role.OBSERVER))
    url = f"/p/{partnership.id}/audit"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    record_all(session, partnership, facilitator, (HIDDEN + LABEL_ONLY) * 3)
    with count_queries() as many:
        client.get(url)
    assert many["n"] == few["n"]
