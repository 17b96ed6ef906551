"""The phone simulator page: act as a basic phone writing to the partnership's sender."""

from flask import current_app, g, redirect, request, url_for
from flask_babel import gettext as _

from hsbp import db
from hsbp.security import Role, partnership_guard
from hsbp.sms import contacts, inbox, simulator
from hsbp.sms.admin_common import display_phone
from hsbp.sms.admin_forms import PhoneChoiceForm, SimulatorForm
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
    settings = contacts.settings_of(db.session(), partnership_id)
    country = g.partnership.country
    choose = PhoneChoiceForm(request.args)
    choose.phone.data = (choose.phone.data or DEFAULT_PHONE).strip()[:40]
    phone = contacts.e164(choose.phone.data, region=country)
    if phone is None:
        choose.phone.errors = [_("This is not a phone number: %(value)s", value=choose.phone.data)]
    form = SimulatorForm(prefix="send")
    if request.method == "GET":
        form.phone.data = phone or ""
    allowed = simulator_allowed()
    if settings is not None and allowed and form.validate_on_submit():
        number = contacts.e164(form.phone.data or "", region=country)
        if number is None:
            form.form_errors.append(_("Choose the phone number to act as first."))
        else:
            try:
                simulator.send_as_phone(
                    from_number=number, to_number=settings.sender, body=form.body.data
                )
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
        thread = inbox.conversation(
            db.session(), partnership_id=partnership_id, sender=settings.sender, phone=phone
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
    )
