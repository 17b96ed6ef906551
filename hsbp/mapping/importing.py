"""CSV and XLSX import and export of participants.

An import is checked in full and previewed first; nothing is written until the user
confirms. Rows are matched on `external_ref`, so importing the same file again updates
the participants instead of mapping them twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import field_cipher
from hsbp.errors import ServiceError
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.fields import apply_fields, check_fields, find_duplicate
from hsbp.mapping.history import forget_identities
from hsbp.mapping.models import Participant, ParticipantImport
from hsbp.mapping.names import normalise_name
from hsbp.partnerships.models import Partner, Partnership

COLUMNS = [
    "external_ref",
    "name",
    "kind",
    "sector",
    "locality",
    "languages",
    "groups",
    "interest",
    "influence",
    "phone",
    "email",
    "intermediary",
    "consent_date",
    "consent_method",
    "consent_scope",
    "risk",
    "protective_measures",
    "proposed_by",
    "status",
]
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowCheck:
    line: int
    ref: str
    name: str
    action: str = ""  # "create" or "update"
    errors: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    # The participant already mapped that this row looks like (named to facilitators only).
    twin: Participant | None = None


@dataclass
class Preview:
    rows: list[RowCheck]

    @property
    def good(self) -> list[RowCheck]:
        return [row for row in self.rows if not row.errors]

    @property
    def bad(self) -> list[RowCheck]:
        return [row for row in self.rows if row.errors]


def read_table(filename: str, content: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for each data row of a CSV or XLSX file."""
    if len(content) > MAX_BYTES:
        raise ServiceError(_l("The file is larger than 5 MB."), field="file")
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    if filename.lower().endswith(".csv"):
        return _read_csv(content)
    raise ServiceError(_l("Upload a .csv or .xlsx file."), field="file")


def _read_csv(content: bytes) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")  # spreadsheets saved by older office software
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return _rows(list(reader))


