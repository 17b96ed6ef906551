"""Community votes: putting a subject to the community (and every refusal), reading SUPPORT
and RANKING replies, one ballot per contact, the results with small groups pooled, and the
pages through HTTP."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hsbp import demo
from hsbp.community import assemblies, talks, tallies
from hsbp.community.models import Ballot, Vote
from hsbp.community.vote_forms import suggest_question
from hsbp.community.vote_replies import TEXTS, read_reply, text
from hsbp.consultations import outcome
from hsbp.consultations import services as consultation_services
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.monitoring.review_models import Decision, Review
from hsbp.principles import services as charter
from hsbp.sms import contacts, texts
from hsbp.sms.encoding import measure, normalise
from tests.community.vote_world import QUESTION, put, resident, seed, tag_id, world
from tests.principles import form_fields, proposed_version
from tests.sms.conftest import PHONE, page_text
from tests.sms.conftest import sms as sms  # the fixture

RANKING = {
    "title": {"es": "Prioridades del agua"},
    "question": {"es": "Ordene: 1 Acueducto 2 Pozos 3 Tanques. Responda los dígitos, ej. 312"},
    "options": {"es": ["Acueducto", "Pozos", "Tanques"]},
}


def say(key: str, locale="es", **values) -> str:
    return normalise(text(locale, key, **values))


@pytest.fixture
def setup(session, make):
    return world(session, make)


@pytest.fixture
def version(session, setup):
    return proposed_version(session, setup)


@pytest.fixture
def contact(session, setup):
    return resident(session, setup, phone=PHONE)


def refusal(session, setup, subject, **fields) -> tuple[str, str | None]:
    with pytest.raises(ServiceError) as refused:
        put(session, setup, subject, **fields)
    return str(refused.value.message), refused.value.field


def figures(group) -> tuple:
    f = group.figures
    return (group.label, f.answered if f else None, dict(f.counts) if f else None, group.members)


# Reading replies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("1", "support"),
        (" 2 ", "object"),
        ("3.", "info"),
        ("٣", "info"),
        ("4", None),
        ("12", None),
        ("sí", None),
        ("", None),
    ],
)
def test_a_support_reply_is_one_digit_of_three(reply, value):
    assert read_reply(Vote(kind="support", options=[]), reply) == value


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("312", (2, 0, 1)),
        ("3 1 2", (2, 0, 1)),
        ("3,1", (2, 0)),
        ("2", (1,)),
        ("٣١٢", (2, 0, 1)),
        ("331", None),
        ("4", None),
        ("0", None),
        ("primero 3", None),
    ],
)
def test_a_ranking_reply_is_distinct_digits_in_range(reply, value):
    vote = Vote(kind="ranking", options=[{"key": k, "label": {}} for k in "abc"])
    assert read_reply(vote, reply) == value


# Voting by SMS -----------------------------------------------------------------------------


def test_one_ballot_per_contact_changed_by_a_second_answer(session, sms, setup, version, contact):
    vote = put(session, setup, {"charter_version": version})
    sms("1")
    assert sms("3").replies == [say("changed")]
    assert sms("3").replies == [say("thanks")]

    assert session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert tallies.support_counts(session, vote_id=vote.id) == {
        "support": 0,
        "object": 0,
        "info": 1,
    }


def test_a_ranking_out_of_range_or_repeated_is_asked_again_with_the_reason(
    session, sms, setup, contact
):
    vote = put(session, setup, {}, **RANKING)
    assert sms("4").replies == [say("ranking_retry", high=3, example="312")]
    assert sms("113").replies == [say("ranking_repeated", example="312")]
    assert sms("31").replies == [say("thanks")]
    ballot = session.scalar(select(Ballot))
    keys = [o["key"] for o in vote.options]
    assert (ballot.choice, ballot.ranking) == ("31", [keys[2], keys[0]])


def test_the_ballot_keeps_the_constituency_of_its_first_answer(session, sms, setup, version):
    youth = tag_id(session, setup.partnership, "youth")
    person = resident(session, setup, phone=PHONE, locality="Peñas Blancas", tags=("youth",))
    put(session, setup, {"charter_version": version})
    sms("1")
    member = contacts.membership(session, contact=person, partnership_id=setup.partnership.id)
    member.participant_id = None  # unlinked since
    session.flush()
    sms("2")
    ballot = session.scalar(select(Ballot))
    assert (ballot.choice, ballot.locality, ballot.sector, ballot.tag_ids) == (
        "object",
        "Peñas Blancas",
        "community_group",
        [youth],
    )
    assert ballot.created_at.hour == 0  # the day, not the time of the SMS


# Results -----------------------------------------------------------------------------------


def test_results_by_locality_pool_small_groups_and_the_smallest_shown_one(
    session, setup, version, contact
):
    vote = put(session, setup, {"charter_version": version})
    seed(
        session,
        vote,
        [
            ("support", "Aguas Claras", "community_group", [], 4),
            ("object", "Aguas Claras", "community_group", [], 2),
            ("object", "Brisas", "community_group", [], 5),
            ("info", "Chorreras", "community_group", [], 3),
            ("support", "Delicias", "civil_society", [], 1),
        ],
    )
    result = tallies.tally(session, vote=vote, locale="en", fallback="es")

    assert (result.answered, result.figures.counts) == (
        15,
        {"support": 5, "object": 7, "info": 3},
    )
    by = {b.dimension: b for b in result.breakdowns}
    # Chorreras (3) and Delicias (1) make 4: Brisas, the smallest shown, joins them.
    assert [figures(g) for g in by["locality"].groups] == [
        ("Aguas Claras", 6, {"support": 4, "object": 2, "info": 0}, []),
        (
            "Pooled: groups of fewer than 5",
            9,
            {"support": 1, "object": 5, "info": 3},
            ["Brisas", "Chorreras", "Delicias"],
        ),
    ]
    # One sector of 1: the pool takes the only other one, so nothing is told apart.
    assert [figures(g) for g in by["sector"].groups] == [
        (
            "Pooled: groups of fewer than 5",
            15,
            {"support": 5, "object": 7, "info": 3},
            ["Civil society", "Community group"],
        )
    ]


def test_results_by_group_count_each_ballot_once_in_the_pool(session, setup, version, contact):
    women = tag_id(session, setup.partnership, "women")
    youth = tag_id(session, setup.partnership, "youth")
    older = tag_id(session, setup.partnership, "older")
    vote = put(session, setup, {"charter_version": version})
    seed(
        session,
        vote,
        [
            ("support", "A", "community_group", [women], 5),
            ("object", "A", "community_group", [women, youth], 2),
            ("object", "A", "community_group", [youth, older], 2),
            ("info", "A", "community_group", [older], 1),
        ],
    )
    by = {
        b.dimension: b
        for b in tallies.tally(session, vote=vote, locale="en", fallback="es").breakdowns
    }
    assert [figures(g) for g in by["tag"].groups] == [
        ("Women", 7, {"support": 5, "object": 2, "info": 0}, []),
        # Youth (4) and older people (3) share 2 ballots: 5 people, each counted once.
        (
            "Pooled: groups of fewer than 5",
            5,
            {"support": 0, "object": 4, "info": 1},
            ["Youth", "Older people"],
        ),
    ]


def test_fewer_than_five_ballots_show_their_number_only(session, setup, version, contact):
    vote = put(session, setup, {"charter_version": version})
    seed(session, vote, [("support", "A", "community_group", [], 4)])
    result = tallies.tally(session, vote=vote, locale="en", fallback="es")
    assert (result.answered, result.figures, result.breakdowns) == (4, None, [])


def test_a_ranking_is_counted_by_borda_points(session, setup, contact):
    vote = put(session, setup, {}, **RANKING)
    seed(
        session,
        vote,
        [
            ("312", "A", "community_group", [], 3),  # Tanques 2, Acueducto 1, Pozos 0 each
            ("21", "A", "community_group", [], 2),  # Pozos 2, Acueducto 1, Tanques none
            ("1", "B", "community_group", [], 1),  # Acueducto 2
        ],
    )
    result = tallies.tally(session, vote=vote, locale="es", fallback="es")
    keys = [o["key"] for o in vote.options]
    assert result.columns == [(keys[0], "Acueducto"), (keys[2], "Tanques"), (keys[1], "Pozos")]
    assert result.figures.counts == {keys[0]: 7, keys[1]: 4, keys[2]: 6}
    assert result.figures.firsts == {keys[0]: 1, keys[1]: 2, keys[2]: 3}
    assert result.answered == 6


# Refusals ----------------------------------------------------------------------------------


def test_a_question_over_one_sms_is_refused(session, setup, version, contact):
    long = "¿Apoya la carta? " + "Responda 1 apoyo, 2 me opongo, 3 más información. " * 2
    assert refusal(session, setup, {"charter_version": version}, question={"es": long}) == (
        "This text takes 2 SMS: shorten it to one (70 characters with these letters, it has 116).",
        "question_es",
    )
    assert session.scalar(select(func.count()).select_from(Vote)) == 0


def test_putting_a_draft_or_twice_or_nobody_or_a_past_date_is_refused(
    session, setup, version, contact
):
    put(session, setup, {"charter_version": version})
    assert refusal(session, setup, {"charter_version": version}) == (
        "A vote on this is open already: close it first.",
        None,
    )
    charter.withdraw(session, actor=setup.facilitator, version=version)
    assert refusal(session, setup, {"charter_version": version})[0] == (
        "Only a proposed charter version can be put to a vote."
    )
    assert refusal(session, setup, {}, **RANKING, audience="locality:Nowhere") == (
        "Nobody in this audience can receive messages.",
        "audience",
    )
    past = datetime.now(UTC) - timedelta(hours=1)
    assert refusal(session, setup, {}, **RANKING, closes_at=past) == (
        "The vote must close in the future.",
        "closes_on",
    )


def test_a_ranking_needs_two_to_nine_options_alike_in_every_language(session, setup, contact):
    one = {**RANKING, "options": {"es": ["Acueducto"]}}
    assert refusal(session, setup, {}, **one) == (
        "Give 2 to 9 options, one a line.",
        "options_es",
    )
    uneven = {**RANKING, "options": {"es": ["Acueducto", "Pozos"], "en": ["Aqueduct"]}}
    assert refusal(session, setup, {}, **uneven) == (
        "Write as many options as in the default language, in the same order.",
        "options_en",
    )


def test_a_subject_of_another_partnership_is_refused(session, setup, make, contact):
    other = world(session, make, sender="+15005550007", code="OTRA")
    theirs = proposed_version(session, other)
    assert refusal(session, setup, {"charter_version": theirs})[0] == (
        "Only a proposed charter version can be put to a vote."
    )


# SMS texts ---------------------------------------------------------------------------------

SAMPLES = {"title": "Carta, versión 2", "high": "9", "example": "912345678"}


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(k for k in TEXTS if k not in ("support", "ranking")))
def test_every_vote_text_fits_one_segment(locale, key):
    source = TEXTS[key]
    values = {name: v for name, v in {**SAMPLES, "number": "12"}.items() if f"%({name})" in source}
    written = normalise(
        texts.catalog(locale).gettext(source) % values
        if values
        else texts.catalog(locale).gettext(source)
    )
    assert measure(written).segments == 1, (locale, key, written)


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_the_suggested_questions_fit_one_segment(locale):
    support = suggest_question(locale, "Carta de la Mesa del Caguán, versión 2, con enmiendas", [])
    ranking = suggest_question(
        locale, "Prioridades de la consulta", ["Acueducto veredal", "Pozos profundos", "Tanques"]
    )
    assert (measure(support).segments, measure(ranking).segments) == (1, 1), (support, ranking)


def test_the_suggested_question_shortens_the_title():
    assert suggest_question("en", "Charter version 2", []) == (
        "Charter version 2? Reply 1 support, 2 object, 3 need more information"
    )
    assert suggest_question("es", "Carta de la Mesa del Caguán, versión 2", []).startswith("Carta")


# Pages -------------------------------------------------------------------------------------


def test_the_form_prefills_a_charter_vote_checks_the_length_and_puts_it(
    session, client, login, setup, version, contact
):
    login(setup.facilitator)
    base = f"/p/{setup.partnership.id}/community/votes"
    page = client.get(f"{base}/new?charter={version.number}")
    assert page.status_code == 200
    assert "Charter version 1? Reply 1 support, 2 object, 3 need more information" in page_text(
        page
    )

    form = {
        "title_es": "Carta, versión 1",
        "question_es": "¿Apoya la versión? " + "x" * 80,
        "title_en": "",
        "question_en": "",
        "audience": "all",
        "closes_on": (date.today() + timedelta(days=10)).isoformat(),
    }
    checked = client.post(f"{base}/new?charter={version.number}", data={**form, "check": "1"})
    assert checked.status_code == 200
    assert "99 characters, 2 SMS (UCS-2)" in page_text(checked)
    assert session.scalar(select(func.count()).select_from(Vote)) == 0

    refused = client.post(f"{base}/new?charter={version.number}", data={**form, "send": "1"})
    assert refused.status_code == 422
    assert "shorten it to one (70 characters with these letters, it has 99)" in page_text(refused)

    form["question_es"] = QUESTION
    sent = client.post(f"{base}/new?charter={version.number}", data={**form, "send": "1"})
    vote = session.scalar(select(Vote))
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"{base}/{vote.id}")
    assert (vote.charter_version_id, vote.question, vote.title) == (
        version.id,
        {"es": QUESTION},
        {"es": "Carta, versión 1"},
    )


def test_the_form_puts_a_decision_of_the_log(session, client, login, setup, contact):
    review = Review(
        partnership_id=setup.partnership.id,
        title={"es": "Revisión"},
        scheduled_at=datetime.now(UTC),
    )
    session.add(review)
    session.flush()
    decision = Decision(
        partnership_id=setup.partnership.id,
        review_id=review.id,
        text="Reparar la vía a Peñas Blancas antes de junio",
    )
    session.add(decision)
    session.flush()
    new = f"/p/{setup.partnership.id}/community/votes/new?decision={decision.id}"
    log = f"/p/{setup.partnership.id}/monitoring/decisions"
    login(setup.observer)
    assert new not in client.get(log).get_data(as_text=True)
    login(setup.facilitator)
    assert f'href="{new}"' in client.get(log).get_data(as_text=True)
    page = client.get(new)
    assert page.status_code == 200
    assert "Reparar la vía a Peñas Blancas antes de junio" in page_text(page)
    form = {
        "title_es": "Reparar la vía",
        "question_es": "¿Reparar la vía en junio? 1 apoyo, 2 me opongo, 3 más información",
        "audience": "all",
        "closes_on": (date.today() + timedelta(days=5)).isoformat(),
        "send": "1",
    }
    assert client.post(new, data=form).status_code == 302
    vote = session.scalar(select(Vote))
    assert (vote.subject, vote.decision_id, vote.kind) == ("decision", decision.id, "support")


@pytest.mark.parametrize(
    "query",
    ["charter=99", "charter=abc", "decision=0", "consultation=-1", "decision=99999999999999999999"],
)
def test_the_form_answers_404_to_a_subject_it_cannot_find(client, login, setup, query):
    login(setup.facilitator)
    assert client.get(f"/p/{setup.partnership.id}/community/votes/new?{query}").status_code == 404


def test_the_vote_page_shows_the_tally_by_locality_and_closes(
    session, client, login, setup, version, contact
):
    vote = put(session, setup, {"charter_version": version})
    seed(
        session,
        vote,
        [
            ("support", "Aguas Claras", "community_group", [], 6),
            ("object", "Brisas", "community_group", [], 5),
            ("info", "Chorreras", "community_group", [], 2),
        ],
    )
    login(setup.observer)
    page = client.get(f"/p/{setup.partnership.id}/community/votes/{vote.id}")
    assert page.status_code == 200
    shown = page_text(page)
    assert "Aguas Claras 6 6 (100%) 0 (0%) 0 (0%)" in shown
    assert "Pooled: groups of fewer than 5 Brisas , Chorreras 7 0 (0%) 5 (71%) 2 (29%)" in shown
    assert (
        client.post(f"/p/{setup.partnership.id}/community/votes/{vote.id}/close").status_code == 404
    )

    login(setup.facilitator)
    closed = client.post(f"/p/{setup.partnership.id}/community/votes/{vote.id}/close")
    assert closed.status_code == 302
    session.refresh(vote)
    assert vote.status == "closed"


def test_vote_pages_are_404_to_other_partnerships(session, client, login, setup, version, make):
    other = world(session, make, sender="+15005550007", code="OTRA")
    login(other.facilitator)
    resident(session, setup)
    vote = put(session, setup, {"charter_version": version})
    assert client.get(f"/p/{other.partnership.id}/community/votes/{vote.id}").status_code == 404
    assert (
        client.post(f"/p/{other.partnership.id}/community/votes/{vote.id}/close").status_code == 404
    )


def test_the_vote_page_runs_the_same_queries_for_11_or_71_ballots(
    session, client, login, setup, version, contact, count_queries
):
    women = tag_id(session, setup.partnership, "women")
    vote = put(session, setup, {"charter_version": version})
    large = [
        ("support", "A", "community_group", [women], 1),
        ("object", "B", "civil_society", [], 1),
    ]
    seed(session, vote, large * 5 + [("info", "C", "community_group", [], 1)])
    login(setup.facilitator)
    page = f"/p/{setup.partnership.id}/community/votes/{vote.id}"
    with count_queries() as few:
        client.get(page)
    seed(session, vote, large * 30)
    with count_queries() as many:
        answer = client.get(page)
    assert many["n"] == few["n"]
    assert "Answers by SMS: 71" in page_text(answer)


def test_the_list_of_votes_runs_the_same_queries_for_one_or_three(
    session, client, login, setup, contact, count_queries
):
    put(session, setup, {}, **RANKING)
    login(setup.facilitator)
    page = f"/p/{setup.partnership.id}/community/votes"
    with count_queries() as one:
        client.get(page)
    put(session, setup, {}, **RANKING)
    put(session, setup, {}, **RANKING)
    with count_queries() as three:
        answer = client.get(page)
    assert three["n"] == one["n"]
    assert page_text(answer).count("Prioridades del agua") == 3


def test_the_demo_charter_proposal_has_a_vote_with_one_pooled_place(session):
    demo.seed_if_empty(session)
    vote = session.scalars(select(Vote)).one()
    result = tallies.tally(session, vote=vote, locale="en", fallback="es")
    by = {b.dimension: b for b in result.breakdowns}
    assert (vote.status, result.answered) == ("open", 37)
    assert [(g.label, g.figures.answered, g.members) for g in by["locality"].groups] == [
        ("Río Pato", 7, []),
        ("San Vicente del Caguán", 16, []),
        ("Vereda La Esperanza", 9, []),
        ("Pooled: groups of fewer than 5", 5, ["Bajo Caguán", "Vereda Los Pozos"]),
    ]
    asked = talks.progress(session, kind="vote", subject_ids=[vote.id])[vote.id]
    assert asked["asked"] == 8  # the demo's confirmed contacts, in the phone simulator


def test_the_vote_page_shows_an_assembly_that_voted_on_it(
    session, client, login, make, setup, version, contact
):
    vote = put(session, setup, {"charter_version": version})
    junta = make.partner(setup.partnership, name="Junta de Peñas Blancas", sector="community_group")
    assemblies.record(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        vote=vote,
        partner_id=junta.id,
        witness_partner_id=setup.partners[0].id,
        # Today where the assembly met: a day ahead of Bogotá's while UTC is past midnight.
        held_on=datetime.now(setup.partnership.zone).date(),
        place="Escuela de Peñas Blancas",
        present_total=20,
        present={},
        result="support",
        counts={"support": 15, "object": 3, "info": 2},
        minutes="Acta: 15 a favor, 3 en contra, 2 piden más información.",
    )
    login(setup.observer)
    shown = page_text(client.get(f"/p/{setup.partnership.id}/community/votes/{vote.id}"))
    assert "Junta de Peñas Blancas" in shown
    assert "Recorded in an assembly Awaiting its witness 20 people present." in shown
    assert "Support: 15 · Object: 3 · Need more information: 2" in shown


def test_a_consultations_outcome_is_put_to_the_community_to_rank(
    session, client, login, setup, contact
):
    consultation = consultation_services.create_consultation(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        fields={
            "title": {"es": "Agua y caminos", "en": "Water and roads"},
            "purpose": {"es": "Qué necesita cada vereda"},
            "dimensions": ["environmental"],
            "audience": {"contacts": True, "members": True},
            "channels": ["web", "sms"],
            "anonymous": False,
        },
    )
    outcome.save_outcome(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        raw={
            "needs": [
                {"text": {"es": "Acueducto veredal", "en": "Village water supply"}},
                {"text": {"es": "Arreglo de la vía", "en": "Road repair"}},
            ],
            "risks": [{"text": {"es": "Conflicto por tierras"}}],
        },
    )
    login(setup.facilitator)
    base = f"/p/{setup.partnership.id}"
    new = f"{base}/community/votes/new?consultation={consultation.id}"
    assert f'href="{new}"' in client.get(f"{base}/consultations/{consultation.id}").get_data(
        as_text=True
    )
    fields = form_fields(client.get(new).get_data(as_text=True))
    assert fields["options_es"].split("\n") == [
        "Acueducto veredal",
        "Arreglo de la vía",
        "Conflicto por tierras",
    ]
    assert fields["options_en"] == ""  # one item is not written in English
    assert fields["question_es"].endswith(" 312")  # the example of a ranking, in Spanish
    assert client.post(new, data={**fields, "send": "1"}).status_code == 302
    vote = session.scalar(select(Vote))
    assert (vote.kind, vote.consultation_id, [o["label"] for o in vote.options]) == (
        "ranking",
        consultation.id,
        [{"es": "Acueducto veredal"}, {"es": "Arreglo de la vía"}, {"es": "Conflicto por tierras"}],
    )
    page = page_text(client.get(f"{base}/community/votes/{vote.id}"))
    assert "Water and roads" in page  # the consultation, in the reader's language
