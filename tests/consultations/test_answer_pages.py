"""Answering pages: a member's web form one question at a time, the public link and a
facilitator's entry of answers gathered on paper."""

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from hsbp.consultations import answering, services
from hsbp.consultations.models import Answer, Participation, Response, response_tags
from hsbp.mapping import services as mapping_services
from hsbp.mapping.tags import group_tags
from hsbp.security import Role


def in_spanish(app, msgid: str, **values) -> str:
    """A page text as a Spanish reader gets it (translated once the catalog has it)."""
    with app.test_request_context(), force_locale("es"):
        return gettext(msgid, **values)


def questions(consultation):
    return answering.active_questions(consultation)


def answer_url(consultation) -> str:
    return f"/p/{consultation.partnership_id}/consultations/{consultation.id}/answer"


def assisted_url(consultation) -> str:
    return f"/p/{consultation.partnership_id}/consultations/{consultation.id}/assisted"


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


@pytest.fixture
def representative(make, partnership):
    partner = make.partner(partnership, name="Asocomunal", sector="civil_society")
    user = make.user(name="Rosa", locale="es")
    return make.member(partnership, Role.REPRESENTATIVE, user=user, partner=partner)


def answer_all(client, url, consultation, *, river_text="Trae barro"):
    """Answer every question of the fixture's consultation through `url`, choosing "river" so
    that the dependent question is asked, and skipping the meetings question."""
    water, worries, trust, meetings, river, children = questions(consultation)
    posts = [
        {"question_id": water.id, "choice": "river", "send": "1"},
        {"question_id": worries.id, "choices": ["dust", "jobs"], "send": "1"},
        {"question_id": trust.id, "choice": "4", "send": "1"},
        {"question_id": meetings.id, "skip": "1"},
        {"question_id": river.id, "text": river_text, "send": "1"},
        {"question_id": children.id, "number": "3", "send": "1"},
    ]
    last = None
    for data in posts:
        last = client.post(url, data=data)
        assert last.status_code == 302, data
    return last


