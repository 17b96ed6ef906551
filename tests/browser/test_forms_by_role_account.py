"""Forms members who are not facilitators submit about their account, their notifications,
a grievance's complainant, their partner's departure, local SMS texts and their own charter
suggestions, in Chromium as a person would: the visible fields filled, the form sent with
its button, the success checked in the page and in the database.

What the browser cannot do is set up in the served app: an account made for one test (so a
changed password or a signed-out session touches nobody else), a permission granted, an
unsubscribe link issued. Whatever a test changes in the demo's Caguán partnership is put
back at its end, so the other files' expectations stay true.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hsbp import db
from hsbp.auth.models import User, UserSession
from hsbp.demo import DEMO_PASSWORD as PASSWORD
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role, verify_password
from tests.browser.test_browser import sign_in
from tests.browser.test_forms_by_role import (
    COMPANY,
    COMPANY_REP,
    MUNICIPAL_REP,
    flashed,
    signed_in_as,
    stored,
    submit,
    suffix,
)
from tests.browser.test_forms_by_role_others import OFFICER, grievances_described, user_id
from tests.emails import last_path

pytestmark = pytest.mark.browser

NEW_PASSWORD = "otra clave, larga también"
# A member of the women's organisation: given the translator permission for one test.
LEADER = "yuliana.perdomo@demo.hsbp.example"
LOCAL_LANGUAGE = "guc"  # Wayuunaiki: a language the platform does not ship


def in_app(live_server, work):
    """`work(session)` in the served app, committed: what a person could not do by hand."""
    with live_server.app.app_context():
        try:
            result = work(db.session())
        except BaseException:
            db.finish(commit=False)
            raise
        db.finish(commit=True)
        return result


def fresh_member(
    live_server, role: Role = Role.OBSERVER, partnership_id=None, partner_id=None
) -> tuple[str, int]:
    """(e-mail, id) of a new account reading English, its password PASSWORD, a member of
    Caguán (or of `partnership_id`) with `role`."""
    from hsbp.auth.services import create_user

    email = f"persona.{suffix()}@example.org"

    def work(session):
        user = create_user(session, email=email, name="Persona de prueba", password=PASSWORD)
        user.locale = "en"
        where = partnership_id or live_server.caguan_id
        member = Membership(partnership_id=where, user_id=user.id, role=role, partner_id=partner_id)
        session.add(member)
        session.flush()
        return user.id

    return email, in_app(live_server, work)


def password_hash(live_server, email: str) -> str:
    return stored(live_server, select(User.password_hash).where(User.email == email))[0][0]


def test_an_officer_who_is_not_facilitator_sees_who_filed_and_the_look_is_audited(
    browser, page, live_server
):
    from hsbp.audit import AuditEntry

    pid = live_server.caguan_id
    text = f"The trucks damaged the bridge to the school ({suffix()})."
    official = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        filer = official.new_page()
        signed_in_as(filer, MUNICIPAL_REP)
        filer.goto(f"/p/{pid}/grievances/new")
        filer.get_by_label("What happened?").fill(text)
        submit(filer, "Send the grievance")
    finally:
        official.close()
    [(grievance_id, *_)] = grievances_described(live_server, text)

    signed_in_as(page, OFFICER)
    page.goto(f"/p/{pid}/grievances/{grievance_id}")
    identity = page.locator("section.identity")
    assert identity.locator("dl").count() == 0  # nobody is named before the deliberate look
    submit(page, "Show who filed it")
    shown = identity.locator("dd").all_inner_texts()
    assert shown == ["Martha Cecilia Rincón Vargas", "—", MUNICIPAL_REP]
    looks = stored(
        live_server,
        select(AuditEntry.actor_id, AuditEntry.partnership_id).where(
            AuditEntry.action == "grievance.identity_view",
            AuditEntry.object_type == "Grievance",
            AuditEntry.object_id == grievance_id,
        ),
    )
    assert looks == [(user_id(live_server, OFFICER), pid)]


def test_a_representative_announces_their_partners_departure_then_cancels_it(page, live_server):
    from hsbp.partnerships.entry_models import Departure

    pid = live_server.caguan_id
    reason = f"La plantación cierra su operación en la zona ({suffix()})."
    leaving = date.today() + timedelta(days=365)
    partners = dict(stored(live_server, select(Partner.name, Partner.id)))
    signed_in_as(page, COMPANY_REP)
    # Only their own partner's departure is theirs to announce.
    municipal = partners["Alcaldía de San Vicente del Caguán"]
    assert page.goto(f"/p/{pid}/partners/{municipal}/leave").status == 404
    page.goto(f"/p/{pid}/partners")
    assert page.get_by_role("link", name=re.compile("^Announce a departure")).count() == 1
    page.get_by_role("link", name=f"Announce a departure · {COMPANY}").click()
    page.wait_for_url(re.compile(r"/partners/\d+/leave$"))
    page.get_by_label("Leaving date").fill(leaving.isoformat())
    page.get_by_label("Why it leaves (optional)").fill(reason)
    submit(page, "Announce the departure")
    try:
        assert flashed(page) == "The departure is announced: hand over its work now."
        departure_id = int(re.search(r"/departures/(\d+)$", page.url)[1])
        rows = stored(
            live_server,
            select(
                Departure.partner_id,
                Departure.status,
                Departure.leaving_on,
                Departure.reason,
                Departure.announced_by_id,
            ).where(Departure.id == departure_id),
        )
        rep = user_id(live_server, COMPANY_REP)
        assert rows == [(partners[COMPANY], "open", leaving, reason, rep)]
    finally:
        # The company stays in the demo: its representative takes the announcement back.
        if re.search(r"/departures/\d+$", page.url):
            submit(page, "Cancel the departure: it stays")
    assert flashed(page) == f"The departure is cancelled: {COMPANY} stays."
    status = select(Departure.status).where(Departure.id == departure_id)
    assert stored(live_server, status) == [("cancelled",)]


@pytest.fixture
def translator(live_server):
    """LEADER, a representative, given the translator permission, and a local language added
    to Caguán; both taken back afterwards."""
    from hsbp.partnerships import members

    def membership_of(session, email):
        return session.scalar(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.partnership_id == live_server.caguan_id, User.email == email)
        )

    def grant(session, allowed: bool):
        partnership = session.get(Partnership, live_server.caguan_id)
        others = [code for code in partnership.locales if code != LOCAL_LANGUAGE]
        partnership.locales = [*others, LOCAL_LANGUAGE] if allowed else others
        facilitator = membership_of(session, "lucia.hernandez@demo.hsbp.example").user
        members.set_translator(
            session,
            actor=facilitator,
            membership=membership_of(session, LEADER),
            translator=allowed,
        )

    in_app(live_server, lambda session: grant(session, True))
    try:
        yield LEADER
    finally:
        in_app(live_server, lambda session: grant(session, False))


def test_a_translator_member_writes_an_sms_text_in_a_local_language(page, live_server, translator):
    from hsbp.sms import texts
    from hsbp.sms.local_text_checks import entries
    from hsbp.sms.models import LocalText

    entry = next(e for e in entries() if e.key == texts.TEXTS["stopped"])
    text = f"Nnojotsu kasa pümüin. START ({suffix()})."
    signed_in_as(page, translator)
    page.goto(f"/p/{live_server.caguan_id}/")
    page.locator("nav").get_by_role("link", name="SMS texts").click()
    page.wait_for_url(re.compile(r"/sms/texts$"))
    page.locator(f"main h2 a[href$='/sms/texts/{LOCAL_LANGUAGE}']").click()
    page.wait_for_url(re.compile(rf"/sms/texts/{LOCAL_LANGUAGE}$"))
    page.get_by_role("link", name=entry.source, exact=True).click()
    page.wait_for_url(re.compile(rf"/sms/texts/{LOCAL_LANGUAGE}/{entry.id}$"))
    page.get_by_label("Translation").fill(text)
    submit(page, "Save")
    assert flashed(page) == "The text is saved: the next SMS in this language uses it."
    rows = stored(
        live_server,
        select(LocalText.text, LocalText.updated_by_id).where(
            LocalText.partnership_id == live_server.caguan_id,
            LocalText.locale == LOCAL_LANGUAGE,
            LocalText.msgid == entry.key,
        ),
    )
    assert rows == [(text, user_id(live_server, translator))]


def test_a_member_chooses_immediate_e_mails_for_one_kind(page, live_server):
    from hsbp.consultations.needs import CONSULTATION_OPEN
    from hsbp.notifications.models import NotificationPreference

    email, member = fresh_member(live_server)
    signed_in_as(page, email)
    page.goto("/notifications/settings")
    kind = page.get_by_role("group", name="Consultations to answer")
    kind.get_by_label("At once, by e-mail").check()
    submit(page, "Save")
    assert flashed(page) == "Your notification settings are saved."
    chosen = select(NotificationPreference.kind, NotificationPreference.mode).where(
        NotificationPreference.user_id == member, NotificationPreference.mode == "immediate"
    )
    assert stored(live_server, chosen) == [(CONSULTATION_OPEN, "immediate")]


def test_a_member_verifies_a_phone_with_the_code_sent_by_sms(page, live_server):
    from hsbp.notifications.models import NotificationPhone
    from hsbp.notifications.phones import CODE_KIND
    from hsbp.sms.models import Contact, OutboundMessage

    phone = f"+57310{uuid.uuid4().int % 10**7:07d}"
    email, member = fresh_member(live_server)
    signed_in_as(page, email)
    page.goto("/notifications/settings")
    page.get_by_label("Mobile number").fill(phone)
    submit(page, "Send me a code")
    assert flashed(page) == "A code is on its way by SMS. Type it below."
    sent = stored(
        live_server,
        select(OutboundMessage.body, Contact.phone)
        .join(Contact, Contact.id == OutboundMessage.contact_id)
        .where(OutboundMessage.kind == CODE_KIND),
    )
    [body] = [body for body, to in sent if to == phone]
    page.get_by_label("Code from the SMS").fill(re.search(r"\d{6}", body)[0])
    submit(page, "Verify")
    assert flashed(page) == "Your number is verified."
    verified = stored(
        live_server,
        select(NotificationPhone.phone, NotificationPhone.verified_at.is_not(None)).where(
            NotificationPhone.user_id == member
        ),
    )
    assert verified == [(phone, True)]


def test_a_member_unsubscribes_from_an_e_mails_link_without_signing_in(page, live_server):
    from hsbp.consultations.needs import CONSULTATION_OPEN
    from hsbp.db import utcnow
    from hsbp.notifications import unsubscribe
    from hsbp.notifications.models import NotificationPreference, UnsubscribeToken

    _email, member = fresh_member(live_server)
    tokens = in_app(
        live_server,
        lambda session: unsubscribe.issue(
            session, user_id=member, kind_names=[CONSULTATION_OPEN], now=utcnow()
        ),
    )
    page.goto(f"/notifications/unsubscribe/{tokens[CONSULTATION_OPEN]}")
    assert "Stop the e-mails about: Consultations to answer?" in page.locator("main").inner_text()
    submit(page, "Unsubscribe")
    assert page.locator("main p[role=status]").inner_text() == (
        "You will get no more e-mails about: Consultations to answer."
    )
    modes = select(NotificationPreference.kind, NotificationPreference.mode).where(
        NotificationPreference.user_id == member
    )
    assert stored(live_server, modes) == [(CONSULTATION_OPEN, "off")]
    spent = select(UnsubscribeToken.used_at.is_not(None)).where(UnsubscribeToken.user_id == member)
    assert stored(live_server, spent) == [(True,)]


@pytest.fixture
def two_browsers(browser, page, live_server):
    """(e-mail, id, other page) of a fresh member signed in on `page` and in another browser."""
    email, member = fresh_member(live_server)
    other = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        elsewhere = other.new_page()
        sign_in(elsewhere, email, PASSWORD)
        signed_in_as(page, email)
        yield email, member, elsewhere
    finally:
        other.close()


def test_a_member_changes_their_password_and_their_other_browser_is_signed_out(
    page, live_server, two_browsers
):
    email, _member, elsewhere = two_browsers
    page.goto("/account")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    submit(page, "Change the password")
    assert flashed(page) == "Your password is changed. Other devices are signed out."
    assert verify_password(password_hash(live_server, email), NEW_PASSWORD)
    # This browser stays signed in; the other one is sent to the sign-in page.
    page.goto("/account")
    assert page.url.endswith("/account")
    elsewhere.goto("/account")
    assert "/login" in elsewhere.url


def test_a_member_resets_a_forgotten_password_from_the_e_mailed_link(page, live_server):
    email, _member = fresh_member(live_server)
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url(re.compile(r"/password/forgot$"))
    page.get_by_label("E-mail address").fill(email)
    submit(page, "Send the link")
    link = last_path("/password/reset/")
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    submit(page, "Save the new password")
    assert flashed(page) == "Your password is changed. Sign in with the new one."
    assert verify_password(password_hash(live_server, email), NEW_PASSWORD)
    sign_in(page, email, NEW_PASSWORD)
    assert "/login" not in page.url
    # The link worked once.
    page.goto(link)
    assert page.url.endswith("/password/forgot")


def test_a_member_signs_out_everywhere(page, live_server, two_browsers):
    _email, member, elsewhere = two_browsers
    page.goto("/account")
    assert page.locator("section[aria-labelledby=sessions-heading] tbody tr").count() == 2
    submit(page, "Sign out everywhere")
    assert page.url.endswith("/login")
    assert page.locator(".flash-info").inner_text() == (
        "You are signed out on every device, this one included."
    )
    still_open = select(UserSession.id).where(
        UserSession.user_id == member, UserSession.ended_at.is_(None)
    )
    assert stored(live_server, still_open) == []
    elsewhere.goto("/account")
    assert "/login" in elsewhere.url


@pytest.fixture
def draft_with_a_representative(live_server):
    """(partnership id, representative's e-mail) of a new partnership whose first charter
    draft is open: Caguán's version 2 is proposed, which takes no suggestion."""
    from hsbp.partnerships.models import Sector, Stage
    from hsbp.partnerships.services import create_partner, create_partnership
    from hsbp.principles.services import start_draft

    def work(session):
        admin = session.scalar(select(User).where(User.email == "admin@demo.hsbp.example"))
        partnership = create_partnership(
            session,
            actor=admin,
            name=f"Alianza del río Orteguaza {suffix()}",
            country="CO",
            locality="Florencia, Caquetá",
            stage=Stage.ACTIVE,
            default_locale="en",
            locales=["en"],
            timezone="America/Bogota",
        )
        partner = create_partner(
            session,
            actor=admin,
            partnership=partnership,
            name="Cooperativa Orteguaza",
            sector=Sector.COMMUNITY_GROUP,
            description="",
            joined_on=date.today(),
            left_on=None,
        )
        start_draft(session, actor=admin, partnership=partnership)
        return partnership.id, partner.id

    pid, partner_id = in_app(live_server, work)
    email, _member = fresh_member(live_server, Role.REPRESENTATIVE, pid, partner_id)
    return pid, email


def test_a_representative_withdraws_their_own_charter_suggestion(
    page, live_server, draft_with_a_representative
):
    from hsbp.principles.suggestion_models import CharterSuggestion

    pid, email = draft_with_a_representative
    wording = f"We publish every decision in the village ({suffix()})."
    signed_in_as(page, email)
    page.goto(f"/p/{pid}/charter")
    page.get_by_role("link", name="Suggest wording").click()
    page.wait_for_url(re.compile(r"/charter/1/suggest$"))
    page.get_by_role("link", name="Trust", exact=True).click()
    page.locator("#wording-en").fill(wording)
    page.get_by_label("Why this wording").fill("The assembly asked for it.")
    submit(page, "Send the suggestion")
    suggestion_id = int(re.search(r"/charter/1/suggestions/(\d+)$", page.url)[1])

    submit(page, "Withdraw my suggestion")
    assert flashed(page) == "Your suggestion is withdrawn."
    assert page.locator("main").get_by_role("button", name="Withdraw my suggestion").count() == 0
    rows = stored(
        live_server,
        select(CharterSuggestion.status, CharterSuggestion.wording).where(
            CharterSuggestion.id == suggestion_id
        ),
    )
    assert rows == [("withdrawn", {"en": wording})]
