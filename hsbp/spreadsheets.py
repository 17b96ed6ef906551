"""Exports as CSV and XLSX, with cells that cannot run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response
from openpyxl import Workbook

# A cell starting with one of these would run as a formula (a tab or carriage return may
# hide one); people write such things in names and free text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Given as the whole Content-Type: passed as a mimetype, Werkzeug would add a second charset.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def defuse(value):
    """Quote a text that would run as a formula; a plain negative number stays as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not value[1:].isdigit():
        return "'" + value
    return value


def to_csv(rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([defuse(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[list], *, sheet: str) -> bytes:
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append([defuse(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(rows: Iterable[list], kind: str, *, sheet: str, filename: str) -> Response:
    """The rows as a CSV or XLSX file to save (`kind` "csv" or "xlsx")."""
    body = to_csv(rows) if kind == "csv" else to_xlsx(rows, sheet=sheet)
    return Response(
        body,
        content_type=CONTENT_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