def test_member_answers_every_question_with_the_skip_logic(
    app, client, login, session, build, representative
):
    consultation = build()
    water, worries, trust, meetings, river, children = questions(consultation)
    login(representative)
    url = answer_url(consultation)

    page = client.get(url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "¿De dónde viene su agua?" in body
    assert in_spanish(app, "Question %(number)s of %(total)s", number=1, total=5) in body
    assert f'name="question_id" type="hidden" value="{water.id}"' in body
    assert count(session, Response) == 0  # showing a question stores nothing

    client.post(url, data={"question_id": water.id, "choice": "river", "send": "1"})
    body = client.get(url).get_data(as_text=True)
    assert "¿Qué le preocupa?" in body
    # The river question is now shown: six in all.
    assert in_spanish(app, "Question %(number)s of %(total)s", number=2, total=6) in body

    stale = client.post(url, data={"question_id": water.id, "choice": "well", "send": "1"})
    assert stale.status_code == 302  # a page answered twice records nothing more
    for data in [
        {"question_id": worries.id, "choices": ["dust", "jobs"], "send": "1"},
        {"question_id": trust.id, "choice": "4", "send": "1"},
        {"question_id": meetings.id, "skip": "1"},
        {"question_id": river.id, "text": "Trae barro", "send": "1"},
        {"question_id": children.id, "number": "3", "send": "1"},
    ]:
        assert client.post(url, data=data).status_code == 302
    done = client.get(url).get_data(as_text=True)
    assert in_spanish(app, "You have answered this consultation. Thank you.") in done

    response = session.scalars(select(Response).where(Response.consultation_id == consultation.id))
    response = response.one()
    assert (response.channel, response.state, response.sector, response.user_id) == (
        "web",
        "complete",
        "civil_society",
        representative.id,
    )
    answers = answering.answers_of(session, response)
    assert set(answers) == {water.id, worries.id, trust.id, meetings.id, river.id, children.id}
    assert answers[meetings.id].skipped is True
    assert answers[river.id].text == "Trae barro"
    assert answers[children.id].number == 3
    assert sorted(answering.chosen(answers[worries.id])) == ["dust", "jobs"]
    participation = session.scalars(
        select(Participation).where(Participation.consultation_id == consultation.id)
    ).one()
    assert (participation.user_id, participation.state, participation.response_id) == (
        representative.id,
        "complete",
        response.id,
    )
    assert participation.sector == "civil_society"


def test_member_without_the_river_answer_is_not_asked_about_the_river(
    client, login, session, build, representative
):
    consultation = build()
    water, worries, trust, meetings, river, children = questions(consultation)
    login(representative)
    url = answer_url(consultation)
    client.post(url, data={"question_id": water.id, "choice": "well", "send": "1"})
    client.post(url, data={"question_id": worries.id, "skip": "1"})
    client.post(url, data={"question_id": trust.id, "choice": "2", "send": "1"})
    client.post(url, data={"question_id": meetings.id, "choice": "yes", "send": "1"})
    body = client.get(url).get_data(as_text=True)
    assert "¿Cuántos niños en casa?" in body
    assert f'value="{children.id}"' in body
    assert client.post(url, data={"question_id": children.id, "number": "0"}).status_code == 302
    response = session.scalars(select(Response)).one()
    assert response.state == "complete"
    assert river.id not in answering.answers_of(session, response)


@pytest.mark.parametrize(
    ("index", "data", "message"),
    [
        (0, {"choice": "lake"}, "This is not one of the options."),
        (0, {}, "Choose an answer."),
        (5, {"number": "31"}, "Give a number from 0 to 30."),
        (5, {"number": "three"}, "Give a number."),
    ],
)
def test_invalid_answer_is_refused_with_its_message_and_nothing_is_stored(
    client, login, session, make, partnership, build, index, data, message
):
    consultation = build()
    member = make.member(partnership, Role.OBSERVER, user=make.user(locale="en"))
    login(member)
    url = answer_url(consultation)
    all_questions = questions(consultation)
    if index:  # reach the number question by skipping the ones before it
        for question in all_questions[:4]:
            client.post(url, data={"question_id": question.id, "skip": "1"})
    before = count(session, Answer)
    page = client.post(url, data={"question_id": all_questions[index].id, "send": "1", **data})
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert message in body
    assert 'aria-describedby="' in body
    assert count(session, Answer) == before
    if not index:
        assert count(session, Response) == 0
        assert count(session, Participation) == 0


def test_member_cannot_answer_twice(app, client, login, session, build, representative):
    consultation = build()
    login(representative)
    url = answer_url(consultation)
    answer_all(client, url, consultation)
    page = client.get(url)
    assert page.status_code == 200
    assert in_spanish(app, "You have answered this consultation. Thank you.") in page.get_data(
        as_text=True
    )
    water = questions(consultation)[0]
    again = client.post(url, data={"question_id": water.id, "choice": "well", "send": "1"})
    assert again.status_code == 200
    assert count(session, Response) == 1
    assert count(session, Answer) == 6


def test_anonymous_consultation_keeps_no_member_identity(
    client, login, session, build, representative
):
    consultation = build(anonymous=True)
    login(representative)
    answer_all(client, answer_url(consultation), consultation)
    response = session.scalars(select(Response)).one()
    assert (response.user_id, response.contact_id, response.participant_id) == (None, None, None)
    assert response.sector == "civil_society"
    participation = session.scalars(select(Participation)).one()
    assert (participation.user_id, participation.state, participation.response_id) == (
        representative.id,
        "complete",
        None,
    )
    # Still, they cannot answer a second time.
    water = questions(consultation)[0]
    again = client.post(
        answer_url(consultation), data={"question_id": water.id, "choice": "well", "send": "1"}
    )
    assert again.status_code == 200
    assert count(session, Response) == 1


def test_closing_ends_a_member_part_way_and_forgets_their_anonymous_response(
    client, login, session, build, representative, facilitator
):
    consultation = build(anonymous=True)
    water = questions(consultation)[0]
    login(representative)
    client.post(answer_url(consultation), data={"question_id": water.id, "choice": "well"})
    participation = session.scalars(select(Participation)).one()
    assert participation.state == "in_progress" and participation.response_id is not None
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    session.refresh(participation)
    assert (participation.state, participation.response_id) == ("partial", None)
    assert session.scalars(select(Response.state)).one() == "partial"


def test_web_answers_need_the_web_channel_and_an_open_consultation(
    client, login, session, make, partnership, build
):
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="en")))
    off = build(channels=["sms"])
    assert "This consultation does not take answers here." in client.get(answer_url(off)).get_data(
        as_text=True
    )
    draft = build(open_it=False)
    body = client.get(answer_url(draft)).get_data(as_text=True)
    assert "This consultation is not open for answers yet." in body
    water = questions(draft)[0]
    posted = client.post(answer_url(draft), data={"question_id": water.id, "choice": "well"})
    assert posted.status_code == 200
    assert count(session, Response) == 0


def test_member_of_another_partnership_gets_404(client, login, make, build):
    consultation = build()
    other = make.partnership()
    login(make.member(other, Role.FACILITATOR))
    assert client.get(answer_url(consultation)).status_code == 404
    assert client.get(assisted_url(consultation)).status_code == 404
    # Their own partnership's id with this consultation's id: still not theirs.
    url = f"/p/{other.id}/consultations/{consultation.id}/answer"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.REPRESENTATIVE])
