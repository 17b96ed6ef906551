"""Community checks of done actions: the question and its budget, who is asked (the action's
places, an audience), refusals, the charter's rule, and answers by SMS through the webhook
(one per contact, changes until closing, a digit out of range, one question at a time, a late
answer)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hsbp.actions.models import Action
from hsbp.audit import AuditEntry
from hsbp.community import check_results, check_talks, checks
from hsbp.community.models import Check, CheckAnswer, Talk
from hsbp.community.talks import text as talk_text
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.principles.content import empty_content, normalise
from hsbp.sms import local_texts
from hsbp.sms.encoding import measure
from hsbp.sms.encoding import normalise as sms_normalise
from hsbp.sms.models import LocalText
from hsbp.sms.texts import in_language
from tests.actions.conftest import membership_of
from tests.community.check_world import (
    QUESTION_EN,
    QUESTION_ES,
    TITLE,
    asked_bodies,
    mark_done,
    send,
    set_rule,
)
from tests.community.check_world import add_action as add_action  # the fixture
from tests.community.check_world import company as company  # the fixture
from tests.community.check_world import done as done  # the fixture
from tests.community.check_world import facilitator as facilitator  # the fixture
from tests.community.check_world import partnership as partnership  # the fixture
from tests.community.check_world import representative as representative  # the fixture
from tests.community.check_world import village as village  # the fixture
from tests.sms.conftest import sms as sms  # the fixture

# The question ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_the_prefilled_question_fits_one_sms_in_every_language(session, make, locale):
    partnership = make.partnership(locales=[locale], default_locale=locale)
    action = Action(title={locale: "Acueducto comunitario de la vereda Peñas Blancas y El Triunfo"})
    written = checks.default_questions(session, action=action, partnership=partnership)[locale]
    assert measure(written).segments == 1, written
    assert "Acueducto" in written


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_the_retry_text_fits_one_sms_in_every_language(locale):
    written = sms_normalise(in_language(locale, check_talks.RETRY))
    assert measure(written).segments == 1, written


def test_a_short_title_is_kept_whole_and_a_long_one_shortened(session, make):
    partnership = make.partnership(locales=["en", "es"], default_locale="en")
    short = Action(title={"en": "Village water supply"})
    assert (
        checks.default_questions(session, action=short, partnership=partnership)["en"]
        == QUESTION_EN
    )
    long = Action(title={"es": "Acueducto comunitario de la vereda Peñas Blancas y El Triunfo"})
    # Spanish with an accent is UCS-2 (70): the title is cut at a word to fit.
    spanish = checks.default_questions(session, action=long, partnership=partnership)["es"]
    assert measure(spanish).segments == 1
    assert '"Acueducto comunitario' in spanish and '..."' in spanish


def test_a_local_language_gets_its_translators_question_else_the_default_languages(session, make):
    partnership = make.partnership(locales=["es", "pbb"], default_locale="es")
    action = Action(title={"es": "Acueducto"})
    questions = checks.default_questions(session, action=action, partnership=partnership)
    # No translation yet: the Spanish question (the default language), to translate on the form.
    assert (
        questions["pbb"]
        == questions["es"]
        == sms_normalise(in_language("es", checks.QUESTION, title="Acueducto"))
    )
    session.add(
        LocalText(
            partnership_id=partnership.id,
            locale="pbb",
            msgid=checks.QUESTION,
            msgid_hash=local_texts.msgid_hash(checks.QUESTION),
            text="(pbb) %(title)s? 1 / 2 / 3",
        )
    )
    session.flush()
    local_texts.forget(session)
    questions = checks.default_questions(session, action=action, partnership=partnership)
    assert questions["pbb"] == "(pbb) Acueducto? 1 / 2 / 3"


@pytest.mark.parametrize(
    ("reply", "value"),
    [("1", "yes"), (" 2. ", "no"), ("3", "unknown"), ("\u0661", "yes"), ("\uff11", "yes")],
)
def test_a_digit_from_1_to_3_is_an_answer(reply, value):
    assert check_talks.read_answer(reply) == value


@pytest.mark.parametrize("reply", ["4", "0", "12", "si", "", "1 2"])
def test_anything_else_is_no_answer(reply):
    assert check_talks.read_answer(reply) is None


# Sending -----------------------------------------------------------------------------------


def test_a_check_asks_the_confirmed_contacts_of_the_actions_places(
    session, partnership, facilitator, done, village
):
    check = send(session, partnership, facilitator, done)

    talks = session.scalars(select(Talk.contact_id).where(Talk.check_id == check.id)).all()
    assert sorted(talks) == sorted([village["triunfo"].id, village["union"].id])
    assert asked_bodies(session) == {
        village["triunfo"].id: QUESTION_ES,
        village["union"].id: QUESTION_EN,
    }
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "community_check.create"))
    assert (entry.object_type, entry.object_id) == ("Check", check.id)
    assert entry.details == {
        "action_id": done.id,
        "audience": "places",
        "closes_at": check.closes_at.isoformat(),
        "invited": 2,
        "asked": 2,
        "automatic": False,
    }


def test_a_check_may_go_to_a_chosen_audience(session, partnership, facilitator, done, village):
    check = send(session, partnership, facilitator, done, audience="locality:Puerto Rico")
    assert asked_bodies(session) == {village["elsewhere"].id: QUESTION_ES}
    assert check.audience == {"kind": "locality", "value": "Puerto Rico"}


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        (
            {"closes_at": datetime(2020, 1, 1, tzinfo=UTC)},
            "Choose a closing date after today.",
            "closes_on",
        ),
        (
            {"closes_at": utcnow() + timedelta(days=200)},
            "Choose a closing date within 90 days.",
            "closes_on",
        ),
        (
            {"questions": {"en": QUESTION_EN}},
            "Write the question in the partnership's default language at least.",
            "question_es",
        ),
        (
            {"questions": {"es": "¿Está listo? " * 6}},
            "This text takes 2 SMS: shorten it to one (70 characters with these letters, it "
            "has 77).",
            "question_es",
        ),
        (
            {"audience": "locality:Nowhere"},
            "Nobody in this audience can receive messages.",
            "audience",
        ),
        ({"audience": "bogus"}, "Choose an audience from the list.", "audience"),
    ],
)
def test_a_check_is_refused_with_a_clear_message(
    session, partnership, facilitator, done, village, overrides, message, field
):
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done, **overrides)
    assert (str(refused.value), refused.value.field) == (message, field)
    assert session.scalar(select(func.count()).select_from(Check)) == 0


def test_a_closing_date_thousands_of_years_ahead_is_refused(
    session, partnership, facilitator, done, village
):
    closes_at = checks.closing_time(date.max, partnership)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done, closes_at=closes_at)
    assert str(refused.value) == "Choose a closing date within 90 days."


def test_nobody_in_the_places_is_refused(session, partnership, facilitator, add_action, village):
    action = add_action(localities=["Remolinos"], status="done", progress=100)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, action)
    assert str(refused.value) == (
        "No contact who confirmed the partnership lives in the action's places."
    )
    nameless = add_action(localities=[], status="done", progress=100)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, nameless)
    assert str(refused.value) == "This action names no place: choose who is asked."


def test_a_check_needs_a_done_action_a_sender_a_facilitator_and_none_open(
    session, make, partnership, facilitator, representative, add_action, done, village
):
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, add_action())
    assert str(refused.value) == "The community is asked once the action is done."
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, representative, done)
    assert str(refused.value) == "Only facilitators check actions with the community."
    send(session, partnership, facilitator, done)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done)
    assert str(refused.value) == "A check of this action is open already: close it first."
    other = make.partnership()
    make.member(other, user=facilitator)
    with pytest.raises(ServiceError) as refused:
        send(
            session, other, facilitator, done, membership=membership_of(session, facilitator, other)
        )
    assert str(refused.value) == "This action is not part of this partnership."


def test_without_a_sender_no_check_is_sent(session, make, facilitator):
    partnership = make.partnership()
    make.member(partnership, user=facilitator)
    action = Action(partnership_id=partnership.id, status="done", title=TITLE, localities=["X"])
    reason = checks.blocked_reason(session, partnership=partnership, action=action)
    assert str(reason) == "Set the partnership's SMS sender first."


def test_the_charter_may_forbid_checks(session, partnership, facilitator, done, village):
    set_rule(session, partnership, "never")
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done)
    assert str(refused.value) == "The charter says done actions are not checked by SMS."


# The charter's rule ------------------------------------------------------------------------


def test_the_check_rule_is_part_of_the_charter_document():
    def clean(**values):
        raw = {**empty_content(), **values}
        return normalise(raw, locales=["es"], partner_ids=set())["check_rule"]

    assert empty_content()["check_rule"] == "choose"
    assert clean(check_rule="always") == "always"
    older = {key: value for key, value in empty_content().items() if key != "check_rule"}
    assert normalise(older, locales=["es"], partner_ids=set())["check_rule"] == "choose"
    with pytest.raises(ServiceError) as refused:
        clean(check_rule="sometimes")
    assert refused.value.field == "check_rule"


def test_with_the_rule_always_marking_done_sends_the_check(
    session, partnership, facilitator, add_action, village
):
    set_rule(session, partnership, "always")
    action = add_action()
    mark_done(session, partnership, facilitator, action)

    check = session.scalar(select(Check))
    assert check.action_id == action.id
    assert check.question == {
        "es": sms_normalise(in_language("es", checks.QUESTION, title=TITLE["es"])),
        "en": QUESTION_EN,
    }
    local_close = check.closes_at.astimezone(partnership.zone)
    assert (local_close.time().isoformat(), (local_close.date() - date.today()).days) in (
        ("00:00:00", checks.CHECK_DAYS),
        ("00:00:00", checks.CHECK_DAYS - 1),
        ("00:00:00", checks.CHECK_DAYS + 1),
    )
    assert sorted(asked_bodies(session)) == sorted([village["triunfo"].id, village["union"].id])
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "community_check.create"))
    assert (entry.actor_id, entry.details["automatic"]) == (facilitator.id, True)


def test_with_the_rule_always_an_action_with_nobody_to_ask_is_still_done(
    session, partnership, facilitator, add_action
):
    set_rule(session, partnership, "always")
    action = add_action()
    mark_done(session, partnership, facilitator, action)
    assert action.status == "done"
    assert session.scalar(select(func.count()).select_from(Check)) == 0


def test_by_default_marking_done_sends_nothing(session, partnership, facilitator, done, village):
    assert session.scalar(select(func.count()).select_from(Check)) == 0


# Answers by SMS ----------------------------------------------------------------------------


def test_contacts_answer_once_and_may_change_until_closing(
    session, sms, partnership, facilitator, done, village
):
    check = send(session, partnership, facilitator, done)

    assert sms("7").replies == [in_language("es", check_talks.RETRY)]
    assert sms("1").replies == [talk_text("es", "thanks")]
    assert sms("2").replies == [talk_text("es", "changed")]
    assert sms("3", sender="+573104567802").replies == [talk_text("en", "thanks")]

    rows = session.execute(
        select(CheckAnswer.contact_id, CheckAnswer.answer, CheckAnswer.locality).order_by(
            CheckAnswer.id
        )
    ).all()
    assert rows == [
        (village["triunfo"].id, "no", "El Triunfo"),
        (village["union"].id, "unknown", "la unión"),
    ]

    checks.close_check(session, actor=facilitator, check=check)
    assert sms("1").replies == [talk_text("es", "closed")]
    assert check_results.tallies(session, check_ids=[check.id]) == {
        check.id: check_results.Tally(yes=0, no=1, unknown=1)
    }


def test_a_second_check_waits_until_the_contact_answered_the_first(
    session, sms, partnership, facilitator, add_action, village
):
    first = add_action()
    mark_done(session, partnership, facilitator, first)
    bridge = add_action(title={"es": "Puente", "en": "Bridge"})
    mark_done(session, partnership, facilitator, bridge)
    asked_first = send(session, partnership, facilitator, first)
    later = "¿Sirve el puente? 1 sí 2 no 3 no sé"
    second = send(session, partnership, facilitator, bridge, questions={"es": later})
    states = session.scalars(select(Talk.state).where(Talk.check_id == second.id)).all()
    assert states == ["waiting", "waiting"]

    assert sms("1").replies == [talk_text("es", "thanks"), later]
    assert sms("2").replies == [talk_text("es", "thanks")]
    answers = session.execute(
        select(CheckAnswer.check_id, CheckAnswer.answer).where(
            CheckAnswer.contact_id == village["triunfo"].id
        )
    ).all()
    assert sorted(answers) == sorted([(asked_first.id, "yes"), (second.id, "no")])


def test_a_contact_asked_and_silent_hears_once_that_it_closed(
    session, sms, partnership, facilitator, done, village
):
    check = send(session, partnership, facilitator, done)
    checks.close_check(session, actor=facilitator, check=check)
    assert sms("1").replies == [talk_text("es", "closed")]
    assert session.scalar(select(func.count()).select_from(CheckAnswer)) == 0
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "community_check.close"))
    assert (entry.object_id, entry.details) == (check.id, {"action_id": done.id, "early": True})


def test_checks_past_their_closing_time_are_closed_by_the_sweep(
    session, partnership, facilitator, done, village
):
    check = send(session, partnership, facilitator, done, closes_at=utcnow() + timedelta(hours=1))
    assert checks.close_due(session, now=utcnow()) == 0
    assert checks.close_due(session, now=utcnow() + timedelta(hours=2)) == 1
    assert check.status == "closed"
