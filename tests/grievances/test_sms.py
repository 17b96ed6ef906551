"""Grievances by SMS through the signed webhook: REPORT and its code, STATUS only to the number
that filed, stage changes told in the contact's language, and the rating after closing."""

import pytest
from sqlalchemy import func, select

from hsbp.grievances import codes, messages, services
from hsbp.grievances import sms as grievance_sms
from hsbp.grievances.models import Grievance, Stage
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import contacts, inbox, texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.grievances.conftest import membership_of
from tests.sms.conftest import PHONE, SENDER, add_contact
from tests.sms.conftest import sms as sms  # the fixture

OTHER_PHONE = "+573109998877"
TO_CLOSED = (Stage.ACKNOWLEDGED, Stage.ASSESSING, Stage.RESPONSE_PROPOSED, Stage.ACCEPTED)


@pytest.fixture
def joined(session, partnership):
    """A Spanish-speaking contact who joined the partnership, which has an SMS number."""
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )
    return add_contact(session, partnership, PHONE, locale="es")


def say(key: str, locale: str = "es", **values) -> str:
    return normalise(messages.text(locale, key, **values))


def stage_said(grievance: Grievance, locale: str = "es") -> str:
    return normalise(messages.stage_text(locale, grievance))


def grievances(session) -> list[Grievance]:
    session.expire_all()
    return list(session.scalars(select(Grievance).order_by(Grievance.id)))


def told(session, contact) -> list[str]:
    """What was sent to `contact` unasked: stage notices and rating requests."""
    return list(
        session.scalars(
            select(OutboundMessage.body)
            .where(
                OutboundMessage.contact_id == contact.id,
                OutboundMessage.kind == messages.SMS_KIND,
            )
            .order_by(OutboundMessage.id)
        )
    )


def last_inbound(session) -> InboundMessage:
    session.expire_all()
    return session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))


def move(session, officer, partnership, grievance, *stages):
    membership = membership_of(session, officer, partnership)
    return [
        services.change_stage(
            session, actor=officer, membership=membership, grievance=grievance, to=stage
        )
        for stage in stages
    ]


def wrong_check_digit(code: str) -> str:
    return code[:7] + str((int(code[7]) + 1) % 10)


def test_report_files_a_grievance_and_answers_its_code_at_once(session, sms, joined):
    response = sms("REPORT Los camiones tumbaron la cerca.\nY mataron dos gallinas.")
    assert response.status_code == 200
    (grievance,) = grievances(session)
    assert grievance.description == "Los camiones tumbaron la cerca.\nY mataron dos gallinas."
    assert (grievance.channel, grievance.locale, grievance.stage) == ("sms", "es", "received")
    assert (grievance.contact_id, grievance.anonymous) == (joined.id, False)
    shown = codes.shown(grievance.code)
    assert response.replies == [say("receipt", code=shown)]
    assert response.replies[0].count(shown) == 2  # the code, and how to ask about it


def test_report_and_status_have_words_in_each_language(session, sms, joined):
    merged = messages.keyword_words("report", "es") != ["REPORT"]
    if not merged:
        pytest.skip("the grievance keywords are not in the catalogs yet")
    sms("queja Hay polvo en la vía")
    (grievance,) = grievances(session)
    assert grievance.description == "Hay polvo en la vía"
    assert sms(f"Estado {grievance.code}").replies == [stage_said(grievance)]
    joined.locale = "sw"
    session.flush()
    assert sms(f"HALI {grievance.code}").replies == [stage_said(grievance, "sw")]
    assert (
        sms("MALALAMIKO SIRI Tunatishiwa")
        .replies[0]
        .startswith(normalise(messages.text("sw", "receipt_anonymous", code="")).split(":")[0])
    )
    assert grievances(session)[1].anonymous is True


