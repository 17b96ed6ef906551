"""Pages of community votes by SMS: putting a charter proposal, a review's decision or a ranked
list to the community, the list of votes, a vote's results (totals, by locality, group and
sector, small groups pooled) and closing one. Every member reads; facilitators put and
close."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from hsbp import db
from hsbp.community import talks, tallies, vote_forms, votes
from hsbp.community.assemblies import assembly_results
from hsbp.community.models import Ballot, Vote, VoteKind
from hsbp.community.views import bp
from hsbp.consultations.models import Consultation
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import translated
from hsbp.monitoring.review_models import Decision
from hsbp.partnerships.guard import partnership_guard
from hsbp.principles import services as charter
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from hsbp.sms.admin_views import audience_choices, audience_label
from hsbp.views import query_int, render_form

DEFAULT_DAYS = 14


def _text(values: dict | None) -> str:
    """A text stored per language, in the reader's language, else the partnership's."""
    return translated(values, locale=str(get_locale()), fallback=g.partnership.default_locale)


def _subject() -> dict:
    """The subject named in the query string (?charter=<number>, ?decision=<id>,
    ?consultation=<id>, or none: a ranked list written by hand); 404 for one that is not
    of this partnership or not a number."""
    session, pid = db.session(), g.partnership.id
    for name in ("charter", "decision", "consultation"):
        if name not in request.args:
            continue
        number = query_int(name, low=1)
        found = None
        if number is not None and name == "charter":
            found = charter.get_version(session, partnership_id=pid, number=number)
        elif number is not None:
            model = Decision if name == "decision" else Consultation
            found = session.scalar(
                select(model).where(model.id == number, model.partnership_id == pid)
            )
        if found is None:
            abort(404)
        return {"charter_version" if name == "charter" else name: found}
    return {}


def _vote_or_404(vote_id: int) -> Vote:
    found = votes.vote_of(db.session(), partnership_id=g.partnership.id, vote_id=vote_id)
    return found or abort(404)


@bp.route("/p/<int:partnership_id>/community/votes/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def vote_new(partnership_id: int):
    session = db.session()
    subject = _subject()
    ranking = not (subject.get("charter_version") or subject.get("decision"))
    form = vote_forms.vote_form(g.partnership, ranking=ranking)
    form.audience.choices = audience_choices()
    zone = ZoneInfo(g.partnership.timezone)
    if request.method == "GET":
        start = vote_forms.prefill(session, partnership=g.partnership, subject=subject)
        vote_forms.fill(form, start)
        form.closes_on.data = utcnow().astimezone(zone).date() + timedelta(days=DEFAULT_DAYS)
    elif form.validate_on_submit() and form.send.data:
        fields = vote_forms.fields_of(form, g.partnership, ranking=ranking)
        # Open until the end of the chosen day where the partnership is.
        fields["closes_at"] = datetime.combine(
            form.closes_on.data + timedelta(days=1), time(), zone
        )
        try:
            vote = votes.start_vote(
                session,
                actor=current_user,
                partnership=g.partnership,
                subject=subject,
                fields=fields,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The vote is sent by SMS."), "success")
            return redirect(
                url_for("community.vote_page", partnership_id=partnership_id, vote_id=vote.id)
            )
    return render_form(
        "community/vote_form.html",
        form,
        form=form,
        ranking=ranking,
        subject=subject,
        sizes=vote_forms.sizes(form, g.partnership),
        local_text=_text,
    )


@bp.get("/p/<int:partnership_id>/community/votes")
@partnership_guard()
def vote_list(partnership_id: int):
    session = db.session()
    found = votes.votes_of(session, partnership_id=partnership_id)
    ids = [vote.id for vote in found]
    ballots = dict(
        session.execute(
            select(Ballot.vote_id, func.count())
            # The ids are this partnership's votes: by vote alone, the count reads the
            # (vote_id, choice) index only.
            .where(Ballot.vote_id.in_(ids))
            .group_by(Ballot.vote_id)
        ).all()
    )
    return render_template(
        "community/votes.html",
        votes=found,
        ballots=ballots,
        progress=talks.progress(session, kind=votes.KIND, subject_ids=ids),
        is_open=votes.is_open,
        local_text=_text,
    )


@bp.get("/p/<int:partnership_id>/community/votes/<int:vote_id>")
@partnership_guard()
def vote_page(partnership_id: int, vote_id: int):
    session = db.session()
    vote = _vote_or_404(vote_id)
    result = tallies.tally(
        session, vote=vote, locale=str(get_locale()), fallback=g.partnership.default_locale
    )
    version, decision, consultation = _subject_of(vote)
    return render_template(
        "community/vote.html",
        vote=vote,
        result=result,
        version=version,
        decision=decision,
        consultation=consultation,
        progress=talks.progress(session, kind=votes.KIND, subject_ids=[vote.id])[vote.id],
        audience=audience_label(vote.audience, audience_choices()),
        assemblies=assembly_results(session, vote.id),
        is_open=votes.is_open(vote),
        ranking=vote.kind == VoteKind.RANKING,
        local_text=_text,
        format_share=format_percent,
    )


def _subject_of(vote: Vote):
    """(charter version, decision, consultation) the vote is about, each None or of the
    vote's partnership."""
    session = db.session()
    found = []
    for model, key in (
        (CharterVersion, vote.charter_version_id),
        (Decision, vote.decision_id),
        (Consultation, vote.consultation_id),
    ):
        row = session.get(model, key) if key else None
        found.append(row if row is not None and row.partnership_id == vote.partnership_id else None)
    return found


@bp.post("/p/<int:partnership_id>/community/votes/<int:vote_id>/close")
@partnership_guard(Role.FACILITATOR)
def vote_close(partnership_id: int, vote_id: int):
    vote = _vote_or_404(vote_id)
    votes.close_vote(db.session(), vote=vote, actor=current_user)
    flash(_("The vote is closed: no answer counts from now on."), "success")
    return redirect(url_for("community.vote_page", partnership_id=partnership_id, vote_id=vote_id))
