"""The facilitators' list of possible duplicates: compare, then map anyway or drop."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.auth.reauth import fresh_auth_required
from hsbp.errors import ServiceError
from hsbp.mapping import duplicates, services
from hsbp.mapping.views import _tags, bp, label_of_tag, no_store
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.security import Role

BASE = "/p/<int:partnership_id>/mapping/duplicates"


def _list(*, identity=None, shown_id=None, refused=None, refused_id=None):
    session = db.session()
    page = render_template(
        "mapping/duplicates.html",
        reviews=duplicates.open_reviews(session, partnership_id=g.partnership.id),
        tags={tag.id: tag for tag in _tags()},
        partners={p.id: p for p in list_partners(session, partnership_id=g.partnership.id)},
        label_of_tag=label_of_tag,
        confirm=ConfirmForm(),
        identity=identity,
        shown_id=shown_id,
        refused=refused,
        refused_id=refused_id,
    )
    return page, 422 if refused else 200


def _review(review_id: int):
    review = duplicates.get_open_review(
        db.session(), partnership_id=g.partnership.id, review_id=review_id
    )
    if review is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return review


def _back():
    return redirect(url_for("mapping.duplicates", partnership_id=g.partnership.id))


@bp.get(BASE, endpoint="duplicates")
@partnership_guard(Role.FACILITATOR, lead=True)
def duplicates_list(partnership_id: int):
    return _list()


@bp.post(f"{BASE}/<int:review_id>/identity")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def duplicate_identity(partnership_id: int, review_id: int):
    """The protected candidate's identity beside what was typed: an audited look."""
    review = _review(review_id)
    if review.candidate is None or not review.candidate.is_protected:
        return _back()
    identity = services.reveal_identity(
        db.session(), actor=current_user, membership=g.membership, participant=review.candidate
    )
    return no_store(_list(identity=identity, shown_id=review.id))


@bp.post(f"{BASE}/<int:review_id>/map")
@partnership_guard(Role.FACILITATOR, lead=True)
def duplicate_map(partnership_id: int, review_id: int):
    review = _review(review_id)
    try:
        result = duplicates.map_anyway(
            db.session(),
            actor=current_user,
            membership=g.membership,
            partnership=g.partnership,
            review=review,
        )
    except ServiceError as error:
        return _list(refused=str(error.message), refused_id=review.id)
    if isinstance(result, services.PossibleDuplicate):
        # Redirected, not refused: the look at a protected participant is audited and kept.
        flash(
            _(
                "This entry also looks like %(name)s, already mapped: compare them first.",
                name=result.candidate.display_name,
            ),
            "error",
        )
    else:
        flash(_("%(name)s is mapped.", name=result.display_name), "success")
    return _back()


@bp.post(f"{BASE}/<int:review_id>/same")
@partnership_guard(Role.FACILITATOR, lead=True)
def duplicate_same(partnership_id: int, review_id: int):
    review = _review(review_id)
    duplicates.drop_as_same(
        db.session(), actor=current_user, membership=g.membership, review=review
    )
    flash(_("The entry is dropped: what was typed is deleted."), "success")
    return _back()
