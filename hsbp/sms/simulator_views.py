"""The phone simulator page: act as a basic phone writing to the partnership's sender."""

import requests
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from hsbp import db
from hsbp.errors import ServiceError
from hsbp.partnerships.guard import partnership_guard
from hsbp.phones import e164
from hsbp.security import Role
from hsbp.sms import contacts, inbox, simulator
from hsbp.sms.admin_common import display_phone
from hsbp.sms.admin_forms import FakeFaultForm, PhoneChoiceForm, SimulatorForm
from hsbp.sms.views import bp
from hsbp.views import render_form

DEFAULT_PHONE = "+573001110001"


def simulator_allowed() -> bool:
    """Off in production with the real Twilio: a simulated number is someone's real phone,
    and broadcasts to it would reach that person."""
    config = current_app.config
    return config["HSBP_ENV"] != "production" or bool(config.get("TWILIO_API_BASE"))


@bp.route("/p/<int:partnership_id>/sms/simulator", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def simulator_page(partnership_id: int):
    session = db.session()
    settings = contacts.settings_of(session, partnership_id)
    country = g.partnership.country
    choose = PhoneChoiceForm(request.args)
    choose.phone.data = (choose.phone.data or DEFAULT_PHONE).strip()[:40]
    phone = e164(choose.phone.data, region=country)
    if phone is None:
        choose.phone.errors = [_("This is not a phone number: %(value)s", value=choose.phone.data)]
    else:
        try:
            simulator.training_contact(session, phone)
        except ServiceError as error:
            choose.phone.errors = [error.message]
            phone = None  # someone else's number: neither its thread nor a send form
    form = SimulatorForm(prefix="send")
    if request.method == "GET":
        form.phone.data = phone or ""
    allowed = simulator_allowed()
    if settings is not None and allowed and form.validate_on_submit():
        number = e164(form.phone.data or "", region=country)
        if number is None:
            form.form_errors.append(_("Choose the phone number to act as first."))
        else:
            try:
                simulator.claim_number(session, number)
                simulator.send_as_phone(
                    from_number=number, to_number=settings.sender, body=form.body.data
                )
            except ServiceError as error:
                form.form_errors.append(error.message)
            except RuntimeError:
                # The webhook refused the message: the Twilio credentials are not set.
                form.form_errors.append(
                    _("The message could not reach the SMS webhook: check the Twilio settings.")
                )
            else:
                return redirect(
                    url_for("sms.simulator_page", partnership_id=partnership_id, phone=number)
                )
    thread = []
    if settings is not None and phone is not None:
        # A training number's own screen: what it wrote and was sent, all of it.
        thread = inbox.conversation(
            db.session(),
            partnership_id=partnership_id,
            sender=settings.sender,
            phone=phone,
            include_confidential=True,
        )
    return render_form(
        "sms/simulator.html",
        form,
        choose=choose,
        form=form,
        settings=settings,
        allowed=allowed,
        phone=phone,
        shown_phone=display_phone(phone),
        thread=thread,
        faults=FakeFaultForm()
        if current_app.config.get("TWILIO_API_BASE")
        and current_app.config["HSBP_ENV"] != "production"
        else None,
    )


FAULTS = {"429": {"status": "429", "count": "5"}, "503": {"status": "503", "seconds": "60"}}


@bp.post("/p/<int:partnership_id>/sms/simulator/faults")
@partnership_guard(Role.FACILITATOR)
def fake_faults(partnership_id: int):
    """Tell the fake Twilio (demo and training only) to fail, so retries can be watched."""
    base = current_app.config.get("TWILIO_API_BASE")
    form = FakeFaultForm()
    if not base or current_app.config["HSBP_ENV"] == "production" or not form.validate_on_submit():
        abort(404)
    path = "/_fake/reset" if form.fault.data == "reset" else "/_fake/failures"
    try:
        requests.post(base.rstrip("/") + path, data=FAULTS.get(form.fault.data, {}), timeout=3)
    except requests.RequestException:
        flash(_("The fake Twilio did not answer."), "error")
    else:
        flash(
            _("The fake Twilio will now: %(what)s", what=dict(form.fault.choices)[form.fault.data]),
            "info",
        )
    return redirect(url_for("sms.simulator_page", partnership_id=partnership_id))
