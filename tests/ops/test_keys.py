"""Several field keys, newest first, and `hsbp keys rotate` moving everything to the newest."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
    text,
    type_coerce,
)

from hsbp import db, demo
from hsbp.auth.models import User
from hsbp.cli import main
from hsbp.config import ConfigError, load_settings
from hsbp.db import FieldCipher, Sealed
from hsbp.mail import OutboundEmail
from hsbp.mapping.fields import twin_of
from hsbp.mapping.models import Participant, ParticipantImport
from hsbp.notifications import phones
from hsbp.notifications.models import NotificationPhone
from hsbp.ops import keys
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, inbound, spool
from hsbp.sms.demo import DEMO_SENDER
from hsbp.sms.models import Contact, InboundMessage
from tests.conftest import FIELD_KEY as KEY_A
from tests.sms.conftest import signed_post

KEY_B = Fernet.generate_key().decode()
# Hashes kept in the database that no field key makes: passwords, e-mailed tokens, texts.
NOT_FIELD_KEY_HASHES = {
    ("users", "password_hash"),
    ("user_recovery_codes", "code_hash"),
    ("invitations", "token_hash"),
    ("user_sessions", "token_hash"),
    ("notification_unsubscribe_tokens", "token_hash"),
    ("sms_local_texts", "msgid_hash"),
}


def readable(app) -> dict:
    """Every protected value of every table as `app` reads it: {(table, id, column): plain}."""
    found = {}
    with app.app_context():
        cipher = db.field_cipher()
        for spec in keys.protected_tables():
            columns = [*spec.encrypted, *spec.sealed_bytes]
            for ident, *values in db.session().execute(select(spec.key, *columns)):
                for column, value in zip(columns, values, strict=True):
                    plain = (
                        cipher.decrypt_bytes(bytes(value)) if column in spec.sealed_bytes else value
                    )
                    found[(spec.table.name, ident, column.name)] = plain
        db.finish(commit=False)
    return found


def stale(app) -> set:
    """(table, id, column) of every stored token or hash not under `app`'s newest key."""
    found = set()
    with app.app_context():
        cipher = db.field_cipher()
        for spec in keys.protected_tables():
            columns = [*spec.encrypted, *spec.sealed_bytes]
            raw = [
                type_coerce(c, LargeBinary() if c in spec.sealed_bytes else String())
                for c in columns
            ]
            for ident, *tokens in db.session().execute(select(spec.key, *raw)):
                found |= {
                    (spec.table.name, ident, column.name)
                    for column, token in zip(columns, tokens, strict=True)
                    if token and not cipher.is_newest(token)
                }
            for lookup in spec.hashes:
                source = type_coerce(lookup.source, String())
                rows = db.session().execute(select(spec.key, lookup.column, source))
                for ident, stored, token in rows:
                    if not stored or token is None:
                        continue
                    try:
                        plain = cipher.decrypt(token)
                    except ValueError:
                        continue  # its value no key reads: it has no right hash
                    value = lookup.normalise(plain) if lookup.normalise else plain
                    if stored != cipher.lookup_hash(value):
                        found.add((spec.table.name, ident, lookup.column.name))
        db.finish(commit=False)
    return found


def text_from(app, phone: str, body: str, sid: str) -> tuple:
    """(contact id, route) of an SMS from `phone` sent to `app`'s webhook (routed at once)."""
    params = {"MessageSid": sid, "From": phone, "To": DEMO_SENDER, "Body": body}
    assert signed_post(app.test_client(), "/sms/twilio/inbound", params).status_code == 200
    return routed(app, sid)


def routed(app, sid: str) -> tuple:
    with app.app_context():
        found = db.session().execute(
            select(InboundMessage.contact_id, InboundMessage.route).where(
                InboundMessage.provider_sid == sid
            )
        )
        row = tuple(found.one())
        db.finish(commit=False)
    return row