def test_only_facilitators_enter_answers_for_others(client, login, make, partnership, build, role):
    consultation = build()
    login(make.member(partnership, role))
    assert client.get(assisted_url(consultation)).status_code == 404
    assert client.post(assisted_url(consultation), data={}).status_code == 404
    assert client.get(answer_url(consultation)).status_code == 200


# The public link ------------------------------------------------------------------------------


def public_url(consultation) -> str:
    return f"/c/{consultation.public_token}"


def test_public_link_in_spanish_records_constituency_and_no_identity(
    app, client, session, partnership, build
):
    consultation = build()
    women = next(t for t in group_tags(session, partnership_id=partnership.id) if t.key == "women")
    start = client.get(public_url(consultation))
    assert start.status_code == 200
    body = start.get_data(as_text=True)
    assert 'lang="es"' in body and "Español" in body
    started = client.post(
        public_url(consultation),
        data={
            "language": "es",
            "sector": "community_group",
            "tag_ids": [women.id],
            "locality": "Vereda El Triunfo",
        },
    )
    assert started.status_code == 302
    assert started.headers["Location"].endswith(f"{public_url(consultation)}/question")
    page = client.get(f"{public_url(consultation)}/question").get_data(as_text=True)
    assert "¿De dónde viene su agua?" in page
    assert '<html lang="es"' in page
    assert in_spanish(app, "Question %(number)s of %(total)s", number=1, total=5) in page
    # Coming back to the link continues the same response.
    assert client.get(public_url(consultation)).status_code == 302

    last = answer_all(client, f"{public_url(consultation)}/question", consultation)
    assert last.headers["Location"].endswith(f"{public_url(consultation)}/thanks")
    thanks = client.get(f"{public_url(consultation)}/thanks").get_data(as_text=True)
    assert in_spanish(app, "Thank you: your answers are saved.") in thanks

    response = session.scalars(select(Response)).one()
    assert (response.channel, response.state, response.locale) == ("public", "complete", "es")
    assert (response.sector, response.locality) == ("community_group", "Vereda El Triunfo")
    assert (response.user_id, response.contact_id, response.participant_id) == (None, None, None)
    tags = session.scalars(
        select(response_tags.c.tag_id).where(response_tags.c.response_id == response.id)
    ).all()
    assert tags == [women.id]
    assert len(answering.answers_of(session, response)) == 6
    # The link starts afresh for the next person on this device.
    assert client.get(public_url(consultation)).status_code == 200


def test_a_second_visitor_cannot_continue_someone_elses_response(app, client, session, build):
    consultation = build()
    client.post(public_url(consultation), data={"language": "en", "sector": "individual"})
    water = questions(consultation)[0]
    stranger = app.test_client()
    page = stranger.get(f"{public_url(consultation)}/question")
    assert page.status_code == 302
    assert page.headers["Location"].endswith(public_url(consultation))
    posted = stranger.post(
        f"{public_url(consultation)}/question",
        data={"question_id": water.id, "choice": "well", "send": "1"},
    )
    assert posted.status_code == 302
    assert count(session, Answer) == 0
    assert count(session, Response) == 1


def test_public_start_needs_a_language_and_a_group(client, session, build):
    consultation = build()
    page = client.post(
        f"{public_url(consultation)}?lang=en", data={"language": "fr", "locality": "Alta"}
    )
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "Choose the group that describes you best." in body
    assert 'value="Alta"' in body
    assert count(session, Response) == 0


def test_unknown_public_link_is_404(client, build):
    build()
    assert client.get("/c/not-a-real-token").status_code == 404
    assert client.post("/c/not-a-real-token/question").status_code == 404


def test_closed_consultation_says_so_on_the_public_link(client, session, build, facilitator):
    consultation = build()
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    session.flush()
    page = client.get(f"{public_url(consultation)}?lang=en")
    assert page.status_code == 200
    assert "This consultation is closed" in page.get_data(as_text=True)
    posted = client.post(public_url(consultation), data={"language": "en", "sector": "individual"})
    assert posted.status_code == 200
    assert count(session, Response) == 0


