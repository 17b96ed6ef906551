"""A new partnership is guided: the setup checklist on the dashboard, the empty list pages
that name the next step, and where people land after signing in."""

import re
from datetime import date

from hsbp.actions.models import Action
from hsbp.consultations.models import Consultation
from hsbp.mapping.models import Participant
from hsbp.monitoring.models import Indicator
from hsbp.partnerships.setup import progress
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from hsbp.sms import contacts


def setup_section(body: str) -> str:
    return body.split('class="setup"')[1].split("</section>")[0].split("</details>")[0]


def test_empty_partnership_shows_the_checklist_with_nothing_done(client, login, make):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    section = setup_section(body)
    assert "<bdi>0</bdi> of <bdi>8</bdi> done" in section
    pid = partnership.id
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', section) == [
        (f"/p/{pid}/partners", "Add the partners"),
        (f"/p/{pid}/members", "Invite the partners&#39; representatives"),
        (f"/p/{pid}/mapping/new", "Map the participants"),
        (f"/p/{pid}/charter", "Draft the charter"),
        (f"/p/{pid}/sms/settings", "Set the partnership&#39;s SMS number"),
        (f"/p/{pid}/consultations/new", "Prepare a first consultation"),
        (f"/p/{pid}/actions/new", "Agree the first actions"),
        (f"/p/{pid}/monitoring/new", "Set the indicators"),
    ]
    assert f'class="button primary" href="/p/{pid}/partners">Next step: Add the partners' in body


def test_checklist_counts_the_steps_whose_data_exists(client, login, make, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    make.partner(partnership)
    session.add(CharterVersion(partnership_id=partnership.id, number=1))
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender="+15005550006", join_code="SETUP"
    )
    session.flush()
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    section = setup_section(body)
    assert "<bdi>3</bdi> of <bdi>8</bdi> done" in section
    assert section.count("(done)") == 3
    assert "Next step: Invite the partners&#39; representatives" in section


def test_set_up_partnership_folds_the_checklist_into_one_line(client, login, make, session):
    partnership = make.partnership()
    pid = partnership.id
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    partner = make.partner(partnership)
    make.member(partnership, Role.REPRESENTATIVE, partner=partner)
    contacts.configure_sender(session, partnership_id=pid, sender="+15005550006", join_code="DONE")
    session.add_all(
        [
            Participant(
                partnership_id=pid,
                display_name="Junta",
                sort_name="junta",
                protected_name="Junta",
                name_hash="h1",
                sector="community",
            ),
            CharterVersion(partnership_id=pid, number=1),
            Consultation(partnership_id=pid, title={"en": "Water"}),
            Action(partnership_id=pid, title={"en": "Fix the road"}, lead_partner_id=partner.id),
            Indicator(
                partnership_id=pid,
                name={"en": "Jobs"},
                baseline_value=0,
                baseline_on=date(2026, 1, 1),
                target_value=50,
                target_on=date(2027, 1, 1),
            ),
        ]
    )
    session.flush()
    assert progress(session, partnership_id=pid).complete
    body = client.get(f"/p/{pid}/").get_data(as_text=True)
    assert "<summary>The partnership is set up: all <bdi>8</bdi> steps are done.</summary>" in body
    assert "Next step" not in body


def test_checklist_is_for_facilitators_only(client, login, make):
    partnership = make.partnership()
    login(make.member(partnership, Role.REPRESENTATIVE, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert 'class="setup"' not in body


def test_checklist_is_one_statement(make, session, count_queries):
    partnership = make.partnership()
    with count_queries() as counter:
        found = progress(session, partnership_id=partnership.id)
    assert counter["n"] == 1
    assert (found.done, found.total) == (0, 8)


def test_empty_list_pages_name_the_next_step(client, login, make):
    partnership = make.partnership()
    pid = partnership.id
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    expected = {
        f"/p/{pid}/mapping": (
            "Nobody is mapped yet",
            f'<a class="button primary" href="/p/{pid}/mapping/new">Map the first participant</a>',
        ),
        f"/p/{pid}/actions": (
            "The checklist is empty: write the partners",
            f'<a class="button primary" href="/p/{pid}/actions/new">Add the first action</a>',
        ),
        f"/p/{pid}/consultations": (
            "No consultation yet: ask the participants you mapped",
            f'<a class="button primary" href="/p/{pid}/consultations/new">'
            "Prepare the first consultation</a>",
        ),
        f"/p/{pid}/grievances": (
            "No grievance yet: make sure people know how to file one",
            f'<a class="button primary" href="/p/{pid}/grievances/settings">'
            "Share the public form</a>",
        ),
        f"/p/{pid}/sms/contacts": (
            "Nobody can get the partnership's SMS yet: set its SMS number first.",
            f'<a class="button primary" href="/p/{pid}/sms/settings">Set the SMS number</a>',
        ),
    }
    for url, (sentence, button) in expected.items():
        body = client.get(url).get_data(as_text=True)
        assert sentence in body, url
        assert button in body, url


def test_a_filtered_empty_list_says_nothing_matches(client, login, make):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/mapping?q=nadie").get_data(as_text=True)
    assert "No participant matches." in body
    assert "Nobody is mapped yet" not in body


def test_contacts_empty_with_a_number_set_offer_the_import(client, login, make, session):
    partnership = make.partnership()
    pid = partnership.id
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    contacts.configure_sender(session, partnership_id=pid, sender="+15005550006", join_code="IMP")
    body = client.get(f"/p/{pid}/sms/contacts").get_data(as_text=True)
    assert "Nobody gets the partnership's SMS yet" in body
    assert (
        f'<a class="button primary" href="/p/{pid}/sms/contacts/import">'
        "Import from the mapping register</a>"
    ) in body


def test_site_administrator_lands_on_the_administration(client, login, make):
    make.partnership(name="Somewhere")
    login(make.user(is_site_admin=True, locale="en"))
    response = client.get("/partnerships")
    assert response.headers["Location"] == "/admin/partnerships"
    body = client.get("/admin/partnerships").get_data(as_text=True)
    assert "Somewhere" in body
    assert "Create a partnership" in body


def test_member_of_one_partnership_lands_on_its_dashboard(client, login, make):
    partnership = make.partnership()
    login(make.member(partnership, Role.OBSERVER))
    assert client.get("/").headers["Location"] == "/partnerships"
    assert client.get("/partnerships").headers["Location"] == f"/p/{partnership.id}/"


def test_member_of_several_partnerships_gets_the_list(client, login, make):
    first, second = make.partnership(name="First"), make.partnership(name="Second")
    user = make.member(first, Role.OBSERVER)
    make.member(second, Role.FACILITATOR, user=user)
    login(user)
    response = client.get("/partnerships")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'href="/p/{first.id}/">First</a>' in body
    assert f'href="/p/{second.id}/">Second</a>' in body


def test_signing_in_with_one_partnership_opens_it(client, make):
    from tests.conftest import PASSWORD

    partnership = make.partnership()
    make.member(partnership, Role.OBSERVER, user=make.user(email="solo@example.org"))
    signed_in = client.post("/login", data={"email": "solo@example.org", "password": PASSWORD})
    assert signed_in.headers["Location"] == "/partnerships"
    assert client.get("/partnerships").headers["Location"] == f"/p/{partnership.id}/"
