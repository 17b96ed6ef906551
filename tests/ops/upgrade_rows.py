"""Realistic rows for the schema at any revision, each value chosen by its column's name and type.

The schema is reflected as it stands (no model is trusted to match an old revision); the
models at head only lend what a column means: its vocabulary (an enum default), whether it is
encrypted, whether its JSON is a dict or a list. Every table gets ROWS rows per revision, and
row i of every table belongs to partnership i of that revision: a foreign key points at row i
of its table (a second key to the same table at row i + 1, so a relationship links two
participants). So a grievance officer and the membership that entitles them, or an SMS and
the consultation its contact answers, share one partnership. Row 0 fills every optional
column, row 1 leaves them empty; `parts` fixes what a test's expectations lean on.
"""

from __future__ import annotations

import copy
import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hsbp.actions.models import ActionStatus
from hsbp.community.models import CheckAnswerValue, VoteSubject
from hsbp.consultations.models import Channel as ConsultationChannel
from hsbp.consultations.models import QuestionKind
from hsbp.consultations.validation_models import OutcomeStance
from hsbp.db import EncryptedString, FieldCipher
from hsbp.grievances.models import CATEGORIES, Severity
from hsbp.grievances.models import Channel as GrievanceChannel
from hsbp.grievances.models import Stage as GrievanceStage
from hsbp.mapping.models import ParticipantKind, RelationshipKind, Risk, Validation
from hsbp.mapping.names import normalise_name
from hsbp.models import metadata as head_metadata
from hsbp.monitoring.pulse_models import DIMENSIONS
from hsbp.monitoring.review_vote_models import Choice
from hsbp.monitoring.review_vote_models import Stance as SignoffStance
from hsbp.partnerships.models import Sector
from hsbp.principles.content import LIFTS, empty_content
from hsbp.principles.models import Stance as EndorsementStance
from hsbp.security import Role

ROWS = 2
START = datetime(2026, 1, 5, 10, 30, 15, tzinfo=UTC)  # not midnight: coarsening shows