def test_an_anonymous_report_keeps_only_the_reply_channel(
    session, sms, joined, officer, partnership
):
    response = sms("REPORT anon Nos amenazan por hablar.")
    (grievance,) = grievances(session)
    assert (grievance.anonymous, grievance.contact_id) == (True, joined.id)
    assert grievance.description == "Nos amenazan por hablar."
    assert response.replies == [say("receipt_anonymous", code=codes.shown(grievance.code))]
    membership = membership_of(session, officer, partnership)
    assert (
        services.identity(session, actor=officer, membership=membership, grievance=grievance)
        is None
    )


def test_a_report_without_text_files_nothing(session, sms, joined):
    assert sms("REPORT").replies == [say("needs_text")]
    assert sms("report ANONYMOUS  ").replies == [say("needs_text")]
    assert grievances(session) == []


def test_a_report_from_a_contact_who_has_not_joined_is_not_filed_nor_shown(session, sms, joined):
    stranger = contacts.get_or_create_contact(session, OTHER_PHONE)
    stranger.locale = "es"
    session.flush()
    response = sms("REPORT hay polvo", sender=OTHER_PHONE)
    assert response.replies == [normalise(messages.in_language("es", grievance_sms.NOT_JOINED))]
    assert grievances(session) == []
    message = last_inbound(session)
    assert (message.route, message.in_inbox, message.confidential) == (
        "grievance_report",
        False,
        True,
    )
    assert message.body == ""
    (reply,) = session.scalars(
        select(OutboundMessage).where(OutboundMessage.reply_to_id == message.id)
    )
    assert reply.confidential is True


def test_a_report_from_a_number_never_heard_of_stays_out_of_the_inbox(session, sms, joined):
    response = sms("REPORT hay polvo en la escuela", sender=OTHER_PHONE)
    assert response.replies == [texts.text("en", "not_joined")]
    message = last_inbound(session)
    assert (message.route, message.in_inbox, message.confidential, message.body) == (
        "grievance_report",
        False,
        True,
        "",
    )


def test_status_answers_the_stage_in_the_contacts_language(
    session, sms, joined, officer, partnership
):
    sms("REPORT El río está sucio")
    (grievance,) = grievances(session)
    move(session, officer, partnership, grievance, Stage.ACKNOWLEDGED)
    response = sms(f"STATUS {codes.shown(grievance.code)}")
    expected = normalise(
        messages.in_language(
            "es", messages.STAGE_TEXTS[Stage.ACKNOWLEDGED], code=codes.shown(grievance.code)
        )
    )
    assert response.replies == [expected]
    assert sms(f"status {grievance.code[:4]}-{grievance.code[4:]}").replies == [expected]
    joined.locale = "fr"
    session.flush()
    assert sms(f"STATUS {grievance.code}").replies == [stage_said(grievance, "fr")]


def test_status_of_someone_elses_or_a_malformed_code_gets_one_neutral_reply(
    session, sms, joined, file, partnership
):
    other = add_contact(session, partnership, OTHER_PHONE)
    theirs = file(channel="sms", complainant=services.Complainant(contact=other))
    neutral = [say("status_unknown")]
    for typed in (theirs.code, wrong_check_digit(theirs.code), "1234", "12345678901"):
        assert sms(f"STATUS {typed}").replies == neutral, typed
    # Its owner is answered.
    assert sms(f"STATUS {theirs.code}", sender=OTHER_PHONE).replies == [stage_said(theirs)]
    routes = session.scalars(
        select(InboundMessage.route).where(InboundMessage.contact_id == joined.id)
    )
    assert list(routes) == ["grievance_status_wrong"] * 4


def test_status_stops_answering_wrong_codes_after_five_in_an_hour(session, sms, joined):
    sms("REPORT Cortaron el agua")
    (mine,) = grievances(session)
    wrong = wrong_check_digit(mine.code)
    answered = [sms(f"STATUS {wrong}").replies for _ in range(7)]
    assert answered == [[say("status_unknown")]] * 5 + [[], []]
    assert sms(f"STATUS {mine.code}").replies == [stage_said(mine)]  # the right one still is


