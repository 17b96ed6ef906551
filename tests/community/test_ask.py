"""Community members ask by SMS, through the real webhook: HELP lists the keywords switched
on, INFO, ACTIONS [place] with MORE, CHARTER and RESULTS; who is answered, what is an
ordinary message instead, and every reply one segment per part in every language."""

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from hsbp.actions.models import Action
from hsbp.actions.queries import today_in
from hsbp.community.ask import commitments
from hsbp.community.ask.common import HINTS, KEYWORDS, TEXT_KEYWORDS, TEXTS
from hsbp.consultations.models import Consultation, Participation, Response
from hsbp.grievances import messages as grievance_messages
from hsbp.grievances import sms as grievance_sms
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Membership
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from hsbp.sms import contacts, texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import InboundMessage
from tests.sms.conftest import PHONE, add_contact, map_participant
from tests.sms.conftest import demo_partnership as demo_partnership  # the fixtures
from tests.sms.conftest import sms as sms

OTHER = "+573104567822"
ESPERANZA, POZOS, BAJO = "Vereda La Esperanza", "Vereda Los Pozos", "Bajo Caguan"
HELP_EN = [
    "1/3 INFO: who we are. ACTIONS [place]: our commitments. CHARTER: our charter. "
    "RESULTS: what people said. REPORT and what happened: a grievance.",
    "2/3 STATUS and your code: its stage. ALERT and what is happening: an early warning. "
    "NEWS: news of our work.",
    "3/3 JOIN and a code: join or switch. YES: accept an invite. LANG: language. STOP: stop all.",
]


class World:
    def __init__(self, session, make, partnership):
        self.session, self.partnership = session, partnership
        self.today = today_in(partnership.timezone)
        self.facilitator = make.member(
            partnership, Role.FACILITATOR, user=make.user(name="Lucia Hernandez")
        )
        self.council = make.partner(partnership, name="Town council", sector="local_government")
        self.company = make.partner(partnership, name="Palm company", sector="company")
        self.esperanza = map_participant(
            session, partnership, self.facilitator, name="Mujeres", locality=ESPERANZA
        )
        map_participant(session, partnership, self.facilitator, name="JAC", locality=POZOS)

    def action(self, title, lead, *, status="in_progress", due=None, places=(), done_days=None):
        action = Action(
            partnership_id=self.partnership.id,
            title={"en": title, "es": f"{title} (es)"},
            lead_partner_id=lead.id,
            status=status,
            due_on=self.today + timedelta(days=due) if due is not None else None,
            localities=list(places),
            done_at=datetime.now(UTC) - timedelta(days=done_days) if done_days else None,
        )
        self.session.add(action)
        self.session.flush()
        return action

    def checklist(self):
        """Seven actions: for La Esperanza, a late road, a water supply, stream banks with no
        date, a done one and a dropped one; a radio for everyone; a bridge elsewhere."""
        self.action("Road repair", self.council, due=-10, places=[ESPERANZA, "San Vicente"])
        self.action("Water supply", self.company, due=45, places=[ESPERANZA])
        self.action("Stream banks", self.company, places=[ESPERANZA, POZOS])
        self.action("Community radio", self.council, status="planned", due=30)
        self.action("Footbridge", self.council, status="planned", due=5, places=[BAJO])
        self.action("Haulage hours", self.company, status="done", done_days=1, places=[ESPERANZA])
        self.action("Drying plant", self.company, status="dropped", places=[ESPERANZA])

    def day(self, days: int, locale: str = "en") -> str:
        return format_date(self.today + timedelta(days=days), "medium", locale=locale)


@pytest.fixture
def world(session, make, demo_partnership):
    return World(session, make, demo_partnership)


@pytest.fixture
def member(session, world):
    """An English-speaking contact linked to the register's women's association of La
    Esperanza."""
    return add_contact(session, world.partnership, PHONE, locale="en", participant=world.esperanza)


def switch_off(session, partnership, *names):
    contacts.settings_of(session, partnership.id).keywords_off = list(names)
    session.flush()


