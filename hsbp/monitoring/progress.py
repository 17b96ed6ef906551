"""How far an indicator has come, and whether it is on track.

The expected path is a straight line from the baseline (value and date) to the target
(value and date). Progress is measured as a share of the whole way from baseline to target,
so the same arithmetic serves "higher is better" and "lower is better" (the way is then
negative, and so is every step along it):

    achieved = (latest - baseline) / (target - baseline)
    expected = (when - baseline date) / (target date - baseline date), held within 0..1

On track when achieved >= expected; at risk when it is behind by less than AT_RISK_SHARE of
the whole way; off track otherwise. With no value yet, or before the baseline date, there
is nothing to judge.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Behind the straight line by less than a tenth of the whole way: at risk, not yet off.
AT_RISK_SHARE = Decimal("0.10")


class Track(enum.StrEnum):
    ON = "on_track"
    AT_RISK = "at_risk"
    OFF = "off_track"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Progress:
    achieved: Decimal | None  # share of the way from baseline to target (may pass 1 or 0)
    expected: Decimal | None  # share of the way the straight line has come by `when`
    track: Track


def expected_share(baseline_on: date, target_on: date, when: date) -> Decimal:
    """The share of the way from baseline to target the straight line has come by `when`."""
    span = (target_on - baseline_on).days
    if span <= 0:
        return Decimal(1)
    elapsed = min(max((when - baseline_on).days, 0), span)
    return Decimal(elapsed) / Decimal(span)


def progress(
    *,
    baseline: Decimal,
    baseline_on: date,
    target: Decimal,
    target_on: date,
    latest: Decimal | None,
    when: date,
) -> Progress:
    """Progress of an indicator whose latest value (at `when`) is `latest`."""
    if latest is None or when < baseline_on:
        return Progress(None, None, Track.UNKNOWN)
    way = Decimal(target) - Decimal(baseline)
    expected = expected_share(baseline_on, target_on, when)
    if way == 0:
        # Keep a level: holding it (or doing better is impossible to tell) is on track.
        return Progress(Decimal(1), expected, Track.ON if latest == baseline else Track.OFF)
    achieved = (Decimal(latest) - Decimal(baseline)) / way
    if achieved >= expected:
        track = Track.ON
    elif expected - achieved < AT_RISK_SHARE:
        track = Track.AT_RISK
    else:
        track = Track.OFF
    return Progress(achieved, expected, track)
