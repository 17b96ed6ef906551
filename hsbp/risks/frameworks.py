"""The frameworks partners report against (UNGPs, OECD Guidelines, ILO MNE Declaration, Global
Compact, IFC Performance Standards, VPSHR, GRI, ISO 26000, SA8000, SDG targets), as read-only
reference data with official numbering and the source of each.

The texts live in `frameworks_data.json` beside this module (versioned, see docs/frameworks.md);
the SDG targets are not copied there but read from hsbp.actions.sdg, so there is one list of them.
A reference is named by a code "<framework key>:<id>", e.g. "ungp:13", "ifc:PS4", "sdg:16.a": that
code is what a FrameworkTag stores. Everything here is built once per process and shared: the
objects are frozen and their mappings read-only.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hsbp.actions import sdg

DATA_FILE = Path(__file__).with_name("frameworks_data.json")
# The edition of frameworks_data.json this code expects; a test holds the two together.
DATA_VERSION = "2026-12"
# The order pages and exports list the frameworks in: the UN's own texts first, then the
# intergovernmental ones, then lenders', multi-stakeholder and private standards, then the SDGs.
ORDER = ("ungp", "oecd", "ilo_mne", "ungc", "ifc", "vpshr", "gri", "iso26000", "sa8000", "sdg")
# FrameworkTag.reference is a String(40).
MAX_CODE_LENGTH = 40

Texts = MappingProxyType  # {locale: text}, read-only


@dataclass(frozen=True)
class Text:
    """A text picked for a reader: `locale` is the language it is in, `fallback` whether that
    is English standing in for the language asked for (pages then mark it with lang="en")."""

    text: str
    locale: str
    fallback: bool

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    year: int
    url: str


@dataclass(frozen=True)
class Group:
    """A heading a framework's references sit under (a UNGP pillar's section, a GRI series, an
    SDG goal). `code` is unique within its framework only."""

    code: str
    title: Texts = field(compare=False)


@dataclass(frozen=True)
class Reference:
    code: str
    number: str
    title: Texts = field(compare=False)
    group: str | None = None
    grievance_mechanism: bool = False

    @property
    def framework(self) -> str:
        return self.code.split(":", 1)[0]


@dataclass(frozen=True)
class Framework:
    key: str
    title: Texts = field(compare=False)
    short: Texts = field(compare=False)
    source: Source = field(compare=False)
    references: tuple[Reference, ...] = field(compare=False)
    groups: tuple[Group, ...] = field(compare=False, default=())


def _texts(values: dict[str, str]) -> Texts:
    return MappingProxyType({code: text for code, text in values.items() if text})


def _framework(data: dict[str, Any]) -> Framework:
    key = data["key"]
    return Framework(
        key=key,
        title=_texts(data["title"]),
        short=_texts(data["short"]),
        source=Source(**data["source"]),
        groups=tuple(Group(g["code"], _texts(g["title"])) for g in data.get("groups", ())),
        references=tuple(
            Reference(
                code=ref["code"],
                number=ref["number"],
                title=_texts(ref["title"]),
                group=ref.get("group"),
                grievance_mechanism=bool(ref.get("grievance_mechanism", False)),
            )
            for ref in data["references"]
        ),
    )


def _sdg_framework(data: dict[str, Any]) -> Framework:
    """The SDG targets as a framework, from hsbp.actions.sdg: one group per goal."""
    goals = sdg.goals()
    return Framework(
        key="sdg",
        title=_texts(data["title"]),
        short=_texts(data["short"]),
        source=Source(**data["source"]),
        groups=tuple(Group(str(goal["number"]), _texts(goal["title"])) for goal in goals),
        references=tuple(
            Reference(
                code=f"sdg:{target['code']}",
                number=target["code"],
                title=_texts(target["text"]),
                group=str(goal["number"]),
            )
            for goal in goals
            for target in goal["targets"]
        ),
    )


@dataclass(frozen=True)
class _Dataset:
    version: str
    frameworks: tuple[Framework, ...]
    by_key: MappingProxyType[str, Framework]
    by_code: MappingProxyType[str, Reference]
    # (framework position, reference position) for every code: the official order
    positions: MappingProxyType[str, tuple[int, int]]


@cache
def _dataset() -> _Dataset:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    entries = {entry["key"]: entry for entry in raw["frameworks"]}
    if sorted(entries) != sorted(ORDER) or len(raw["frameworks"]) != len(ORDER):
        raise ValueError(f"{DATA_FILE.name}: frameworks must be exactly {ORDER}")
    built = tuple(
        _sdg_framework(entries[key]) if key == "sdg" else _framework(entries[key]) for key in ORDER
    )
    by_code: dict[str, Reference] = {}
    positions: dict[str, tuple[int, int]] = {}
    for f_index, fw in enumerate(built):
        group_codes = {group.code for group in fw.groups}
        for r_index, ref in enumerate(fw.references):
            # A bad edit of the JSON fails here, at the first use, not on some page later.
            if ref.framework != fw.key or ref.code in by_code or len(ref.code) > MAX_CODE_LENGTH:
                raise ValueError(f"{DATA_FILE.name}: bad or repeated reference code {ref.code!r}")
            if ref.group is not None and ref.group not in group_codes:
                raise ValueError(f"{DATA_FILE.name}: {ref.code} names unknown group {ref.group!r}")
            if not ref.title.get("en"):
                raise ValueError(f"{DATA_FILE.name}: {ref.code} has no English title")
            by_code[ref.code] = ref
            positions[ref.code] = (f_index, r_index)
    return _Dataset(
        version=raw["version"],
        frameworks=built,
        by_key=MappingProxyType({fw.key: fw for fw in built}),
        by_code=MappingProxyType(by_code),
        positions=MappingProxyType(positions),
    )


def data_version() -> str:
    """The version written in frameworks_data.json (equal to DATA_VERSION)."""
    return _dataset().version


def frameworks() -> list[Framework]:
    """Every framework, in ORDER."""
    return list(_dataset().frameworks)


def keys() -> tuple[str, ...]:
    return ORDER


def framework(key: str) -> Framework:
    """The framework `key` ("ungp"). KeyError if there is none."""
    if not isinstance(key, str):
        raise KeyError(key)
    return _dataset().by_key[key]


def references(key: str) -> list[Reference]:
    """The references of framework `key` in official order. KeyError if unknown."""
    return list(framework(key).references)


def groups(key: str) -> list[Group]:
    """The headings of framework `key` in official order (empty for a flat list)."""
    return list(framework(key).groups)


def group(key: str, code: str | None) -> Group | None:
    """The heading `code` of framework `key`, None for None or an unknown one."""
    return next((g for g in framework(key).groups if g.code == code), None)


def is_reference(code: object) -> bool:
    """Whether `code` is exactly a shipped reference code (case-sensitive: "UNGP:1" is not)."""
    return isinstance(code, str) and code in _dataset().by_code


def reference(code: str) -> Reference:
    """The reference named `code`. KeyError for anything else, including None."""
    if not is_reference(code):
        raise KeyError(code)
    return _dataset().by_code[code]


def framework_of(code: str) -> str:
    """The framework key of reference `code`: framework_of("ifc:PS4") == "ifc". KeyError if
    `code` is not a shipped reference."""
    return reference(code).framework


def sort_key(code: str) -> tuple[int, int, str]:
    """Official order across frameworks (ORDER, then each framework's own order). Total over
    any string: a code no longer shipped sorts after its framework's, unknown frameworks last,
    so a tag left from an older dataset still has a place in a list."""
    position = _dataset().positions.get(code) if isinstance(code, str) else None
    if position is not None:
        return (*position, "")
    text = code if isinstance(code, str) else ""
    prefix = text.split(":", 1)[0]
    f_index = ORDER.index(prefix) if prefix in ORDER else len(ORDER)
    return (f_index, 1 << 30, text)


def _language(locale: str | None) -> str:
    return (locale or "en").replace("-", "_").split("_", 1)[0]


def pick(texts: Texts | dict[str, str], locale: str | None) -> Text:
    """The text of `texts` in `locale` (or its language: "fr_CA" gives French), else English
    marked as a fallback."""
    wanted = (locale or "en").replace("-", "_")
    for code in dict.fromkeys((wanted, _language(wanted))):
        if texts.get(code):
            return Text(texts[code], code, False)
    return Text(texts.get("en", ""), "en", _language(wanted) != "en")


def title(item: Framework | Reference | Group | str, locale: str | None) -> Text:
    """The title of a framework, reference or group (or of a reference code or framework key)
    for `locale`, with English standing in where that language has none."""
    if isinstance(item, str):
        item = reference(item) if ":" in item else framework(item)
    return pick(item.title, locale)


def short(key: str, locale: str | None) -> Text:
    """The short name of framework `key` ("UNGPs", "IFC PS") for `locale`."""
    return pick(framework(key).short, locale)


def label(code: str, locale: str | None) -> Text:
    """A reference as shown in a list or a tag: "13 Avoid causing or contributing …", in the
    language of its title."""
    ref = reference(code)
    picked = pick(ref.title, locale)
    text = f"{ref.number} {picked.text}" if ref.number else picked.text
    return Text(text, picked.locale, picked.fallback)


@cache
def grievance_references() -> frozenset[str]:
    """The codes of references about grievance mechanisms or remedy, under which the report
    shows the partnership's grievance figures."""
    return frozenset(code for code, ref in _dataset().by_code.items() if ref.grievance_mechanism)


def _fold(text: str) -> str:
    """Lowercase without accents, so "proteccion" finds "protección", and with the en dash of
    paragraph ranges (U+2013, as in the ILO's "64 to 66") read as the hyphen people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2013", "-"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search(query: str, locale: str | None, *, key: str | None = None) -> list[Reference]:
    """References whose code, number or title (in `locale` and in English) contain `query`,
    ignoring case and accents, in official order; only framework `key`'s if given. A blank
    query finds nothing. A reference also matches on its framework's short name and number
    together, or its key and number ("UNGPs 13", "ungp 13", "IFC PS4", "GRI 413-1")."""
    needle = _fold((query or "").strip())
    if not needle:
        return []
    found = []
    for fw in _dataset().frameworks:
        if key is not None and fw.key != key:
            continue
        names = {fw.key, _fold(pick(fw.short, locale).text), _fold(fw.short.get("en", ""))}
        for ref in fw.references:
            haystack = [ref.code, ref.number, pick(ref.title, locale).text, ref.title["en"]]
            haystack += [f"{name} {ref.number}" for name in names]
            if any(needle in _fold(text) for text in haystack):
                found.append(ref)
    return found
