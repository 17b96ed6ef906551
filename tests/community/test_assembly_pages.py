"""Community assemblies through HTTP: the form and its errors, the witness's Confirm button,
the label on the charter's pages, the minutes download, addresses typed by hand, and a list
whose queries do not grow with its rows."""

import io
import re

import pytest
from sqlalchemy import select

from hsbp.actions import uploads
from hsbp.community.models import Assembly
from hsbp.principles import services as charter
from tests.community.assembly_world import PDF, TODAY, World


@pytest.fixture
def world(session, make):
    return World(session, make)


def base(world) -> str:
    return f"/p/{world.partnership.id}/assemblies"


def form_data(world, **overrides) -> dict:
    data = {
        "partner_id": str(world.community.id),
        "held_on": TODAY.isoformat(),
        "place": "Escuela de la vereda",
        "present_total": "40",
        "present-g0": "22",
        "result": "endorse",
        "counts-endorse": "35",
        "counts-object": "3",
        "minutes": "Acta 12.",
        "witness_partner_id": str(world.council.id),
    }
    data.update(overrides)
    return data


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_facilitator_records_an_assembly_with_its_minutes_file(client, login, session, world):
    login(world.facilitator)
    data = form_data(world, minutes="", minutes_file=(io.BytesIO(PDF), "acta-12.pdf"))

    response = client.post(
        f"{base(world)}/new?charter=1", data=data, content_type="multipart/form-data"
    )

    assembly = session.scalars(select(Assembly)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"{base(world)}/{assembly.id}"
    assert (assembly.present, assembly.result_counts) == (
        {"tag:women": 22},
        {"endorse": 35, "object": 3},
    )
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "The assembly is recorded. It counts once the witness confirms it." in page
    assert "Awaiting the witness" in page
    assert "Women: 22" in page
    assert "Hands raised: Endorse: 35 · Object: 3" in page
    assert "Download the minutes" in page
    assert f"Recorded by {world.facilitator.name} on " in page


def test_form_comes_back_with_messages_and_what_was_typed(client, login, session, world):
    login(world.facilitator)
    data = form_data(
        world,
        place="Escuela de la vereda",
        present_total="-4",
        minutes_file=(io.BytesIO(PDF), "acta-12.pdf"),
    )

    response = client.post(
        f"{base(world)}/new?charter=1", data=data, content_type="multipart/form-data"
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A count cannot be negative." in html
    assert 'value="Escuela de la vereda"' in html
    assert "Choose the minutes file again" in html
    assert session.scalars(select(Assembly)).all() == []


def test_service_refusal_shows_beside_its_field(client, login, world):
    login(world.facilitator)

    response = client.post(
        f"{base(world)}/new?charter=1", data=form_data(world, **{"present-g1": "41"})
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'id="present-g1"[^>]*>\s*<p class="error" id="present-g1-error">More people than were '
        r"present in all \(40\)\.</p>",
        html,
    )


def test_partners_answering_on_the_web_cannot_be_chosen(client, login, world):
    login(world.facilitator)

    html = client.get(f"{base(world)}/new?charter=1").get_data(as_text=True)

    assert f'<option disabled value="{world.company.id}">' in html
    assert f'<option value="{world.community.id}">{world.community.name}</option>' in html
    witnesses = html.split('name="witness_partner_id"')[1].split("</select>")[0]
    assert world.community.name not in witnesses
    assert world.council.name in witnesses
    world.record()
    html = client.get(f"{base(world)}/new?charter=1").get_data(as_text=True)
    assert (
        f'<option disabled value="{world.community.id}">{world.community.name} '
        "(awaiting its witness)</option>"
    ) in html


@pytest.mark.parametrize(
    "query", ["charter=9", "charter=abc", "charter=", "vote=7", "vote=²", "charter=0"]
)
def test_unknown_subjects_are_404(client, login, world, query):
    login(world.facilitator)

    assert client.get(f"{base(world)}/new?{query}").status_code == 404


def test_a_draft_is_explained_not_offered(client, login, session, make):
    world = World(session, make, propose=False)
    charter.start_draft(session, actor=world.facilitator, partnership=world.partnership)
    login(world.facilitator)

    response = client.get(f"{base(world)}/new?charter=1")

    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert "Version 1 is a draft: an assembly can answer on it once it is proposed." in page
    assert "Nothing to decide on now." in page
    assert client.post(f"{base(world)}/new?charter=1", data={}).status_code == 422


def test_observers_see_assemblies_but_cannot_record_them(client, login, world):
    assembly = world.record()
    login(world.observer)

    assert client.get(f"{base(world)}/new").status_code == 404
    assert client.get(f"{base(world)}/{assembly.id}").status_code == 200
    assert client.post(f"{base(world)}/{assembly.id}/delete").status_code == 404


def test_witness_confirms_and_the_charter_labels_the_answer(client, login, session, world):
    assembly = world.record()
    login(world.council_rep)
    page = client.get(f"/p/{world.partnership.id}/charter").get_data(as_text=True)
    assert "Your partner is named witness of 1 community assembly" in text_of(page)
    day = f"{TODAY:%b} {TODAY.day}, {TODAY.year}"
    pending = f'<a href="{base(world)}/{assembly.id}">Assembly of {day}, awaiting the witness</a>'
    assert pending in page

    response = client.post(f"{base(world)}/{assembly.id}/confirm")

    assert response.status_code == 303
    page = client.get(f"/p/{world.partnership.id}/charter/1").get_data(as_text=True)
    link = f'<a href="{base(world)}/{assembly.id}">Recorded in an assembly</a>'
    assert link in page
    assert "Escuela" not in page and "Salón comunal, vereda La Esperanza" in page
    page = text_of(client.get(f"{base(world)}/{assembly.id}").get_data(as_text=True))
    assert f"confirmed by {world.council_rep.name} on " in page
    assert "Counted as the partner's answer on version 1." in page
    assert ">Confirm<" not in page


def test_only_the_witness_sees_the_button_and_others_are_refused(client, login, world):
    assembly = world.record()
    login(world.company_rep)

    page = client.get(f"{base(world)}/{assembly.id}").get_data(as_text=True)
    response = client.post(f"{base(world)}/{assembly.id}/confirm")

    assert ">Confirm</button>" not in page
    assert response.status_code == 422
    assert "Only a representative of the witness partner can confirm it." in response.get_data(
        as_text=True
    )


def test_facilitator_deletes_a_record_not_yet_confirmed(client, login, session, world):
    assembly = world.record()
    login(world.facilitator)

    response = client.post(f"{base(world)}/{assembly.id}/delete")

    assert response.status_code == 303
    assert session.scalars(select(Assembly)).all() == []


def test_minutes_download_is_for_members_of_the_partnership(client, login, session, make, world):
    assembly = world.record(minutes_file=("acta.pdf", io.BytesIO(PDF)))
    without_file = world.record(partner_id=make.partner(world.partnership).id)
    login(world.observer)

    got = client.get(f"{base(world)}/{assembly.id}/minutes")

    assert got.status_code == 200
    assert got.data == PDF
    assert got.headers["Content-Security-Policy"] == uploads.DOWNLOAD_POLICY
    assert got.headers["Content-Disposition"].startswith('attachment; filename="acta.pdf"')
    assert client.get(f"{base(world)}/{without_file.id}/minutes").status_code == 404
    stranger = World(session, make)
    login(stranger.facilitator)
    assert client.get(f"{base(world)}/{assembly.id}/minutes").status_code == 404
    assert client.get(f"{base(stranger)}/{assembly.id}").status_code == 404


def test_a_request_past_the_size_limit_says_so_on_the_form(app_with, login, session, world):
    app = app_with(MAX_CONTENT_LENGTH=3000)
    client = login(world.facilitator, target=app.test_client())

    response = client.post(
        f"{base(world)}/new?charter=1",
        data=form_data(world, minutes_file=(io.BytesIO(PDF + b"0" * 5000), "acta.pdf")),
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"{base(world)}/new?charter=1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file is larger than 2.9 kB" in page


def test_pages_answer_in_arabic_right_to_left(client, login, session, make, world):
    assembly = world.record()
    world.facilitator.locale = "ar"
    login(world.facilitator)

    for path in ("", "/new", "/new?charter=1", f"/{assembly.id}"):
        response = client.get(base(world) + path)
        assert response.status_code == 200, path
        assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)


def test_list_queries_do_not_grow_with_assemblies(
    client, login, session, make, world, count_queries
):
    login(world.observer)
    for _ in range(2):
        world.record(partner_id=make.partner(world.partnership).id)
    with count_queries() as few:
        assert client.get(base(world)).status_code == 200
    for _ in range(20):
        world.record(partner_id=make.partner(world.partnership).id)
    with count_queries() as many:
        page = client.get(base(world)).get_data(as_text=True)

    assert many["n"] == few["n"]
    assert page.count("Awaiting the witness") == 22


def test_a_vote_assembly_page_names_the_vote(client, login, world):
    vote = world.vote()
    assembly = world.record(
        version=None, vote=vote, result="info", counts={"support": 3, "info": 20}
    )
    login(world.observer)

    page = text_of(client.get(f"{base(world)}/{assembly.id}").get_data(as_text=True))

    assert "Closing the road" in page
    assert "Result Need more information" in page
    assert "Hands raised: Support: 3 · Need more information: 20" in page


def test_charter_page_queries_do_not_grow_with_assemblies(
    client, login, make, world, count_queries
):
    login(world.company_rep)
    world.record()
    with count_queries() as few:
        assert client.get(f"/p/{world.partnership.id}/charter").status_code == 200
    for _ in range(6):
        world.record(partner_id=make.partner(world.partnership).id)
    with count_queries() as many:
        page = client.get(f"/p/{world.partnership.id}/charter").get_data(as_text=True)

    assert many["n"] == few["n"]
    assert page.count("awaiting the witness</a>") == 7
