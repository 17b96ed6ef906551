"""The seven dimensions of human security (UNDP 1994), as the seed report uses them, and their
labels: shared by consultations (what a consultation asks about) and risks (what a threat or
a harm touches), so neither feature imports the other for them."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Dimension(enum.StrEnum):
    ECONOMIC = "economic"
    FOOD = "food"
    HEALTH = "health"
    ENVIRONMENTAL = "environmental"
    PERSONAL = "personal"
    COMMUNITY = "community"
    POLITICAL = "political"


DIMENSION_LABELS = {
    Dimension.ECONOMIC: _l("Economic security"),
    Dimension.FOOD: _l("Food security"),
    Dimension.HEALTH: _l("Health security"),
    Dimension.ENVIRONMENTAL: _l("Environmental security"),
    Dimension.PERSONAL: _l("Personal security"),
    Dimension.COMMUNITY: _l("Community security"),
    Dimension.POLITICAL: _l("Political security"),
}