def test_rotation_of_the_demo_keeps_every_value_and_finds_every_row(app, app_with, session):
    assert demo.seed_if_empty(session) is True
    demo_contact = session.scalars(select(Contact).order_by(Contact.id)).first()
    phone, contact_id = demo_contact.phone, demo_contact.id
    session.add(
        ParticipantImport(
            partnership_id=session.scalars(select(Partnership.id)).first(),
            user_id=session.scalars(select(User.id)).first(),
            filename="register.csv",
            content=db.field_cipher().encrypt_bytes(b"name,phone\nAna,+573001112233\n"),
        )
    )
    session.flush()
    # Stored under key A and not routed yet: the router takes it before the next message.
    waiting = {"MessageSid": "SM" + "a" * 32, "From": phone, "To": DEMO_SENDER, "Body": "LANG"}
    inbound.store(app, waiting)
    under_a = readable(app)
    assert stale(app) == set()

    both = app_with(FIELD_KEY=f"{KEY_B},{KEY_A}")
    assert readable(both) == under_a
    assert ("sms_contacts", contact_id, "phone_hash") in stale(both)
    # An SMS from a demo contact's number finds the contact by key A's hash.
    assert text_from(both, phone, "HELP", "SM" + "b" * 32) == (contact_id, "help")
    assert routed(both, "SM" + "a" * 32) == (contact_id, "lang")
    with both.app_context():
        fresh_id = contacts.get_or_create_contact(db.session(), "+573009998877").id
        db.finish(commit=True)
    raw_phone, raw_hash = session.execute(
        text("SELECT phone, phone_hash FROM sms_contacts WHERE id = :id"), {"id": fresh_id}
    ).one()
    assert FieldCipher(KEY_B).decrypt(raw_phone) == "+573009998877"
    assert raw_hash == FieldCipher(KEY_B).lookup_hash("+573009998877")
    before_rotation, stale_before = readable(both), stale(both)
    assert ("sms_contacts", fresh_id, "phone") not in stale_before

    lines = []
    first = keys.rotate(both, batch=5, limit=5, echo=lines.append)
    assert first.stopped is True
    assert [line.rsplit(" (", 1)[0] for line in lines] == [
        "outbound_emails: 1 rows, 1 rewritten",
        "sms_contacts: 5 rows, 5 rewritten",
    ]
    first_contacts = session.scalars(select(Contact.id).order_by(Contact.id).limit(5)).all()
    emails = session.scalars(select(OutboundEmail.id)).all()
    done = {(table, ident) for table, ident, _column in stale_before - stale(both)}
    assert done == {("outbound_emails", e) for e in emails} | {
        ("sms_contacts", c) for c in first_contacts
    }
    second = keys.rotate(both, batch=5, echo=lines.append)
    assert (second.stopped, second.failures) == (False, [])
    assert stale(both) == set()
    third = keys.rotate(both, batch=5, echo=lines.append)
    assert [r.rewritten for r in third.results] == [0] * len(third.results)
    assert [r.rows for r in third.results] == [r.rows for r in second.results]

    newest = app_with(FIELD_KEY=KEY_B)
    assert readable(newest) == before_rotation
    with newest.app_context():
        # The demo's erased contact has no number left to find it by.
        numbers = (
            db.session()
            .execute(select(Contact.id, Contact.phone).where(Contact.erased_at.is_(None)))
            .all()
        )
        assert [contacts.find_contact(db.session(), n).id for _i, n in numbers] == [
            i for i, _n in numbers
        ]
        register = db.session().scalars(select(Participant)).all()
        for person in register:
            typed = {"name": person.protected_name, "locality": person.locality}
            twin = twin_of(
                db.session(),
                partnership_id=person.partnership_id,
                checked={**typed, "phone": person.phone},
                exclude_ids=[p.id for p in register if p is not person],
            )
            assert twin is person
        db.finish(commit=False)
    assert text_from(newest, phone, "HELP", "SM" + "c" * 32) == (contact_id, "help")


def test_a_code_sent_before_the_new_key_still_confirms_the_number(app_with, session, make):
    user, now = make.user(), db.utcnow()
    session.add(
        NotificationPhone(
            user_id=user.id,
            pending_phone="+573001234567",
            code_hash=phones.hash_code(user.id, "+573001234567", "123456"),
            code_sent_at=now,
        )
    )
    session.flush()
    both = app_with(FIELD_KEY=f"{KEY_B},{KEY_A}")
    with both.app_context():
        later = now + timedelta(minutes=1)
        row = phones.confirm(db.session(), user_id=user.id, code="123456", now=later)
        assert (row.phone, row.pending_phone, row.code_hash) == ("+573001234567", "", "")
        db.finish(commit=False)


def test_a_value_no_key_reads_is_named_and_the_rest_rotated(app, app_with, session):
    both = app_with(FIELD_KEY=f"{KEY_B},{KEY_A}")
    with app.app_context():
        readable_ids = [
            contacts.get_or_create_contact(db.session(), f"+5730000000{n}").id for n in range(3)
        ]
        db.finish(commit=True)
    lost = FieldCipher(Fernet.generate_key().decode())
    lost_contact = Contact(
        phone=Sealed(lost.encrypt("+573000000009")), phone_hash=lost.lookup_hash("+573000000009")
    )
    session.add(lost_contact)
    session.flush()
    lost_id = lost_contact.id
    with both.app_context():  # the command's app (the test's own context is another's)
        result = both.test_cli_runner().invoke(main, ["keys", "rotate", "--batch", "2"])
    assert result.exit_code == 1
    assert f"sms_contacts id {lost_id}: phone cannot be read with any key\n" in result.output
    assert "sms_contacts: 4 rows, 3 rewritten, 1 unreadable" in result.output
    assert result.output.endswith(
        "Error: 1 values cannot be read with any key of HSBP_FIELD_KEY (listed above):"
        " keep the old keys until they are dealt with.\n"
    )
    assert stale(both) == {("sms_contacts", lost_id, "phone")}
    assert len(readable_ids) == 3