def _read_xlsx(content: bytes) -> list[tuple[int, dict]]:
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ServiceError(_l("This .xlsx file cannot be read."), field="file") from exc
    table = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    return _rows(table)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: list[list[str]]) -> list[tuple[int, dict]]:
    if not table:
        raise ServiceError(_l("The file is empty."), field="file")
    header = [cell.strip().lower() for cell in table[0]]
    if "name" not in header:
        raise ServiceError(
            _l('The first row must name the columns, including "name".'), field="file"
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ServiceError(
            _l("Unknown columns: %(columns)s", columns=", ".join(unknown)), field="file"
        )
    rows = []
    for line, values in enumerate(table[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        rows.append((line, {h: str(v).strip() for h, v in zip(header, values, strict=False) if h}))
    if len(rows) > MAX_ROWS:
        raise ServiceError(_l("At most %(count)d rows per file.", count=MAX_ROWS), field="file")
    return rows


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def _to_fields(raw: dict, *, tags_by_key: dict, partners_by_name: dict, errors: list) -> dict:
    def number(column):
        text = raw.get(column) or "3"
        if not text.isdigit():
            errors.append(str(_l("%(column)s must be a number from 1 to 5", column=column)))
            return 3
        return int(text)

    tag_ids = []
    for key in _split(raw.get("groups", "")):
        tag = tags_by_key.get(key.lower())
        if tag is None:
            errors.append(str(_l("unknown group: %(value)s", value=key)))
        else:
            tag_ids.append(tag.id)
    consent_on = None
    if raw.get("consent_date"):
        try:
            consent_on = date.fromisoformat(raw["consent_date"])
        except ValueError:
            errors.append(str(_l("the consent date must read YYYY-MM-DD")))
    partner_id = None
    if raw.get("proposed_by"):
        partner = partners_by_name.get(raw["proposed_by"].strip().lower())
        if partner is None:
            errors.append(str(_l("unknown partner: %(value)s", value=raw["proposed_by"])))
        else:
            partner_id = partner.id
    return {
        "name": raw.get("name", ""),
        "kind": raw.get("kind") or "person",
        "sector": raw.get("sector") or "individual",
        "locality": raw.get("locality", ""),
        "languages": _split(raw.get("languages", "")),
        "tag_ids": tag_ids,
        "interest": number("interest"),
        "influence": number("influence"),
        "phone": raw.get("phone", ""),
        "email": raw.get("email", ""),
        "intermediary": raw.get("intermediary", ""),
        "consent_on": consent_on,
        "consent_method": raw.get("consent_method", ""),
        "consent_scope": raw.get("consent_scope", ""),
        "risk": raw.get("risk") or "low",
        "protective_measures": raw.get("protective_measures", ""),
        "proposed_by_partner_id": partner_id,
        "external_ref": raw.get("external_ref", ""),
    }


def check(session: Session, *, partnership: Partnership, rows: list[tuple[int, dict]]) -> Preview:
    """Check every row as the import would, without writing anything.

    Imports are for facilitators only: a row that looks like a participant already mapped
    names that participant (by pseudonym when protected).
    """
    tags = mapping_tags.group_tags(session, partnership_id=partnership.id)
    tags_by_key = {tag.key: tag for tag in tags}
    partners_by_name = {
        p.name.lower(): p
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    existing = {
        ref: pid
        for ref, pid in session.execute(
            select(Participant.external_ref, Participant.id).where(
                Participant.partnership_id == partnership.id, Participant.external_ref.is_not(None)
            )
        )
    }
    cipher = field_cipher()
    seen_refs, seen_phones, seen_names = set(), set(), set()
    results = []
    for line, raw in rows:
        row = RowCheck(line=line, ref=raw.get("external_ref", ""), name=raw.get("name", ""))
        fields = _to_fields(
            raw, tags_by_key=tags_by_key, partners_by_name=partners_by_name, errors=row.errors
        )
        try:
            checked = check_fields(session, partnership, {**fields, "tag_ids": []})
        except ServiceError as error:
            row.errors.append(str(error.message))
            checked = None
        if row.ref and row.ref in seen_refs:
            row.errors.append(str(_l("the same external_ref is on an earlier line")))
        if checked is not None:
            name_key = (normalise_name(checked["name"]), checked["locality"].lower())
            if checked["phone"] and checked["phone"] in seen_phones:
                row.errors.append(str(_l("the same phone number is on an earlier line")))
            elif name_key in seen_names:
                row.errors.append(str(_l("the same name and locality are on an earlier line")))
            own_id = existing.get(row.ref) if row.ref else None
            row.twin = find_duplicate(
                session,
                partnership_id=partnership.id,
                name_hashes=cipher.lookup_hashes(name_key[0]),
                locality=checked["locality"],
                phone_hashes=cipher.lookup_hashes(checked["phone"]) if checked["phone"] else [],
                exclude_ids=(own_id,),
            )
            if row.twin is not None:
                row.errors.append(str(_l("already mapped as %(name)s", name=row.twin.display_name)))
            seen_phones.add(checked["phone"])
            seen_names.add(name_key)
            row.action = "update" if own_id else "create"
        seen_refs.add(row.ref)
        row.fields = fields
        results.append(row)
    return Preview(results)


def stage(
    session: Session, *, actor: User, partnership: Partnership, filename: str, content: bytes
) -> tuple[ParticipantImport, Preview]:
    """Check an uploaded file and keep it, encrypted, until the user confirms the preview.

    Side effects: the staged file; an audit entry for each row the preview ties to a
    protected participant, as the check showed who that row's person is.
    """
    rows = read_table(filename, content)
    preview = check(session, partnership=partnership, rows=rows)
    staged = ParticipantImport(
        partnership_id=partnership.id,
        user_id=actor.id,
        filename=filename[:200],
        content=field_cipher().encrypt_bytes(content),
    )
    session.add(staged)
    session.flush()
    for row in preview.rows:
        if row.twin is not None and row.twin.is_protected:
            audit.record(
                session,
                actor_id=actor.id,
                action="participant.duplicate_check",
                obj=row.twin,
                partnership_id=partnership.id,
                details={"candidate_id": row.twin.id, "source": "import", "line": row.line},
            )
    return staged, preview


def staged_import(session: Session, *, partnership_id: int, import_id: int, user: User):
    return session.scalar(
        select(ParticipantImport).where(
            ParticipantImport.id == import_id,
            ParticipantImport.partnership_id == partnership_id,
            ParticipantImport.user_id == user.id,
        )
    )


def preview_of(session: Session, *, partnership: Partnership, staged: ParticipantImport) -> Preview:
    content = field_cipher().decrypt_bytes(staged.content)
    return check(session, partnership=partnership, rows=read_table(staged.filename, content))


def confirm(
    session: Session, *, actor: User, partnership: Partnership, staged: ParticipantImport
) -> dict:
    """Write the good rows of a staged import; bad rows are skipped, as the preview showed.

    Side effects: participants created or updated, one audit entry, the staged file deleted;
    earlier audit entries scrubbed of the names of participants the import protects.
    """
    preview = preview_of(session, partnership=partnership, staged=staged)
    by_ref = {
        p.external_ref: p
        for p in session.scalars(
            select(Participant).where(
                Participant.partnership_id == partnership.id, Participant.external_ref.is_not(None)
            )
        )
    }
    created = updated = 0
    protected: dict[int, list[str]] = {}
    for row in preview.good:
        target = by_ref.get(row.ref) if row.ref else None
        if target is None:
            participant = Participant(partnership_id=partnership.id)
            apply_fields(session, participant, check_fields(session, partnership, row.fields))
            session.add(participant)
            created += 1
        else:
            old_name = target.protected_name
            if apply_fields(session, target, check_fields(session, partnership, row.fields)):
                protected[target.id] = [old_name, target.protected_name]
            updated += 1
        session.flush()
    if protected:
        forget_identities(
            session,
            actor=actor,
            partnership_id=partnership.id,
            obj=staged,
            identities=protected,
        )
    counts = {"created": created, "updated": updated, "skipped": len(preview.bad)}
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.import",
        obj=staged,
        partnership_id=partnership.id,
        details={"file": staged.filename, **counts},
    )
    session.delete(staged)
    return counts


def export_rows(participants, *, show_contacts: bool):
    """Rows for an export. Protected participants appear by pseudonym only, without
    contacts, intermediary or protective measures, whoever exports (a file travels beyond the
    audit log's sight); other participants' contacts and measures only for facilitators."""
    yield COLUMNS
    for p in participants:
        contacts = show_contacts and not p.is_protected
        yield [
            p.external_ref or "",
            p.display_name,
            p.kind,
            p.sector,
            p.locality,
            ";".join(p.languages),
            ";".join(t.key for t in p.tags),
            p.interest,
            p.influence,
            (p.phone or "") if contacts else "",
            (p.email or "") if contacts else "",
            p.intermediary if contacts or not p.is_protected else "",
            p.consent_on.isoformat() if p.consent_on else "",
            p.consent_method,
            p.consent_scope,
            p.risk,
            p.protective_measures if contacts else "",
            p.proposed_by.name if p.proposed_by else "",
            p.status,
        ]