def last_inbound(session) -> InboundMessage:
    session.expire_all()
    return session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))


# HELP and the switches


def test_help_lists_every_keyword_switched_on_in_the_contact_language(sms, member):
    assert sms("HELP").replies == HELP_EN


def test_help_leaves_out_the_keywords_switched_off(session, sms, world, member):
    switch_off(session, world.partnership, "ask_charter", "ask_results", "ask_info")
    assert sms("help").replies == [
        "1/2 ACTIONS [place]: our commitments. REPORT and what happened: a grievance. STATUS "
        "and your code: its stage. ALERT and what is happening: an early warning.",
        "2/2 NEWS: news of our work. JOIN and a code: join or switch. YES: accept an invite. "
        "LANG: language. STOP: stop all.",
    ]


def test_help_to_a_number_that_has_not_joined_says_how_to_join(session, sms, world):
    add_contact(session, world.partnership, PHONE, locale="en", pending=True)
    assert sms("HELP").replies == [texts.text("en", "help")]


def test_a_switched_off_keyword_is_an_ordinary_message(session, sms, world, member):
    switch_off(session, world.partnership, "ask_charter")
    assert sms("CHARTER").replies == [texts.text("en", "received")]
    message = last_inbound(session)
    assert (message.route, message.in_inbox) == ("inbox", True)


def test_more_is_switched_off_with_actions(session, sms, world, member):
    world.checklist()
    sms("ACTIONS")
    switch_off(session, world.partnership, "ask_actions")
    assert sms("MORE").replies == [texts.text("en", "received")]
    assert last_inbound(session).route == "inbox"


@pytest.mark.parametrize("body", ["INFO", "ACTIONS", "CHARTER", "RESULTS"])
def test_a_contact_who_has_not_confirmed_is_told_to_join(session, sms, world, body):
    add_contact(session, world.partnership, PHONE, locale="en", pending=True)
    assert sms(body).replies == [texts.text("en", "not_joined")]


@pytest.mark.parametrize("body", ["HELP", "INFO", "ACTIONS", "CHARTER", "RESULTS"])
def test_a_contact_who_sent_stop_gets_nothing(session, sms, world, body):
    add_contact(session, world.partnership, PHONE, locale="en", opted_out=True)
    assert sms(body).replies == []


# INFO


def test_info_names_the_partnership_its_facilitators_and_the_keywords_on(
    session, sms, world, member
):
    switch_off(session, world.partnership, "ask_results")
    assert sms("info").replies == [
        "1/2 Caguán is facilitated by Lucia Hernandez.",
        "2/2 Write to this number: the facilitators read every message. You can send: "
        "ACTIONS, CHARTER, REPORT, STATUS, ALERT, NEWS, HELP.",
    ]
    assert last_inbound(session).route == "ask_info"


def test_info_names_the_organisation_a_facilitator_speaks_for(session, make, sms, world, member):
    agency = make.partner(world.partnership, name="UN agency", sector="international_organisation")
    membership = session.scalar(
        select(Membership).where(Membership.user_id == world.facilitator.id)
    )
    membership.partner_id = agency.id
    session.flush()
    assert sms("INFO").replies[0] == "1/2 Caguán is facilitated by UN agency."


def test_info_in_a_sentence_is_an_ordinary_message(session, sms, member):
    assert sms("info about the meeting please").replies == [texts.text("en", "received")]
    assert last_inbound(session).route == "inbox"


# ACTIONS and MORE


def test_actions_lists_the_contact_place_first_then_pages_on_with_more(session, sms, world, member):
    world.checklist()
    assert sms("ACTIONS").replies == [
        "1/2 Commitments for Vereda La Esperanza:\n"
        f"1. Road repair (Town council): In progress, late since {world.day(-10)}",
        f"2/2 2. Water supply (Palm company): In progress, due {world.day(45)}\n"
        "3. Stream banks (Palm company): In progress\nSend MORE for more.",
    ]
    assert sms("MORE").replies == [
        "Commitments for Vereda La Esperanza:\n"
        f"4. Community radio (Town council): Planned, due {world.day(30)}\n"
        "5. Haulage hours (Palm company): Done"
    ]
    assert sms("more").replies == ["No more commitments. Send ACTIONS and a place for others."]
    routes = session.scalars(select(InboundMessage.route).order_by(InboundMessage.id)).all()
    assert routes == ["ask_actions", "ask_more", "ask_more"]


