"""The charter's indicator section: its closed vocabularies and how they read.

The values are those of hsbp.monitoring.models (Kind, Direction, Frequency, DISAGGREGATIONS);
the charter keeps its own copy because principles may not import monitoring, and a test
holds the two alike. Monitoring's forms take their labels from here, so each English text is
written and translated once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

INDICATOR_KINDS = ("number", "percentage", "money", "scale")
INDICATOR_DIRECTIONS = ("higher", "lower")
INDICATOR_FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")
INDICATOR_DISAGGREGATIONS = ("sex", "age_band", "locality", "tag")

INDICATOR_KIND_LABELS = {
    "number": _l("Number"),
    "percentage": _l("Percentage"),
    "money": _l("Money"),
    "scale": _l("Scale of described levels"),
}
INDICATOR_DIRECTION_LABELS = {
    "higher": _l("Higher is better"),
    "lower": _l("Lower is better"),
}
INDICATOR_FREQUENCY_LABELS = {
    "monthly": _l("Every month"),
    "quarterly": _l("Every quarter"),
    "half_yearly": _l("Every half-year"),
    "yearly": _l("Every year"),
}
INDICATOR_DISAGGREGATION_LABELS = {
    "sex": _l("Sex"),
    "age_band": _l("Age band"),
    "locality": _l("Locality"),
    "tag": _l("Marginalised group"),
}
# In the order the charter shows an indicator and the compare page lists its changes.
INDICATOR_FIELD_LABELS = {
    "name": _l("Name"),
    "definition": _l("Definition"),
    "goal_key": _l("Charter goal it measures"),
    "kind": _l("Kind"),
    "unit": _l("Unit"),
    "currency": _l("Currency"),
    "levels": _l("Levels of the scale"),
    "baseline": _l("Baseline value"),
    "baseline_on": _l("Baseline date"),
    "target": _l("Target value"),
    "target_on": _l("Target date"),
    "direction": _l("Direction"),
    "source": _l("Data source"),
    "partner_id": _l("Partner responsible for reporting"),
    "frequency": _l("Reporting frequency"),
    "disaggregation": _l("Break the values down by"),
}