PEOPLE = (
    "Lucía Hernández", "Andrés Gómez", "Martha Rincón", "Yamile Cuéllar", "José Tovar",
    "Aida Husić", "Emir Kovač", "Fatuma Njeri",
)  # fmt: skip
SENTENCES = (
    "La vía a la vereda La Esperanza sigue cerrada desde las lluvias.",
    "Acordamos revisar el uso del agua con la junta en marzo.",
    "Prefers to be reached through the women's association, never in a group.",
    "Reunión con el cabildo aplazada a petición de la comunidad.",
    "Sastanak s mjesnom zajednicom pomjeren je na sljedeći mjesec.",
)
# JSON columns whose dict holds one text per locale.
TRANSLATED = {
    "title", "purpose", "text", "name", "names", "definition", "description", "question",
    "bodies", "wording", "before", "outcome", "neutrality", "interests", "proposal",
}  # fmt: skip
NAMES = {
    "name", "display_name", "protected_name", "complainant_name", "contact_name", "names",
    "intermediary", "organisation", "decided_by",
}  # fmt: skip
# Look-up hashes, keyed like the app's, of the value they find.
HASHED = {"phone_hash": "phone", "from_hash": "from_phone", "name_hash": "protected_name"}
# What columns hold, cycled through row after row ("table.column", or "column" anywhere).
VOCABULARY = {
    "sector": tuple(Sector),
    "constituency": tuple(Sector),
    "action_updates.status_from": tuple(ActionStatus),
    "action_updates.status_to": tuple(ActionStatus),
    "grievances.stage": tuple(GrievanceStage),
    "grievance_events.stage_from": tuple(GrievanceStage),
    "grievance_events.stage_to": tuple(GrievanceStage),
    "grievances.channel": tuple(GrievanceChannel),
    "grievances.category": CATEGORIES,
    "grievances.severity": tuple(Severity),
    "invitations.role": tuple(Role),
    "mapping_participants.kind": tuple(ParticipantKind),
    "mapping_participants.status": tuple(Validation),
    "mapping_participants.risk": tuple(Risk),
    "mapping_participants.consent_method": ("verbal", "written"),
    "mapping_relationships.kind": tuple(RelationshipKind),
    "charter_endorsements.stance": tuple(EndorsementStance),
    "consultation_questions.kind": tuple(QuestionKind),
    "consultation_participations.channel": tuple(ConsultationChannel),
    "consultation_responses.channel": tuple(ConsultationChannel),
    "consultation_answer_choices.choice": ("a", "b", "c"),
    "pulse_scores.dimension": DIMENSIONS,
    "monitoring_decision_votes.choice": tuple(Choice),
    "monitoring_minutes_signoffs.stance": tuple(SignoffStance),
    "outcome_answers.stance": tuple(OutcomeStance),
    "partner_proposal_answers.stance": ("accept", "refuse"),
    "partner_handovers.kind": ("action", "indicator"),
    "community_votes.subject": tuple(VoteSubject),
    "community_check_answers.answer": tuple(CheckAnswerValue),
    "community_assemblies.result": ("support", "object"),
    "community_ballots.choice": ("1", "2", "3"),
    "action_contributions.kind": ("cash", "in_kind"),
    "action_evidence.kind": ("link", "file"),
    "action_reminders.kind": ("due_soon", "overdue"),
    "notification_preferences.kind": ("grievances_unacknowledged", "consultations_open"),
    "notification_seen.kind": ("grievances_unacknowledged", "charter_proposals"),
    "notification_unsubscribe_tokens.kind": ("charter_proposals", "consultations_open"),
    "audit_entries.action": ("partnership.update", "member.invite", "participant.create"),
    "audit_entries.object_type": ("Partnership", "Invitation", "Participant"),
    "locale": ("es", "en"),
    "default_locale": ("es", "bs"),
}
JSON = {
    "locales": ["es", "en"],
    "languages": ["es", "nasa yuwe"],
    "details": {"changed": ["stage", "context_summary"]},
    "dimensions": ["economic", "personal"],
    "channels": ["web", "sms"],
    "audience": {"contacts": True, "members": False, "sectors": ["community_group"], "tags": []},
    "agenda": [{"kind": "indicator", "label": {"es": "Empleo local", "en": "Local jobs"}}],
    "keywords_off": ["pulse"],
    "principles": ["trust", "inclusive"],
    "sdg_targets": ["6.1", "16.7"],
    "localities": ["La Esperanza", "Puerto Rico"],
    "choices": [{"key": "a", "label": {"es": "Sí", "en": "Yes"}}, {"key": "b", "label": {}}],
    "counts": {"responses": 12, "questions": {"1": {"a": 7, "b": 5}}},
    "answers": {"trust": 4, "inclusive": 3},
    "options": [{"es": "Pozo comunitario", "en": "Community well"}],
    "ranking": [2, 1],
    "present": {"women": 23, "youth": 11},
    "result_counts": {"1": 40, "2": 5, "3": 2},
    "levels": [{"es": "Bajo", "en": "Low"}, {"es": "Alto", "en": "High"}],
    "disaggregation": ["sex", "locality"],
}
# Each table's definition as text (columns, types, constraints), in one query: only the
# tables whose definition changed are reflected again (reflecting all is slow on SQLite).
SIGNATURES = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'table'",
    "postgresql": """
        SELECT c.relname,
          (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                  || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum)
           FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
          || ' ' || (SELECT coalesce(string_agg(pg_get_constraintdef(k.oid), ', '
                     ORDER BY k.conname), '') FROM pg_constraint k WHERE k.conrelid = c.oid)
        FROM pg_class c
        WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
    """,
}
_ONE_OF = re.compile(r"\(\s*(\w+) IS NULL\s*\)\s*<>\s*\(\s*(\w+) IS NULL\s*\)", re.I)
_RANGE = re.compile(r"(\w+) BETWEEN (\d+) AND (\d+)|(\w+) >= (\d+) AND \w+ <= (\d+)", re.I)


@dataclass
class Row:
    """One written row: its key, and its values as the app means them (plain text, before
    any encryption), the revision it was written at and its position (0 or 1) there."""

    table: str
    key: dict
    values: dict
    revision: str
    position: int