def test_actions_with_a_place_ignores_case_and_accents(sms, world, member):
    world.checklist()
    assert sms("actions bajo caguán").replies == [
        "Commitments for Bajo Caguan:\n"
        f"1. Footbridge (Town council): Planned, due {world.day(5)}\n"
        f"2. Community radio (Town council): Planned, due {world.day(30)}"
    ]


def test_part_of_a_place_name_matches_every_place_holding_it(sms, world, member):
    world.checklist()
    replies = sms("ACTIONS vereda").replies
    assert replies[0].startswith("1/2 Commitments for vereda:\n1. Road repair")
    assert "4." not in " ".join(replies)  # three a page
    assert replies[-1].endswith("Send MORE for more.")


def test_actions_without_a_known_place_lists_them_all(session, sms, world):
    add_contact(session, world.partnership, PHONE, locale="en")  # linked to no participant
    world.checklist()
    assert sms("ACTIONS").replies == [
        "1/2 Our commitments:\n"
        f"1. Road repair (Town council): In progress, late since {world.day(-10)}\n"
        f"2. Footbridge (Town council): Planned, due {world.day(5)}",
        f"2/2 3. Community radio (Town council): Planned, due {world.day(30)}\nSend MORE for more.",
    ]


def test_actions_with_an_unknown_place_names_known_ones_and_keeps_the_message(
    session, sms, world, member
):
    world.checklist()
    assert sms("ACTIONS Florencia").replies == [
        "We do not know Florencia. Try: Vereda La Esperanza, Bajo Caguan, San Vicente, "
        "Vereda Los Pozos"
    ]
    message = last_inbound(session)
    assert (message.route, message.in_inbox, message.body) == (
        "ask_actions",
        True,
        "ACTIONS Florencia",
    )
    assert sms("MORE").replies == [
        "We do not know Florencia. Try: Vereda La Esperanza, Bajo Caguan, San Vicente, "
        "Vereda Los Pozos"
    ]


def test_actions_followed_by_a_sentence_is_an_ordinary_message(session, sms, world, member):
    world.checklist()
    body = "actions of the company are polluting the river again"
    assert sms(body).replies == [texts.text("en", "received")]
    assert (last_inbound(session).route, last_inbound(session).in_inbox) == ("inbox", True)


def test_more_after_anything_else_is_an_ordinary_message(session, sms, world, member):
    world.checklist()
    sms("ACTIONS")
    sms("the road is muddy")
    assert sms("MORE").replies == []  # the daily "received" went to the message before
    assert last_inbound(session).route == "inbox"


def test_more_a_day_after_actions_is_an_ordinary_message(session, sms, world, member):
    world.checklist()
    sms("ACTIONS")
    asked = last_inbound(session)
    asked.received_at = datetime.now(UTC) - timedelta(days=1, minutes=1)
    session.flush()
    sms("MORE")
    assert last_inbound(session).route == "inbox"


def test_actions_when_there_are_none(session, sms, world, member):
    assert sms("ACTIONS").replies == [
        "No commitments for Vereda La Esperanza yet. Send ACTIONS for all."
    ]


def test_actions_lists_in_a_query_count_that_does_not_grow_with_actions(
    session, sms, world, member, count_queries
):
    world.checklist()
    with count_queries() as few:
        sms("ACTIONS")
    for n in range(30):
        world.action(f"Action {n}", world.council, due=n, places=[ESPERANZA])
    with count_queries() as many:
        sms("ACTIONS")
    assert many["n"] == few["n"]


