"""The parts an indicator's value may be broken down into (its disaggregation): women and
men, age bands, localities, marginalised groups. A part is kept on a measurement as
"<kind>:<value>" ("sex:female", "age_band:18-28", "locality:La Esperanza", "tag:12"); ""
is the whole.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp.errors import ServiceError
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.labels import tag_label
from hsbp.monitoring.models import Indicator
from hsbp.sms.broadcasts import audience_localities

DISAGGREGATION_LABELS = {
    "sex": _l("Sex"),
    "age_band": _l("Age band"),
    "locality": _l("Locality"),
    "tag": _l("Marginalised group"),
}
SEXES = {"female": _l("Women"), "male": _l("Men"), "other": _l("Other or not said")}
AGE_BANDS = ("0-17", "18-28", "29-59", "60+")
LOCALITY_MAX = 200


def options(session: Session, *, indicator: Indicator, locale: str, fallback: str):
    """[(part, label)] of every part the indicator is broken down into, the whole first."""
    found = [("", str(_l("The whole")))]
    for kind in indicator.disaggregation:
        heading = str(DISAGGREGATION_LABELS[kind])
        if kind == "sex":
            found += [(f"sex:{key}", f"{heading}: {label}") for key, label in SEXES.items()]
        elif kind == "age_band":
            found += [(f"age_band:{band}", f"{heading}: {band}") for band in AGE_BANDS]
        elif kind == "locality":
            places = audience_localities(session, partnership_id=indicator.partnership_id)
            found += [(f"locality:{place}", f"{heading}: {place}") for place in places]
        elif kind == "tag":
            for tag in mapping_tags.group_tags(session, partnership_id=indicator.partnership_id):
                name = tag_label(tag, locale=locale, fallback=fallback)
                found.append((f"tag:{tag.id}", f"{heading}: {name}"))
    return found


def checked(indicator: Indicator, part: str) -> str:
    """`part` stripped, if the indicator is broken down that way; else ServiceError."""
    part = (part or "").strip()
    if not part:
        return ""
    kind, _colon, value = part.partition(":")
    valid = (
        kind in indicator.disaggregation
        and bool(value.strip())
        and (
            (kind == "sex" and value in SEXES)
            or (kind == "age_band" and value in AGE_BANDS)
            or (kind == "locality" and len(value) <= LOCALITY_MAX)
            or (kind == "tag" and value.isdigit())
        )
    )
    if not valid:
        raise ServiceError(
            _l("This indicator is not broken down by %(part)s.", part=part), field="breakdown"
        )
    return part


def by_part(history) -> list[tuple]:
    """(period, part, value) in force of every part (not the whole), newest period first:
    from the full history of one indicator, highest revision of each period and part."""
    latest: dict[tuple, object] = {}
    for row in history:
        key = (row.period_on, row.breakdown)
        if row.breakdown and (key not in latest or row.revision > latest[key].revision):
            latest[key] = row
    return sorted(
        ((period, part, row.value) for (period, part), row in latest.items()),
        key=lambda found: (-found[0].toordinal(), found[1]),
    )
