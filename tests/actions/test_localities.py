"""The places an action serves: picked from those the partnership knows or typed, each once
in the register's spelling, shown on its page, and a filter of the checklist."""

import re

from sqlalchemy import select

from hsbp.actions import checks, demo_data, services
from hsbp.actions.models import Action
from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.mapping import demo as mapping_demo
from hsbp.mapping import services as mapping
from tests.actions.conftest import action_fields, membership_of
from tests.actions.test_views import base, form_data, listed
from tests.mapping.conftest import participant_fields
from tests.sms.conftest import page_text

ESPERANZA, BAJO = "Vereda La Esperanza", "Bajo Caguán"


def register(session, partnership, facilitator, *localities):
    for n, locality in enumerate(localities):
        mapping.create_participant(
            session,
            actor=facilitator,
            partnership=partnership,
            fields=participant_fields(name=f"Participant {n}", locality=locality),
        )


def test_known_places_are_the_register_s_and_the_actions_each_once(
    session, partnership, facilitator, add_action, company
):
    register(session, partnership, facilitator, ESPERANZA, "vereda la  esperanza", BAJO)
    add_action(company, localities=["Playa Rica", "bajo caguan"])
    assert checks.known_localities(session, partnership_id=partnership.id) == [
        BAJO,
        "Playa Rica",
        ESPERANZA,
    ]


def test_places_are_kept_once_in_the_known_spelling_picked_then_typed(
    session, partnership, facilitator, add_action, company
):
    register(session, partnership, facilitator, ESPERANZA, BAJO)
    action = add_action(
        company,
        localities=[ESPERANZA],
        other_localities="vereda la esperanza\n\n  Río   Pato \nBAJO CAGUAN\nrio pato",
    )
    assert action.localities == [ESPERANZA, "Río Pato", BAJO]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "action.create"))
    assert entry.details["localities"] == [None, [ESPERANZA, "Río Pato", BAJO]]


def test_a_place_too_long_or_too_many_places_are_refused(
    session, partnership, facilitator, company
):
    membership = membership_of(session, facilitator, partnership)
    for typed, message in (
        ("x" * 201, "Keep each place under 200 characters."),
        ("\n".join(f"Place {n}" for n in range(41)), "Name at most 40 places."),
    ):
        try:
            services.create_action(
                session,
                actor=facilitator,
                membership=membership,
                partnership=partnership,
                fields=action_fields(company, other_localities=typed),
            )
        except ServiceError as error:
            assert (str(error.message), error.field) == (message, "other_localities")
        else:
            raise AssertionError("refused")
    assert session.scalars(select(Action)).all() == []


def test_the_form_offers_known_places_and_saves_typed_ones(
    client, login, session, partnership, facilitator, company
):
    register(session, partnership, facilitator, ESPERANZA, BAJO)
    login(facilitator)
    form = client.get(f"{base(partnership)}/new").get_data(as_text=True)
    assert 'name="localities" type="checkbox" value="Bajo Caguán"' in form
    response = client.post(
        f"{base(partnership)}/new",
        data=form_data(company, localities=[BAJO], other_localities="Playa Rica"),
    )
    assert response.status_code == 302
    action = session.scalars(select(Action)).one()
    assert action.localities == [BAJO, "Playa Rica"]
    page = page_text(client.get(response.headers["Location"]))
    assert "Places Bajo Caguán , Playa Rica Lead partner" in page  # each in a <bdi>
    edit = client.get(f"{base(partnership)}/{action.id}/edit").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="localities"[^>]*>', edit)
    ticked = [re.search(r'value="([^"]+)"', box)[1] for box in boxes if "checked" in box]
    assert ticked == [BAJO, "Playa Rica"]


def test_a_refused_place_re_renders_the_form_with_what_was_typed(
    client, login, session, partnership, facilitator, company
):
    login(facilitator)
    typed = "Playa Rica\n" + "x" * 201
    response = client.post(
        f"{base(partnership)}/new", data=form_data(company, other_localities=typed)
    )
    assert response.status_code == 422
    assert "Keep each place under 200 characters." in page_text(response)
    assert "Playa Rica" in response.get_data(as_text=True)
    assert session.scalars(select(Action)).all() == []


def test_an_action_with_no_place_serves_the_whole_partnership(
    client, login, partnership, facilitator, add_action, company
):
    action = add_action(company)
    login(facilitator)
    page = page_text(client.get(f"{base(partnership)}/{action.id}"))
    assert "Places The whole partnership Lead partner" in page


def test_the_checklist_filters_by_place(client, login, partnership, add_action, company, observer):
    add_action(company, title={"es": "Acueducto"}, localities=[ESPERANZA])
    add_action(company, title={"es": "Puente"}, localities=[BAJO, ESPERANZA])
    add_action(company, title={"es": "Radio"})
    login(observer)
    assert listed(client.get(base(partnership), query_string={"place": BAJO}).text) == ["Puente"]
    assert listed(client.get(base(partnership), query_string={"place": ESPERANZA}).text) == [
        "Acueducto",
        "Puente",
    ]
    # A place no action names filters nothing, as any value the filter does not offer.
    unknown = client.get(base(partnership), query_string={"place": "Marte"})
    assert unknown.status_code == 200
    assert len(listed(unknown.text)) == 3


def test_the_checklist_with_places_runs_the_same_queries_whatever_the_number_of_actions(
    client, login, partnership, add_action, company, observer, count_queries
):
    add_action(company, localities=[ESPERANZA])
    login(observer)
    with count_queries() as few:
        client.get(base(partnership), query_string={"place": ESPERANZA})
    for n in range(12):
        add_action(company, localities=[ESPERANZA, f"Place {n}"])
    with count_queries() as many:
        page = client.get(base(partnership), query_string={"place": ESPERANZA}).text
    assert len(listed(page)) == 13
    assert many["n"] == few["n"]


def test_the_demo_actions_serve_the_places_of_the_demo_register():
    register_places = {row[3] for row in mapping_demo.PARTICIPANTS}
    keys = {row[0] for row in demo_data.ACTIONS}
    assert set(demo_data.LOCALITIES) <= keys
    named = {place for places in demo_data.LOCALITIES.values() for place in places}
    assert named <= register_places
