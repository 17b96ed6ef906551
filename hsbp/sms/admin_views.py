"""Facilitators' SMS pages: broadcasts (the inbox: inbox_views; the sender and contacts:
contact_views)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import translated
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.tags import group_tags
from hsbp.mapping.views import label_of_tag
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.sms import broadcasts as broadcast_admin
from hsbp.sms import contacts
from hsbp.sms.admin_common import PER_PAGE
from hsbp.sms.admin_forms import (
    CONSENT_CHANNEL_LABELS,
    CONSENT_EVENT_LABELS,
    CONTACT_STATE_LABELS,
    STATUS_LABELS,
    broadcast_form,
)
from hsbp.sms.views import bp
from hsbp.views import page_number, render_form


@bp.context_processor
def _labels():
    return {
        "SMS_STATUS_LABELS": STATUS_LABELS,
        "CONSENT_EVENT_LABELS": CONSENT_EVENT_LABELS,
        "CONSENT_CHANNEL_LABELS": CONSENT_CHANNEL_LABELS,
        "CONTACT_STATE_LABELS": CONTACT_STATE_LABELS,
        "body_field": broadcast_admin.body_field,
    }


def _sms_settings():
    return contacts.settings_of(db.session(), g.partnership.id)


# Broadcasts


def audience_choices() -> dict:
    session = db.session()
    choices = {
        _("Everyone"): [("all", _("All contacts of the partnership"))],
        _("Sector"): [(f"sector:{k}", str(v)) for k, v in PARTICIPANT_SECTOR_LABELS.items()],
        _("Group"): [
            (f"tag:{tag.id}", label_of_tag(tag))
            for tag in group_tags(session, partnership_id=g.partnership.id)
        ],
    }
    localities = broadcast_admin.audience_localities(session, partnership_id=g.partnership.id)
    if localities:
        choices[_("Locality")] = [(f"locality:{name}", name) for name in localities]
    return choices


def audience_label(audience: dict, choices: dict) -> str:
    key = broadcast_admin.Audience(audience.get("kind", "all"), audience.get("value", "")).key
    for group, options in choices.items():
        for value, label in options:
            if value == key:
                return label if key == "all" else f"{group}: {label}"
    return audience.get("value") or key


def body_in_reader_language(broadcast) -> str:
    return translated(
        broadcast.bodies, locale=str(get_locale()), fallback=g.partnership.default_locale
    )


@bp.get("/p/<int:partnership_id>/sms/broadcasts")
@partnership_guard(Role.FACILITATOR)
def broadcasts(partnership_id: int):
    session = db.session()
    rows, total = broadcast_admin.list_broadcasts(
        session, partnership_id=partnership_id, page=page_number()
    )
    counts = broadcast_admin.progress(session, broadcast_ids=[b.id for b, _name in rows])
    return render_template(
        "sms/broadcasts.html",
        rows=rows,
        counts=counts,
        total=total,
        page=page_number(),
        per_page=PER_PAGE,
        choices=audience_choices(),
        audience_label=audience_label,
        body_of=body_in_reader_language,
    )


@bp.route("/p/<int:partnership_id>/sms/broadcasts/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def new_broadcast(partnership_id: int):
    choices = audience_choices()
    form = broadcast_form(g.partnership.locales, audience_choices=choices)
    sender = _sms_settings()
    if sender is not None and form.validate_on_submit() and "edit" not in request.form:
        try:
            audience = broadcast_admin.Audience.parse(form.audience.data)
            if request.form.get("confirm") == "1":
                broadcast = broadcast_admin.create_broadcast(
                    db.session(),
                    actor=current_user,
                    partnership=g.partnership,
                    bodies=form.bodies(),
                    audience=audience,
                )
                flash(_("The broadcast is on its way."), "success")
                return redirect(
                    url_for(
                        "sms.broadcast", partnership_id=partnership_id, broadcast_id=broadcast.id
                    )
                )
            preview = broadcast_admin.preview_broadcast(
                db.session(), partnership=g.partnership, bodies=form.bodies(), audience=audience
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            return render_template(
                "sms/broadcast_preview.html",
                form=form,
                preview=preview,
                audience=audience_label({"kind": audience.kind, "value": audience.value}, choices),
            )
    return render_form("sms/broadcast_form.html", form, form=form, sender=sender)


@bp.get("/p/<int:partnership_id>/sms/broadcasts/<int:broadcast_id>")
@partnership_guard(Role.FACILITATOR)
def broadcast(partnership_id: int, broadcast_id: int):
    session = db.session()
    found = broadcast_admin.get_broadcast(
        session, partnership_id=partnership_id, broadcast_id=broadcast_id
    )
    if found is None:
        abort(404)
    return render_template(
        "sms/broadcast.html",
        broadcast=found,
        progress=broadcast_admin.progress(session, broadcast_ids=[found.id])[found.id],
        problems=broadcast_admin.problems(session, broadcast_id=found.id),
        audience=audience_label(found.audience, audience_choices()),
    )