def test_status_without_a_code_says_how_and_keeps_the_words_confidential(session, sms, joined):
    assert sms("STATUS").replies == [say("status_needs_code")]
    joined.locale = "sw"
    session.flush()
    response = sms("STATUS ya maji ni mbaya sana")
    assert response.replies == [say("status_needs_code", "sw")]
    message = last_inbound(session)
    assert (message.route, message.in_inbox, message.confidential, message.body) == (
        "grievance_status",
        False,
        True,
        "",
    )


def test_a_stage_change_is_told_to_the_complainant_in_their_language(
    session, sms, joined, officer, partnership
):
    joined.locale = "fr"
    session.flush()
    sms("REPORT La route est coupée")
    (grievance,) = grievances(session)
    (event,) = move(session, officer, partnership, grievance, Stage.ACKNOWLEDGED)
    assert event.told_by_sms is True
    assert told(session, joined) == [stage_said(grievance, "fr")]
    (sent,) = session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == messages.SMS_KIND)
    )
    assert (sent.sender, sent.partnership_id) == (SENDER, partnership.id)


def test_an_opted_out_complainant_is_told_nothing(session, sms, joined, officer, partnership):
    sms("REPORT Hay amenazas")
    (grievance,) = grievances(session)
    contacts.opt_out(session, contact=joined, channel="sms")
    events = move(session, officer, partnership, grievance, *TO_CLOSED, Stage.CLOSED)
    assert [e.told_by_sms for e in events] == [False] * 5
    assert told(session, joined) == []
    assert joined.awaiting == ""


def test_a_grievance_without_an_sms_contact_is_told_nothing(session, file, officer, partnership):
    grievance = file()
    (event,) = move(session, officer, partnership, grievance, Stage.ACKNOWLEDGED)
    assert event.told_by_sms is False
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_closing_asks_for_a_rating_and_a_bare_number_records_it_once(
    session, sms, joined, officer, partnership
):
    sms("REPORT Se cayó el puente")
    (grievance,) = grievances(session)
    move(session, officer, partnership, grievance, *TO_CLOSED, Stage.CLOSED)
    shown = codes.shown(grievance.code)
    assert told(session, joined)[-2:] == [stage_said(grievance), say("rate", code=shown)]
    assert joined.awaiting == f"grievance_rating:{grievance.id}"

    assert sms("9").replies == [say("rate_invalid")]
    assert sms(" 4. ").replies == [say("rate_thanks")]
    session.refresh(grievance)
    assert grievance.rating == 4
    assert grievance.rated_at is not None
    session.refresh(joined)
    assert joined.awaiting == ""

    sms("5")  # heard like any message now
    session.refresh(grievance)
    assert grievance.rating == 4
    assert last_inbound(session).route == "inbox"


def test_other_words_while_a_rating_is_awaited_pass_on(session, sms, joined, officer, partnership):
    sms("REPORT Ruido de noche")
    (grievance,) = grievances(session)
    move(session, officer, partnership, grievance, *TO_CLOSED, Stage.CLOSED)
    sms("El ruido sigue")
    message = last_inbound(session)
    assert (message.route, message.in_inbox) == ("inbox", True)
    assert joined.awaiting == f"grievance_rating:{grievance.id}"
    assert sms("٢").replies == [say("rate_thanks")]  # Arabic-Indic digits count too
    session.refresh(grievance)
    assert grievance.rating == 2


def test_status_and_rating_answer_only_the_number_that_filed(
    session, sms, joined, officer, partnership
):
    sms("REPORT Nos quitaron el paso")
    (grievance,) = grievances(session)
    move(session, officer, partnership, grievance, *TO_CLOSED, Stage.CLOSED)
    add_contact(session, partnership, OTHER_PHONE)
    assert sms("5", sender=OTHER_PHONE).replies != [say("rate_thanks")]
    assert sms(f"STATUS {grievance.code}", sender=OTHER_PHONE).replies == [say("status_unknown")]
    session.refresh(grievance)
    assert grievance.rating is None


# Values as long as real ones: a code as it is shown.
SAMPLES = {"code": "4827 1936"}
ALL_TEXTS = sorted(
    [("text", key) for key in messages.TEXTS] + [("stage", s.value) for s in messages.STAGE_TEXTS]
)


