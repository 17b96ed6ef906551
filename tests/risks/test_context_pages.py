"""Context pages over HTTP: a facilitator drafts, edits with rows added without script and
proposes; representatives comment and confirm for their own partner; the version page shows
what changed; protected key actors show by pseudonym only; refusals re-render with their
messages; every role and outsider gets only what they may; queries do not grow with items."""

import re

import pytest
from sqlalchemy import select

from hsbp.mapping import services as mapping
from hsbp.risks import context
from hsbp.risks.context_models import ContextAssessment, ContextResponse
from tests.mapping.conftest import participant_fields
from tests.sms.conftest import page_text

REAL_NAME = "Diana Ortiz Cárdenas"


def editor_data(summary="", **sections) -> dict:
    """The editor's form fields for `sections` ({section: [row dicts]}), texts as
    {"text": {"es": ...}} or {"role": {...}}, as a browser posts them."""
    data = {"summary": summary}
    for section, rows in sections.items():
        for index, row in enumerate(rows):
            for name, value in row.items():
                if isinstance(value, dict):
                    for code, text in value.items():
                        data[f"{section}-{index}-{name}-{code}"] = text
                elif value is True:
                    data[f"{section}-{index}-{name}"] = "y"
                else:
                    data[f"{section}-{index}-{name}"] = value
    return data


@pytest.fixture
def reps(company_rep, municipality_rep, civil_society_rep):
    return [company_rep, municipality_rep, civil_society_rep]


@pytest.fixture
def protected(session, partnership, facilitator):
    return mapping.create_participant(
        session,
        actor=facilitator,
        partnership=partnership,
        fields=participant_fields(name=REAL_NAME, kind="person", sector="individual", risk="high"),
    )


def draft_with(session, partnership, facilitator, raw=None, copy=False):
    """A draft holding `raw`, or the copy of the validated version as it is."""
    version = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=copy
    )
    if raw is not None:
        context.update_draft(
            session, actor=facilitator, partnership=partnership, version=version, raw=raw
        )
    return version


def validated_with(session, partnership, facilitator, reps, raw, copy=False):
    version = draft_with(session, partnership, facilitator, raw, copy)
    context.propose(session, actor=facilitator, partnership=partnership, version=version)
    for rep in reps:
        context.answer(session, actor=rep, version=version, stance="confirm")
    return version


THREAT = {"dimension": "personal", "locality": "La Unión", "text": {"es": "Reclutamiento."}}


def test_a_facilitator_drafts_edits_and_proposes_over_http(
    client, login, session, partnership, facilitator, reps, protected
):
    pid = partnership.id
    login(facilitator)
    page = page_text(client.get(f"/p/{pid}/context"))
    assert "No validated context yet." in page
    started = client.post(f"/p/{pid}/context/drafts", data={"start": "empty"})
    assert started.headers["Location"] == f"/p/{pid}/context/1/edit"
    form = client.get(f"/p/{pid}/context/1/edit")
    assert form.status_code == 200
    # Two blank rows per part, no script: the fields of row 1 exist, those of row 2 do not.
    body = form.get_data(as_text=True)
    assert 'name="threats-1-dimension"' in body
    assert 'name="threats-2-dimension"' not in body
    more = client.post(
        f"/p/{pid}/context/1/edit",
        data=editor_data(
            summary="Primera lectura del Caguán.",
            threats=[THREAT],
            actors=[
                {"participant": protected.display_name, "role": {"es": "Lidera la junta."}},
                {"name": "Frente 62", "role": {"es": "Controla el río."}},
            ],
            trends=[{"locality": "Remolinos", "text": {"es": "Vuelven familias."}}],
        )
        | {"more": "1"},
    )
    assert more.headers["Location"] == f"/p/{pid}/context/1/edit"
    body = client.get(f"/p/{pid}/context/1/edit").get_data(as_text=True)
    # The saved threat, then two new blank rows.
    assert 'name="threats-2-dimension"' in body
    assert 'name="threats-3-dimension"' not in body
    version = session.scalar(select(ContextAssessment))
    assert [a["participant_id"] for a in version.content["actors"]] == [protected.id, None]
    assert version.summary == "Primera lectura del Caguán."
    assert client.post(f"/p/{pid}/context/1/propose").headers["Location"] == f"/p/{pid}/context"
    page = page_text(client.get(f"/p/{pid}/context"))
    assert "Version 1 is proposed to the partners." in page
    assert "0 of 3 partners have confirmed; every current partner must confirm." in page
    assert "Alcaldía de Cartagena del Chairá No answer yet" in page


