"""The broadcast preview warns of reserved words a message asks people to reply with (STOP,
START's words, HELP, NEWS, JOIN, LANG and the feature keywords switched on), in any of its
languages, and still lets the facilitator send it."""

import re

import pytest

from hsbp.sms import contacts, reserved_words
from tests.sms.conftest import add_contact, page_text

START = "Replies of “SI” reach the inbox, but people who sent STOP get their messages back with it."
STOP = "Replies of “STOP” unsubscribe people from every message: ask for another word."
HELP = "Replies of “help” get the list of keywords, not the inbox: ask for another word."
INFO = (
    "Replies of “INFO” go to an SMS keyword (The partnership, who facilitates it and how to "
    "reach them), not to the inbox: ask for another word."
)
HEADING = "Words people should not reply with"


@pytest.fixture
def url(session, demo_partnership):
    add_contact(session, demo_partnership, "+573104567801", news=True)
    return f"/p/{demo_partnership.id}/sms/broadcasts/new"


def preview(web, url, es: str, en: str = ""):
    response = web.post(url, data={"audience": "all", "body_es": es, "body_en": en})
    assert response.status_code == 200
    return re.sub(r"“ (.*?) ”", r"“\1”", page_text(response))  # the word is isolated: <bdi>


def test_the_preview_names_each_reserved_word_and_what_its_replies_do(web, url):
    text = preview(
        web,
        url,
        es="Reunión el sábado. Responda SI para confirmar.",
        en='Meeting on Saturday. Reply STOP if the road is closed, or "help", or INFO.',
    )
    assert HEADING in text
    assert [START in text, STOP in text, HELP in text, INFO in text] == [True] * 4
    assert "You may still send the message as it is." in text
    assert "Send to 1 person" in text


def test_words_that_ask_for_no_reply_are_no_warning(web, url):
    text = preview(
        web,
        url,
        es="Vamos a parar los camiones. Gracias por la ayuda, no hay noticias aún.",
        en="We will stop the trucks. Thanks for the help and the news.",
    )
    assert HEADING not in text


def test_a_keyword_switched_off_is_no_warning(web, url, session, demo_partnership):
    contacts.settings_of(session, demo_partnership.id).keywords_off = ["ask_info"]
    session.flush()
    assert INFO not in preview(web, url, es="Envíe INFO para saber más.")


def test_the_broadcast_may_still_be_sent(web, url):
    data = {"audience": "all", "body_es": "Responda PARAR si no quiere más.", "confirm": "1"}
    response = web.post(url, data=data)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("locale", "body", "word", "kind"),
    [
        ("en", "Reply YES to come, or HELP.", "HELP", "help"),
        ("es", "Responda con la palabra alto si el camino está cerrado.", "alto", "stop"),
        ("fr", "Répondez « arrêt » pour ne plus rien recevoir.", "arrêt", "stop"),
        ("bs", "Odgovorite VIJESTI za novosti.", "VIJESTI", "news"),
        ("ar", "أرسل توقف إذا كان الطريق مغلقا", "توقف", "stop"),
        ("sw", "Jibu kwa neno msaada kupata maelezo.", "msaada", "help"),
        ("es", "Mande NOTICIAS NO si no quiere noticias.", "NOTICIAS NO", "news_off"),
        ("en", "To talk to us, send JOIN and the code.", "JOIN", "join"),
    ],
)
def test_reserved_words_are_found_in_every_language(app, locale, body, word, kind):
    with app.test_request_context():
        found = reserved_words.asked_replies({locale: body})
        assert [r.word for r in found if r.effect is reserved_words.CHANNEL_EFFECTS[kind]] == [word]
