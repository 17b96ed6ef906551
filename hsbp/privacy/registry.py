"""Rows about an SMS contact that a feature privacy may not import keeps (risks' incidents,
say): that feature registers, when the app starts, how privacy finds, erases and exports
them, as features register their keywords with hsbp.sms.

A part answers for one contact in one partnership, in a fixed number of statements:

- `partnerships(contact_id)`: a SELECT of the ids of the partnerships holding such rows (one
  member of the union in hsbp.privacy.erasure_everywhere.partnerships_holding);
- `erase(session, scope, tally)`: its share of one pass of a contact's erasure (scope: an
  hsbp.privacy.erasure_contact.ContactScope with a partnership), counting under the keys of
  `removed` and changing nothing when `tally.dry`;
- `export(reader)`: what the person's export lists (reader: hsbp.privacy.subject_parts.
  Reader), plain values with stable keys, under the export's key `key`;
- `section(rows)`: those rows as a readable hsbp.privacy.export_layout.Section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    key: str
    partnerships: Callable
    erase: Callable
    export: Callable
    section: Callable
    # {count key: lazy label}: what an erasure's page calls what this part removed.
    removed: dict[str, object] = field(default_factory=dict)


# {key: part}, in the order features registered them.
PARTS: dict[str, Part] = {}


def add_part(part: Part) -> None:
    """Register `part` (again: replaced, as create_app may run twice in a process)."""
    PARTS[part.key] = part


def parts() -> list[Part]:
    return list(PARTS.values())


def removed_label(key: str):
    """The label a registered part gives the count `key`, or None."""
    return next((p.removed[key] for p in PARTS.values() if key in p.removed), None)
