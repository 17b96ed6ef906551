"""The report by framework as files: a PDF (Arabic too) holding the references and what was
done, an XLSX with a row per item, a self-contained HTML page; names with the partnership, the
framework and the day; the same reading rights as the page; each download audited."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
from openpyxl import load_workbook
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.risks import framework_export
from tests.risks.test_framework_report import tagged  # noqa: F401  (a fixture)

FSI, PDI = "\u2068", "\u2069"


def url(partnership, fmt, query="") -> str:
    return f"/p/{partnership.id}/frameworks/report.{fmt}{query}"


def today(partnership) -> str:
    return utcnow().astimezone(partnership.zone).date().isoformat()


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def exports(session, partnership) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.partnership_id == partnership.id,
                AuditEntry.action == "framework.export",
            )
            .order_by(AuditEntry.id)
        )
    )


def test_the_pdf_holds_the_references_and_what_was_done(
    session,
    client,
    login,
    partnership,
    facilitator,
    tagged,  # noqa: F811
):
    login(facilitator)
    answer = client.get(url(partnership, "pdf", "?framework=ifc"))
    assert answer.status_code == 200
    assert answer.content_type == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="framework-report-caguan-ifc-{today(partnership)}.pdf"'
    )
    assert answer.data.startswith(b"%PDF")
    text = pdf_text(answer.data)
    assert "PS4" in text and "Caguán" in text
    assert "Contaminación del río" in text and "Desalojo de familias" in text
    assert "Planta de tratamiento (en)" in text
    assert "Grievances linked to these risks: 2" in text
    # A download holds no one's identity and, like every read, writes nothing to the log.
    assert exports(session, partnership) == []


def test_the_pdf_in_arabic_is_shaped(client, login, partnership, facilitator, tagged):  # noqa: F811
    login(facilitator)
    answer = client.get(url(partnership, "pdf", "?framework=ifc&lang=ar"))
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert 'filename="framework-report-caguan-ifc-' in answer.headers["Content-Disposition"]
    assert client.get(url(partnership, "pdf", "?framework=ifc&lang=xx")).status_code == 404


def test_the_xlsx_has_a_row_per_item(
    session,
    client,
    login,
    partnership,
    company_rep,
    tagged,  # noqa: F811
):
    login(company_rep)
    answer = client.get(url(partnership, "xlsx", "?framework=ifc"))
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="framework-report-caguan-ifc-{today(partnership)}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(answer.data)).active
    found = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert found[0] == [
        "Framework",
        "Reference",
        "Reference title",
        "Item type",
        "Item",
        "Status",
        "Figure",
        "Details",
    ]
    ps4 = [row for row in found[1:] if row[1] == "ifc:PS4"]
    assert [row[3:5] for row in ps4] == [
        ["Charter goal", "Clean water"],
        ["Action", "Planta de tratamiento (en)"],
        ["Indicator", "Familias con agua potable"],
        ["Risk", "R-1 Contaminación del río"],  # R-2 is not the company's to read
        ["Grievances linked", None],
    ]
    assert ps4[1][5:] == [
        "In progress",
        "40%",
        "Lead partner: Palma del Caguán S.A.; Due date: Sep 30, 2026",
    ]
    assert ps4[2][5:7] == ["At risk", "180 familias (Jun 30, 2026)"]
    assert ps4[3][5:7] == ["Open", "Severity: Medium; Likelihood: Likely"]
    assert ps4[4][6] == "2"
    ps1 = [row for row in found[1:] if row[1] == "ifc:PS1"]
    assert [row[4:7] for row in ps1] == [
        ["Grievances received", None, "3"],
        ["Open", None, "1"],
        ["Closed", None, "2"],
        ["Median days to close", None, "7"],
    ]
    assert {row[0] for row in found[1:]} == {"IFC PS"}
    assert not any(FSI in str(cell) for row in found for cell in row)


def test_the_html_download_is_a_page_of_its_own(
    client,
    login,
    partnership,
    municipality,
    observer,
    tagged,  # noqa: F811
):
    login(observer)
    answer = client.get(
        url(partnership, "html", f"?framework=ungp&partner={municipality.id}&everything=y")
    )
    assert answer.status_code == 200
    assert answer.content_type == "text/html; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="framework-report-caguan-ungp-{today(partnership)}.html"'
    )
    body = answer.get_data(True)
    assert "<style>" in body and "stylesheet" not in body
    assert 'href="/p/' not in body  # no link back into the app
    assert "What \u2068Alcaldía de Cartagena del Chairá\u2069 did" in body
    assert len(re.findall(r'class="framework-reference"', body)) == 31


def test_file_names_name_the_partnership_in_plain_letters(make):
    day = date(2026, 5, 1)
    named = make.partnership(name="Alianza Río Caguán")
    assert framework_export.filename(named, "ifc", "pdf", day) == (
        "framework-report-alianza-rio-caguan-ifc-2026-05-01.pdf"
    )
    arabic = make.partnership(name="شراكة")
    assert framework_export.filename(arabic, "ungp", "xlsx", day) == (
        f"framework-report-partnership-{arabic.id}-ungp-2026-05-01.xlsx"
    )
