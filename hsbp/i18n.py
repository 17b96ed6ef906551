"""Locale choice, the shipped UI locales, and helpers for content stored per language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale, UnknownLocaleError
from flask import Flask, g, has_request_context, request, session
from flask_babel import format_datetime, get_locale, refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from hsbp.extensions import babel
from hsbp.paths import resource_dir


@dataclass(frozen=True)
class UILocale:
    code: str
    native_name: str
    rtl: bool = False


# The interface languages shipped with complete catalogs. Names are in their own language so
# that someone who cannot read the current page can still find theirs.
UI_LOCALES: tuple[UILocale, ...] = (
    UILocale("en", "English"),
    UILocale("es", "Español"),
    UILocale("fr", "Français"),
    UILocale("bs", "Bosanski"),
    UILocale("ar", "العربية", rtl=True),
    UILocale("sw", "Kiswahili"),
)
UI_LOCALE_CODES = tuple(loc.code for loc in UI_LOCALES)
SESSION_KEY = "locale"
# The query parameter a shared link to a public page names its language with (?lang=sw).
LANG_PARAM = "lang"


def select_locale() -> str:
    """A language asked for in a public page's link, else the user's profile language, else
    the one chosen in this browser, else, on a partnership's public page, the partnership's
    language, else the browser's.

    Outside a request (the CLI, a task) it is English unless the caller forces a locale.
    """
    if not has_request_context():
        return "en"
    asked = g.get("asked_locale")
    if asked:
        return asked
    if current_user and current_user.is_authenticated and current_user.locale in UI_LOCALE_CODES:
        return current_user.locale
    chosen = session.get(SESSION_KEY)
    if chosen in UI_LOCALE_CODES:
        return chosen
    public = g.get("public_partnership")
    # A community's phones often say English or French where the community reads another
    # language: the partnership knows better than the browser.
    if public is not None and public.default_locale in UI_LOCALE_CODES:
        return public.default_locale
    return request.accept_languages.best_match(UI_LOCALE_CODES) or "en"


def select_timezone() -> str:
    """The time zone of the partnership being viewed, on its own or its public pages; UTC
    outside one."""
    partnership = g.get("partnership") or g.get("public_partnership")
    return partnership.timezone if partnership is not None else "UTC"


def use_partnership_language(partnership) -> None:
    """On a page of `partnership` that anyone may open without an account (its grievance
    form, a consultation's public link, its public checklist): its default language and its
    time zone, unless the visitor chose a language with the menu or the link's ?lang=.

    Side effect: a ?lang= naming a UI language is remembered in the visitor's session, so
    the next pages of the same form keep it.
    """
    g.public_partnership = partnership
    asked = request.args.get(LANG_PARAM)
    if asked in UI_LOCALE_CODES:
        g.asked_locale = asked
        session[SESSION_KEY] = asked
    # Anything that ran before the partnership was known picked its language without it.
    refresh()


def datetime_pattern(locale: Locale) -> str:
    """The locale's medium date with its short time: minutes, never seconds."""
    glue = str(locale.datetime_formats["medium"])
    return glue.replace("{1}", locale.date_formats["medium"].pattern).replace(
        "{0}", locale.time_formats["short"].pattern
    )


def format_when(value: datetime | None, fmt: str = "medium") -> str:
    """A date and time as every page shows it: one format per locale (see datetime_pattern),
    in the viewed partnership's time zone. "short" and "medium" both give it, so that pages
    written for either look the same; "long" and "full" keep Babel's own."""
    if value is None:
        return ""
    if fmt in ("long", "full"):
        return format_datetime(value, fmt)
    return format_datetime(value, datetime_pattern(get_locale()))


def is_rtl(code: str | None = None) -> bool:
    code = code or str(get_locale())
    return Locale.parse(code).character_order == "right-to-left"


def language_name(code: str, in_locale: str | None = None) -> str:
    """A language's name in the reader's language (for content languages, not only UI ones);
    the code itself for a language Babel has no data for (many local ones: `pbb`, `guc`)."""
    try:
        return Locale.parse(code).get_display_name(in_locale or str(get_locale())) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def translated(values: dict[str, str] | None, *, locale: str, fallback: str) -> str:
    """Pick the text of `values` (a {locale: text} dict) for `locale`, else `fallback`'s, else
    any non-empty one, so a reader never gets a blank."""
    values = values or {}
    for code in (locale, fallback):
        if values.get(code):
            return values[code]
    return next((text for text in values.values() if text), "")


def missing_languages(values: dict[str, str] | None, required: list[str]) -> list[str]:
    """The languages of `required` that `values` has no text for (shown in the UI)."""
    values = values or {}
    return [code for code in required if not (values.get(code) or "").strip()]


# flask_babel marks every lazy string as safe HTML (LazyString.__html__ returns it as it is),
# so a lazy message that carries someone's text, such as
# _l("Not a phone number: %(value)s", value=typed), would reach the page unescaped. Our lazy
# strings are plain text: their HTML form is now the escaped text. (Removing __html__ would
# do in templates, but a flashed lazy message is stored in the session through it.)
LazyString.__html__ = lambda self: escape(str(self))


def isolated(text: object) -> str:
    """`text` between Unicode first-strong and pop directional isolates (FSI ... PDI): the
    plain-text `bdi`, for SVG text, PDF lines and other strings that carry no HTML."""
    return f"\u2068{text}\u2069"


def bdi(value) -> Markup:
    """`value` (a name, a typed text, a figure with its unit) isolated from the text around
    it, so "Acme S.A.S." or "¿Agua?" keeps its own order inside a right-to-left sentence and
    an Arabic one inside a left-to-right sentence. The `bdi` filter of the templates."""
    return Markup("<bdi>%s</bdi>") % value


def init_app(app: Flask) -> None:
    app.jinja_env.filters["bdi"] = bdi
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(resource_dir("translations")),
    )

    @app.context_processor
    def _i18n_context():
        code = str(get_locale())
        return {
            "ui_locales": UI_LOCALES,
            "current_locale": code,
            "text_direction": "rtl" if is_rtl(code) else "ltr",
            "language_name": language_name,
        }