def written(locale: str, kind: str, key: str) -> str:
    source = messages.TEXTS[key] if kind == "text" else messages.STAGE_TEXTS[key]
    values = {name: value for name, value in SAMPLES.items() if f"%({name})" in source}
    return normalise(messages.in_language(locale, source, **values))


@pytest.mark.parametrize("locale", ["en", *UI_LOCALE_CODES])
@pytest.mark.parametrize(("kind", "key"), ALL_TEXTS)
def test_every_grievance_text_fits_one_segment(locale, kind, key):
    text = written(locale, kind, key)
    assert measure(text).segments == 1, (locale, key, measure(text), text)


def test_every_language_has_its_own_grievance_keywords():
    report = set(messages.all_keyword_words("report"))
    status = set(messages.all_keyword_words("status"))
    assert {"REPORT", "STATUS"} <= report | status
    assert report.isdisjoint(status)
    channel = set(texts.keyword_table())
    assert (report | status).isdisjoint(channel)


def test_facilitators_never_read_a_grievance_in_the_sms_pages(
    session, sms, joined, officer, partnership
):
    sms("REPORT Los camiones tumbaron la cerca de Rosa.")
    (grievance,) = grievances(session)
    move(session, officer, partnership, grievance, Stage.ACKNOWLEDGED)
    sms("Hola, ¿cuándo es la reunión?")  # an ordinary message from the same number

    thread = inbox.conversation(session, partnership_id=partnership.id, sender=SENDER, phone=PHONE)
    # Not the words, not a placeholder, not the time: only the ordinary message and its reply.
    assert [(item.incoming, item.body) for item in thread] == [
        (True, "Hola, ¿cuándo es la reunión?"),
        (False, normalise(texts.text("es", "received"))),
    ]
    report = session.scalar(
        select(InboundMessage).where(InboundMessage.route == grievance_sms.REPORT_ROUTE)
    )
    assert (report.confidential, report.in_inbox, report.body) == (True, False, "")
    # Its receipt and the stage notice are confidential too (blanked once Twilio has them).
    assert session.execute(
        select(OutboundMessage.kind, OutboundMessage.confidential)
        .where(OutboundMessage.contact_id == joined.id)
        .order_by(OutboundMessage.id)
    ).all() == [("reply", True), ("grievance", True), ("reply", False)]
    # The officers read it on the grievance's page, as written.
    assert grievance.description == "Los camiones tumbaron la cerca de Rosa."


def test_every_grievance_flow_is_confidential(session, sms, joined, officer, partnership):
    sms("REPORT El río está sucio")
    (grievance,) = grievances(session)
    sms(f"STATUS {codes.shown(grievance.code)}")
    sms("STATUS 12345678")
    move(session, officer, partnership, grievance, *TO_CLOSED, Stage.CLOSED)
    sms("4")
    session.expire_all()
    routes = session.execute(
        select(InboundMessage.route, InboundMessage.confidential, InboundMessage.body).order_by(
            InboundMessage.id
        )
    ).all()
    assert routes == [
        (grievance_sms.REPORT_ROUTE, True, ""),
        (grievance_sms.STATUS_ROUTE, True, ""),
        (grievance_sms.WRONG_STATUS_ROUTE, True, ""),
        (grievance_sms.RATING_ROUTE, True, ""),
    ]
    kinds = session.execute(
        select(OutboundMessage.confidential, func.count()).group_by(OutboundMessage.confidential)
    ).all()
    assert kinds == [(True, 4 + len(TO_CLOSED) + 2)]  # 4 replies, the stages, the rating ask


@pytest.mark.parametrize("locale", ["en", *UI_LOCALE_CODES])
def test_the_not_joined_report_text_fits_one_segment(locale):
    text = normalise(messages.in_language(locale, grievance_sms.NOT_JOINED))
    assert measure(text).segments == 1, (locale, text)
    if locale == "en":
        assert text == "Not filed: send JOIN and your code first, then REPORT again."
