"""SMS in a partnership's local language: a text translated is sent, a missing one falls back
to the partnership's default language, the language's own keywords are read, LANG offers it
once its essential texts are written, and no partnership ever uses another's translation."""

import pytest
from sqlalchemy import select

from hsbp.grievances import codes, messages, services
from hsbp.grievances.models import Grievance, Stage
from hsbp.monitoring import sms_turns
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from hsbp.sms import contacts, local_texts, texts
from hsbp.sms.encoding import normalise
from hsbp.sms.local_text_admin import save
from hsbp.sms.local_text_checks import entries
from hsbp.sms.models import Contact, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, add_contact
from tests.sms.conftest import sms as sms  # the fixture

OTHER_SENDER = "+15005550007"
OTHER_PHONE = "+573109998877"
# Nasa Yuwe words are this partnership's to choose: these stand for them.
STOPPED = "Mensajes ũus jxuka'. START kwe'sx."
LANGUAGE_SET = "Nasa Yuwe yuh. HELP."


def entry(key: str):
    """The entry of a text of the channel (a key of texts.TEXTS), or of a keyword list."""
    if key == "name":
        wanted = local_texts.LANGUAGE_NAME.key
    else:
        wanted = texts.TEXTS.get(key) or texts.context_key(*texts.KEYWORDS[key])
    return next(e for e in entries() if e.key == wanted)


def translate(session, make, partnership, values: dict, locale: str = "pbb") -> None:
    """Save translations {key: text} as a facilitator of the partnership would."""
    user = make.member(partnership, Role.FACILITATOR)
    membership = next(m for m in _memberships(session, user) if m.partnership_id == partnership.id)
    for key, text in values.items():
        save(
            session,
            actor=user,
            membership=membership,
            partnership=partnership,
            locale=locale,
            entry=entry(key),
            text=text,
        )


def _memberships(session, user):
    return session.scalars(select(Membership).where(Membership.user_id == user.id)).all()


def spanish(key: str, **values) -> str:
    return normalise(texts.text("es", key, **values))


