"""Mapping pages: the register, a participant, the grid, the network, inclusion, import."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.auth.reauth import fresh_auth_required
from hsbp.errors import ServiceError, apply_to_form
from hsbp.mapping import duplicates, picking, queries, relations, services
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.forms import ParticipantForm, RegisterFilterForm, RelationshipForm
from hsbp.mapping.labels import tag_label
from hsbp.partnerships import languages as language_picker
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.security import Role
from hsbp.views import int_value, page_number, render_form

bp = Blueprint("mapping", __name__)


def label_of_tag(tag) -> str:
    return tag_label(tag, locale=str(get_locale()), fallback=g.partnership.default_locale)


def _tags():
    return mapping_tags.group_tags(db.session(), partnership_id=g.partnership.id)


def register_filter(args, tags) -> tuple[RegisterFilterForm, queries.RegisterFilter]:
    """The register's filters from the query string; an unknown value filters nothing."""
    form = RegisterFilterForm(args, tags=tags, tag_label=label_of_tag)
    form.validate()

    def ok(field):
        return "" if field.errors else (field.data or "")

    chosen = queries.RegisterFilter(
        q=(form.q.data or "")[:100],
        sector=ok(form.sector),
        tag_id=int(form.tag.data) if ok(form.tag) else None,
        status=ok(form.status),
        risk=ok(form.risk),
        reachable=ok(form.reachable),
        interest=int_value(args.get("interest"), low=1, high=5),
        influence=int_value(args.get("influence"), low=1, high=5),
    )
    for field in form:
        field.errors = []  # a search form shows no errors: it just ignores what it cannot use
    return form, chosen


@bp.get("/p/<int:partnership_id>/mapping")
@partnership_guard()
def register(partnership_id: int):
    tags = _tags()
    form, chosen = register_filter(request.args, tags)
    page = page_number()
    rows, total = queries.register(
        db.session(), partnership_id=partnership_id, filters=chosen, page=page
    )
    args = {k: v for k, v in request.args.items() if k not in ("page", "format") and v}
    facilitator = services.sees_contacts(g.membership)
    return render_template(
        "mapping/register.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        per_page=queries.PER_PAGE,
        args=args,
        label_of_tag=label_of_tag,
        # Facilitators: the possible duplicates to check; others: their own entries waiting.
        waiting=duplicates.count_open(
            db.session(),
            partnership_id=partnership_id,
            proposed_by=None if facilitator else current_user,
        ),
    )


def _participant_form(participant=None, **kwargs) -> ParticipantForm:
    used = picking.languages_in_use(db.session(), partnership_id=g.partnership.id)
    return ParticipantForm(
        tags=_tags(),
        tag_label=label_of_tag,
        partners=list_partners(db.session(), partnership_id=g.partnership.id),
        common_languages=language_picker.common_codes(partnership=g.partnership, used=used),
        **kwargs,
    )


def _held_or_named(form, found: services.PossibleDuplicate, participant=None):
    """The answer to fields that look like a participant already mapped. Anyone but a
    facilitator learns only that a facilitator will check (the same words whoever the
    candidate is, whichever field matched). A facilitator sees the candidate and may say it
    is someone else; that page answers 200, so the audit entry of a protected candidate is
    kept (nothing else was changed)."""
    if found.review is not None:
        flash(
            _(
                "A facilitator must check whether this participant is already mapped."
                " What you entered is kept for them."
            ),
            "info",
        )
        if participant is None:
            return redirect(url_for("mapping.register", partnership_id=g.partnership.id))
        return redirect(
            url_for(
                "mapping.participant",
                partnership_id=g.partnership.id,
                participant_id=participant.id,
            )
        )
    form.offer_distinct(found.candidate)
    return render_template(
        "mapping/participant_form.html", form=form, participant=participant, twin=found.candidate
    )