def test_public_posts_are_rate_limited_per_address(app_with, session, build):
    consultation = build()
    other = app_with(RATELIMIT_ENABLED=True, PUBLIC_START_RATE_LIMIT="2 per minute")
    visitor = other.test_client()
    codes = [visitor.post(public_url(consultation), data={}).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    assert visitor.get(public_url(consultation)).status_code == 200


def test_public_form_needs_its_csrf_token(app_with, session, build):
    consultation = build()
    other = app_with(WTF_CSRF_ENABLED=True)
    visitor = other.test_client()
    assert 'name="csrf_token"' in visitor.get(public_url(consultation)).get_data(as_text=True)
    posted = visitor.post(public_url(consultation), data={"language": "en", "sector": "individual"})
    assert posted.status_code == 400
    assert count(session, Response) == 0


# Facilitator-assisted entry ----------------------------------------------------------------


def assisted_data(consultation, **overrides) -> dict:
    water, worries, trust, meetings, river, children = questions(consultation)
    data = {
        "participant_id": "0",
        "sector": "community_group",
        "locality": "Vereda Alta",
        "language": "es",
        "note": "Reunión comunitaria, formulario en papel",
        f"q{water.id}": "river",
        f"q{worries.id}": ["roads"],
        f"q{trust.id}": "3",
        f"q{meetings.id}": "",
        f"q{river.id}": "El agua baja turbia",
        f"q{children.id}": "31",
    }
    data.update(overrides)
    return data


def test_assisted_entry_keeps_typed_values_on_error_then_saves(
    client, login, session, build, facilitator
):
    consultation = build()
    water, _worries, _trust, meetings, river, children = questions(consultation)
    login(facilitator)
    url = assisted_url(consultation)
    assert client.get(url).status_code == 200

    refused = client.post(url, data=assisted_data(consultation))
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Give a number from 0 to 30." in body
    assert 'value="31"' in body
    assert 'value="Vereda Alta"' in body
    assert "El agua baja turbia" in body
    assert "Reunión comunitaria, formulario en papel" in body
    assert f'checked id="q{water.id}-1" name="q{water.id}" type="radio" value="river"' in body
    assert count(session, Response) == 0
    assert count(session, Answer) == 0

    saved = client.post(url, data=assisted_data(consultation, **{f"q{children.id}": "4"}))
    assert saved.status_code == 302
    fresh = client.get(url).get_data(as_text=True)
    assert "Saved. Enter the next respondent." in fresh
    assert "Vereda Alta" not in fresh

    response = session.scalars(select(Response)).one()
    assert (response.channel, response.state, response.recorded_by_id) == (
        "assisted",
        "complete",
        facilitator.id,
    )
    assert (response.locale, response.sector, response.locality) == (
        "es",
        "community_group",
        "Vereda Alta",
    )
    answers = answering.answers_of(session, response)
    assert answers[meetings.id].skipped is True
    assert answers[children.id].number == 4
    assert answers[river.id].text == "El agua baja turbia"


def test_assisted_answer_to_a_question_not_asked_is_refused(
    client, login, session, build, facilitator
):
    consultation = build()
    water, *_rest, _river, children = questions(consultation)
    login(facilitator)
    data = assisted_data(consultation, **{f"q{water.id}": "well", f"q{children.id}": "2"})
    refused = client.post(assisted_url(consultation), data=data)
    assert refused.status_code == 422
    assert "This question is not asked after the answer given above" in refused.get_data(
        as_text=True
    )
    assert count(session, Response) == 0


def test_assisted_entry_of_a_mapped_participant_copies_their_constituency(
    client, login, session, make, partnership, build, facilitator
):
    consultation = build(anonymous=True)
    youth = next(t for t in group_tags(session, partnership_id=partnership.id) if t.key == "youth")
    participant = mapping_services.create_participant(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "name": "Juntas de Acción Comunal",
            "kind": "organisation",
            "sector": "community_group",
            "locality": "Vereda La Esperanza",
            "languages": ["es"],
            "tag_ids": [youth.id],
            "interest": 4,
            "influence": 3,
            "phone": "",
            "email": "",
            "intermediary": "",
            "consent_on": None,
            "consent_method": "",
            "consent_scope": "",
            "risk": "low",
            "protective_measures": "",
            "proposed_by_partner_id": None,
            "external_ref": "",
            "notes": "",
        },
    )
    login(facilitator)
    children = questions(consultation)[5]
    data = assisted_data(
        consultation,
        participant_id=str(participant.id),
        sector="company",
        locality="",
        **{f"q{children.id}": "2"},
    )
    assert client.post(assisted_url(consultation), data=data).status_code == 302
    response = session.scalars(select(Response)).one()
    assert (response.sector, response.locality) == ("community_group", "Vereda La Esperanza")
    assert response.participant_id is None  # anonymous: the mapping's row is not linked
    tags = session.scalars(
        select(response_tags.c.tag_id).where(response_tags.c.response_id == response.id)
    ).all()
    assert tags == [youth.id]