class RowWriter:
    """Writes ROWS realistic rows into every table a database has, at each revision."""

    def __init__(self, cipher: FieldCipher, chain: list[str], *, plain_until: dict, parts: dict):
        """`plain_until`: (table, column) -> the revision that encrypted the plain text the
        column held before it; other columns encrypted at head are so from their start.
        `parts`: "table.column" -> the values of row 0 and row 1."""
        self.cipher = cipher
        self.chain = chain
        self.plain_until = plain_until
        self.parts = parts
        self.encrypted = encrypted_at_head()
        self.rows: list[Row] = []
        self.n = 0
        self.schema = sa.MetaData()
        self.signatures: dict[str, str] = {}

    def fill(self, connection: Connection, revision: str) -> None:
        self._reflect(connection)
        fresh: dict[str, list[dict]] = {}
        for table in _in_order(self.schema):
            fresh[table.name] = []
            for position in range(ROWS):
                plain = self._values(table, position, fresh)
                stored = {
                    name: self._seal(table.name, name, value, revision)
                    for name, value in plain.items()
                }
                made = connection.execute(table.insert().values(stored)).inserted_primary_key
                key = {
                    column.name: plain.get(column.name, value)
                    for column, value in zip(table.primary_key.columns, made, strict=True)
                }
                fresh[table.name].append(key | plain)
                self.rows.append(Row(table.name, key, plain, revision, position))

    def _reflect(self, connection: Connection) -> None:
        dialect = connection.dialect.name
        if dialect not in SIGNATURES:
            self.schema = sa.MetaData()
            self.schema.reflect(connection, resolve_fks=False)
            return
        signatures = dict(connection.exec_driver_sql(SIGNATURES[dialect]).all())
        changed = [name for name, sig in signatures.items() if self.signatures.get(name) != sig]
        for name in (set(self.signatures) - set(signatures)) | set(changed):
            if name in self.schema.tables:
                self.schema.remove(self.schema.tables[name])
        self.schema.reflect(connection, only=changed, resolve_fks=False)
        self.signatures = signatures

    def _seal(self, table: str, column: str, value, revision: str):
        if (table, column) not in self.encrypted or value is None:
            return value
        encrypting = self.plain_until.get((table, column))
        if encrypting and self.chain.index(revision) < self.chain.index(encrypting):
            return value
        return self.cipher.encrypt(value)

    def _values(self, table: sa.Table, i: int, fresh: dict[str, list[dict]]) -> dict:
        self.n += 1
        n = self.n
        pairs = _one_of(table)
        values: dict = {}
        seen: dict[str, int] = {}
        for column in table.columns:
            if _generated(column):
                continue
            fk = next(iter(column.foreign_keys), None)
            if fk is not None:
                target = _target(fk)[0]
                j = seen[target] = seen.get(target, -1) + 1
                values[column.name] = _reference(table, fk, i, j, fresh)
            elif column.nullable and i == 1 and not any(column.name in p for p in pairs):
                values[column.name] = None
            else:
                values[column.name] = self._value(table.name, column, i, n)
        for first, second in pairs:
            values[second if i % 2 == 0 else first] = None
        for column, (low, high) in _ranges(table).items():
            values[column] = low + n % (high - low + 1)
        for hashed, source in HASHED.items():
            if hashed in values and values.get(source):
                plain = values[source]
                values[hashed] = self.cipher.lookup_hash(
                    normalise_name(plain) if hashed == "name_hash" else plain
                )
        return values

    def _value(self, table: str, column: sa.Column, i: int, n: int):
        name = column.name
        for key in (f"{table}.{name}", name):
            if key in self.parts:
                return self.parts[key][i]
            if key in VOCABULARY:
                return str(VOCABULARY[key][n % len(VOCABULARY[key])])
        head_table = head_metadata.tables.get(table)
        head = head_table.columns.get(name) if head_table is not None else None
        default = head.default.arg if head is not None and head.default is not None else None
        if isinstance(default, enum.Enum):
            members = tuple(type(default))
            return str(members[n % len(members)])
        if isinstance(default, str) and default:
            return default  # a status or code the app starts every row with
        kind = column.type
        if isinstance(kind, sa.JSON):
            return _json(name, default, n)
        if isinstance(kind, sa.Boolean):
            return i == 1
        if isinstance(kind, sa.Integer):
            return _integer(name, n)
        if isinstance(kind, sa.Float):
            return float(1 + n % 5)
        if isinstance(kind, sa.Numeric):
            return Decimal(f"{1000 + n}.50")
        if isinstance(kind, sa.DateTime):
            return START + timedelta(hours=n)
        if isinstance(kind, sa.Date):
            return START.date() + timedelta(days=n)
        if isinstance(kind, sa.LargeBinary):
            return f"nombre,telefono\nPersona {n},+57310{n:07d}\n".encode()
        text = _text(table, name, n, default, isinstance(kind, sa.Text))
        length = getattr(kind, "length", None)
        return text[:length] if length else text


def encrypted_at_head() -> set[tuple[str, str]]:
    return {
        (table.name, column.name)
        for table in head_metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, EncryptedString)
    }


