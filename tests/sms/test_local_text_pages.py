"""The pages that write the system SMS texts in a partnership's local languages: who may use
them, the checks a translation passes (placeholders, size, keywords), the progress, and
what is audited."""

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from hsbp.sms import contacts, local_texts, texts
from hsbp.sms.local_text_checks import entries
from hsbp.sms.models import LocalText
from tests.sms.conftest import SENDER, page_text


def hash_of(key: str) -> str:
    """The id in the address of a channel text (a key of texts.TEXTS), a keyword list
    ("words:stop", a key of texts.KEYWORDS) or the language's name ("name")."""
    if key == "name":
        wanted = local_texts.LANGUAGE_NAME.key
    elif key.startswith("words:"):
        wanted = texts.context_key(*texts.KEYWORDS[key.removeprefix("words:")])
    else:
        wanted = texts.TEXTS[key]
    return next(e.id for e in entries() if e.key == wanted)


@pytest.fixture
def nasa(make, session):
    partnership = make.partnership(name="Tóez", locales=["es", "en", "pbb"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="TOEZ"
    )
    return partnership


@pytest.fixture
def facilitator(make, login, nasa):
    user = make.member(nasa, Role.FACILITATOR, user=make.user(locale="en"))
    login(user)
    return user


def edit_url(partnership, key, locale="pbb"):
    return f"/p/{partnership.id}/sms/texts/{locale}/{hash_of(key)}"


def stored(session, partnership) -> dict:
    session.expire_all()
    return {
        row.msgid: row.text
        for row in session.scalars(
            select(LocalText).where(LocalText.partnership_id == partnership.id)
        )
    }


def audit_of(session, partnership) -> list[tuple]:
    return [
        (entry.action, entry.object_type, entry.details)
        for entry in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.partnership_id == partnership.id)
            .where(AuditEntry.action.like("sms_text.%"))
            .order_by(AuditEntry.id)
        )
    ]


JOINED = texts.TEXTS["joined"]


