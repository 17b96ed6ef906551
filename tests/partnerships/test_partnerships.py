"""Creating and changing partnerships, the list, the admin list and the dashboard."""

from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.mail import OutboundEmail
from hsbp.partnerships.models import Invitation, Partnership
from hsbp.security import Role

FORM = {
    "name": "Alianza del Caguán",
    "country": "CO",
    "locality": "San Vicente del Caguán",
    "context_summary": "Posconflicto.",
    "stage": "forming",
    "timezone": "America/Bogota",
    "default_locale": "es",
    "locales": ["es", "en"],
    "other_locales": "qu",
}


def test_site_admin_creates_a_partnership_and_invites_its_facilitator(client, make, login, session):
    admin = make.user(is_site_admin=True)
    login(admin)
    response = client.post(
        "/admin/partnerships/new", data={**FORM, "facilitator_email": "lucia@example.org"}
    )
    assert response.status_code == 302
    partnership = session.scalars(select(Partnership)).one()
    assert (partnership.country, partnership.default_locale, partnership.locales) == (
        "CO",
        "es",
        ["es", "en", "qu"],
    )
    invitation = session.scalars(select(Invitation)).one()
    assert (invitation.email, invitation.role) == ("lucia@example.org", Role.FACILITATOR)
    email = session.scalars(select(OutboundEmail)).one()
    # The invitee has no account yet: the e-mail is in the partnership's default language.
    assert email.subject == "Invitación a la alianza Alianza del Caguán"
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["partnership.create", "invitation.create"]


def test_non_admin_cannot_open_partnership_creation(client, make, login):
    login(make.user())
    assert client.get("/admin/partnerships/new").status_code == 404
    assert client.post("/admin/partnerships/new", data=FORM).status_code == 404
    assert client.get("/admin/partnerships").status_code == 404


def test_partnership_form_errors_rerender_and_save_nothing(client, make, login, session):
    login(make.user(is_site_admin=True))
    bad = {**FORM, "name": "", "country": "XX", "other_locales": "not a language"}
    response = client.post("/admin/partnerships/new", data=bad)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in body
    assert "Not a valid choice." in body
    assert session.scalar(select(func.count()).select_from(Partnership)) == 0


def test_unknown_language_code_is_refused_by_the_service(client, make, login, session):
    login(make.user(is_site_admin=True))
    response = client.post("/admin/partnerships/new", data={**FORM, "other_locales": "zz9"})
    assert response.status_code == 422
    assert "Unknown language code: zz9" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Partnership)) == 0


def test_overlong_name_is_refused(client, make, login):
    login(make.user(is_site_admin=True))
    response = client.post("/admin/partnerships/new", data={**FORM, "name": "x" * 201})
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in response.get_data(as_text=True)


def test_my_partnerships_lists_only_mine(client, make, login):
    mine = make.partnership(name="Mine")
    also_mine = make.partnership(name="Also mine")
    make.partnership(name="Not mine")
    user = make.member(mine, Role.OBSERVER)
    make.member(also_mine, Role.OBSERVER, user=user)
    login(user)
    body = client.get("/partnerships").get_data(as_text=True)
    assert "Mine" in body
    assert "Also mine" in body
    assert "Not mine" not in body


def test_facilitator_changes_settings_and_the_change_is_audited(client, make, login, session):
    partnership = make.partnership(name="Old name")
    login(make.member(partnership, Role.FACILITATOR))
    response = client.post(
        f"/p/{partnership.id}/settings", data={**FORM, "name": "New name", "stage": "active"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert (partnership.name, partnership.stage) == ("New name", "active")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "partnership.update")
    ).one()
    assert entry.details["name"] == ["Old name", "New name"]
    assert entry.partnership_id == partnership.id


def test_dashboard_shows_partners_by_sector_and_members(client, make, login):
    partnership = make.partnership(name="Caguán")
    make.partner(partnership, name="Agroforestal", sector="company")
    make.partner(partnership, name="Alcaldía", sector="local_government")
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    make.member(partnership, Role.OBSERVER)
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "<h1>Caguán</h1>" in body
    assert "Company: 1" in body
    assert "Local government: 1" in body
    assert "Observer: 1" in body
    assert "Facilitator: 1" in body
    assert "No partner yet from:" in body
    assert "Recent activity" in body


def test_dashboard_hides_the_audit_log_from_representatives(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.REPRESENTATIVE, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Recent activity" not in body
    assert "Audit log" not in body


def test_partnership_pages_show_dates_in_its_time_zone_and_language(client, make, login, session):
    from datetime import UTC, datetime

    from hsbp.audit import record

    partnership = make.partnership(timezone="America/Bogota")
    user = make.member(partnership, Role.FACILITATOR, user=make.user(locale="es"))
    entry = record(
        session,
        actor_id=user.id,
        action="partner.create",
        obj=partnership,
        partnership_id=partnership.id,
    )
    entry.created_at = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
    login(user)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    # 03:30 UTC is 22:30 the day before in Bogotá, written the Spanish way, without seconds.
    assert "20 nov 2026, 22:30" in body