@pytest.fixture
def nasa(make, session):
    """A partnership in Spanish, English and Nasa Yuwe (pbb), Spanish by default."""
    partnership = make.partnership(name="Tóez", locales=["es", "en", "pbb"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="TOEZ"
    )
    return partnership


def test_a_translated_text_is_sent_and_a_missing_one_falls_back_to_the_default(
    session, make, sms, nasa
):
    translate(session, make, nasa, {"stopped": STOPPED})
    contact = add_contact(session, nasa, PHONE, locale="pbb")
    assert sms("STOP").replies == [normalise(STOPPED)]
    # START is not translated: the partnership's default language, not English.
    assert sms("START").replies == [spanish("started")]
    assert contact.locale == "pbb"


def test_a_local_keyword_counts_for_a_contact_who_chose_the_language(session, make, sms, nasa):
    translate(session, make, nasa, {"stop": "TXIWE, PEYA", "stopped": STOPPED})
    add_contact(session, nasa, PHONE, locale="pbb")
    speaker_of_spanish = add_contact(session, nasa, OTHER_PHONE, locale="es")
    assert sms("Peya!").replies == [normalise(STOPPED)]
    # For someone else it is a word like any other: the inbox hears it.
    assert sms("TXIWE", sender=OTHER_PHONE).replies == [spanish("received")]
    assert session.get(Contact, speaker_of_spanish.id).opted_out is False
    # English keywords always work too.
    assert sms("START").replies == [spanish("started")]


def test_a_local_keyword_of_a_feature_reaches_its_handler(session, make, sms, nasa):
    report_words = texts.context_key(*messages.KEYWORDS["report"])
    receipt = "Kwe'sx %(code)s. %(status)s %(code)s"
    user = make.member(nasa, Role.FACILITATOR)
    membership = _memberships(session, user)[0]
    by_key = {e.key: e for e in entries()}
    for key, text in ((report_words, "YUWETX"), (messages.TEXTS["receipt"], receipt)):
        save(
            session,
            actor=user,
            membership=membership,
            partnership=nasa,
            locale="pbb",
            entry=by_key[key],
            text=text,
        )
    add_contact(session, nasa, PHONE, locale="pbb")
    replies = sms("yuwetx the water pipe broke at the school").replies
    grievance = session.scalars(select(Grievance)).one()
    shown = codes.shown(grievance.code)
    # %(status)s is the STATUS keyword, not translated here: the default language's first word.
    status_word = texts.catalog("es").pgettext(*messages.KEYWORDS["status"]).split(",")[0].strip()
    assert replies == [f"Kwe'sx {shown}. {status_word} {shown}"]
    assert grievance.description == "the water pipe broke at the school"


def test_lang_offers_a_local_language_once_its_essential_texts_are_written(
    session, make, sms, nasa
):
    menu = "1 Español, 2 English"
    assert sms("JOIN TOEZ").replies == [
        spanish("joined", code="TOEZ"),
        spanish("choose_language", menu=menu),
    ]
    translate(
        session,
        make,
        nasa,
        {
            "name": "Nasa Yuwe",
            "language_set": LANGUAGE_SET,
            "help": "JOIN, YES, LANG, STOP.",
            "stopped": STOPPED,
        },
    )
    # One essential text is still missing: not offered yet.
    assert sms("LANG").replies == [spanish("choose_language", menu=menu)]
    assert sms("3").replies == [spanish("unknown_language", menu=menu)]
    translate(session, make, nasa, {"started": "Mensajes kwe'sx."})
    full = "1 Español, 2 English, 3 Nasa Yuwe"
    assert sms("LANG").replies == [spanish("choose_language", menu=full)]
    assert sms("3").replies == [LANGUAGE_SET]
    session.expire_all()
    assert contacts.find_contact(session, PHONE).locale == "pbb"
    # Its code works too, as a shipped language's does.
    assert sms("LANG es").replies == [spanish("language_set")]
    assert sms("LANG pbb").replies == [LANGUAGE_SET]


def test_the_language_menu_ends_with_a_message_that_is_no_number(session, make, sms, nasa):
    add_contact(session, nasa, PHONE, locale="es")
    assert sms("LANG").replies == [spanish("choose_language", menu="1 Español, 2 English")]
    sms("the bridge is broken")
    session.expire_all()
    assert contacts.find_contact(session, PHONE).awaiting == ""
    # A later number is no language choice: it reaches the inbox like any message.
    assert sms("2").replies == []
    assert contacts.find_contact(session, PHONE).locale == "es"


def test_another_partnerships_translation_is_never_used(session, make, sms, nasa):
    other = make.partnership(name="Cxhab", locales=["en", "pbb"], default_locale="en")
    contacts.configure_sender(
        session, partnership_id=other.id, sender=OTHER_SENDER, join_code="CXHAB"
    )
    translate(session, make, nasa, {"stopped": STOPPED, "stop": "TXIWE"})
    translate(session, make, other, {"started": "Other partnership's started."})
    add_contact(session, nasa, PHONE, locale="pbb")
    add_contact(session, other, OTHER_PHONE, locale="pbb")
    # Nasa's word is nothing to the other partnership, nor its text.
    assert sms("TXIWE", sender=OTHER_PHONE, to=OTHER_SENDER).replies == [
        normalise(texts.text("en", "received"))
    ]
    assert sms("STOP", sender=OTHER_PHONE, to=OTHER_SENDER).replies == [
        normalise(texts.text("en", "stopped"))
    ]
    assert sms("START", sender=OTHER_PHONE, to=OTHER_SENDER).replies == [
        "Other partnership's started."
    ]
    # And the other's text is nothing to Nasa: its default language answers.
    assert sms("STOP").replies == [normalise(STOPPED)]
    assert sms("START").replies == [spanish("started")]


def test_a_language_of_no_partnership_of_the_contact_gets_the_default(session, make, nasa):
    spanish_only = make.partnership(locales=["es"], default_locale="es")
    contact = add_contact(session, spanish_only, PHONE, locale="pbb")
    translate(session, make, nasa, {"stopped": STOPPED})
    found = sms_turns.locale_of(session, contact, spanish_only.id)
    assert (found, type(found)) == ("es", str)
    assert texts.text(found, "stopped") == texts.text("es", "stopped")


def test_a_local_default_language_falls_back_to_english(session, make):
    partnership = make.partnership(locales=["guc", "es"], default_locale="guc")
    contact = add_contact(session, partnership, PHONE, locale=None)
    translate(session, make, partnership, {"stopped": "Wayuunaiki stopped."}, locale="guc")
    found = local_texts.contact_language(session, contact=contact, partnership_id=partnership.id)
    assert found == "guc"
    assert texts.text(found, "stopped") == "Wayuunaiki stopped."
    assert texts.text(found, "started") == "Messages restarted. Send STOP at any time to stop them."
    assert texts.babel_locale(found) == "es"  # numbers read as the partnership's Spanish


def test_a_local_language_falls_back_to_a_local_default_before_english(session, make):
    partnership = make.partnership(locales=["guc", "pbb"], default_locale="guc")
    translate(session, make, partnership, {"stopped": "Wayuunaiki stopped."}, locale="guc")
    translate(session, make, partnership, {"started": "Nasa started."}, locale="pbb")
    found = local_texts.language(session, partnership=partnership, code="pbb")
    assert texts.text(found, "started") == "Nasa started."
    assert texts.text(found, "stopped") == "Wayuunaiki stopped."
    assert texts.text(found, "chosen", name="X") == "Your messages now go to X."


def test_a_grievance_stage_told_outside_a_request_uses_the_translation(app, session, make, nasa):
    stage_text = "Kwe'sx %(code)s: wala."
    user = make.member(nasa, Role.FACILITATOR)
    membership = _memberships(session, user)[0]
    by_key = {e.key: e for e in entries()}
    save(
        session,
        actor=user,
        membership=membership,
        partnership=nasa,
        locale="pbb",
        entry=by_key[messages.STAGE_TEXTS[Stage.ACKNOWLEDGED]],
        text=stage_text,
    )
    contact = add_contact(session, nasa, PHONE, locale="pbb")
    grievance = services.file_grievance(
        session,
        partnership=nasa,
        channel="sms",
        description="The road floods",
        locale="pbb",
        complainant=services.Complainant(contact=contact),
    )
    grievance.stage = Stage.ACKNOWLEDGED
    local_texts.forget(session)  # as a task's own session would start
    with app.app_context():
        assert messages.tell_stage(session, grievance) is True
    body = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.kind == messages.SMS_KIND)
    ).all()[-1]
    assert body == f"Kwe'sx {codes.shown(grievance.code)}: wala."