def test_rotate_with_one_key_says_there_is_nothing_to_do(app, connection):
    result = app.test_cli_runner().invoke(main, ["keys", "rotate"])
    assert (result.exit_code, result.output) == (
        0,
        "HSBP_FIELD_KEY holds one key: nothing to rotate. Put a new key first (hsbp keys"
        " generate), keep the old one after it, restart, then run this again.\n",
    )


def test_spooled_messages_are_sealed_again_and_an_unreadable_one_named(app_with, tmp_path):
    folder = str(tmp_path / "spool")
    params = {"MessageSid": "SM" + "d" * 32, "From": "+573001234567", "Body": "JOIN DEMO"}
    under_a = spool.write(params, app_with(SMS_SPOOL_DIR=folder))
    other = spool.write(
        params, app_with(SMS_SPOOL_DIR=folder, FIELD_KEY=Fernet.generate_key().decode())
    )
    lines = []
    summary = keys.rotate(
        app_with(SMS_SPOOL_DIR=folder, FIELD_KEY=f"{KEY_B},{KEY_A}"), echo=lines.append
    )
    assert lines[-1].startswith("SMS spool: 2 files, 1 rewritten, 1 unreadable (")
    assert summary.failures == [f"SMS spool: {other.name} cannot be read with any key"]
    newest = app_with(SMS_SPOOL_DIR=folder, FIELD_KEY=KEY_B)
    assert spool.pending(newest) == sorted([under_a, other])
    assert spool.read(under_a, newest) == params
    assert under_a.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f"{KEY_B},not-a-key,{KEY_A}", "key 2 of 3 is not one"),
        ("not-a-key", "the value given is not one"),
        (f"{KEY_B},,{KEY_A}", "key 2 of 3 is empty"),
        (f"{KEY_B},{KEY_A},{KEY_B}", "key 3 of 3 repeats key 1"),
    ],
)
def test_a_bad_key_in_the_list_is_named_by_its_position(value, problem, tmp_path):
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, {"ENV": "testing", "FIELD_KEY": value})
    assert str(refused.value) == (
        f"HSBP_FIELD_KEY must be a Fernet key, or several separated by commas, newest first:"
        f" {problem} (a Fernet key is 32 url-safe base64-encoded bytes; `hsbp keys generate`"
        " prints a new one)."
    )


def test_a_list_of_no_key_is_refused_in_one_line(tmp_path):
    result = CliRunner().invoke(
        main,
        ["keys", "rotate"],
        env={
            "HSBP_ENV": "development",
            "HSBP_INSTANCE_PATH": str(tmp_path),
            "HSBP_FIELD_KEY": " , ",
        },
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: HSBP_FIELD_KEY lists no key: give a Fernet key, or several separated by commas,"
        " newest first (`hsbp keys generate` prints a new one).\n",
    )


def test_the_key_list_is_read_newest_first_without_blanks(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_FIELD_KEY", f" {KEY_B} , {KEY_A} ")
    settings = load_settings(tmp_path, {"ENV": "testing"})
    assert (settings["FIELD_KEYS"], settings["FIELD_KEY"]) == ((KEY_B, KEY_A), f"{KEY_B},{KEY_A}")


def test_keys_generate_prints_a_new_fernet_key():
    first, second = (CliRunner().invoke(main, ["keys", "generate"]).output for _ in range(2))
    assert first != second
    assert Fernet(first.strip().encode()).decrypt(Fernet(first.strip()).encrypt(b"x")) == b"x"


def test_every_hash_and_binary_column_says_what_the_field_key_does_to_it():
    import hsbp.models  # noqa: F401

    undeclared = [
        (table.name, column.name)
        for table in db.Base.metadata.sorted_tables
        for column in table.columns
        if (column.name.endswith("_hash") and db.LOOKUP_HASH_OF not in column.info)
        or (
            isinstance(column.type, LargeBinary)
            and not db.ENCRYPTED_BYTES.items() <= column.info.items()
        )
    ]
    assert sorted(undeclared) == sorted(NOT_FIELD_KEY_HASHES)


def test_a_hash_of_a_column_that_is_not_encrypted_is_refused():
    scratch = MetaData()
    Table(
        "scratch",
        scratch,
        Column("id", Integer, primary_key=True),
        Column("name", String(50)),
        Column("name_hash", String(64), info=db.lookup_hash_of("name")),
    )
    with pytest.raises(RuntimeError) as refused:
        keys.protected_tables(scratch)
    assert str(refused.value) == (
        "scratch.name_hash is declared the look-up hash of 'name', which is no encrypted"
        " column of scratch"
    )
