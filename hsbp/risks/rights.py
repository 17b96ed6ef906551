"""The human rights a risk in the partnership's area may touch: a fixed list of keys with
their labels, the ones business-related harms around operations in fragile places most often
reach. Each cites the articles it rests on (UDHR: Universal Declaration of Human Rights;
ICCPR: International Covenant on Civil and Political Rights; ICESCR: International Covenant on
Economic, Social and Cultural Rights), the International Bill of Human Rights that UNGP 12
names as the minimum reference for business."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

RIGHTS = {
    # UDHR 3; ICCPR 6 (life) and 9 (liberty and security of person).
    "life_security": _l("Life, liberty and security of person"),
    # UDHR 25; ICESCR 12.
    "health": _l("Health"),
    # ICESCR 11 and 12 (CESCR General Comment 15); UN General Assembly resolution 64/292.
    "water_sanitation": _l("Water and sanitation"),
    # UDHR 25; ICESCR 11.
    "food": _l("Food"),
    # UDHR 25; ICESCR 11.
    "housing": _l("Adequate housing"),
    # UDHR 17 (property); ICCPR 1(2) and ICESCR 1(2) (a people's natural wealth and
    # resources); ICCPR 27 (minorities' way of life tied to the land).
    "land_resources": _l("Land and natural resources"),
    # UDHR 23; ICESCR 6.
    "work": _l("Livelihood and work"),
    # UDHR 23 and 24; ICESCR 7 and 8 (fair wages, safe conditions, rest, trade unions).
    "work_conditions": _l("Just and favourable conditions of work"),
    # UDHR 19; ICCPR 19.
    "expression": _l("Freedom of expression"),
    # UDHR 20; ICCPR 21 and 22.
    "assembly_association": _l("Freedom of assembly and association"),
    # UDHR 21; ICCPR 25; free, prior and informed consent of indigenous peoples: ILO
    # Convention 169 art. 6 and the UN Declaration on the Rights of Indigenous Peoples
    # art. 10, 19 and 32.
    "participation": _l(
        "Participation and consultation (including the free, prior and informed consent of "
        "indigenous peoples)"
    ),
    # UDHR 2 and 7; ICCPR 2 and 26; ICESCR 2(2).
    "non_discrimination": _l("Equality and non-discrimination"),
    # UDHR 12; ICCPR 17.
    "privacy": _l("Privacy"),
    # UDHR 26; ICESCR 13.
    "education": _l("Education"),
    # UDHR 25(2); ICCPR 24; ICESCR 10(3); Convention on the Rights of the Child.
    "children": _l("Children's rights"),
    # UDHR 8; ICCPR 2(3); UNGP 25 to 31.
    "remedy": _l("Access to remedy"),
    # UDHR 27; ICESCR 15; ICCPR 27.
    "culture": _l("Cultural rights"),
}
RIGHT_KEYS = tuple(RIGHTS)


def known(keys) -> list[str]:
    """`keys` that name a right of the list, each once, in the list's order."""
    wanted = set(keys or ())
    return [key for key in RIGHT_KEYS if key in wanted]