def test_place_matching():
    known = ["San Vicente del Caguán", "Bajo Caguán", "Vereda La Esperanza"]
    assert commitments.match_places(known, "BAJO caguan") == ["Bajo Caguán"]
    assert commitments.match_places(known, "caguan") == ["San Vicente del Caguán", "Bajo Caguán"]
    assert commitments.match_places(known, "la esperanza") == ["Vereda La Esperanza"]
    assert commitments.match_places(known, "la") == []  # too short to be part of a name
    assert commitments.match_places(known, "Florencia") == []


# CHARTER


def adopt(session, partnership, goals):
    version = CharterVersion(
        partnership_id=partnership.id,
        number=2,
        status="adopted",
        adopted_at=datetime(2026, 3, 3, 15, tzinfo=UTC),
        content={"goals": goals},
    )
    session.add(version)
    session.flush()
    return version


def goal(n: int, title: str, due: str | None = None) -> dict:
    return {"key": f"{n:032x}", "title": {"en": title, "es": f"{title} (es)"}, "due": due}


def test_charter_sums_up_the_goals_of_the_charter_in_force(session, sms, world, member):
    adopt(
        session,
        world.partnership,
        [goal(1, "Fewer land and water conflicts", "2027-12-31"), goal(2, "Local jobs")],
    )
    assert sms("CHARTER").replies == [
        "Our charter, version 2, adopted Mar 3, 2026. Its goals:\n"
        "1. Fewer land and water conflicts, by Dec 2027\n2. Local jobs"
    ]


def test_a_long_charter_is_cut_after_three_parts(session, sms, world, member):
    goals = [
        goal(n, f"Goal number {n} of a long and detailed charter", "2027-06-30") for n in range(12)
    ]
    adopt(session, world.partnership, goals)
    replies = sms("CHARTER").replies
    assert [reply[:4] for reply in replies] == ["1/3 ", "2/3 ", "3/3 "]
    assert replies[-1].endswith("...")
    assert all(measure(normalise(reply)).segments == 1 for reply in replies)


def test_charter_before_one_is_adopted(sms, member):
    assert sms("CHARTER").replies == ["The partners have not adopted a charter yet."]


def test_charter_in_a_sentence_is_an_ordinary_message(session, sms, member):
    assert sms("charter meeting is tomorrow?").replies == [texts.text("en", "received")]


# RESULTS


def closed_consultation(session, partnership, title, *, days_ago, audience, outcome=None):
    consultation = Consultation(
        partnership_id=partnership.id,
        title={"en": title},
        status="closed",
        channels=["sms"],
        audience=audience,
        closes_at=datetime(2026, 5, 3, 12, tzinfo=UTC) - timedelta(days=days_ago),
        outcome=outcome or {},
    )
    session.add(consultation)
    session.flush()
    return consultation


def answers(session, consultation, count: int) -> None:
    for _ in range(count):
        session.add(Response(consultation_id=consultation.id, channel="sms", state="complete"))
    session.add(Response(consultation_id=consultation.id, channel="sms", state="in_progress"))
    session.flush()


def need(text: str, goal_key: str | None = None) -> dict:
    return {"key": text[:8], "text": {"en": text}, "goal_key": goal_key}


def test_results_give_the_headline_of_the_latest_consultation_the_contact_could_answer(
    session, sms, world, member
):
    invited = closed_consultation(
        session,
        world.partnership,
        "Water and roads",
        days_ago=10,
        audience={"contacts": True, "localities": [ESPERANZA]},
        outcome={
            "needs": [need("Clean water", "a" * 32), need("Safe roads"), need("Jobs"), need("X")],
            "risks": [need("Floods", "b" * 32)],
        },
    )
    session.add(Participation(consultation_id=invited.id, contact_id=member.id, channel="sms"))
    answers(session, invited, 3)
    # Newer, but for another place and without this contact: not theirs to answer.
    closed_consultation(
        session,
        world.partnership,
        "Bridge",
        days_ago=1,
        audience={"contacts": True, "localities": [BAJO]},
    )
    assert sms("RESULTS").replies == [
        "Water and roads, closed Apr 23, 2026. Answers: 3. Main needs: Clean water; Safe "
        "roads; Jobs. Now charter goals: Clean water; Floods."
    ]


