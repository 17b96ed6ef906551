"""Six complete catalogs, right-to-left Arabic, and locale-aware formatting."""

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hsbp.i18n import UI_LOCALE_CODES, missing_languages, translated
from hsbp.paths import resource_dir
from tools.i18n import problems


def test_every_catalog_is_complete_without_fuzzy_entries():
    assert problems() == []


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _key(message):
    # read_mo gives contexts as bytes and plural ids and strings as lists; read_po gives
    # text and tuples.
    msgid = tuple(message.id) if isinstance(message.id, list | tuple) else message.id
    return _text(message.context), msgid


def _strings(message):
    return tuple(message.string) if isinstance(message.string, list | tuple) else message.string


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_compiled_catalog_matches_its_source(locale):
    folder = resource_dir("translations") / locale / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        source = {_key(m): _strings(m) for m in read_po(f) if m.id}
    with (folder / "messages.mo").open("rb") as f:
        compiled = {_key(m): _strings(m) for m in read_mo(f) if m.id}
    assert compiled == source, f"run: pybabel compile -d translations -l {locale}"


def test_every_template_string_is_in_the_catalog():
    with (resource_dir("translations") / "messages.pot").open("rb") as f:
        template_ids = {m.id for m in read_po(f) if m.id}
    with (resource_dir("translations") / "es" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog_ids = {m.id for m in read_po(f) if m.id}
    assert template_ids == catalog_ids


@pytest.mark.parametrize(
    ("locale", "heading", "direction"),
    [
        ("en", "Sign in", "ltr"),
        ("es", "Iniciar sesión", "ltr"),
        ("fr", "Se connecter", "ltr"),
        ("bs", "Prijavite se", "ltr"),
        ("ar", "تسجيل الدخول", "rtl"),
        ("sw", "Ingia", "ltr"),
    ],
)
def test_login_page_in_each_language(client, locale, heading, direction):
    client.post("/language", data={"locale": locale, "next": "/login"})
    body = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{locale}" dir="{direction}">' in body
    assert f"<h1>{heading}</h1>" in body


def test_translated_content_falls_back_to_the_default_language():
    texts = {"es": "Hola", "en": "Hello", "fr": ""}
    assert translated(texts, locale="en", fallback="es") == "Hello"
    assert translated(texts, locale="fr", fallback="es") == "Hola"
    assert translated({"sw": "Habari"}, locale="fr", fallback="es") == "Habari"
    assert missing_languages(texts, ["es", "en", "fr", "ar"]) == ["fr", "ar"]


def test_a_lazy_message_with_typed_text_is_escaped_in_pages_and_flashes(app):
    from flask.json.tag import TaggedJSONSerializer
    from flask_babel import lazy_gettext
    from markupsafe import escape

    with app.test_request_context():
        message = lazy_gettext("This is not a phone number: %(value)s", value="<b>12</b>")
        expected = "This is not a phone number: &lt;b&gt;12&lt;/b&gt;"
        assert escape(message) == expected
        # flash() keeps messages in the session, which stores a lazy string through __html__.
        serializer = TaggedJSONSerializer()
        assert escape(serializer.loads(serializer.dumps({"m": message}))["m"]) == expected
