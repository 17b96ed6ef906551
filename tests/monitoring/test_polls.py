"""SMS polls of an indicator, end to end through the webhook: numbers as contacts write them,
re-prompts, one reply per contact, closing into one measurement (a correction when the period
had a value), the periodic closing, and the pages through HTTP."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hsbp.errors import ServiceError
from hsbp.grievances import messages as grievance_messages
from hsbp.grievances import services as grievance_services
from hsbp.grievances.models import Grievance, GrievanceOfficer, Stage
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.monitoring import polls, services
from hsbp.monitoring.models import Measurement
from hsbp.monitoring.poll_models import PollReply, SmsPoll
from hsbp.security import Role
from hsbp.sms import contacts, texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import OutboundMessage
from tests.grievances.conftest import membership_of
from tests.grievances.test_sms import TO_CLOSED
from tests.sms.conftest import PHONE, SENDER, add_contact, page_text
from tests.sms.conftest import sms as sms  # the fixture

QUESTION = "¿Cuántos días sin agua este mes? Responda con un número."
PERIOD = date(2026, 10, 1)


@pytest.fixture
def partnership(make, session):
    partnership = make.partnership(locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="AGUA"
    )
    return partnership


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, user=make.user(name="Lucía", locale="en"))


@pytest.fixture
def contact(session, partnership):
    return add_contact(session, partnership, PHONE, locale="es")


@pytest.fixture
def indicator(session, facilitator, partnership):
    def build(kind="number", baseline="10", target="50", **extra):
        return services.create_indicator(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={
                "name": {"es": "Días sin agua"},
                "kind": kind,
                "baseline_value": baseline,
                "baseline_on": date(2026, 1, 1),
                "target_value": target,
                "target_on": date(2027, 1, 1),
                **extra,
            },
        )

    return build


@pytest.fixture
def start(session, facilitator):
    def build(indicator, **fields):
        values = {
            "question": {"es": QUESTION},
            "audience": "all",
            "period_on": PERIOD,
            "closes_at": datetime.now(UTC) + timedelta(days=3),
            **fields,
        }
        return polls.start_poll(session, actor=facilitator, indicator=indicator, fields=values)

    return build


def say(key: str, locale="es", **values) -> str:
    return normalise(polls.text(locale, key, **values))


def measurements(session, indicator) -> list[tuple]:
    session.expire_all()
    return [
        (m.revision, m.value, m.method, m.note, m.reported_by.name)
        for m in session.scalars(
            select(Measurement)
            .where(Measurement.indicator_id == indicator.id)
            .order_by(Measurement.revision)
        )
    ]


def test_a_poll_asks_the_contacts_and_reads_their_numbers(
    session, sms, partnership, indicator, start, contact
):
    spanish = add_contact(session, partnership, "+573104567822", locale="es")
    arabic = add_contact(session, partnership, "+573104567823", locale="ar")
    poll = start(indicator())
    session.expire_all()
    asked = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.kind == "poll")
    ).all()
    assert asked == [QUESTION] * 3

    assert sms(" 12 ").replies == [say("thanks")]
    assert sms("12,5", sender="+573104567822").replies == [say("thanks")]
    assert sms("\u0661\u0662", sender="+573104567823").replies == [say("thanks", "ar")]

    values = dict(
        session.execute(select(PollReply.contact_id, PollReply.value).order_by(PollReply.id)).all()
    )
    assert values == {
        contact.id: Decimal("12"),
        spanish.id: Decimal("12.5"),
        arabic.id: Decimal("12"),
    }
    assert polls.summary(session, poll_ids=[poll.id]) == {poll.id: (3, 3)}


def test_a_reply_that_is_no_number_is_asked_again_twice_then_given_up(
    session, sms, indicator, start, contact
):
    start(indicator())
    assert sms("twelve").replies == [say("number")]
    assert sms("-3").replies == [say("at_least", low="0")]  # a count is never negative
    assert sms("doce").replies == []
    reply = session.scalar(select(PollReply))
    assert (reply.state, reply.value) == ("gave_up", None)
    assert sms("12").replies == [texts.text("es", "received")]  # no longer asked


def test_a_percentage_above_100_is_asked_again_with_the_range(
    session, sms, indicator, start, contact
):
    start(indicator(kind="percentage", baseline="20", target="80"))
    assert sms("101").replies == [say("between", low="0", high="100")]
    assert sms("99,5").replies == [say("thanks")]
    assert session.scalar(select(PollReply.value)) == Decimal("99.5")


def test_a_second_number_replaces_the_first(session, sms, indicator, start, contact):
    poll = start(indicator())
    sms("12")
    assert sms("14").replies == [say("thanks")]
    assert sms("gracias").replies == [texts.text("es", "received")]  # not a number: the inbox

    assert session.scalar(select(func.count()).select_from(PollReply)) == 1
    assert polls.answered_values(session, poll) == [Decimal("14")]


def test_a_number_a_grievance_rating_asked_for_since_is_the_rating_not_a_new_answer(
    session, sms, make, partnership, indicator, start, contact
):
    poll = start(indicator())
    sms("12")
    officer = make.member(partnership, user=make.user(name="Olga"))
    session.add(GrievanceOfficer(partnership_id=partnership.id, user_id=officer.id))
    sms("REPORT Se cayó el puente")
    grievance = session.scalar(select(Grievance))
    membership = membership_of(session, officer, partnership)
    for stage in (*TO_CLOSED, Stage.CLOSED):
        grievance_services.change_stage(
            session, actor=officer, membership=membership, grievance=grievance, to=stage
        )

    assert sms("4").replies == [grievance_messages.text("es", "rate_thanks")]

    session.refresh(grievance)
    assert grievance.rating == 4
    assert polls.answered_values(session, poll) == [Decimal("12")]


# The note is written in the partnership's default language (Spanish here).
def test_closing_records_one_measurement_by_sms(
    session, sms, partnership, indicator, start, contact, facilitator
):
    add_contact(session, partnership, "+573104567822")
    add_contact(session, partnership, "+573104567823")  # never answers
    measured = indicator()
    poll = start(measured)
    sms("12")
    sms("15", sender="+573104567822")

    polls.close_poll(session, poll=poll, actor=facilitator)
    polls.close_poll(session, poll=poll, actor=facilitator)

    assert measurements(session, measured) == [
        (1, Decimal("13.5"), "sms", "Encuesta por SMS: 2 respuestas", "Lucía")
    ]
    assert poll.measurement_id is not None
    assert sms("20", sender="+573104567823").replies == [say("closed")]
    assert polls.answered_values(session, poll) == [Decimal("12"), Decimal("15")]


def test_closing_a_poll_of_a_period_with_a_value_corrects_it(
    session, sms, indicator, start, contact, facilitator
):
    measured = indicator(kind="percentage", baseline="20", target="80")
    services.record_value(
        session, actor=facilitator, indicator=measured, period_on=PERIOD, value="30"
    )
    poll = start(measured, aggregate="share", threshold="50")
    sms("60")

    polls.close_poll(session, poll=poll)

    assert measurements(session, measured) == [
        (1, Decimal("30"), "web", "", "Lucía"),
        (2, Decimal("100"), "sms", "Encuesta por SMS: 1 respuesta", "Lucía"),
    ]


def test_a_poll_past_its_closing_time_is_closed_by_the_periodic_task(
    session, sms, indicator, start, contact
):
    measured = indicator(kind="scale", baseline="1", target="3", levels=levels())
    poll = start(measured)
    assert sms("4").replies == [say("between", low="1", high="3")]
    sms("2")
    assert polls.close_due(session, now=poll.closes_at) == 1

    assert measurements(session, measured) == [
        (1, Decimal("2"), "sms", "Encuesta por SMS: 1 respuesta", "Lucía")
    ]


def levels():
    return [{"label": {"es": name}} for name in ("Mal", "Regular", "Bien")]


def test_opted_out_contacts_are_not_asked(session, partnership, indicator, start, contact):
    stopped = add_contact(session, partnership, "+573104567822", opted_out=True)
    poll = start(indicator())

    assert polls.summary(session, poll_ids=[poll.id]) == {poll.id: (1, 0)}
    assert session.scalar(select(PollReply.contact_id)) == contact.id
    assert (
        session.scalars(
            select(OutboundMessage.id).where(OutboundMessage.contact_id == stopped.id)
        ).all()
        == []
    )


def test_a_question_longer_than_one_sms_is_refused(session, indicator, start, contact):
    with pytest.raises(ServiceError) as refused:
        start(indicator(), question={"es": "¿" + "agua " * 40 + "?"})
    assert refused.value.field == "question_es"
    assert session.scalar(select(func.count()).select_from(SmsPoll)) == 0


def form(**overrides) -> dict:
    data = {
        "question_es": QUESTION,
        "question_en": "",
        "audience": "all",
        "period_on": "2026-10-01",
        "aggregate": "mean",
        "threshold": "",
        "closes_on": (datetime.now(UTC) + timedelta(days=3)).date().isoformat(),
    }
    return {**data, **overrides}


def test_a_percentage_poll_offers_the_share_and_its_threshold_on_the_web(
    session, client, login, partnership, facilitator, indicator, contact
):
    measured = indicator(kind="percentage", baseline="20", target="60")
    base = f"/p/{partnership.id}/monitoring/{measured.id}"
    login(facilitator)

    page = client.get(f"{base}/polls/new").get_data(as_text=True)
    assert '<option value="share">' in page
    assert 'name="threshold"' in page

    started = client.post(f"{base}/polls/new", data=form(aggregate="share", threshold="4"))
    assert started.status_code == 302
    poll = session.scalar(select(SmsPoll))
    assert (poll.aggregate, poll.threshold) == ("share", Decimal("4"))


def test_the_poll_pages_start_show_and_close_a_poll(
    session, client, login, partnership, facilitator, indicator, contact, sms
):
    measured = indicator()
    base = f"/p/{partnership.id}/monitoring/{measured.id}"
    login(facilitator)
    assert client.get(f"{base}/polls/new").status_code == 200

    started = client.post(f"{base}/polls/new", data=form())
    assert started.status_code == 302
    poll = session.scalar(select(SmsPoll))
    assert started.headers["Location"] == f"{base}/polls/{poll.id}"
    sms("8")

    page = page_text(client.get(f"{base}/polls/{poll.id}"))
    assert "Contacts asked 1 Replies 1" in page
    assert "Value so far 8" in page
    assert PHONE not in page
    assert "1 replies of 1 contacts asked" in page_text(client.get(base))

    assert client.post(f"{base}/polls/{poll.id}/close").status_code == 302
    assert measurements(session, measured) == [
        (1, Decimal("8"), "sms", "Encuesta por SMS: 1 respuesta", "Lucía")
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"question_es": ""}, "Write the question in the partnership's default language"),
        ({"aggregate": "share"}, "Not a valid choice"),
        ({"closes_on": "2020-01-01"}, "The poll must close in the future."),
    ],
)
def test_the_poll_form_shows_errors_and_writes_nothing(
    session, client, login, partnership, facilitator, indicator, contact, overrides, message
):
    measured = indicator()
    login(facilitator)
    answer = client.post(
        f"/p/{partnership.id}/monitoring/{measured.id}/polls/new", data=form(**overrides)
    )
    assert answer.status_code == 422
    assert message in page_text(answer)
    assert session.scalar(select(func.count()).select_from(SmsPoll)) == 0
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_poll_pages_are_404_to_observers_for_changes_and_to_other_partnerships(
    session, client, login, make, partnership, indicator, start, contact
):
    poll = start(measured := indicator())
    base = f"/p/{partnership.id}/monitoring/{measured.id}/polls"
    login(make.member(partnership, Role.OBSERVER))
    assert client.get(f"{base}/new").status_code == 404
    assert client.get(f"{base}/{poll.id}").status_code == 200
    assert client.post(f"{base}/{poll.id}/close").status_code == 404
    other = make.partnership()
    login(make.member(other))
    assert client.get(f"/p/{other.id}/monitoring/{measured.id}/polls/{poll.id}").status_code == 404


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(polls.TEXTS))
def test_every_poll_text_fits_one_segment(locale, key):
    source = polls.TEXTS[key]
    written = texts.catalog(locale).gettext(source)
    values = {"low": "1000", "high": "1000"}
    size = measure(normalise(written % values if "%(" in source else written))
    assert size.segments == 1, (locale, key, size, written)


def test_the_indicator_page_lists_polls_in_a_fixed_number_of_queries(
    session, client, login, partnership, facilitator, indicator, start, contact, count_queries
):
    measured = indicator()
    start(measured)
    login(facilitator)
    page = f"/p/{partnership.id}/monitoring/{measured.id}"
    with count_queries() as one:
        client.get(page)
    start(measured, period_on=date(2026, 7, 1))
    start(measured, period_on=date(2026, 4, 1))
    with count_queries() as three:
        answer = client.get(page)
    assert three["n"] == one["n"]
    assert page_text(answer).count("0 replies of 1 contacts asked") == 3