def test_a_facilitator_saves_a_translation_and_goes_on_to_the_next_missing_one(
    client, session, nasa, facilitator
):
    saved = client.post(
        edit_url(nasa, "joined"), data={"text": " Kwe'sx %(code)s. HELP ", "action": "save_next"}
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == edit_url(nasa, "choose_language")
    assert stored(session, nasa) == {JOINED: "Kwe'sx %(code)s. HELP"}
    row = session.scalars(select(LocalText)).one()
    assert (row.locale, row.msgid_hash, row.updated_by_id) == (
        "pbb",
        local_texts.msgid_hash(JOINED),
        facilitator.id,
    )
    assert audit_of(session, nasa) == [
        (
            "sms_text.save",
            "LocalText",
            {"locale": "pbb", "source": JOINED[:57] + "...", "segments": 1},
        )
    ]
    # Saved again: the same row, changed.
    again = client.post(
        edit_url(nasa, "joined"), data={"text": "Kwe'sx %(code)s.", "action": "save"}
    )
    assert again.headers["Location"] == f"/p/{nasa.id}/sms/texts/pbb#t-{hash_of('joined')}"
    assert stored(session, nasa) == {JOINED: "Kwe'sx %(code)s."}


def test_a_translation_must_keep_the_placeholders_of_the_english(
    client, session, nasa, facilitator
):
    dropped = client.post(edit_url(nasa, "joined"), data={"text": "Kwe'sx.", "action": "save"})
    assert dropped.status_code == 422
    page = page_text(dropped)
    assert "Keep every placeholder of the English text; missing: %(code)s." in page
    assert "Translation Kwe'sx." in page  # what was typed is kept
    added = client.post(
        edit_url(nasa, "joined"), data={"text": "%(code)s %(name)s 50%", "action": "save"}
    )
    page = page_text(added)
    assert "The English text has no placeholder %(name)s: remove it." in page
    assert "A percent sign may only start a placeholder, such as %(code)s." in page
    twice = client.post(
        edit_url(nasa, "joined"), data={"text": "%(code)s %(code)s", "action": "save"}
    )
    assert "Write %(code)s only as often as the English text does." in page_text(twice)
    empty = client.post(edit_url(nasa, "joined"), data={"text": "  ", "action": "save"})
    assert "Write the translation, or remove it to send the default language's." in page_text(empty)
    assert stored(session, nasa) == {}
    assert audit_of(session, nasa) == []


def test_check_counts_segments_with_sample_values_and_saves_nothing(
    client, session, nasa, facilitator
):
    # ũ is outside GSM-7: the whole text is UCS-2, 70 characters to a segment.
    checked = client.post(
        edit_url(nasa, "joined"), data={"text": "Ũus %(code)s, HELP.", "action": "check"}
    )
    assert checked.status_code == 200
    page = page_text(checked)
    assert "Encoding: UCS-2 · length: 15 · segments: 1." in page
    assert "As a phone shows it, with the sample values: Ũus TOEZ, HELP." in page
    long_text = "Ũus " + "kwe'sx " * 10 + "%(code)s"
    too_long = client.post(edit_url(nasa, "joined"), data={"text": long_text, "action": "save"})
    assert too_long.status_code == 422
    page = page_text(too_long)
    assert "Encoding: UCS-2 · length: 78 · segments: 2." in page
    assert (
        "Longer than one SMS: 78 characters where 70 fit, with the sample values. Shorten it."
        in page
    )
    assert stored(session, nasa) == {}


def test_keywords_that_mean_another_keyword_or_a_number_are_refused(
    client, session, nasa, facilitator
):
    refused = client.post(
        edit_url(nasa, "words:stop"), data={"text": "TXIWE, UNIRSE, 3, PEYA WALA", "action": "save"}
    )
    assert refused.status_code == 422
    page = page_text(refused)
    assert "UNIRSE already means JOIN: choose another word." in page
    assert "3: a keyword cannot be a number." in page
    assert "PEYA WALA: one word only, without spaces." in page
    assert stored(session, nasa) == {}
    accepted = client.post(
        edit_url(nasa, "words:stop"), data={"text": "txiwe,  peya", "action": "save"}
    )
    assert accepted.status_code == 302
    assert stored(session, nasa) == {texts.context_key(*texts.KEYWORDS["stop"]): "txiwe, peya"}
    # The same word for another keyword of this language is refused too.
    help_too = client.post(edit_url(nasa, "words:help"), data={"text": "PEYA", "action": "save"})
    assert "PEYA already means STOP: choose another word." in page_text(help_too)


def test_the_languages_name_is_short_enough_for_the_lang_menu(client, session, nasa, facilitator):
    long_name = client.post(edit_url(nasa, "name"), data={"text": "Nasa Yuwe " * 4})
    assert "At most 30 characters." in page_text(long_name)
    assert client.post(edit_url(nasa, "name"), data={"text": "Nasa Yuwe"}).status_code == 302
    assert stored(session, nasa) == {local_texts.LANGUAGE_NAME.key: "Nasa Yuwe"}


def test_removing_a_translation_sends_the_default_languages_text_again(
    client, session, nasa, facilitator
):
    client.post(edit_url(nasa, "joined"), data={"text": "Kwe'sx %(code)s.", "action": "save"})
    removed = client.post(edit_url(nasa, "joined") + "/remove")
    assert removed.headers["Location"] == f"/p/{nasa.id}/sms/texts/pbb#t-{hash_of('joined')}"
    assert stored(session, nasa) == {}
    assert [action for action, _type, _details in audit_of(session, nasa)] == [
        "sms_text.save",
        "sms_text.remove",
    ]


def test_the_pages_show_progress_and_what_lang_waits_for(client, session, nasa, facilitator):
    for key, text in (("name", "Nasa Yuwe"), ("language_set", "Nasa Yuwe yuh.")):
        client.post(edit_url(nasa, key), data={"text": text, "action": "save"})
    total = len(entries())
    index = page_text(client.get(f"/p/{nasa.id}/sms/texts"))
    assert f"Nasa Yuwe pbb 2 of {total} translated" in index
    assert "3 essential texts are missing before contacts can choose it with LANG." in index
    listing = client.get(f"/p/{nasa.id}/sms/texts/pbb")
    assert "A text with no translation is sent in Spanish." in page_text(listing)
    assert "Nasa Yuwe yuh." in page_text(listing)
    missing = page_text(client.get(f"/p/{nasa.id}/sms/texts/pbb?show=missing"))
    assert "Nasa Yuwe yuh." not in missing
    assert JOINED in missing
    edit = page_text(client.get(edit_url(nasa, "joined")))
    assert "Spanish, sent while there is no translation" in edit
    assert normalise_es(JOINED) in edit
    assert "%(code)s for example: TOEZ" in edit


def normalise_es(msgid: str) -> str:
    return texts.catalog("es").gettext(msgid)


def test_a_translation_of_a_text_changed_since_is_shown_apart_and_not_sent(
    client, session, nasa, facilitator
):
    old = "Welcome to %(code)s. Send HELP."  # an English text the code no longer has
    session.add(
        LocalText(
            partnership_id=nasa.id,
            locale="pbb",
            msgid=old,
            msgid_hash=local_texts.msgid_hash(old),
            text="Kwe'sx %(code)s. HELP.",
        )
    )
    session.flush()
    page = page_text(client.get(f"/p/{nasa.id}/sms/texts/pbb"))
    assert f"0 of {len(entries())} translated" in page
    assert (
        "Translations of texts that have changed The English of these texts changed after "
        "they were translated, so they are no longer sent."
    ) in page
    assert "Welcome to %(code)s. Send HELP. — Kwe'sx %(code)s. HELP." in page


def test_the_text_list_runs_the_same_queries_however_many_are_translated(
    client, session, nasa, facilitator, count_queries
):
    url = f"/p/{nasa.id}/sms/texts/pbb"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for entry in entries()[1:]:
        if not (entry.is_words or entry.placeholders):
            client.post(f"{url}/{entry.id}", data={"text": "Kwe'sx.", "action": "save"})
    assert len(stored(session, nasa)) > 20
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many["n"] == few["n"]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.REPRESENTATIVE])
def test_a_member_given_the_translator_permission_writes_the_texts(
    client, session, make, login, nasa, role
):
    user = make.member(nasa, role, user=make.user(locale="en"))
    login(user)
    pages = (f"/p/{nasa.id}/sms/texts", f"/p/{nasa.id}/sms/texts/pbb", edit_url(nasa, "joined"))
    assert [client.get(url).status_code for url in pages] == [403, 403, 403]
    refused = client.post(edit_url(nasa, "joined"), data={"text": "Kwe'sx %(code)s."})
    assert refused.status_code == 403
    membership = session.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    membership.translator = True
    session.flush()
    assert [client.get(url).status_code for url in pages] == [200, 200, 200]
    page = client.get(pages[0]).get_data(as_text=True)
    assert f'href="/p/{nasa.id}/sms/texts" aria-current="page">SMS texts</a>' in page
    assert f"/p/{nasa.id}/sms/inbox" not in page  # the facilitators' SMS pages stay theirs
    saved = client.post(edit_url(nasa, "joined"), data={"text": "Kwe'sx %(code)s."})
    assert saved.status_code == 302
    assert stored(session, nasa) == {JOINED: "Kwe'sx %(code)s."}


