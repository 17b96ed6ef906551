"""The account list and an account's page: who sees them, search, filters, pages, the second
factor's state, and a number of queries that does not grow with the rows."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hsbp.grievances import officers
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from tests.accounts.conftest import table_rows, with_second_factor

ADMIN_ROW = ["Adela Admin Site administrator", "adela@example.org", "Never", "—", "On", "Active"]
ROWS = {
    "Adela Admin": ADMIN_ROW,
    "Aisha": [
        "Aisha",
        "aisha@example.org",
        "Never",
        "Mocoa: Observer",
        "Required, not set up",
        "Active",
    ],
    "Fabiola Díaz": [
        "Fabiola Díaz",
        "fabiola@example.org",
        "Never",
        "Caguán: Facilitator",
        "Required, not set up",
        "Active",
    ],
    "Nadia": [
        "Nadia",
        "nadia@example.org",
        "Never",
        "Caguán: Observer Mocoa: Facilitator",
        "On",
        "Active",
    ],
    "Omar": ["Omar", "omar@ngo.net", "May 4, 2026, 8:07 AM", "Caguán: Observer", "Off", "Active"],
    "Rosa": [
        "Rosa",
        "rosa@example.org",
        "Never",
        "Caguán: Partner representative · grievance officer",
        "Required, not set up",
        "Active",
    ],
    "Zoe": ["Zoe", "zoe@example.org", "Never", "—", "Off", "Deactivated"],
}


@pytest.fixture
def people(make, session, admin):
    """Accounts of every second-factor state, by name."""
    caguan = make.partnership(name="Caguán")
    strict = make.partnership(name="Mocoa", require_two_factor=True)

    def user(name, email, **fields):
        return make.user(name=name, email=email, **fields)

    fabiola = make.member(
        caguan, Role.FACILITATOR, user=user("Fabiola Díaz", "fabiola@example.org")
    )
    omar = make.member(caguan, Role.OBSERVER, user=user("Omar", "omar@ngo.net"))
    make.member(strict, Role.OBSERVER, user=user("Aisha", "aisha@example.org"))
    rosa = make.member(caguan, Role.REPRESENTATIVE, user=user("Rosa", "rosa@example.org"))
    membership = session.scalars(select(Membership).filter_by(user_id=fabiola.id)).one()
    officers.grant_officer(
        session, actor=fabiola, membership=membership, user_id=rosa.id, confirm_recusal=True
    )
    nadia = with_second_factor(user("Nadia", "nadia@example.org"))
    make.member(strict, Role.FACILITATOR, user=nadia)
    make.member(caguan, Role.OBSERVER, user=nadia)
    user("Zoe", "zoe@example.org", active=False, deactivated_at=datetime(2026, 3, 1, tzinfo=UTC))
    omar.last_login_at = datetime(2026, 5, 4, 8, 7, tzinfo=UTC)
    session.flush()
    return {"caguan": caguan, "omar": omar, "fabiola": fabiola, "rosa": rosa}


@pytest.fixture
def admin(admin):
    admin.email = "adela@example.org"
    return admin


def listed(client, query: str = "") -> list[list[str]]:
    page = client.get(f"/admin/accounts{query}")
    assert page.status_code == 200
    return table_rows(page.get_data(as_text=True))


def names(client, query: str = "") -> list[str]:
    rows = [row for row in listed(client, query) if row != ["No account matches."]]
    return [row[0].removesuffix(" Site administrator") for row in rows]


def test_list_shows_each_account_with_partnerships_roles_and_second_factor(client, people):
    html = client.get("/admin/accounts").get_data(as_text=True)
    assert "7 accounts found." in html
    assert table_rows(html) == list(ROWS.values())


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("?q=ABI", ["Fabiola Díaz"]),
        ("?q=ngo.NET", ["Omar"]),
        ("?q=%25", []),
        ("?q=omar&state=deactivated", []),
        ("?state=deactivated", ["Zoe"]),
        ("?state=active&second_factor=off", ["Aisha", "Fabiola Díaz", "Omar", "Rosa"]),
        ("?second_factor=on", ["Adela Admin", "Nadia"]),
        ("?second_factor=missing", ["Aisha", "Fabiola Díaz", "Rosa"]),
        ("?second_factor=off", ["Aisha", "Fabiola Díaz", "Omar", "Rosa", "Zoe"]),
        # Junk is ignored, as on every search form.
        ("?state=gone&second_factor=%C2%B2&page=x", list(ROWS)),
    ],
)
def test_list_searches_by_name_or_email_and_filters(client, people, query, found):
    assert names(client, query) == found


def test_list_says_when_nothing_matches(client, people):
    page = client.get("/admin/accounts?q=nobody").get_data(as_text=True)
    assert "0 accounts found." in page
    assert table_rows(page) == [["No account matches."]]


def test_list_pages_keep_the_search(client, make, admin):
    for n in range(51):
        make.user(name=f"Pat {n:02d}", email=f"pat{n}@example.org")
    first = client.get("/admin/accounts?q=pat").get_data(as_text=True)
    assert "51 accounts found." in first
    assert len(table_rows(first)) == 50
    assert 'href="/admin/accounts?page=2&amp;q=pat"' in first
    second = listed(client, "?q=pat&page=2")
    assert [row[0] for row in second] == ["Pat 50"]


def test_list_runs_as_many_queries_for_many_rows_as_for_one(
    client, make, session, admin, count_queries
):
    def add(n):
        for _ in range(n):
            partnership = make.partnership()
            facilitator = make.member(partnership, Role.FACILITATOR)
            observer = make.member(partnership, Role.OBSERVER, user=with_second_factor(make.user()))
            make.member(make.partnership(require_two_factor=True), Role.OBSERVER, user=observer)
            membership = session.scalars(select(Membership).filter_by(user_id=facilitator.id)).one()
            officers.grant_officer(
                session, actor=facilitator, membership=membership, user_id=observer.id
            )

    add(1)
    with count_queries() as few:
        assert len(listed(client)) == 3
    add(12)
    with count_queries() as many:
        assert len(listed(client)) == 27
    assert many["n"] == few["n"]


def test_account_page_runs_as_many_queries_for_many_partnerships_as_for_one(
    client, make, admin, count_queries
):
    person = make.user()
    make.member(make.partnership(), Role.FACILITATOR, user=person)
    with count_queries() as few:
        assert client.get(f"/admin/accounts/{person.id}").status_code == 200
    for _ in range(10):
        make.member(make.partnership(), Role.OBSERVER, user=person)
    with count_queries() as many:
        assert client.get(f"/admin/accounts/{person.id}").status_code == 200
    assert many["n"] == few["n"]


def test_account_page_shows_the_facts_and_why_a_second_factor_is_required(
    client, people, signed_in
):
    fabiola = people["fabiola"]
    signed_in(fabiola)
    signed_in(fabiola)
    page = client.get(f"/admin/accounts/{fabiola.id}").get_data(as_text=True)
    for text in (
        "<h1><bdi>Fabiola Díaz</bdi></h1>",
        "<dd><bdi>fabiola@example.org</bdi></dd>",
        "<dt>Open sessions</dt>\n  <dd><bdi>2</bdi></dd>",
        '<span class="tag">Required, not set up</span>',
        "<li>a facilitator of a partnership</li>",
        "Deactivate the account",
    ):
        assert text in page
    # No second factor: nothing to reset.
    assert "Reset the second factor" not in page
    assert "<li>a grievance officer</li>" not in page
    rosa = client.get(f"/admin/accounts/{people['rosa'].id}").get_data(as_text=True)
    assert "<li>a grievance officer</li>" in rosa
    assert "<li>a facilitator of a partnership</li>" not in rosa


def test_own_account_page_offers_no_deactivation_or_reset(client, admin):
    page = client.get(f"/admin/accounts/{admin.id}").get_data(as_text=True)
    assert "This is your own account" in page
    assert "Deactivate the account" not in page
    assert "Reset the second factor" not in page


@pytest.mark.parametrize("role", [None, Role.FACILITATOR])
def test_accounts_pages_are_404_for_everyone_but_site_administrators(client, make, signed_in, role):
    other = make.user(name="Target")
    user = make.user()
    if role is not None:
        make.member(make.partnership(), role, user=user)
        make.member(make.partnership(), role, user=other)
    signed_in(user, client)
    assert client.get("/admin/accounts").status_code == 404
    assert client.get(f"/admin/accounts/{other.id}").status_code == 404
    for action in ("deactivate", "reactivate", "second-factor/reset"):
        response = client.post(f"/admin/accounts/{other.id}/{action}", data={"reset-reason": "x"})
        assert response.status_code == 404
    assert other.active


def test_accounts_pages_send_visitors_to_sign_in(client, make):
    response = client.get("/admin/accounts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "path",
    ["/admin/accounts/999999", "/admin/accounts/999999/deactivate", "/admin/accounts/007"],
)
def test_unknown_accounts_are_404(client, admin, path):
    method = client.post if path.endswith("deactivate") else client.get
    assert method(path).status_code == 404


def test_header_links_the_accounts_for_site_administrators_only(client, make, admin, signed_in):
    assert 'href="/admin/accounts"' in client.get("/account").get_data(as_text=True)
    other = signed_in(make.user())
    assert 'href="/admin/accounts"' not in other.get("/account").get_data(as_text=True)
