"""Exports of answers: one row per response, identities only for facilitators of
consultations that are not anonymous, formulas defused."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.security import Role
from tests.consultations.test_results import respond, tag_ids
from tests.consultations.test_results_pages import NAME, PHONE, base, identified


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def flat(rows) -> str:
    return "|".join(str(cell) for row in rows for cell in row if cell is not None)


HEADER = [
    "Sector",
    "Groups",
    "Locality",
    "Channel",
    "State",
    "1. Where does your water come from?",
    "2. What worries you?",
    "3. Trust in the company",
    "4. Do you attend meetings?",
    "5. What is happening to the river?",
    "6. How many children at home?",
]


def test_export_has_a_row_per_counted_response_with_labels(
    client, login, session, build, facilitator
):
    consultation = build()
    respond(session, consultation, sector="company", water="river", worries=("dust", "roads"))
    respond(session, consultation, sector="community_group", channel="sms", worries=None)
    respond(session, consultation, state="in_progress")
    login(facilitator)
    rows = csv_rows(client.get(base(consultation) + "/results/export?format=csv"))
    assert rows[0] == HEADER
    assert sorted(rows[1:]) == [
        ["community_group", "", "", "sms", "complete", "Well", "(skipped)", "3", "Yes", "", "2"],
        [
            "company",
            "",
            "",
            "web",
            "complete",
            "River",
            "Dust; Roads",
            "3",
            "Yes",
            "El agua baja turbia.",
            "2",
        ],
    ]


def test_export_defuses_formula_looking_text(client, login, session, build, facilitator):
    consultation = build()
    respond(session, consultation, water="river", text='=HYPERLINK("http://x")')
    login(facilitator)
    rows = csv_rows(client.get(base(consultation) + "/results/export?format=csv"))
    assert rows[1][9] == '\'=HYPERLINK("http://x")'
    rows = xlsx_rows(client.get(base(consultation) + "/results/export?format=xlsx"))
    assert rows[1][9] == '\'=HYPERLINK("http://x")'
    assert rows[1][10] == 2


def export_with_identity(client, consultation, kind):
    """The buttons "... with names and phone numbers": a POST, never a link."""
    url = f"{base(consultation)}/results/export"
    return client.post(url, data={"format": kind, "identity": "1"})


def test_a_link_asking_for_identities_gets_none_and_logs_nothing(
    client, login, session, make, build, facilitator
):
    consultation = identified(session, make, build, anonymous=False)
    login(facilitator)
    rows = csv_rows(client.get(f"{base(consultation)}/results/export?format=csv&identity=1"))
    assert rows[0] == HEADER
    assert NAME not in flat(rows) and PHONE not in flat(rows)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action.like("%export%"))).all() == []


def test_facilitator_export_with_identity_names_people_and_is_audited(
    client, login, session, make, build, facilitator
):
    consultation = identified(session, make, build, anonymous=False)
    login(facilitator)
    for kind, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(export_with_identity(client, consultation, kind))
        assert rows[0][5:7] == ["Member", "Phone"]
        assert NAME in flat(rows) and PHONE in flat(rows)
    logged = session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "consultation.export_identities")
    ).all()
    assert logged == [{"format": "csv"}, {"format": "xlsx"}]
    assert export_with_identity(client, consultation, "csv").headers["Cache-Control"] == "no-store"
    page = client.get(f"{base(consultation)}/results").get_data(as_text=True)
    assert "identity=1" not in page
    assert page.count('<input type="hidden" name="identity" value="1">') == 2


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_observer_export_has_no_identity_columns(
    client, login, session, make, build, partnership, kind
):
    consultation = identified(session, make, build, anonymous=False)
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="en")))
    read = csv_rows if kind == "csv" else xlsx_rows
    rows = read(export_with_identity(client, consultation, kind))
    assert rows[0] == HEADER
    assert NAME not in flat(rows) and PHONE not in flat(rows)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_anonymous_export_holds_no_identity_even_for_facilitators(
    client, login, session, make, build, facilitator, kind
):
    consultation = identified(session, make, build, anonymous=True)
    login(facilitator)
    read = csv_rows if kind == "csv" else xlsx_rows
    rows = read(export_with_identity(client, consultation, kind))
    assert rows[0] == HEADER
    assert len(rows) == 7
    assert NAME not in flat(rows) and PHONE not in flat(rows)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action.like("%export%"))).all() == []


W = "(withheld)"
ANSWERS = ["Well", "Roads", "3", "Yes", "", "2"]


def test_anonymous_export_withholds_what_fewer_than_5_share_locality_first(
    client, login, session, build, facilitator, partnership
):
    consultation = build(anonymous=True)
    women = tag_ids(session, partnership)["women"]
    respond(
        session,
        consultation,
        sector="government",
        channel="assisted",
        tags=[women],
        locality="Florencia",
    )  # alone in every respect
    for place in ("Florencia", "Florencia", "Paujil", "Florencia", "Paujil"):
        respond(session, consultation, sector="company", locality=place)
    for _ in range(5):
        respond(session, consultation, sector="community_group", channel="sms", locality="Vereda")
    login(facilitator)
    rows = csv_rows(client.get(base(consultation) + "/results/export?format=csv"))
    assert rows[0] == HEADER
    # Sorted on the values shown, "(withheld)" after the plain ones.
    assert rows[1:] == (
        [["community_group", "", "Vereda", "sms", "complete", *ANSWERS]] * 5
        + [["company", "", W, "web", "complete", *ANSWERS]] * 5
        + [[W, W, W, W, W, *ANSWERS]]
    )


def test_anonymous_export_of_fewer_than_5_responses_holds_no_answers(
    client, login, session, build, facilitator
):
    consultation = build(anonymous=True)
    for _ in range(4):
        respond(session, consultation, sector="company")
    login(facilitator)
    for kind, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(f"{base(consultation)}/results/export?format={kind}"))
        assert rows == [HEADER]
    respond(session, consultation, sector="company")
    rows = csv_rows(client.get(base(consultation) + "/results/export?format=csv"))
    assert rows[1:] == [["company", "", "", "web", "complete", *ANSWERS]] * 5


def test_anonymous_export_rows_follow_the_values_not_the_order_of_answering(
    client, login, session, build, facilitator
):
    consultation = build(anonymous=True)
    for sector in ["company", "community_group"] * 5:  # interleaved in id order
        respond(session, consultation, sector=sector, locality="Florencia")
    login(facilitator)
    rows = csv_rows(client.get(base(consultation) + "/results/export?format=csv"))
    assert [row[0] for row in rows[1:]] == ["community_group"] * 5 + ["company"] * 5


def test_an_export_that_is_not_anonymous_keeps_every_detail(
    client, login, session, build, facilitator, partnership
):
    consultation = build()
    women = tag_ids(session, partnership)["women"]
    respond(
        session,
        consultation,
        sector="government",
        channel="assisted",
        tags=[women],
        locality="Florencia",
    )
    login(facilitator)
    rows = csv_rows(client.get(base(consultation) + "/results/export?format=csv&identity=1"))
    assert rows[1][:5] == ["government", "women", "Florencia", "assisted", "complete"]


def test_a_co_facilitator_exports_answers_without_names_or_phones(
    client, login, session, make, build, partnership, facilitator
):
    from hsbp.partnerships import profiles
    from hsbp.partnerships.models import Membership

    consultation = identified(session, make, build, anonymous=False)
    cabildo = make.partner(partnership, name="Cabildo", sector="community_group")
    rosa = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=cabildo
    )
    seat = session.scalars(select(Membership).where(Membership.user_id == rosa.id)).one()
    profiles.name_co_facilitator(
        session, actor=facilitator, partnership=partnership, membership_id=seat.id
    )
    login(rosa)
    assert 'name="identity"' not in client.get(f"{base(consultation)}/results").get_data(
        as_text=True
    )
    rows = csv_rows(export_with_identity(client, consultation, "csv"))
    assert rows[0] == HEADER
    assert NAME not in flat(rows) and PHONE not in flat(rows)
    assert not session.scalars(
        select(AuditEntry).where(AuditEntry.action == "consultation.export_identities")
    ).all()