@pytest.mark.parametrize(
    "path",
    [
        "/sms/texts/es",  # shipped: its texts are the catalog's
        "/sms/texts/guc",  # not a language of this partnership
        "/sms/texts/pbb/0123456789abcdef",
        "/sms/texts/pbb/" + "z" * 300,
        "/sms/texts/%00",
    ],
)
def test_addresses_of_no_text_are_not_found(client, nasa, facilitator, path):
    assert client.get(f"/p/{nasa.id}{path}").status_code == 404


def test_another_partnerships_texts_are_neither_shown_nor_written(
    client, session, make, login, nasa, facilitator
):
    other = make.partnership(locales=["es", "pbb"], default_locale="es")
    client.post(edit_url(nasa, "joined"), data={"text": "Kwe'sx %(code)s.", "action": "save"})
    assert client.get(f"/p/{other.id}/sms/texts/pbb").status_code == 404
    assert client.post(edit_url(other, "joined"), data={"text": "x %(code)s"}).status_code == 404
    colleague = make.member(other, Role.FACILITATOR, user=make.user(locale="en"))
    login(colleague)
    assert "Kwe'sx" not in page_text(client.get(f"/p/{other.id}/sms/texts/pbb"))
    assert "0 of" in page_text(client.get(f"/p/{other.id}/sms/texts"))


def test_a_partnership_without_local_languages_says_how_to_add_one(client, make, login):
    partnership = make.partnership(locales=["es", "en"], default_locale="es")
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    page = page_text(client.get(f"/p/{partnership.id}/sms/texts"))
    assert "This partnership has no local language" in page
    assert "Add a local language in the partnership's settings (other language codes)." in page


def test_the_pages_are_well_under_100_kb_with_every_text_translated(
    client, session, nasa, facilitator
):
    url = f"/p/{nasa.id}/sms/texts/pbb"
    for entry in entries():
        if entry.is_words:
            continue
        text = " ".join(f"%({name})s" for name in entry.placeholders) + " Ũus kwe'sx."
        client.post(f"{url}/{entry.id}", data={"text": text, "action": "save"})
    page = client.get(url, headers={"Accept-Language": "ar"})
    assert page.status_code == 200
    assert len(page.data) < 80_000, len(page.data)