def test_results_of_a_consultation_open_to_every_contact(session, sms, world, member):
    closed_consultation(
        session, world.partnership, "Everyone's say", days_ago=2, audience={"contacts": True}
    )
    assert sms("RESULTS").replies == ["Everyone's say, closed May 1, 2026. Answers: 0."]


def test_results_before_any_consultation_closed(sms, member):
    assert sms("RESULTS").replies == ["No consultation has closed yet: no results to share."]


# Every reply fits, in every language


ACCENTED = {
    "title": "Acueducto veredal y tanques de almacenamiento de agua para la Vereda La Esperanza",
    "lead": "Agroforestal del Caguán S.A.S. y Alcaldía de San Vicente del Caguán",
}


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_every_reply_fits_one_segment_a_part_in_every_language(session, make, sms, world, locale):
    world.partnership.name = "Alianza por la Seguridad Humana del Caguán y sus veredas"
    lead = make.partner(world.partnership, name=ACCENTED["lead"])
    add_contact(session, world.partnership, PHONE, locale=locale, participant=world.esperanza)
    for n in range(5):
        world.action(f"{ACCENTED['title']} {n}", lead, due=n - 2, places=[ESPERANZA])
    adopt(session, world.partnership, [goal(n, ACCENTED["title"], "2027-01-31") for n in range(4)])
    consultation = closed_consultation(
        session,
        world.partnership,
        ACCENTED["title"],
        days_ago=1,
        audience={"contacts": True},
        outcome={"needs": [need(ACCENTED["title"], "c" * 32) for _ in range(3)]},
    )
    answers(session, consultation, 2)
    words = {name: texts.first_word(locale, entry) for name, entry in KEYWORDS.items()}
    sent = []
    for body in ("HELP", "INFO", words["ask_actions"], words["ask_more"], "CHARTER", "RESULTS"):
        replies = sms(body).replies
        assert replies, (locale, body)
        sent += replies
    sent += sms("ACTIONS Cartagena del Chairá").replies
    for reply in sent:
        assert measure(normalise(reply)).segments == 1, (locale, reply)


SAMPLES = {
    "place": "Vereda La Esperanza",
    "places": "Vereda Los Pozos, Bajo Caguán",
    "name": "Alianza Caguán",
    "people": "Lucía Hernández",
    "words": "ACCIONES, CARTA, RESULTADOS, QUEJA, ESTADO, NOTICIAS, AYUDA",
    "title": "Acueducto veredal",
    "lead": "Agroforestal",
    "status": "En curso",
    "due": "15 mar 2026",
    "date": "3 mar 2026",
    "number": 2,
    "count": 312,
    "needs": "Agua limpia; Vías seguras; Empleo",
    "goals": "Agua limpia; Vías seguras",
}


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_fits_one_segment_with_realistic_values(locale, key):
    written = normalise(texts.with_keywords(locale, TEXTS[key], TEXT_KEYWORDS, **SAMPLES))
    assert measure(written).segments == 1, (locale, key, written)


HELP_LINES = [
    *((KEYWORDS[name], hint) for name, hint in HINTS.items()),
    *((grievance_messages.KEYWORDS[key], hint) for key, hint in grievance_sms.HELP_HINTS.items()),
]


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("line", range(len(HELP_LINES)))
def test_every_help_line_fits_one_segment(locale, line):
    entry, hint = HELP_LINES[line]
    written = normalise(texts.help_line(locale, entry, hint))
    assert measure(written).segments == 1, (locale, written)


def test_spanish_words_ask_too(session, sms, world, member):
    member.locale = "es"
    world.checklist()
    routes = []
    for body in ("ACCIONES", "MAS", "CARTA", "RESULTADOS", "INFO", "AYUDA"):
        assert sms(body).replies
        routes.append(last_inbound(session).route)
    assert routes == ["ask_actions", "ask_more", "ask_charter", "ask_results", "ask_info", "help"]
