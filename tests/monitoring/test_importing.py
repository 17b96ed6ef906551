"""Values imported from a spreadsheet: every row checked and previewed with its line number
and nothing written; confirmed, all written at once; a period with a value only as a
correction."""

# The fixtures are shared by import, so a test's parameter names them again.
# ruff: noqa: F811

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from hsbp.errors import ServiceError
from hsbp.monitoring import importing, services
from hsbp.monitoring.models import Measurement
from tests.monitoring.test_services import fields, jobs  # noqa: F401

GOOD = (
    "indicator,period,value,note\n"
    "{id},2026-01-01,20,first quarter\n"
    'Empleo local de mujeres y jóvenes,2026-04-01,"22,5",\n'
)


def measured(session):
    return session.execute(
        select(
            Measurement.period_on, Measurement.revision, Measurement.value, Measurement.method
        ).order_by(Measurement.period_on, Measurement.revision)
    ).all()


def test_preview_gives_errors_by_line_and_writes_nothing(session, partnership, jobs):
    content = (
        "indicator,period,value\n"
        f"{jobs.id},2026-01-01,20\n"
        "Unknown,2026-01-01,20\n"
        f"{jobs.id},2026-02-01,20\n"  # not the start of a quarter
        f"{jobs.id},2026-04-01,140\n"  # a percentage over 100
        f"{jobs.id},2026-01-01,21\n"  # the same period as line 2
    ).encode()
    rows = importing.read("values.csv", content)
    preview = importing.check(session, partnership=partnership, rows=rows)

    assert [(row.line, len(row.errors)) for row in preview.bad] == [(3, 1), (4, 1), (5, 1), (6, 1)]
    assert preview.bad[2].errors == ["A percentage is from 0 to 100."]
    assert session.scalar(select(func.count()).select_from(Measurement)) == 0


def test_confirm_writes_every_row_as_imported(session, partnership, facilitator, jobs):
    rows = importing.read("values.csv", GOOD.format(id=jobs.id).encode())
    written = importing.confirm(session, actor=facilitator, partnership=partnership, rows=rows)

    assert written == 2
    assert measured(session) == [
        (date(2026, 1, 1), 1, Decimal("20.0000"), "import"),
        (date(2026, 4, 1), 1, Decimal("22.5000"), "import"),
    ]


def test_a_file_with_one_bad_row_writes_nothing(session, partnership, facilitator, jobs):
    content = GOOD.format(id=jobs.id) + "Unknown,2026-07-01,30,\n"
    rows = importing.read("values.csv", content.encode())
    with pytest.raises(ServiceError):
        importing.confirm(session, actor=facilitator, partnership=partnership, rows=rows)
    assert measured(session) == []


def test_a_period_with_a_value_is_refused_unless_a_correction(
    session, partnership, facilitator, jobs
):
    services.record_value(
        session, actor=facilitator, indicator=jobs, period_on=date(2026, 1, 1), value="20"
    )
    plain = importing.read("v.csv", f"indicator,period,value\n{jobs.id},2026-01-01,25\n".encode())
    preview = importing.check(session, partnership=partnership, rows=plain)
    assert [row.line for row in preview.bad] == [2]

    corrected = importing.read(
        "v.csv", f"indicator,period,value,correction\n{jobs.id},2026-01-01,25,yes\n".encode()
    )
    importing.confirm(session, actor=facilitator, partnership=partnership, rows=corrected)
    assert measured(session) == [
        (date(2026, 1, 1), 1, Decimal("20.0000"), "web"),
        (date(2026, 1, 1), 2, Decimal("25.0000"), "import"),
    ]


def test_an_indicator_of_another_partnership_is_not_found(
    session, make, partnership, facilitator, jobs
):
    other = make.partnership()
    theirs = services.create_indicator(
        session, actor=facilitator, partnership=other, fields=fields()
    )
    rows = importing.read("v.csv", f"indicator,period,value\n{theirs.id},2026-01-01,25\n".encode())
    assert [
        row.line for row in importing.check(session, partnership=partnership, rows=rows).bad
    ] == [2]


def test_xlsx_rows_are_read_with_their_line_numbers(session, partnership, jobs):
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Period", "Value"])
    sheet.append([jobs.id, date(2026, 1, 1), 20])
    sheet.append([])
    sheet.append([jobs.id, "2026-13-01", 20])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = importing.read("values.xlsx", buffer.getvalue())
    preview = importing.check(session, partnership=partnership, rows=rows)
    assert [(row.line, row.errors) for row in preview.bad] == [
        (4, ["Write the period as its first day, YYYY-MM-DD."])
    ]


def test_import_pages_preview_then_confirm(client, login, session, partnership, facilitator, jobs):
    login(facilitator)
    url = f"/p/{partnership.id}/monitoring/import"
    upload = (io.BytesIO(GOOD.format(id=jobs.id).encode()), "values.csv")
    page = client.post(url, data={"file": upload}, content_type="multipart/form-data")
    assert page.status_code == 200
    assert session.scalar(select(func.count()).select_from(Measurement)) == 0
    carried = importing.Preview(
        rows=importing.check(
            session,
            partnership=partnership,
            rows=importing.read("v.csv", GOOD.format(id=jobs.id).encode()),
        ).rows
    ).carried()
    done = client.post(f"{url}/confirm", data={"rows": carried})
    assert done.status_code == 302
    assert session.scalar(select(func.count()).select_from(Measurement)) == 2


def test_import_page_lists_bad_rows_by_line(client, login, session, partnership, facilitator, jobs):
    login(facilitator)
    content = f"indicator,period,value\n{jobs.id},2026-01-01,20\nUnknown,2026-01-01,20\n"
    page = client.post(
        f"/p/{partnership.id}/monitoring/import",
        data={"file": (io.BytesIO(content.encode()), "values.csv")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert "<tr><td>3</td><td>Unknown</td>" in html
    assert "monitoring/import/confirm" not in html
    assert client.get(f"/p/{partnership.id}/monitoring/import").status_code == 200
