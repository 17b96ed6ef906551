"""Audit entries told as sentences: registries the features fill in, and the wording of one
entry for a reader.

Core knows no feature: each feature registers, at import time, how its actions read
(`SENTENCES`), how the fields its diffs hold are called (`FIELD_LABELS`), what its action
families are called (`FAMILY_LABELS`), and how its objects are named and opened
(`register_object`), the way it already registers `hsbp.audit.ACTION_LABELS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.audit import action_label
from hsbp.i18n import translated
from hsbp.security import Role

# (session, partnership id, ids, reader's locale, partnership's default locale) -> {id: label};
# ids missing from the answer are objects that no longer exist.
LabelLoader = Callable[[Session, int, set[int], str, str], dict[int, str]]
# (partnership id, object id, its label) -> the URL of its page.
UrlBuilder = Callable[[int, int, str], str]


@dataclass(frozen=True)
class ObjectKind:
    """How entries name one type of object (a model's class name, as `audit.record` stores)."""

    phrase: object  # lazy text with %(label)s: "the action “%(label)s”"
    labels: LabelLoader | None = None
    url: UrlBuilder | None = None
    # The least role that may open the object's page; no link for others.
    min_role: Role = Role.OBSERVER


@dataclass(frozen=True)
class Sentence:
    """How one action reads. `text` uses %(actor)s, %(object)s and any key of the entry's
    details (a number, or an id named through `REFERENCE_KINDS`); `changed`, when the details
    hold changed fields, reads them as %(fields)s."""

    text: object
    changed: object | None = None
    # The details' "changed" lists the names of the fields changed, rather than a diff.
    listed: bool = False


SENTENCES: dict[str, Sentence] = {}
FIELD_LABELS: dict[str, object] = {}
FAMILY_LABELS: dict[str, object] = {}
OBJECT_KINDS: dict[str, ObjectKind] = {}
# Details keys holding the id of an object of a registered kind: {"partner_id": "Partner"}.
REFERENCE_KINDS: dict[str, str] = {}


def register_object(type_name: str, **kind) -> None:
    OBJECT_KINDS[type_name] = ObjectKind(**kind)


def says(text, changed=None, *, listed: bool = False) -> Sentence:
    return Sentence(text, changed, listed)


def column_labels(model, column, *, multilingual: bool = False) -> LabelLoader:
    """A loader reading `column` of `model` rows of one partnership, in one query; a
    {locale: text} column is read in the reader's language."""

    def load(session, partnership_id, ids, locale, fallback):
        rows = session.execute(
            select(model.id, column).where(
                model.partnership_id == partnership_id, model.id.in_(ids)
            )
        )
        if multilingual:
            return {i: translated(v, locale=locale, fallback=fallback) for i, v in rows}
        return {i: str(v) for i, v in rows}

    return load


def family_of(action: str) -> str:
    return action.split(".", 1)[0]


def family_label(family: str):
    return FAMILY_LABELS.get(family, family)


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key.removesuffix("_id").replace("_", " ")))


def changed_fields(details: Mapping) -> list[str]:
    """The keys of `details` that record a change as [before, after]."""
    return [
        key
        for key, value in details.items()
        if isinstance(value, list) and len(value) == 2 and value[0] != value[1]
    ]


