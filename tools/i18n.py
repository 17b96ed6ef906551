"""Catalog chores: fill the English catalog from its ids, and check every catalog is complete.

python tools/i18n.py fill-en     # after `pybabel update`
python tools/i18n.py check       # exit 1 on an untranslated, fuzzy or mismatched entry
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def fill_english() -> None:
    path = CATALOGS / "en" / "LC_MESSAGES" / "messages.po"
    catalog = _read(path)
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=0, sort_by_file=True)


def problems() -> list[str]:
    found = []
    for path in sorted(CATALOGS.glob("*/LC_MESSAGES/messages.po")):
        locale = path.parts[-3]
        for message in _read(path):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            where = f"{locale}: {ids[0]!r}"
            if message.fuzzy:
                found.append(f"{where} is fuzzy")
            if not all(strings):
                found.append(f"{where} is not translated")
                continue
            wanted = sorted(PLACEHOLDER.findall(ids[-1]))
            # A plural form may say its number in words ("إجراءان", two actions).
            in_words = sorted(p for p in wanted if p != "%(num)d") if len(ids) > 1 else wanted
            for text in strings:
                if sorted(PLACEHOLDER.findall(text)) not in (wanted, in_words):
                    found.append(f"{where} has placeholders {PLACEHOLDER.findall(text)}")
    return found


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "fill-en":
        fill_english()
    elif command == "check":
        issues = problems()
        print("\n".join(issues) or "every catalog is complete")
        sys.exit(1 if issues else 0)
    else:
        sys.exit(__doc__)