def test_representatives_comment_and_confirm_for_their_own_partner(
    app, client, login, session, partnership, facilitator, reps, company, municipality
):
    version = draft_with(session, partnership, facilitator, {"threats": [THREAT]})
    context.propose(session, actor=facilitator, partnership=partnership, version=version)
    pid = partnership.id
    company_rep, municipality_rep, _ = reps
    login(company_rep)
    page = page_text(client.get(f"/p/{pid}/context"))
    assert "The answer of Palma del Caguán S.A." in page
    empty = client.post(f"/p/{pid}/context/1/answer", data={"stance": "comment", "comment": " "})
    assert empty.status_code == 422
    assert "Write your comment, so the facilitators can revise the context." in page_text(empty)
    client.post(
        f"/p/{pid}/context/1/answer",
        data={"stance": "comment", "comment": "Falta El Triunfo."},
    )
    page = page_text(client.get(f"/p/{pid}/context"))
    assert "Your partner's answer is recorded." in page
    assert "Palma del Caguán S.A. Commented" in page
    assert "Falta El Triunfo." in page
    assert "The answer of" not in page
    again = client.post(f"/p/{pid}/context/1/answer", data={"stance": "confirm"})
    assert again.status_code == 422
    assert "Palma del Caguán S.A. has already answered on version 1." in page_text(again)
    rows = session.scalars(select(ContextResponse)).all()
    assert [(r.partner_id, r.stance, r.user_id) for r in rows] == [
        (company.id, "comment", company_rep.id)
    ]

    other = login(municipality_rep, target=app.test_client())
    other.post(f"/p/{pid}/context/1/answer", data={"stance": "confirm"})
    rows = session.scalars(select(ContextResponse).order_by(ContextResponse.id)).all()
    assert [(r.partner_id, r.stance) for r in rows] == [
        (company.id, "comment"),
        (municipality.id, "confirm"),
    ]


def test_every_confirmation_validates_and_the_page_shows_the_context(
    app, client, login, session, partnership, facilitator, reps, protected
):
    version = draft_with(
        session,
        partnership,
        facilitator,
        {
            "threats": [THREAT],
            "connectors": [{"text": {"es": "El mercado del sábado.", "en": "The market."}}],
            "actors": [{"participant_id": protected.id, "role": {"es": "Lidera la junta."}}],
        },
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=version)
    pid = partnership.id
    for rep in reps:
        answering = login(rep, target=app.test_client())
        answering.post(f"/p/{pid}/context/1/answer", data={"stance": "confirm"})
    page = page_text(answering.get(f"/p/{pid}/context"))
    assert "Every partner has confirmed: version 1 is validated." in page
    assert "Version 1, validated on" in page
    assert "Personal security La Unión Reclutamiento. (Español)" in page
    assert "The market." in page
    assert f"{protected.display_name} Lidera la junta. (Español)" in page


def test_a_protected_key_actor_shows_by_pseudonym_only(
    client, login, session, partnership, facilitator, reps, observer, protected
):
    assert protected.display_name.startswith("P-")
    validated_with(
        session,
        partnership,
        facilitator,
        reps,
        {"actors": [{"participant_id": protected.id, "role": {"es": "Vocera."}}]},
    )
    draft_with(session, partnership, facilitator, copy=True)
    pid = partnership.id
    for who, urls in (
        (observer, [f"/p/{pid}/context", f"/p/{pid}/context/1"]),
        (facilitator, [f"/p/{pid}/context", f"/p/{pid}/context/1", f"/p/{pid}/context/2/edit"]),
    ):
        login(who)
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            assert protected.display_name in body, url
            assert "Diana" not in body and "Ortiz" not in body, url
    # The editor names the chosen actor by pseudonym in its own field, not only in the list.
    field = re.search(r'<input[^>]*name="actors-0-participant"[^>]*>', body)[0]
    assert f'value="{protected.display_name}"' in field


