"""The upgrade to consent per purpose (migration 0028) starts from what people agreed to
before: a database with contacts and participants, taken back before 0028 and up again."""

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from hsbp import db, migrate
from hsbp.db import make_engine
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, updates
from hsbp.sms.models import ConsentEvent, ContactMembership
from tests.conftest import FIELD_KEY, fresh_database_url, make_test_app


def contact(session, partnership, phone, *, pending=False):
    found = contacts.get_or_create_contact(session, phone)
    (contacts.add_pending if pending else contacts.join)(
        session, contact=found, partnership_id=partnership.id, channel="sms"
    )
    return found


def participant(session, partnership, name, consent_on, method):
    row = Participant(
        partnership_id=partnership.id,
        display_name=name,
        sort_name=name.lower(),
        protected_name=name,
        name_hash=name,
        sector="community_group",
        consent_on=consent_on,
        consent_method=method,
    )
    session.add(row)
    session.flush()
    return row.id


def test_the_upgrade_gives_each_person_the_consent_they_had_given(tmp_path_factory, tmp_path):
    url = fresh_database_url(tmp_path_factory, "consent_upgrade")
    migrate.upgrade(url, field_key=FIELD_KEY)
    app = make_test_app(url, tmp_path)
    with app.app_context():
        session = db.session()
        place = Partnership(
            name="Caguán", country="CO", locality="Florencia", default_locale="es", locales=["es"]
        )
        session.add(place)
        session.flush()
        joined = contact(session, place, "+573104567801")
        news = contact(session, place, "+573104567802")
        updates.set_updates(
            session, contact=news, partnership_id=place.id, wanted=True, channel="sms"
        )
        stopped = contact(session, place, "+573104567803")
        contacts.opt_out(session, contact=stopped, channel="sms")
        pending = contact(session, place, "+573104567804", pending=True)
        people = {
            method: participant(session, place, f"P {method}", date(2026, 3, 2), method)
            for method in ("written", "verbal", "recorded", "sms", "intermediary", "")
        }
        participant(session, place, "No consent", None, "")
        since = {
            member.contact_id: member.confirmed_at
            for member in session.scalars(select(ContactMembership))
        }
        stopped_at = session.scalars(
            select(ConsentEvent.created_at).where(ConsentEvent.event == "opt_out")
        ).one()
        ids = (place.id, joined.id, news.id, stopped.id, pending.id)
        db.finish(commit=True)
    db.database(app).engine.dispose()

    migrate.downgrade(url, "0027", field_key=FIELD_KEY)
    migrate.upgrade(url, field_key=FIELD_KEY)

    pid, joined_id, news_id, stopped_id, _pending_id = ids
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = (
            connection.execute(select(db.Base.metadata.tables["consents"]).order_by("id"))
            .mappings()
            .all()
        )
    engine.dispose()

    def at(value):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    found = {
        (row["contact_id"], row["participant_id"], row["purpose"]): (
            row["partnership_id"],
            row["granted"],
            row["channel"],
            at(row["given_at"]),
            row["expires_on"],
        )
        for row in rows
    }
    noon = datetime.combine(date(2026, 3, 2), time(12), tzinfo=UTC)
    assert found == {
        (joined_id, None, "consultations"): (pid, True, "sms", since[joined_id], None),
        (joined_id, None, "grievance_follow_up"): (pid, True, "sms", since[joined_id], None),
        (news_id, None, "consultations"): (pid, True, "sms", since[news_id], None),
        (news_id, None, "grievance_follow_up"): (pid, True, "sms", since[news_id], None),
        (news_id, None, "news"): (pid, True, "sms", since[news_id], None),
        # STOP since: withdrawn, as of the STOP.
        (stopped_id, None, "consultations"): (pid, False, "sms", stopped_at, None),
        (stopped_id, None, "grievance_follow_up"): (pid, False, "sms", stopped_at, None),
        (None, people["written"], "consultations"): (pid, True, "paper", noon, None),
        (None, people["verbal"], "consultations"): (pid, True, "verbal", noon, None),
        (None, people["recorded"], "consultations"): (pid, True, "verbal", noon, None),
        (None, people["sms"], "consultations"): (pid, True, "sms", noon, None),
        (None, people["intermediary"], "consultations"): (pid, True, "paper", noon, None),
        (None, people[""], "consultations"): (pid, True, "paper", noon, None),
    }
