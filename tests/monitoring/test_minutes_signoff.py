"""Minutes sign-off: the facilitator finishes the minutes of a held review, which locks them;
each partner present confirms or comments within the set days; a late sign-off is refused and
the minutes are then final with the sign-offs shown."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.monitoring import review_votes, reviews
from hsbp.monitoring.review_vote_models import MinutesSignoff
from hsbp.partnerships.models import Membership
from hsbp.security import Role

WHEN = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
FINISHED = WHEN + timedelta(days=1)


def membership_of(session, user):
    return session.scalar(select(Membership).where(Membership.user_id == user.id))


@pytest.fixture
def partners(make, partnership):
    return [make.partner(partnership, name=f"Socio {n}") for n in range(3)]


@pytest.fixture
def reps(session, make, partnership, partners):
    out = {}
    for partner in partners:
        user = make.member(partnership, Role.REPRESENTATIVE, partner=partner)
        out[partner.id] = (user, membership_of(session, user))
    return out


@pytest.fixture
def review(session, partnership, facilitator, partners):
    """Held, with partners 0 and 1 present and minutes written."""
    found = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={"title": {"es": "Revisión anual"}, "scheduled_at": WHEN},
    )
    reviews.record_attendance(
        session,
        actor=facilitator,
        review=found,
        attendance={
            partners[0].id: {"present": True, "names": ""},
            partners[1].id: {"present": True, "names": ""},
            partners[2].id: {"present": False, "names": ""},
        },
        now=WHEN,
    )
    reviews.update_minutes(
        session, actor=facilitator, review=found, minutes="Se revisó el pozo.", now=WHEN
    )
    return found


def finish(session, facilitator, review, days=7):
    review_votes.finish_minutes(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator),
        review=review,
        days=days,
        now=FINISHED,
    )


def sign(session, reps, partner, review, stance="confirm", comment="", now=None):
    user, membership = reps[partner.id]
    return review_votes.sign_off(
        session,
        actor=user,
        membership=membership,
        review=review,
        stance=stance,
        comment=comment,
        now=now or FINISHED + timedelta(days=2),
    )


def test_finishing_sets_the_deadline_and_locks_the_minutes(session, facilitator, review, partners):
    finish(session, facilitator, review, days=5)
    assert (review.minutes_finished_at, review.signoff_days, review.signoff_due_at) == (
        FINISHED,
        5,
        FINISHED + timedelta(days=5),
    )
    with pytest.raises(ServiceError) as refused:
        reviews.update_minutes(session, actor=facilitator, review=review, minutes="Otra cosa")
    assert refused.value.field == "minutes"
    assert review.minutes == "Se revisó el pozo."
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "review.minutes_finished"))
    assert (entry.object_id, entry.details) == (review.id, {"days": 5})


@pytest.mark.parametrize("days", [0, 61, "x", None])
def test_finishing_with_a_bad_number_of_days_is_refused(session, facilitator, review, days):
    with pytest.raises(ServiceError) as refused:
        finish(session, facilitator, review, days=days)
    assert refused.value.field == "days"
    assert review.minutes_finished_at is None


def test_only_a_facilitator_finishes_written_minutes(
    session, make, partnership, facilitator, partners, reps, review
):
    user, membership = reps[partners[0].id]
    with pytest.raises(ServiceError):
        review_votes.finish_minutes(
            session, actor=user, membership=membership, review=review, days=7
        )
    review.minutes = ""
    with pytest.raises(ServiceError) as refused:
        finish(session, facilitator, review)
    assert str(refused.value.message) == "Write the minutes of the review first."


def test_partners_present_confirm_or_comment_and_may_change_until_the_deadline(
    session, facilitator, review, partners, reps
):
    finish(session, facilitator, review)
    sign(session, reps, partners[0], review, "comment", "Falta la vía.")
    sign(session, reps, partners[0], review, "confirm")
    sign(session, reps, partners[1], review, "comment", "  Falta el acuerdo del agua.  ")

    found = review_votes.signoffs_of(session, review=review, now=FINISHED + timedelta(days=3))

    assert (found.final, found.confirmed, found.commented, found.silent) == (False, 1, 1, 0)
    assert [
        (s.partner_id, s.stance, s.comment)
        for s in session.scalars(select(MinutesSignoff).order_by(MinutesSignoff.partner_id))
    ] == [
        (partners[0].id, "confirm", ""),
        (partners[1].id, "comment", "Falta el acuerdo del agua."),
    ]


def test_a_late_signoff_is_refused_and_the_minutes_are_final(
    session, facilitator, review, partners, reps
):
    finish(session, facilitator, review, days=7)
    sign(session, reps, partners[0], review)
    deadline = FINISHED + timedelta(days=7)
    with pytest.raises(ServiceError) as refused:
        sign(session, reps, partners[1], review, now=deadline)
    assert str(refused.value.message) == (
        "The time to sign off these minutes has ended: they are final."
    )
    # One second before the deadline is still in time.
    sign(
        session, reps, partners[1], review, "comment", "Tarde", now=deadline - timedelta(seconds=1)
    )
    found = review_votes.signoffs_of(session, review=review, now=deadline)
    assert (found.final, found.confirmed, found.commented, len(found.present)) == (True, 1, 1, 2)


def test_a_partner_not_present_cannot_sign_off(session, facilitator, review, partners, reps):
    finish(session, facilitator, review)
    with pytest.raises(ServiceError) as refused:
        sign(session, reps, partners[2], review)
    assert "not present" in str(refused.value.message)


def test_minutes_not_finished_cannot_be_signed_off(session, review, partners, reps):
    with pytest.raises(ServiceError) as refused:
        sign(session, reps, partners[0], review)
    assert str(refused.value.message) == "These minutes are not out for sign-off."


def test_a_comment_needs_its_text(session, facilitator, review, partners, reps):
    finish(session, facilitator, review)
    with pytest.raises(ServiceError) as refused:
        sign(session, reps, partners[0], review, "comment", "   ")
    assert refused.value.field == "comment"


# Pages -----------------------------------------------------------------------------------


def url(partnership, review, tail=""):
    return f"/p/{partnership.id}/monitoring/reviews/{review.id}{tail}"


def test_the_facilitator_finishes_on_the_review_page(
    session, client, login, partnership, facilitator, review
):
    login(facilitator)
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Finish the minutes" in page and 'value="7"' in page
    response = client.post(url(partnership, review, "/minutes/finish"), data={"days": "10"})
    assert response.status_code == 302
    session.refresh(review)
    assert review.signoff_days == 10
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Save the minutes" not in page and "Se revisó el pozo." in page
    assert "Confirmed so far by <bdi>0</bdi> of <bdi>2</bdi> partners present." in page


def test_finishing_with_bad_days_re_renders_with_422(
    session, client, login, partnership, facilitator, review
):
    login(facilitator)
    response = client.post(url(partnership, review, "/minutes/finish"), data={"days": "900"})
    assert response.status_code == 422
    session.refresh(review)
    assert review.minutes_finished_at is None


def test_a_representative_signs_off_on_the_review_page(
    session, client, login, partnership, facilitator, review, partners, reps
):
    finish(session, facilitator, review, days=30)
    review.signoff_due_at = datetime.now(UTC) + timedelta(days=3)
    session.flush()
    login(reps[partners[0].id][0])
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Your organisation's sign-off" in page
    response = client.post(
        url(partnership, review, "/minutes/signoff"),
        data={"stance": "comment", "comment": "Falta la vía."},
    )
    assert response.status_code == 302
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Commented" in page and "Falta la vía." in page
    # Partner 2 was not present: no form, and a post is refused with the reason.
    login(reps[partners[2].id][0])
    assert "Your organisation's sign-off" not in client.get(url(partnership, review)).get_data(
        as_text=True
    )
    response = client.post(url(partnership, review, "/minutes/signoff"), data={"stance": "confirm"})
    assert response.status_code == 422
    assert "not present at this review" in response.get_data(as_text=True)


def test_final_minutes_show_the_signoffs(
    session, client, login, make, partnership, facilitator, review, partners, reps
):
    finish(session, facilitator, review)
    sign(session, reps, partners[0], review)
    review.signoff_due_at = datetime.now(UTC) - timedelta(minutes=1)
    session.flush()
    login(make.member(partnership, Role.OBSERVER))
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "The minutes are final." in page
    assert "Confirmed by <bdi>1</bdi> of <bdi>2</bdi> partners present." in page
    assert "<bdi>0</bdi> comments." in page and "<bdi>1</bdi> partner did not answer." in page