def test_the_proposed_version_shows_what_changed_since_the_validated_one(
    client, login, session, partnership, facilitator, reps
):
    first = validated_with(
        session,
        partnership,
        facilitator,
        reps,
        {
            "threats": [THREAT, {"dimension": "food", "text": {"es": "Sequía."}}],
            "dividers": [{"text": {"es": "Linderos en disputa."}}],
        },
    )
    threats = first.content["threats"]
    second = draft_with(session, partnership, facilitator, copy=True)
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=second,
        raw={
            "threats": [threats[0], {**threats[1], "text": {"es": "Sequía larga."}}],
            "dividers": [],
            "trends": [{"locality": "Remolinos", "text": {"es": "Retornos."}}],
        },
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=second)
    login(reps[0])
    pid = partnership.id
    page = page_text(client.get(f"/p/{pid}/context"))
    assert "Since version 1: 1 added, 1 removed, 1 changed" in page
    page = page_text(client.get(f"/p/{pid}/context/2"))
    assert "What changed since version 1" in page
    assert "Changed Threats to human security: Food security Sequía larga. (Español)" in page
    assert "Before: Food security Sequía. (Español)" in page
    assert "Removed Dividers: Linderos en disputa. (Español)" in page
    assert "Added Trends by locality: Remolinos Retornos. (Español)" in page
    assert "Reclutamiento" not in page.split("The assessment")[0]


def test_bad_editor_input_re_renders_with_messages_and_saves_nothing(
    client, login, session, partnership, facilitator, protected
):
    version = draft_with(session, partnership, facilitator, {"threats": [THREAT]})
    pid = partnership.id
    login(facilitator)
    cases = [
        (
            {"threats": [{"dimension": "", "text": {"es": "Algo."}}]},
            "Choose the human-security dimension this threat touches.",
        ),
        ({"actors": [{"participant": "Nadie Así"}]}, "No participant of this partnership"),
        (
            {"actors": [{"participant": protected.display_name, "name": "Ana"}]},
            "Choose a mapped participant or write a name, not both.",
        ),
        ({"trends": [{"text": {"es": "Más coca."}}]}, "Name the place where this trend is seen."),
        ({"threats": [{"dimension": "food", "text": {"es": "x" * 5001}}]}, "longer than 5000"),
        ({"dividers": [{"locality": "x" * 300, "text": {"es": "y"}}]}, "Field cannot be longer"),
    ]
    for sections, message in cases:
        response = client.post(f"/p/{pid}/context/1/edit", data=editor_data(**sections))
        assert response.status_code == 422, message
        assert message in page_text(response)
    session.refresh(version)
    assert [t["text"] for t in version.content["threats"]] == [{"es": "Reclutamiento."}]


def test_bad_answer_and_start_input_re_render(
    client, login, session, partnership, facilitator, reps
):
    pid = partnership.id
    login(facilitator)
    response = client.post(f"/p/{pid}/context/drafts", data={"start": "copy"})
    assert response.status_code == 422
    assert "No version is validated yet: start from an empty one." in page_text(response)
    response = client.post(f"/p/{pid}/context/drafts", data={"start": "sideways"})
    assert response.status_code == 422
    response = client.post(f"/p/{pid}/context/1/propose")
    assert response.status_code == 404
    client.post(f"/p/{pid}/context/drafts", data={"start": "empty"})
    response = client.post(f"/p/{pid}/context/1/propose")
    assert response.status_code == 422
    assert "Write at least one item of the context before proposing it." in page_text(response)
    login(reps[0])
    response = client.post(f"/p/{pid}/context/1/answer", data={"stance": "confirm"})
    # A draft is not shown to representatives: for them it does not exist.
    assert response.status_code == 404
    assert session.scalars(select(ContextResponse)).all() == []