def _generated(column: sa.Column) -> bool:
    """An id the database gives (an integer primary key of its own, not a reference)."""
    return (
        column.primary_key
        and len(column.table.primary_key.columns) == 1
        and not column.foreign_keys
        and isinstance(column.type, sa.Integer)
    )


def _target(fk: sa.ForeignKey) -> tuple[str, str]:
    # By name: a table reflected again is not resolved through the others.
    table, column = fk.target_fullname.rsplit(".", 1)
    return table, column


def _reference(table: sa.Table, fk: sa.ForeignKey, i: int, j: int, fresh: dict):
    target, key = _target(fk)
    made = fresh[target]
    if target == table.name:
        # Another row of the same table (a version based on another): the row before.
        return made[i - 1][key] if i >= 1 else None
    return made[(i + j) % len(made)][key]


def _in_order(schema: sa.MetaData) -> list[sa.Table]:
    """Tables after those they refer to (the schema has no cycle of keys between tables)."""
    tables = {t.name: t for t in schema.tables.values() if t.name != "alembic_version"}
    needs = {name: {_target(fk)[0] for fk in t.foreign_keys} - {name} for name, t in tables.items()}
    ordered: list[str] = []
    while needs:
        ready = sorted(name for name, wanted in needs.items() if wanted <= set(ordered))
        assert ready, f"a cycle of keys among {sorted(needs)}: break it here"
        ordered += ready
        for name in ready:
            del needs[name]
    return [tables[name] for name in ordered]


def _checks(table: sa.Table) -> list[str]:
    return [str(c.sqltext) for c in table.constraints if isinstance(c, sa.CheckConstraint)]


def _one_of(table: sa.Table) -> list[tuple[str, str]]:
    """Pairs of columns of which a check constraint wants exactly one set."""
    return [match.groups() for text in _checks(table) for match in _ONE_OF.finditer(text)]


def _ranges(table: sa.Table) -> dict[str, tuple[int, int]]:
    found = {}
    for text in _checks(table):
        for match in _RANGE.finditer(text):
            name, low, high = match.groups()[:3] if match.group(1) else match.groups()[3:]
            found[name] = (int(low), int(high))
    return found


def _json(name: str, default, n: int):
    if name in TRANSLATED:
        sentence = SENTENCES[n % len(SENTENCES)]
        return {"es": sentence, "en": f"(en) {sentence}"}
    if name == "content":
        content = empty_content()
        content["principles"] = {key: {"es": f"Compromiso {key}", "en": key} for key in LIFTS}
        return content
    if name in JSON:
        return copy.deepcopy(JSON[name])
    return [] if default is list else {}


def _integer(name: str, n: int) -> int:
    if name in ("position", "number", "version", "revision", "round", "object_id"):
        return n
    if name.endswith("_days") or name == "digest_hour":
        return 7
    if name.endswith("_percent") or name.startswith("progress"):
        return 60
    if name.endswith("size"):
        return 2048 + n
    if name in ("reprompts", "attempts", "asks", "changes", "step"):
        return n % 3
    return 30007 if name == "error_code" else 1 + n % 5


def _text(table: str, name: str, n: int, default, long: bool) -> str:
    hex_ = hashlib.sha256(f"{table}.{name}.{n}".encode()).hexdigest()
    fixed = {
        "sender": "+15005550006",
        "to_number": "+15005550006",
        "country": "CO",
        "timezone": "America/Bogota",
        "currency": "COP",
        "code": f"QJ-{n:06d}",
        "join_code": f"VEREDA{n}",
        "provider_sid": f"SM{hex_[:32]}",
        "fingerprint": hex_[:40],
    }
    if name in fixed:
        return fixed[name]
    if name.endswith("email") or name == "to_address":
        return f"persona{n}@example.org"
    if "phone" in name:
        return f"+57310{n:07d}"
    if "token" in name or name.endswith(("_hash", "sha256", "stored", "stored_name")):
        return hex_
    if name in NAMES:
        return f"{PEOPLE[n % len(PEOPLE)]} {n}"
    if "url" in name:
        return f"https://example.org/evidencia/{n}"
    if "filename" in name:
        return f"acta-{n}.pdf"
    if name.endswith("type"):
        return "application/pdf"
    if name in ("key", "clause", "item", "msgid") or name.endswith("_key"):
        return f"{name}-{n}"
    if default == "" and not long:
        return ""  # an unset short code: what the app writes
    return f"{SENTENCES[n % len(SENTENCES)]} ({n})"
