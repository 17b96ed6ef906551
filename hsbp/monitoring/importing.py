"""Indicator values from a CSV or XLSX file: every row checked and previewed, then all
written at once.

Nothing is stored between the preview and the confirmation: the preview page carries the
rows it read, and confirming checks them all again before writing, so a value reported by
someone else in between is still refused. The rows are what the user could upload anyway,
so carrying them in the page gives them no more power than the upload form.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.mapping.importing import MAX_BYTES, _cell
from hsbp.monitoring import parts, services
from hsbp.monitoring.models import Frequency, Indicator, Measurement, Method
from hsbp.partnerships.models import Partnership

COLUMNS = ["indicator", "period", "value", "breakdown", "note", "correction"]
REQUIRED = ("indicator", "period", "value")
MAX_ROWS = 5000
YES = {"yes", "y", "1", "true", "si", "sí", "oui", "da", "ndiyo", "نعم"}
ALREADY = _l('This period already has a value. Write "yes" in the correction column to correct it.')
# The months a period can start in, by frequency.
STARTS = {
    Frequency.MONTHLY: range(1, 13),
    Frequency.QUARTERLY: (1, 4, 7, 10),
    Frequency.HALF_YEARLY: (1, 7),
    Frequency.YEARLY: (1,),
}


@dataclass
class RowCheck:
    line: int
    raw: dict
    indicator: Indicator | None = None
    period_on: date | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def correction(self) -> bool:
        return self.raw.get("correction", "").strip().lower() in YES


@dataclass
class Preview:
    rows: list[RowCheck]

    @property
    def bad(self) -> list[RowCheck]:
        return [row for row in self.rows if row.errors]

    def carried(self) -> str:
        """The rows as read, for the confirmation form."""
        return json.dumps([[row.line, row.raw] for row in self.rows], ensure_ascii=False)


def read(filename: str, content: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: text}) of each data row; ServiceError on an unreadable file."""
    if len(content) > MAX_BYTES:
        raise ServiceError(_l("The file is larger than 5 MB."), field="file")
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            table = [
                [_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ServiceError(_l("This .xlsx file cannot be read."), field="file") from exc
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("latin-1")  # spreadsheets saved by older office software
        try:
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    else:
        raise ServiceError(_l("Upload a .csv or .xlsx file."), field="file")
    return _rows(table)


def _rows(table: list[list[str]]) -> list[tuple[int, dict]]:
    if not table:
        raise ServiceError(_l("The file is empty."), field="file")
    header = [str(cell).strip().lower() for cell in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ServiceError(
            _l('The first row must name the columns, including "indicator", "period" and "value".'),
            field="file",
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ServiceError(
            _l("Unknown columns: %(columns)s", columns=", ".join(unknown)), field="file"
        )
    rows = []
    for line, values in enumerate(table[1:], start=2):
        if any(str(v).strip() for v in values):
            rows.append(
                (line, {h: str(v).strip() for h, v in zip(header, values, strict=False) if h})
            )
    if not rows:
        raise ServiceError(_l("The file has no rows of values."), field="file")
    if len(rows) > MAX_ROWS:
        raise ServiceError(_l("At most %(count)d rows per file.", count=MAX_ROWS), field="file")
    return rows


def carried_rows(text: str) -> list[tuple[int, dict]]:
    """The rows a preview page carried back; ServiceError if they are not rows."""
    try:
        rows = [
            (int(line), {str(k): str(v) for k, v in raw.items()}) for line, raw in json.loads(text)
        ]
    except (ValueError, TypeError, AttributeError):
        raise ServiceError(_l("Upload the file again."), field="file") from None
    if not rows or len(rows) > MAX_ROWS:
        raise ServiceError(_l("Upload the file again."), field="file")
    return rows


def check(session: Session, *, partnership: Partnership, rows: list[tuple[int, dict]]) -> Preview:
    """Every row checked against the partnership's indicators and the values already there;
    nothing written. Three statements whatever the number of rows."""
    indicators = session.scalars(
        select(Indicator).where(Indicator.partnership_id == partnership.id)
    ).all()
    by_key: dict[str, Indicator] = {}
    for indicator in indicators:
        by_key[str(indicator.id)] = indicator
        for name in indicator.name.values():
            by_key.setdefault(name.strip().casefold(), indicator)
    taken = set(
        session.execute(
            select(Measurement.indicator_id, Measurement.period_on, Measurement.breakdown)
            .where(Measurement.partnership_id == partnership.id)
            .distinct()
        ).all()
    )
    seen: set[tuple] = set()
    checked = []
    for line, raw in rows:
        row = RowCheck(line=line, raw=raw)
        _check_row(row, by_key, taken, seen)
        checked.append(row)
    return Preview(rows=checked)


def _check_row(row: RowCheck, by_key: dict, taken: set, seen: set) -> None:
    raw, errors = row.raw, row.errors
    key = raw.get("indicator", "").strip()
    row.indicator = by_key.get(key) or by_key.get(key.casefold())
    if row.indicator is None:
        errors.append(str(_l("No indicator of this partnership is called %(name)s.", name=key)))
        return
    try:
        row.period_on = date.fromisoformat(raw.get("period", "").strip())
    except ValueError:
        errors.append(str(_l("Write the period as its first day, YYYY-MM-DD.")))
        return
    frequency = row.indicator.frequency
    if row.period_on.day != 1 or row.period_on.month not in STARTS.get(frequency, range(1, 13)):
        errors.append(
            str(
                _l(
                    "%(date)s is not the first day of a reporting period of this indicator.",
                    date=row.period_on.isoformat(),
                )
            )
        )
    try:
        services._value_of_kind(row.indicator.kind, row.indicator.levels, raw.get("value"), "value")
    except ServiceError as error:
        errors.append(str(error.message))
    breakdown = raw.get("breakdown", "").strip()
    try:
        parts.checked(row.indicator, breakdown)
    except ServiceError as error:
        errors.append(str(error.message))
    where = (row.indicator.id, row.period_on, breakdown)
    if where in seen:
        errors.append(str(_l("Another row of the file has this indicator and period.")))
    seen.add(where)
    if where in taken and not row.correction:
        errors.append(str(ALREADY))


def confirm(
    session: Session, *, actor: User, partnership: Partnership, rows: list[tuple[int, dict]]
) -> int:
    """All rows written in one transaction, or none: ServiceError when any row is wrong (the
    rows are checked again). Returns how many values were written. Side effects: a
    measurement and an audit entry per row."""
    preview = check(session, partnership=partnership, rows=rows)
    if preview.bad:
        raise ServiceError(_l("Some rows have problems: nothing was saved."), field="file")
    with session.begin_nested():
        for row in preview.rows:
            services.record_value(
                session,
                actor=actor,
                indicator=row.indicator,
                period_on=row.period_on,
                value=row.raw["value"],
                breakdown=row.raw.get("breakdown", "").strip(),
                note=row.raw.get("note", ""),
                method=Method.IMPORT,
                correction=row.correction,
            )
    return len(preview.rows)