def test_observers_read_only_and_outsiders_get_404(
    app, client, login, session, partnership, facilitator, reps, observer, outsider
):
    validated_with(session, partnership, facilitator, reps, {"threats": [THREAT]})
    draft_with(session, partnership, facilitator, copy=True)
    pid = partnership.id
    login(observer)
    page = client.get(f"/p/{pid}/context").get_data(as_text=True)
    assert "Reclutamiento." in page
    for absent in ("Edit the draft", "Propose to the partners", "Send the answer", "/context/"):
        assert absent not in page.replace(f"/p/{pid}/context/1", "")
    assert client.get(f"/p/{pid}/context/1").status_code == 200
    # The open draft is the facilitators' until it is proposed.
    assert client.get(f"/p/{pid}/context/2").status_code == 404
    for url in (
        f"/p/{pid}/context/2/edit",
        f"/p/{pid}/context/2/propose",
        f"/p/{pid}/context/drafts",
        f"/p/{pid}/context/1/answer",
        f"/p/{pid}/context/1/validate",
    ):
        assert client.post(url, data={"stance": "confirm", "start": "empty"}).status_code == 404
    rep = login(reps[0], target=app.test_client())
    assert rep.get(f"/p/{pid}/context/2/edit").status_code == 404
    assert rep.post(f"/p/{pid}/context/2/withdraw").status_code == 404
    stranger = login(outsider, target=app.test_client())
    for url in (f"/p/{pid}/context", f"/p/{pid}/context/1", f"/p/{pid}/context/2/edit"):
        assert stranger.get(url).status_code == 404
    ours = login(facilitator, target=app.test_client())
    for number in ("3", "0", "007", "99999999999", "-1", "x"):
        assert ours.get(f"/p/{pid}/context/{number}").status_code == 404
        assert ours.get(f"/p/{pid}/context/{number}/edit").status_code == 404
    assert ours.get(f"/p/{outsider.id + 1000}/context").status_code == 404


def test_a_validated_version_cannot_be_edited(
    client, login, session, partnership, facilitator, reps
):
    validated_with(session, partnership, facilitator, reps, {"threats": [THREAT]})
    login(facilitator)
    response = client.get(f"/p/{partnership.id}/context/1/edit")
    assert response.headers["Location"] == f"/p/{partnership.id}/context/1"
    page = page_text(client.get(response.headers["Location"]))
    assert "A validated version is frozen. Start a new draft to change the context." in page


def _grow(session, partnership, facilitator, reps, versions: int, items: int):
    """`versions` validated versions of `items` threats and trends and a third as many key
    actors (every other one protected), then a proposal with a comment."""
    mapped = [make_participant(session, partnership, facilitator, i) for i in range(items // 3)]
    for n in range(versions):
        validated_with(
            session,
            partnership,
            facilitator,
            reps,
            {
                "threats": [
                    {"dimension": "food", "locality": f"Vereda {i}", "text": {"es": f"T{n}-{i}"}}
                    for i in range(items)
                ],
                "actors": [{"participant_id": p.id, "role": {"es": "Rol"}} for p in mapped],
                "trends": [{"locality": f"Vereda {i}", "text": {"es": "t"}} for i in range(items)],
            },
            copy=n > 0,
        )
    draft_with(session, partnership, facilitator, copy=True)
    context.propose(
        session,
        actor=facilitator,
        partnership=partnership,
        version=context.list_versions(session, partnership_id=partnership.id)[0],
    )
    context.answer(
        session,
        actor=reps[0],
        version=context.list_versions(session, partnership_id=partnership.id)[0],
        stance="comment",
        comment="Falta algo.",
    )


def make_participant(session, partnership, facilitator, i):
    return mapping.create_participant(
        session,
        actor=facilitator,
        partnership=partnership,
        fields=participant_fields(name=f"Organización {i}", risk="high" if i % 2 else "low"),
    )


@pytest.mark.parametrize("who", ["facilitator", "company_rep"])
def test_the_context_page_runs_the_same_queries_for_3_or_30_items_and_versions(
    app, make, login, session, count_queries, who
):
    counts = []
    for size in (3, 30):
        partnership = make.partnership()
        facilitator = make.member(partnership)
        reps = [make.member(partnership, "representative") for _ in range(3)]
        _grow(session, partnership, facilitator, reps, versions=size // 3 + 1, items=size)
        reader = facilitator if who == "facilitator" else reps[1]
        client = login(reader, target=app.test_client())
        for url in (f"/p/{partnership.id}/context", f"/p/{partnership.id}/context/{size // 3 + 2}"):
            client.get(url)  # warm up: the session's own first queries
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(counter["n"])
    assert counts[:2] == counts[2:]
