"""Protection of what people answered against singling out: one threshold for every feature.

Results show no figures for a group of fewer than MIN_GROUP respondents (hsbp.consultations
.results, pulses), and counts about complainants are pooled below it (grievances, the
progress report). The rows of an anonymous consultation's export are made k-anonymous with
the same number: the combination of a row's attributes that others could know about a person (their
sector, marginalised groups, locality, channel of answering, whether they finished) must be
shared by at least MIN_GROUP rows, or an observer who knows one participant could find their
row. Where a combination is rarer, attributes are withheld from the rows that have it, one
attribute at a time in the order the caller gives (the most identifying and least needed
first), until every combination is common enough or nothing is left to withhold.

Withholding is local: only the rows of rare combinations lose the attribute, so the rest of
the file keeps its detail. A withheld value is shown as such, never left blank, so it is not
mistaken for "not given".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

MIN_GROUP = 5


def k_anonymous(
    rows: Sequence[tuple], *, order: Sequence[int], withheld: str, k: int = MIN_GROUP
) -> list[tuple]:
    """`rows` with values replaced by `withheld`, attribute by attribute (the indexes in
    `order`), in the rows whose combination fewer than `k` rows share, until none is left
    or every attribute of `order` is withheld in them."""
    current = [tuple(row) for row in rows]
    for index in order:
        counts = Counter(current)
        if all(counts[row] >= k for row in current):
            break
        current = [
            (*row[:index], withheld, *row[index + 1 :]) if counts[row] < k else row
            for row in current
        ]
    return current
