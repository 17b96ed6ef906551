"""After an erasure, no page a facilitator can open, no export and no byte of the database
holds the person's number, its look-up hash, their name or their words.

This test commits for real, in a database of its own: SQLite's file and its write-ahead log
are read byte for byte after a checkpoint, and on PostgreSQL every row of every table is
read as text. Any encrypted value found is decrypted and searched too."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from hsbp import db, migrate
from hsbp.db import field_cipher
from hsbp.mapping.names import normalise_name
from hsbp.privacy.models import Erasure
from hsbp.security import Role
from tests.conftest import Factory, fresh_database_url, make_test_app
from tests.privacy.conftest import EMAIL, NAME, WORDS, build_person, sign_in
from tests.sms.conftest import PHONE, SENDER, signed_post

NATIONAL = PHONE.removeprefix("+57")
SHOWN = "+57 310 4567821"  # as pages write it
TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]+=*")
# Words that stay on purpose: a placeholder, the partnership's and the other participant's.
KEPT_WORDS = ("Junta de Acción Comunal",)


@pytest.fixture(scope="module")
def database_of_its_own(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "erasure_bytes")
    migrate.upgrade(url)
    return url


def searched() -> dict[str, str]:
    """{what: the text} that must appear nowhere once the person is erased."""
    cipher = field_cipher()
    found = {"phone": PHONE, "national": NATIONAL, "shown": SHOWN, "name": NAME, "email": EMAIL}
    found.update({f"words:{key}": value for key, value in WORDS.items()})
    for n, value in enumerate(cipher.lookup_hashes(PHONE)):
        found[f"phone hash {n}"] = value
    for n, value in enumerate(cipher.lookup_hashes(normalise_name(NAME))):
        found[f"name hash {n}"] = value
    return found


def hits(blob: str, wanted: dict[str, str]) -> list[str]:
    folded = blob.casefold()
    return [what for what, value in wanted.items() if value.casefold() in folded]


def decrypted_hits(data: bytes, wanted: dict[str, str]) -> list[str]:
    """Every Fernet token in `data`, decrypted, searched like plain text."""
    cipher, found = field_cipher(), []
    for token in set(TOKEN.findall(data)):
        try:
            plain = cipher.decrypt(token.decode())
        except (ValueError, InvalidToken):
            continue
        found += [f"encrypted {what}" for what in hits(plain, wanted)]
    return found


def pages(client, partnership, person, *, erased: bool = False) -> dict[str, str]:
    """Every page and export that showed the person; once `erased`, the thread of their
    number is gone (404, as for a number the partnership never knew)."""
    pid = partnership.id
    base = f"/p/{pid}"
    found = {}
    for path in (
        f"{base}/mapping",
        f"{base}/mapping/{person.participant.id}",
        f"{base}/mapping/{person.participant.id}/edit",
        f"{base}/sms",
        f"{base}/sms/contacts",
        f"{base}/sms/threads/{person.contact.id}",
        f"{base}/grievances",
        f"{base}/grievances/{person.grievance.id}",
        f"{base}/consultations/{person.consultation.id}/results",
        f"{base}/consultations/{person.consultation.id}/themes",
        f"{base}/audit",
    ):
        response = client.get(path)
        thread = path.endswith(f"/threads/{person.contact.id}")
        assert response.status_code == (404 if erased and thread else 200), path
        found[path] = response.get_data(as_text=True)
    identity = client.post(f"{base}/grievances/{person.grievance.id}/identity")
    found["grievance identity"] = identity.get_data(as_text=True)
    for kind in ("csv", "xlsx"):
        export = client.get(f"{base}/mapping/export?format={kind}")
        found[f"register {kind}"] = _file_text(export.data, kind)
        answers = client.post(
            f"{base}/consultations/{person.consultation.id}/results/export",
            data={"format": kind, "identity": "1"},
        )
        assert answers.status_code == 200
        found[f"answers {kind}"] = _file_text(answers.data, kind)
    return found


def _file_text(data: bytes, kind: str) -> str:
    if kind == "csv":
        return data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return " ".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


def database_bytes(url: str) -> tuple[str, bytes]:
    """Every byte the database holds: SQLite's file and its log after a checkpoint, or on
    PostgreSQL every row of every table as text."""
    engine = db.database().engine
    engine.dispose()
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        data = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        return data.decode("utf-8", "replace"), data
    rows = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            query = text(f'SELECT t::text FROM "{table}" AS t')
            rows += [row[0] for row in connection.execute(query)]
    blob = "\n".join(rows)
    return blob, blob.encode()


def test_no_page_export_or_byte_of_the_database_holds_the_erased_person(
    database_of_its_own, tmp_path
):
    app = make_test_app(database_of_its_own, tmp_path)
    client = app.test_client()
    with app.app_context():
        session = db.session()
        make = Factory(session)
        partnership = make.partnership(name="Caguán", locales=["es", "en"], default_locale="es")
        from hsbp.grievances.models import GrievanceOfficer
        from hsbp.sms import contacts

        contacts.configure_sender(
            session, partnership_id=partnership.id, sender=SENDER, join_code="DEMO"
        )
        lead = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía"))
        session.add(
            GrievanceOfficer(partnership_id=partnership.id, user_id=lead.id, role=Role.FACILITATOR)
        )
        person = build_person(session, partnership, lead)
        sign_in(client, session, lead)
        wanted = searched()
        db.finish(commit=True)
    # A message through the webhook, as a phone sends it.
    signed_post(
        client,
        "/sms/twilio/inbound",
        {"MessageSid": "SM" + "7" * 32, "From": PHONE, "To": SENDER, "Body": WORDS["inbox"]},
    )

    before = pages(client, partnership, person)
    assert hits(" ".join(before.values()), wanted), (
        "the pages showed the person before: a real test"
    )

    response = client.post(
        f"/p/{partnership.id}/privacy/erase/participant/{person.participant.id}",
        data={"grounds": "persons_request", "understood": "y", "with_contacts": "y"},
    )
    assert response.status_code == 302

    after = pages(client, partnership, person, erased=True)
    assert {path: hits(body, wanted) for path, body in after.items() if hits(body, wanted)} == {}
    with app.app_context():
        blob, data = database_bytes(database_of_its_own)
        assert hits(blob, wanted) == []
        assert decrypted_hits(data, wanted) == []
        session = db.session()
        assert session.query(Erasure).count() == 1
        db.finish(commit=False)
