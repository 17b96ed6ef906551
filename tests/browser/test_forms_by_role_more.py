"""More forms people other than the facilitator submit, in Chromium as a person would: a
representative relates two participants, answers a pulse round, edits an action their
partner leads and removes the evidence they added; a member answers a consultation on the
web and a community member through its public link; a member downloads a consultation's
answers. Only the fields the page shows are filled, each form is sent with its button, and
the success is checked in the page and in the database.

What a test needs that the demo lacks (an open consultation, an open pulse round, two
participants, an action) is made for it through the services, with a fresh suffix, and what
stays open is closed afterwards, so the other files find the demo as it was.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hsbp import db
from tests.browser.test_browser import FACILITATOR
from tests.browser.test_forms_by_role import (
    COMPANY,
    COMPANY_REP,
    MUNICIPAL_REP,
    flashed,
    signed_in_as,
    stored,
    submit,
    suffix,
)

pytestmark = pytest.mark.browser

WATER = "Where does your water come from?"
WORRY = "What worries you most?"
DEMO_CONSULTATION = "Water and roads in the villages"


def seeded(live_server, build):
    """What `build(session, partnership, facilitator)` returns (plain values: the session
    ends here), committed in the served app's database as the facilitator's work."""
    from hsbp.auth.models import User
    from hsbp.partnerships.models import Partnership

    with live_server.app.app_context():
        session = db.session()
        try:
            partnership = session.get(Partnership, live_server.caguan_id)
            facilitator = session.scalar(select(User).where(User.email == FACILITATOR))
            result = build(session, partnership, facilitator)
        except BaseException:
            db.finish(commit=False)
            raise
        db.finish(commit=True)
        return result


@pytest.fixture
def consultation(live_server):
    """An open consultation answered on the web and through its public link: a choice, then
    a text. {"id", "title", "token", "questions": (choice id, text id)}; closed afterwards."""
    from hsbp.consultations import questions, services

    title = f"Agua en la vereda {suffix()}"

    def build(session, partnership, facilitator):
        found = services.create_consultation(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={
                "title": {"es": title, "en": title},
                "audience": {"members": True},
                "channels": ["web", "public"],
            },
        )
        asked = [
            questions.add_question(
                session,
                actor=facilitator,
                partnership=partnership,
                consultation=found,
                fields=fields,
            )
            for fields in (
                {
                    "kind": "single",
                    "text": {"es": "¿De dónde viene su agua?", "en": WATER},
                    "choices": [
                        {"key": "river", "label": {"es": "Río", "en": "River"}},
                        {"key": "well", "label": {"es": "Pozo", "en": "Well"}},
                    ],
                },
                {"kind": "text", "text": {"es": "¿Qué le preocupa más?", "en": WORRY}},
            )
        ]
        services.open_consultation(session, actor=facilitator, consultation=found)
        return found.id, found.public_token, tuple(q.id for q in asked)

    consultation_id, token, question_ids = seeded(live_server, build)
    yield {"id": consultation_id, "title": title, "token": token, "questions": question_ids}

    def close(session, partnership, facilitator):
        from hsbp.consultations.models import Consultation

        services.close_consultation(
            session, actor=facilitator, consultation=session.get(Consultation, consultation_id)
        )

    seeded(live_server, close)


@pytest.fixture
def pulse_round(live_server):
    """An open pulse round, (id, title); closed afterwards, so no other test finds it open."""
    from hsbp.monitoring import pulses
    from hsbp.monitoring.pulse_models import PulseRound

    title = f"Pulso de prueba {suffix()}"

    def build(session, partnership, facilitator):
        opened = pulses.open_round(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={
                "title": {"es": title, "en": title},
                "closes_at": datetime.now(UTC) + timedelta(days=10),
            },
        )
        return opened.id

    round_id = seeded(live_server, build)
    yield round_id, title
    seeded(
        live_server,
        lambda session, *_: pulses.close_round(session, session.get(PulseRound, round_id)),
    )


def responses_of(live_server, consultation_id: int) -> list[tuple]:
    from hsbp.consultations.models import Response

    return stored(
        live_server,
        select(
            Response.id, Response.channel, Response.state, Response.sector, Response.user_id
        ).where(Response.consultation_id == consultation_id),
    )


def answers_of(live_server, response_id: int) -> tuple[list, list]:
    """(the choices, the texts) recorded in a response."""
    from hsbp.consultations.models import Answer, AnswerChoice

    choices = stored(
        live_server,
        select(AnswerChoice.question_id, AnswerChoice.choice).where(
            AnswerChoice.response_id == response_id
        ),
    )
    texts = stored(
        live_server,
        select(Answer.question_id, Answer.text).where(
            Answer.response_id == response_id, Answer.text.is_not(None)
        ),
    )
    return choices, texts


def user_id(live_server, email: str) -> int:
    from hsbp.auth.models import User

    return stored(live_server, select(User.id).where(User.email == email))[0][0]


def answer_two_questions(page, worry: str) -> None:
    page.get_by_role("group", name=WATER).get_by_label("Well", exact=True).check()
    submit(page, "Next")
    page.get_by_label(WORRY).fill(worry)
    submit(page, "Next")


def test_a_representative_relates_two_participants(page, live_server):
    from hsbp.mapping import services
    from hsbp.mapping.models import ParticipantLink
    from tests.mapping.conftest import participant_fields

    names = [f"Comité de Pesca {suffix()}", f"Asociación de Lancheros {suffix()}"]

    def build(session, partnership, facilitator):
        return [
            services.create_participant(
                session,
                actor=facilitator,
                partnership=partnership,
                fields=participant_fields(name=name, locality="Puerto Rico"),
            ).id
            for name in names
        ]

    source_id, target_id = seeded(live_server, build)
    signed_in_as(page, COMPANY_REP)
    page.goto(f"/p/{live_server.caguan_id}/mapping/{source_id}")
    form = page.get_by_role("form", name="Add a relationship")
    picker = form.get_by_label("Other participant")
    suggested = page.locator(f"#{picker.get_attribute('list')} option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert names[1] in suggested
    form.get_by_label("Relationship").select_option(label="depends on")
    picker.press_sequentially(names[1])
    form.get_by_label("Note", exact=True).fill("Comparten el muelle.")
    with page.expect_navigation():
        form.get_by_role("button", name="Add", exact=True).click()
    assert flashed(page) == "The relationship is saved."
    links = stored(
        live_server,
        select(ParticipantLink.target_id, ParticipantLink.kind, ParticipantLink.note).where(
            ParticipantLink.source_id == source_id
        ),
    )
    assert links == [(target_id, "depends", "Comparten el muelle.")]


def test_a_member_answers_a_consultation_on_the_web(page, live_server, consultation):
    worry = f"El polvo de los camiones ({suffix()})."
    signed_in_as(page, MUNICIPAL_REP)
    # A member hears of it on "Needs me", which leads to the first question.
    page.goto(f"/needs-me?p={live_server.caguan_id}")  # the partnership's whole list
    asks = page.get_by_role("link", name=re.compile(re.escape(f"“{consultation['title']}”")))
    while asks.count() == 0:  # the list is paged, most urgent first
        with page.expect_navigation():
            page.get_by_role("link", name="Less urgent").click()
    with page.expect_navigation():
        asks.click()
    assert page.get_by_text("Question 1 of 2").count() == 1
    answer_two_questions(page, worry)
    assert flashed(page) == "Thank you: your answers are saved."
    assert "You have answered this consultation." in page.locator("main").inner_text()

    [(response_id, *described)] = responses_of(live_server, consultation["id"])
    assert described == ["web", "complete", "local_government", user_id(live_server, MUNICIPAL_REP)]
    choice_id, text_id = consultation["questions"]
    assert answers_of(live_server, response_id) == ([(choice_id, "well")], [(text_id, worry)])


def test_a_community_member_answers_through_the_public_link(browser, live_server, consultation):
    worry = f"Que el río se seque ({suffix()})."
    # No account and no sign-in: the link as shared on a poster or a radio programme.
    visitor = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        page = visitor.new_page()
        page.goto(f"/c/{consultation['token']}?lang=en")
        page.get_by_role("group", name="Language").get_by_label("English").check()
        who = page.get_by_role("group", name="Which of these describes you best?")
        who.get_by_label("Community group").check()
        page.get_by_label("Your village, neighbourhood or town (optional)").fill("Playa Rica")
        submit(page, "Start")
        answer_two_questions(page, worry)
        assert re.search(r"/c/[\w-]+/thanks$", page.url)
        assert "Thank you: your answers are saved." in page.locator("main").inner_text()
    finally:
        visitor.close()

    [(response_id, *described)] = responses_of(live_server, consultation["id"])
    assert described == ["public", "complete", "community_group", None]
    choice_id, text_id = consultation["questions"]
    assert answers_of(live_server, response_id) == ([(choice_id, "well")], [(text_id, worry)])


def test_a_representative_answers_an_open_pulse_round(page, live_server, pulse_round):
    from hsbp.monitoring.pulse_models import DIMENSIONS, PulseComment, PulseResponse, PulseScore

    round_id, title = pulse_round
    comment = f"Hay más confianza que en marzo ({suffix()})."
    signed_in_as(page, MUNICIPAL_REP)
    page.goto(f"/p/{live_server.caguan_id}/pulses")
    row = page.get_by_role("row").filter(has_text=title)
    with page.expect_navigation():
        row.get_by_role("link", name="Answer", exact=True).click()
    scales = page.locator("main form fieldset")
    assert scales.count() == len(DIMENSIONS)
    for n, scale in enumerate(scales.all()):
        scale.get_by_label(str(n % 5 + 1), exact=True).check()
    page.get_by_label("Comment (optional)").fill(comment)
    submit(page, "Send my scores")
    assert flashed(page) == "Thank you: your scores are recorded."
    assert page.get_by_role("row").filter(has_text=title).get_by_text("Answered").count() == 1

    answered = stored(
        live_server,
        select(PulseResponse.user_id, PulseResponse.constituency).where(
            PulseResponse.round_id == round_id
        ),
    )
    assert answered == [(user_id(live_server, MUNICIPAL_REP), "local_government")]
    scores = stored(
        live_server,
        select(PulseScore.dimension, PulseScore.score).where(PulseScore.round_id == round_id),
    )
    assert sorted(scores) == sorted((d, n % 5 + 1) for n, d in enumerate(DIMENSIONS))
    comments = stored(
        live_server, select(PulseComment.text).where(PulseComment.round_id == round_id)
    )
    assert comments == [(comment,)]


def test_a_representative_edits_their_partners_action_and_removes_their_evidence(page, live_server):
    from hsbp.actions import services
    from hsbp.actions.models import Action, Evidence
    from hsbp.partnerships.models import Membership, Partner
    from tests.actions.conftest import action_fields

    title = f"Reforestar la ribera {suffix()}"

    def build(session, partnership, facilitator):
        company = session.scalar(select(Partner).where(Partner.name == COMPANY))
        membership = session.scalar(
            select(Membership).where(
                Membership.user_id == facilitator.id, Membership.partnership_id == partnership.id
            )
        )
        return services.create_action(
            session,
            actor=facilitator,
            membership=membership,
            partnership=partnership,
            fields=action_fields(company, title={"es": title}, due_on=date(2027, 3, 31)),
        ).id

    action_id = seeded(live_server, build)
    signed_in_as(page, COMPANY_REP)
    page.goto(f"/p/{live_server.caguan_id}/actions/{action_id}")
    # The charter's rule lets the lead partner's representatives edit its actions.
    with page.expect_navigation():
        page.get_by_role("link", name="Edit the action").click()
    page.get_by_label("Due date").fill("2027-06-30")
    page.get_by_label("Status", exact=True).select_option("in_progress")
    page.get_by_label("Progress (%)").fill("40")
    submit(page, "Save")
    assert flashed(page) == "The action is saved."
    edited = stored(
        live_server,
        select(Action.due_on, Action.status, Action.progress).where(Action.id == action_id),
    )
    assert edited == [(date(2027, 6, 30), "in_progress", 40)]

    link = "Acta de siembra"
    page.get_by_label("Web address").fill("https://example.org/caguan/acta-siembra")
    page.locator("#evidence-link-title").fill(link)
    submit(page, "Add the link")
    assert flashed(page) == "The link is added to the evidence."
    added = select(Evidence.title, Evidence.added_by_id).where(Evidence.action_id == action_id)
    assert stored(live_server, added) == [(link, user_id(live_server, COMPANY_REP))]
    with page.expect_navigation():
        page.locator("#evidence").get_by_role("button", name=re.compile(link)).click()
    assert flashed(page) == "The evidence is removed."
    assert stored(live_server, added) == []


def test_a_member_downloads_a_consultations_answers_without_names(page, live_server):
    from hsbp.auth.models import User
    from hsbp.consultations.models import Response
    from hsbp.consultations.tallies import counted
    from hsbp.partnerships.models import Membership

    signed_in_as(page, MUNICIPAL_REP)
    page.goto(f"/p/{live_server.caguan_id}/consultations")
    with page.expect_navigation():
        page.get_by_role("link", name=DEMO_CONSULTATION).first.click()
    consultation_id = int(re.search(r"/consultations/(\d+)$", page.url)[1])
    with page.expect_navigation():
        page.get_by_role("navigation", name="Consultation").get_by_role(
            "link", name="Results"
        ).click()
    # Files with names are a facilitator's, and each is audited: none is offered here.
    assert page.get_by_role("button", name=re.compile("names and phone numbers")).count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV file", exact=True).click()
    assert download.value.suggested_filename == f"consultation-{consultation_id}-answers.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))

    assert header[:5] == ["Sector", "Groups", "Locality", "Channel", "State"]
    assert not {"Member", "Phone"} & set(header)
    [(expected,)] = stored(
        live_server, select(func.count()).select_from(Response).where(counted(consultation_id))
    )
    assert len(rows) == expected > 0
    # The demo's members who answered on the web (this one too) are named nowhere.
    members = stored(
        live_server,
        select(User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id == live_server.caguan_id),
    )
    assert [name for (name,) in members if name in text] == []
    assert re.search(r"\+\d{7,}", text) is None
