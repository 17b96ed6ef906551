"""The counts behind the results are kept until a response is finished, and never served
stale: a finished response, a partial one or a new question version shows at once."""

from sqlalchemy import update

from hsbp.consultations import tallies
from hsbp.consultations.models import Question, Response, ResultsCache
from tests.consultations.test_results import compute, counts, fixture_answers, respond


def test_a_second_view_reads_the_stored_counts(session, build, partnership, count_queries):
    consultation = fixture_answers(session, build, partnership)
    first = compute(session, consultation)
    with count_queries() as counted:
        again = compute(session, consultation)
    assert tallies.tally(session, consultation.id).from_cache
    # The fingerprint, the stored counts, the tags and the response rates: no GROUP BY of answers.
    assert counted["n"] <= 4
    assert counts(again.questions[0].options) == counts(first.questions[0].options)
    assert again.questions[5].stats == first.questions[5].stats


def test_a_finished_response_changes_the_figures_at_once(session, build, partnership):
    consultation = fixture_answers(session, build, partnership)
    assert compute(session, consultation).questions[0].options[0].count == 7  # river
    respond(session, consultation, sector="company", water="river")
    found = compute(session, consultation)
    assert (found.complete, found.questions[0].options[0].count) == (17, 8)
    stored = session.get(ResultsCache, consultation.id)
    session.refresh(stored)
    assert stored.fingerprint.count("complete:17") == 1


def test_a_response_in_progress_counts_once_it_ends(session, build, partnership):
    consultation = fixture_answers(session, build, partnership)
    before = compute(session, consultation)
    # The fixture's response in progress (river) is closed as partial, e.g. by the closing.
    session.execute(
        update(Response)
        .where(Response.consultation_id == consultation.id, Response.state == "in_progress")
        .values(state="partial")
    )
    after = compute(session, consultation)
    assert after.partial == before.partial + 1
    assert after.questions[0].options[0].count == before.questions[0].options[0].count + 1


def test_a_removed_response_is_no_longer_counted(session, build, partnership):
    consultation = fixture_answers(session, build, partnership)
    before = compute(session, consultation)
    first = session.scalars(
        Response.__table__.select()
        .with_only_columns(Response.id)
        .where(Response.consultation_id == consultation.id, Response.state == "complete")
        .limit(1)
    ).one()
    session.delete(session.get(Response, first))
    session.flush()
    after = compute(session, consultation)
    assert after.respondents == before.respondents - 1
    assert after.questions[0].answered == before.questions[0].answered - 1


def test_a_new_question_version_is_counted_apart(session, build, partnership):
    consultation = fixture_answers(session, build, partnership)
    water = compute(session, consultation).questions[0].question
    # What editing an answered question does: retire it, put a new version in its place.
    water.retired = True
    successor = Question(
        consultation_id=consultation.id,
        position=water.position,
        version=2,
        replaces_id=water.id,
        kind=water.kind,
        text={"es": "¿De dónde sale el agua?"},
        choices=water.choices,
    )
    consultation.questions.append(successor)
    session.flush()
    found = {q.question.id: q for q in compute(session, consultation).questions}
    assert water.id not in found
    assert found[successor.id].answered == 0  # nothing answered to the new version yet


def test_the_counts_are_stored_per_consultation(session, build, partnership):
    one = fixture_answers(session, build, partnership)
    other = build()
    compute(session, one)
    found = compute(session, other)
    assert found.respondents == 0
    assert session.get(ResultsCache, other.id) is not None


def test_a_slow_count_is_redone_at_most_once_a_minute(
    client, login, session, build, partnership, facilitator
):
    consultation = fixture_answers(session, build, partnership)
    compute(session, consultation)
    stored = session.get(ResultsCache, consultation.id)
    stored.duration_ms = tallies.SLOW_COUNT_MS + 1  # as if it had 50,000 respondents
    session.flush()
    respond(session, consultation, sector="company", water="river")

    found = compute(session, consultation)
    assert found.counted_at == stored.computed_at
    assert (found.complete, found.questions[0].options[0].count) == (16, 7)  # of that moment
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/consultations/{consultation.id}/results")
    assert "Counted at" in page.get_data(as_text=True)

    stored.computed_at -= tallies.RECOUNT_AFTER
    session.flush()
    found = compute(session, consultation)
    assert found.counted_at is None
    assert (found.complete, found.questions[0].options[0].count) == (17, 8)
    page = client.get(f"/p/{partnership.id}/consultations/{consultation.id}/results")
    assert "Counted at" not in page.get_data(as_text=True)


def test_an_anonymous_response_finished_the_same_day_changes_the_figures(
    session, build, partnership
):
    consultation = build(anonymous=True)
    for _ in range(5):
        respond(session, consultation, water="river")
    assert compute(session, consultation).questions[0].options[0].count == 5
    respond(session, consultation, water="river")  # finished the same day: the same date
    assert compute(session, consultation).questions[0].options[0].count == 6
