"""Preparing a consultation over HTTP: its settings, the question editor with options in two
languages, skip logic, the SMS preview, versions of answered questions, who may do what,
opening and closing."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hsbp.consultations import answering
from hsbp.consultations.models import Answer, Consultation, Question
from hsbp.consultations.sms_format import render_question
from hsbp.security import Role
from hsbp.sms.encoding import measure

# What a confirmation page's "Yes" button sends (hsbp.confirmation).
YES = {"confirm": "1"}


def settings(**overrides) -> dict:
    data = {
        "title-es": "Agua y caminos",
        "title-en": "Water and roads",
        "purpose-es": "Qué necesita cada vereda",
        "dimensions": ["environmental", "economic"],
        "audience_contacts": "y",
        "localities": "La Unión, El Triunfo ,",
        "channels": ["web", "sms"],
        "opens_at": "2026-05-01",
        "closes_at": "2026-05-31",
        "reminder_days": "3",
        "stale_days": "5",
    }
    data.update(overrides)
    return data


def base(partnership) -> str:
    return f"/p/{partnership.id}/consultations"


def test_facilitator_creates_a_consultation(client, login, session, partnership, facilitator):
    login(facilitator)
    answer = client.post(f"{base(partnership)}/new", data=settings())
    consultation = session.scalars(select(Consultation)).one()
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{base(partnership)}/{consultation.id}/questions"
    assert consultation.title == {"es": "Agua y caminos", "en": "Water and roads"}
    assert consultation.purpose == {"es": "Qué necesita cada vereda"}
    assert consultation.dimensions == ["economic", "environmental"]
    assert consultation.channels == ["web", "sms"]
    assert consultation.audience == {
        "contacts": True,
        "members": False,
        "sectors": [],
        "tags": [],
        "localities": ["El Triunfo", "La Unión"],
    }
    assert (consultation.reminder_days, consultation.stale_days) == (3, 5)
    # Days in the partnership's zone (Bogotá, UTC-5): open from the start of the first,
    # closed at the end of the last.
    assert consultation.opens_at == datetime(2026, 5, 1, 5, tzinfo=UTC)
    assert consultation.closes_at == datetime(2026, 6, 1, 5, tzinfo=UTC)
    assert consultation.status == "draft"

    form = client.get(f"{base(partnership)}/{consultation.id}/edit").get_data(as_text=True)
    assert 'value="2026-05-01"' in form
    assert 'value="2026-05-31"' in form


def test_missing_default_title_is_refused_and_typed_values_kept(
    client, login, session, partnership, facilitator
):
    login(facilitator)
    answer = client.post(f"{base(partnership)}/new", data=settings(**{"title-es": "  "}))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Give the consultation a title." in page
    assert 'aria-invalid="true"' in page
    assert 'value="Water and roads"' in page
    assert "Qué necesita cada vereda" in page
    assert 'value="La Unión, El Triunfo ,"' in page
    assert re.search(r'value="sms"[^>]*checked|checked[^>]*value="sms"', page)
    assert session.scalars(select(Consultation)).all() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"opens_at": "2026-05-10", "closes_at": "2026-05-01"}, "must close after it opens"),
        ({"channels": []}, "Choose at least one way to answer."),
        ({"stale_days": "0"}, "Number must be between 1 and 90."),
    ],
)
def test_bad_settings_are_refused(
    client, login, session, partnership, facilitator, overrides, message
):
    login(facilitator)
    answer = client.post(f"{base(partnership)}/new", data=settings(**overrides))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert session.scalars(select(Consultation)).all() == []


def test_anonymity_cannot_change_once_answered(
    client, login, session, build, partnership, facilitator
):
    consultation = build()
    response = answering.start_response(session, consultation, channel="web", locale="es")
    answering.record_answer(
        session, response, answering.active_questions(consultation)[0], choices=["well"]
    )
    login(facilitator)
    url = f"{base(partnership)}/{consultation.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "People have answered already: anonymity can no longer change." in page
    answer = client.post(url, data=settings(anonymous="y"))
    assert answer.status_code == 422
    assert "Anonymity cannot change once answers have been given." in answer.get_data(as_text=True)


def test_list_shows_consultations_to_observers_with_counts(
    client, login, make, session, build, partnership
):
    consultation = build()
    response = answering.start_response(session, consultation, channel="web", locale="es")
    answering.finish_response(session, response)
    observer = make.member(partnership, Role.OBSERVER, user=make.user(locale="en"))
    login(observer)
    page = client.get(base(partnership)).get_data(as_text=True)
    assert "Water and roads" in page
    assert "1 complete, 0 partial" in page
    assert "New consultation" not in page
    assert 'aria-current="page">Consultations' in page
    detail = client.get(f"{base(partnership)}/{consultation.id}")
    assert detail.status_code == 200
    assert "Open the consultation" not in detail.get_data(as_text=True)


def test_list_queries_do_not_grow_with_consultations(
    client, login, build, partnership, facilitator, count_queries
):
    build()
    login(facilitator)
    with count_queries() as one:
        client.get(base(partnership))
    build()
    build()
    with count_queries() as three:
        client.get(base(partnership))
    assert len(three) == len(one)


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.REPRESENTATIVE])
def test_weaker_roles_cannot_edit(client, login, make, build, partnership, role):
    consultation = build(open_it=False)
    login(make.member(partnership, role))
    question = answering.active_questions(consultation)[0]
    prefix = f"{base(partnership)}/{consultation.id}"
    for method, url in [
        ("GET", f"{base(partnership)}/new"),
        ("GET", f"{prefix}/edit"),
        ("POST", f"{prefix}/open"),
        ("POST", f"{prefix}/close"),
        ("GET", f"{prefix}/questions"),
        ("POST", f"{prefix}/questions/new"),
        ("POST", f"{prefix}/questions/{question.id}/edit"),
        ("POST", f"{prefix}/questions/{question.id}/remove"),
        ("GET", f"{prefix}/outcome"),
    ]:
        assert client.open(url, method=method).status_code == 404, url
    assert consultation.status == "draft"


def test_open_and_close(client, login, session, build, partnership, facilitator):
    consultation = build(open_it=False)
    login(facilitator)
    prefix = f"{base(partnership)}/{consultation.id}"
    page = client.get(prefix).get_data(as_text=True)
    assert "Open the consultation" in page
    # The public channel is on: its link is shown to facilitators.
    assert consultation.public_token in page
    assert client.post(f"{prefix}/open").headers["Location"] == prefix
    session.refresh(consultation)
    assert consultation.status == "open"
    assert "Close the consultation" in client.get(prefix).get_data(as_text=True)
    assert client.post(f"{prefix}/close", data=YES).status_code == 302
    session.refresh(consultation)
    assert consultation.status == "closed"


def test_opening_without_questions_is_refused(client, login, session, partnership, facilitator):
    login(facilitator)
    client.post(f"{base(partnership)}/new", data=settings())
    consultation = session.scalars(select(Consultation)).one()
    answer = client.post(f"{base(partnership)}/{consultation.id}/open")
    assert answer.status_code == 422
    assert "Add a question before opening the consultation." in answer.get_data(as_text=True)


def question_data(**overrides) -> dict:
    data = {
        "kind": "single",
        "text-es": "¿De dónde viene su agua?",
        "text-en": "Where does your water come from?",
        "choices-0-es": "Río",
        "choices-0-en": "River",
        "choices-1-es": "Pozo",
        "choices-1-en": "Well",
        "show_if_question_id": "0",
    }
    data.update(overrides)
    return data


def test_question_with_options_in_two_languages(client, login, session, partnership, facilitator):
    login(facilitator)
    client.post(f"{base(partnership)}/new", data=settings())
    consultation = session.scalars(select(Consultation)).one()
    prefix = f"{base(partnership)}/{consultation.id}/questions"
    answer = client.post(f"{prefix}/new", data=question_data())
    assert answer.headers["Location"] == prefix
    question = session.scalars(select(Question)).one()
    assert question.text == {
        "es": "¿De dónde viene su agua?",
        "en": "Where does your water come from?",
    }
    assert [c["label"] for c in question.choices] == [
        {"es": "Río", "en": "River"},
        {"es": "Pozo", "en": "Well"},
    ]
    keys = [c["key"] for c in question.choices]

    # Editing keeps each option's key, so a re-worded option still counts with its answers.
    edit = client.get(f"{prefix}/{question.id}/edit").get_data(as_text=True)
    assert f'name="choices-0-key" type="hidden" value="{keys[0]}"' in edit
    data = question_data(
        **{"choices-0-key": keys[0], "choices-1-key": keys[1], "choices-1-en": "A well"}
    )
    assert client.post(f"{prefix}/{question.id}/edit", data=data).status_code == 302
    session.refresh(question)
    assert question.choices == [
        {"key": keys[0], "label": {"es": "Río", "en": "River"}},
        {"key": keys[1], "label": {"es": "Pozo", "en": "A well"}},
    ]
    assert question.version == 1


def test_option_without_the_main_language_is_refused(
    client, login, build, partnership, facilitator
):
    consultation = build(open_it=False)
    login(facilitator)
    prefix = f"{base(partnership)}/{consultation.id}/questions"
    answer = client.post(f"{prefix}/new", data=question_data(**{"choices-1-es": ""}))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Name every option in the partnership&#39;s main language." in page
    assert 'value="Well"' in page


def test_skip_logic_from_the_editor(client, login, session, build, partnership, facilitator):
    consultation = build(open_it=False)
    water, worries, *_ = answering.active_questions(consultation)
    login(facilitator)
    prefix = f"{base(partnership)}/{consultation.id}/questions"
    page = client.get(f"{prefix}/new").get_data(as_text=True)
    assert f'value="{water.id}:river"' in page
    data = {
        "kind": "yes_no",
        "text-es": "¿El río se secó?",
        "show_if_question_id": str(water.id),
        # An answer of another question is ignored: only the chosen question's count.
        "show_if_choices": [f"{water.id}:river", f"{water.id}:well", f"{worries.id}:dust"],
    }
    assert client.post(f"{prefix}/new", data=data).status_code == 302
    session.expire_all()
    added = answering.active_questions(consultation)[-1]
    assert (added.show_if_question_id, added.show_if_choices) == (water.id, ["river", "well"])
    listing = client.get(prefix).get_data(as_text=True)
    shown = "Asked only after these answers to question 1. Where does your water come from?"
    assert f"{shown}: River, Well" in listing

    refused = client.post(f"{prefix}/new", data={**data, "show_if_choices": []})
    assert refused.status_code == 422
    assert "Choose the answers that show this question." in refused.get_data(as_text=True)


def test_editor_shows_each_question_as_an_sms(client, login, build, partnership, facilitator):
    consultation = build(open_it=False)
    water = answering.active_questions(consultation)[0]
    login(facilitator)
    page = client.get(f"{base(partnership)}/{consultation.id}/questions").get_data(as_text=True)
    spanish = render_question(water, "es", 1, 6, "es")
    english = render_question(water, "en", 1, 6, "es")
    assert (
        english
        == "1/6 Where does your water come from? Reply with a number: 1 River, 2 Well, 3 Piped"
    )
    for text in (spanish, english):
        size = measure(text)
        assert text in page
        assert (
            f"Encoding: {size.encoding} · length: {size.units} · segments: {size.segments}." in page
        )
    longer = [
        (q.id, code)
        for number, q in enumerate(answering.active_questions(consultation), start=1)
        for code in ("es", "en")
        if measure(render_question(q, code, number, 6, "es")).segments > 1
    ]
    assert page.count("Longer than one SMS") == len(longer)


def test_a_question_over_one_segment_is_flagged(client, login, session, partnership, facilitator):
    login(facilitator)
    client.post(f"{base(partnership)}/new", data=settings())
    consultation = session.scalars(select(Consultation)).one()
    prefix = f"{base(partnership)}/{consultation.id}/questions"
    short = {"kind": "text", "text-es": "Que necesita la vereda?", "show_if_question_id": "0"}
    assert client.post(f"{prefix}/new", data=short).status_code == 302
    assert "Longer than one SMS" not in client.get(prefix).get_data(as_text=True)

    long_text = "Cuanto camina cada dia para traer agua? " * 4
    data = {**short, "text-es": long_text.strip(), "text-en": "How far do you walk for water?"}
    assert client.post(f"{prefix}/new", data=data).status_code == 302
    page = client.get(prefix).get_data(as_text=True)
    session.expire_all()
    added = answering.active_questions(consultation)[-1]
    sent = render_question(added, "es", 2, 2, "es")
    assert measure(sent).segments == 2
    assert sent in page
    assert page.count("Longer than one SMS: every person pays for 2 messages") == 1


def test_editing_an_answered_question_creates_version_two(
    client, login, session, build, partnership, facilitator
):
    consultation = build()
    water = answering.active_questions(consultation)[0]
    response = answering.start_response(session, consultation, channel="web", locale="es")
    answering.record_answer(session, response, water, choices=["river"])
    login(facilitator)
    url = f"{base(partnership)}/{consultation.id}/questions/{water.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert (
        "People have answered this question: saving creates version 2; earlier answers keep the "
        "earlier wording." in page
    )
    data = {
        "kind": "single",
        "text-es": "¿De dónde sacan el agua?",
        "text-en": "Where does your water come from?",
        "show_if_question_id": "0",
    }
    for index, choice in enumerate(water.choices):
        data[f"choices-{index}-key"] = choice["key"]
        data.update({f"choices-{index}-{code}": text for code, text in choice["label"].items()})
    answer = client.post(url, data=data)
    assert answer.status_code == 302
    session.refresh(consultation)
    new = answering.active_questions(consultation)[0]
    assert (new.version, new.replaces_id, new.text["es"]) == (
        2,
        water.id,
        "¿De dónde sacan el agua?",
    )
    session.refresh(water)
    assert water.retired
    kept = session.scalars(select(Answer)).one()
    assert kept.question_id == water.id
    # The river question now follows the new version.
    river = answering.active_questions(consultation)[4]
    assert river.show_if_question_id == new.id

    listing = client.get(f"{base(partnership)}/{consultation.id}/questions").get_data(as_text=True)
    assert "Earlier versions" in listing
    assert "Version 1: Where does your water come from?" in listing


def test_move_and_remove_questions(client, login, session, build, partnership, facilitator):
    consultation = build(open_it=False)
    water, worries, *_ = answering.active_questions(consultation)
    login(facilitator)
    prefix = f"{base(partnership)}/{consultation.id}/questions"
    assert client.post(f"{prefix}/{worries.id}/move", data={"step": "up"}).status_code == 302
    session.expire_all()
    assert answering.active_questions(consultation)[:2] == [worries, water]
    # The river question depends on the water question: removing that is refused.
    refused = client.post(f"{prefix}/{water.id}/remove", data=YES)
    assert refused.status_code == 422
    assert "Another question is shown after answers to this one" in refused.get_data(as_text=True)
    assert client.post(f"{prefix}/{worries.id}/remove", data=YES).status_code == 302
    session.expire_all()
    assert worries not in answering.active_questions(consultation)


def test_the_first_question_saves_without_the_skip_logic_field(
    client, login, session, partnership, facilitator
):
    """The page shows "Ask this question" only once an earlier choice question exists, so a
    browser never sends it with the first question."""
    login(facilitator)
    client.post(base(partnership) + "/new", data=settings())
    consultation = session.scalars(select(Consultation)).one()
    data = question_data()
    del data["show_if_question_id"]
    answer = client.post(f"{base(partnership)}/{consultation.id}/questions/new", data=data)
    assert answer.status_code == 302
    question = session.scalars(select(Question)).one()
    assert (question.show_if_question_id, question.show_if_choices) == (None, [])


# Destructive buttons ask first ------------------------------------------------------------


def test_closing_asks_first_and_changes_nothing(
    client, login, session, build, partnership, facilitator
):
    consultation = build()
    login(facilitator)
    prefix = f"{base(partnership)}/{consultation.id}"
    detail = client.get(prefix).get_data(as_text=True)
    # The close button comes last in its row, set apart from inviting by SMS.
    assert detail.index("Invite contacts by SMS") < detail.index("Close the consultation")
    assert 'class="inline apart">' in detail.split("Invite contacts by SMS")[1]
    asked = client.post(f"{prefix}/close")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Close the consultation <bdi>Water and roads</bdi>?" in page
    assert "This cannot be undone: a closed consultation is not opened again." in page
    assert f'<form method="post" action="{prefix}/close" class="row">' in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert f'<a class="button" href="{prefix}">Cancel</a>' in page
    assert '<button type="submit" class="danger">Yes, close the consultation</button>' in page
    session.refresh(consultation)
    assert consultation.status == "open"


@pytest.mark.parametrize("answered", [False, True])
def test_removing_a_question_asks_first_and_changes_nothing(
    client, login, session, build, partnership, facilitator, answered
):
    consultation = build()
    worries = answering.active_questions(consultation)[1]
    if answered:
        response = answering.start_response(session, consultation, channel="web", locale="en")
        answering.record_answer(session, response, worries, choices=["dust"])
    login(facilitator)
    prefix = f"{base(partnership)}/{consultation.id}/questions"
    asked = client.post(f"{prefix}/{worries.id}/remove")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Remove this question?" in page
    assert "What worries you?" in page
    kept = "The answers it already has stay in the results."
    deleted = "It is deleted with its text in every language and its skip rules."
    assert (kept in page, deleted in page) == (answered, not answered)
    assert f'<a class="button" href="{prefix}">Cancel</a>' in page
    session.expire_all()
    assert worries in answering.active_questions(consultation)