@bp.route("/p/<int:partnership_id>/mapping/new", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def create(partnership_id: int):
    form = _participant_form()
    if request.method == "GET" and g.membership.partner_id:
        form.proposed_by_partner_id.data = g.membership.partner_id
    if form.validate_on_submit():
        fields = form.service_fields()
        if g.membership.role != Role.FACILITATOR:
            # A representative proposes for their own partner, whatever the form says.
            fields["proposed_by_partner_id"] = g.membership.partner_id
        try:
            result = services.create_participant(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                fields=fields,
                distinct_from=form.distinct_from(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            if isinstance(result, services.PossibleDuplicate):
                return _held_or_named(form, result)
            flash(_("%(name)s is mapped.", name=result.display_name), "success")
            return redirect(
                url_for(
                    "mapping.participant",
                    partnership_id=partnership_id,
                    participant_id=result.id,
                )
            )
    return render_form("mapping/participant_form.html", form, form=form, participant=None)


def _get(participant_id: int):
    participant = services.get_participant(
        db.session(), partnership_id=g.partnership.id, participant_id=participant_id
    )
    return participant or abort(404)


def _detail(participant, *, identity=None, link_form=None):
    session = db.session()
    partners = {p.id: p for p in list_partners(session, partnership_id=g.partnership.id)}
    link_form = link_form or RelationshipForm()
    link_form.target.suggestions = picking.participant_labels(
        session, partnership_id=g.partnership.id
    )
    return render_form(
        "mapping/participant.html",
        link_form,
        participant=participant,
        identity=identity,
        links=queries.links_of(session, participant=participant),
        link_form=link_form,
        confirm=ConfirmForm(),
        can_edit=services.can_edit(g.membership, participant),
        validation_refusal=services.validation_refusal(g.membership, participant, partners),
        label_of_tag=label_of_tag,
    )


@bp.get("/p/<int:partnership_id>/mapping/<int:participant_id>")
@partnership_guard()
def participant(partnership_id: int, participant_id: int):
    return _detail(_get(participant_id))


def no_store(response):
    """Neither the browser nor a proxy keeps a page that shows a protected identity."""
    body, code = response if isinstance(response, tuple) else (response, 200)
    return body, code, {"Cache-Control": "no-store"}


@bp.post("/p/<int:partnership_id>/mapping/<int:participant_id>/identity")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def reveal(partnership_id: int, participant_id: int):
    participant = _get(participant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    identity = services.reveal_identity(
        db.session(), actor=current_user, membership=g.membership, participant=participant
    )
    return no_store(_detail(participant, identity=identity))


def _editable(participant_id: int):
    participant = _get(participant_id)
    if not services.can_edit(g.membership, participant):
        abort(404)
    return participant


@bp.route("/p/<int:partnership_id>/mapping/<int:participant_id>/edit", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def edit(partnership_id: int, participant_id: int):
    """The form never holds what its reader may not see (a representative: phones and
    e-mail addresses; a facilitator: a protected identity until they ask for it), and the
    page writes nothing on GET."""
    participant = _editable(participant_id)
    # The stored values fill the form on GET only: a POST that leaves a field out must not
    # get the value on file back in the answer.
    form = _participant_form(obj=participant if request.method == "GET" else None)
    form.hide(services.hidden_on_edit(g.membership, participant))
    if request.method == "GET":
        form.fill_from(participant)
    elif form.validate_on_submit():
        fields = form.service_fields()
        if g.membership.role != Role.FACILITATOR:
            fields["proposed_by_partner_id"] = participant.proposed_by_partner_id
        try:
            result = services.update_participant(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                participant=participant,
                fields=fields,
                keep=form.kept(),
                distinct_from=form.distinct_from(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            if result is not None:
                return _held_or_named(form, result, participant)
            flash(_("%(name)s is saved.", name=participant.display_name), "success")
            return redirect(
                url_for(
                    "mapping.participant",
                    partnership_id=partnership_id,
                    participant_id=participant.id,
                )
            )
    response = render_form(
        "mapping/participant_form.html", form, form=form, participant=participant
    )
    return no_store(response) if form.shown.data == "1" else response


@bp.post("/p/<int:partnership_id>/mapping/<int:participant_id>/edit/identity")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def edit_identity(partnership_id: int, participant_id: int):
    """The edit form of a protected participant filled with its identity: a deliberate,
    audited look, as on the participant's page."""
    participant = _editable(participant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not participant.is_protected:
        return redirect(
            url_for("mapping.edit", partnership_id=partnership_id, participant_id=participant_id)
        )
    identity = services.reveal_identity(
        db.session(), actor=current_user, membership=g.membership, participant=participant
    )
    form = _participant_form(formdata=None, obj=participant)
    form.fill_from(participant, identity=identity)
    return no_store(
        render_template("mapping/participant_form.html", form=form, participant=participant)
    )


@bp.post("/p/<int:partnership_id>/mapping/<int:participant_id>/validate")
@partnership_guard(Role.REPRESENTATIVE)
def validate(partnership_id: int, participant_id: int):
    participant = _get(participant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.validate_participant(
            db.session(), actor=current_user, membership=g.membership, participant=participant
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s is validated.", name=participant.display_name), "success")
    return redirect(
        url_for("mapping.participant", partnership_id=partnership_id, participant_id=participant_id)
    )


@bp.post("/p/<int:partnership_id>/mapping/<int:participant_id>/relationships")
@partnership_guard(Role.REPRESENTATIVE)
def add_relationship(partnership_id: int, participant_id: int):
    participant = _get(participant_id)
    form = RelationshipForm()
    if form.validate_on_submit():
        try:
            target = picking.participant_by_label(
                db.session(), partnership_id=partnership_id, label=form.target.data, field="target"
            )
            relations.add_relationship(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                source_id=participant.id,
                target_id=target.id,
                kind=form.kind.data,
                note=form.note.data or "",
            )
        except ServiceError as error:
            if error.field == "target_id":
                error.field = "target"  # the service names the id; the page shows a name
            apply_to_form(form, error)
        else:
            flash(_("The relationship is saved."), "success")
            return redirect(
                url_for(
                    "mapping.participant",
                    partnership_id=partnership_id,
                    participant_id=participant_id,
                )
            )
    return _detail(participant, link_form=form)


@bp.post("/p/<int:partnership_id>/mapping/relationships/<int:link_id>/delete")
@partnership_guard(Role.FACILITATOR)
def remove_relationship(partnership_id: int, link_id: int):
    link = queries.get_link(db.session(), partnership_id=partnership_id, link_id=link_id)
    if link is None or not ConfirmForm().validate_on_submit():
        abort(404 if link is None else 400)
    relations.remove_relationship(db.session(), actor=current_user, link=link)
    flash(_("The relationship is removed."), "success")
    return redirect(
        url_for("mapping.participant", partnership_id=partnership_id, participant_id=link.source_id)
    )