def wanted_labels(entries) -> dict[str, set[int]]:
    """{object type: ids} whose labels the sentences of `entries` need."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.object_type in OBJECT_KINDS and _is_id(entry.object_id):
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
        for key, value in (entry.details or {}).items():
            if key in REFERENCE_KINDS and _is_id(value):
                wanted.setdefault(REFERENCE_KINDS[key], set()).add(value)
    return wanted


def load_labels(
    session: Session,
    *,
    partnership_id: int,
    wanted: dict[str, set[int]],
    locale: str,
    fallback: str,
) -> dict[str, dict[int, str]]:
    """One query per type of object, however many entries name it."""
    return {
        type_name: OBJECT_KINDS[type_name].labels(session, partnership_id, ids, locale, fallback)
        for type_name, ids in wanted.items()
        if OBJECT_KINDS[type_name].labels is not None
    }


def sentence(
    entry,
    *,
    labels: dict[str, dict[int, str]],
    partnership_id: int,
    role: Role | None,
    locale: str,
    named: bool = True,
) -> Markup:
    """`entry` as one sentence: names and numbers isolated for right-to-left pages, the object
    linked to its page when it still exists and the reader's `role` may open it. Without
    `named`, the object is not named at all (an entry the reader may see the action of only)."""
    actor = _bdi(_actor_name(entry.actor))
    details = dict(entry.details or {}) if named else {}
    obj = _object(entry, labels, partnership_id, role) if named else None
    values = {"actor": actor, "object": obj if obj is not None else "", **_params(details, labels)}
    rule = SENTENCES.get(entry.action)
    fields = changed_fields(details)
    if rule is not None and rule.listed:
        fields = [str(key) for key in details.get("changed") or () if isinstance(key, str)]
    text = None
    if rule is not None and obj is not None:
        text = rule.changed if fields and rule.changed is not None else rule.text
    if text is not None:
        values["fields"] = format_list([field_label(key) for key in fields], locale=locale)
        try:
            return escape(str(text)) % values
        except (KeyError, TypeError, ValueError):
            pass  # a detail the sentence needs is not there (scrubbed, or shared without it)
    label = action_label(entry.action)
    if obj is None:
        return escape(_("%(actor)s — %(action)s")) % {"actor": actor, "action": label}
    return escape(_("%(actor)s — %(action)s — %(object)s")) % {
        "actor": actor,
        "action": label,
        "object": obj,
    }


def _actor_name(user) -> str:
    if user is None:
        return _("The system")
    return user.name or _("A member")


def _object(entry, labels, partnership_id, role) -> Markup | None:
    kind = OBJECT_KINDS.get(entry.object_type)
    if not _is_id(entry.object_id):
        return None
    if kind is None:
        return _bdi(f"#{entry.object_id}")
    found = labels.get(entry.object_type, {}).get(entry.object_id)
    label = found if found else f"#{entry.object_id}"
    phrase = escape(str(kind.phrase)) % {"label": _bdi(label)}
    if found is None or kind.url is None or role is None or role.rank < kind.min_role.rank:
        return phrase
    href = kind.url(partnership_id, entry.object_id, found)
    return Markup('<a href="%s">%s</a>') % (href, phrase)


def _params(details: Mapping, labels) -> dict[str, Markup]:
    """Details as sentence values: ids of registered kinds by their label, plain numbers and
    words as they are; lists, dicts and changes are left out (they are not sentence words)."""
    out = {}
    for key, value in details.items():
        if key in REFERENCE_KINDS and _is_id(value):
            found = labels.get(REFERENCE_KINDS[key], {}).get(value)
            out[key] = _bdi(found if found else f"#{value}")
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            out[key] = _bdi(value)
    return out


def _bdi(value) -> Markup:
    return Markup("<bdi>%s</bdi>") % (value,)


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Core's own actions: accounts, and the partnership's members and partners (whose models
# the partnerships feature registers, see hsbp.partnerships.activity_texts).
SENTENCES.update(
    {
        "user.create": says(_l("%(actor)s's account was created.")),
        "user.update": says(
            _l("%(actor)s changed their profile."), _l("%(actor)s changed their %(fields)s.")
        ),
        "user.password_change": says(_l("%(actor)s changed their password.")),
        "user.password_reset": says(_l("%(actor)s reset their password by an e-mail link.")),
        "user.sign_out_everywhere": says(_l("%(actor)s signed out on every device.")),
        "audit.scrub": says(
            _l("%(actor)s removed personal details from %(entries)s earlier entries.")
        ),
    }
)
FIELD_LABELS.update({"name": _l("name"), "locale": _l("language")})
FAMILY_LABELS.update({"user": _l("Accounts"), "audit": _l("Audit log")})
