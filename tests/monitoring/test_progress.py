"""Progress status arithmetic against hand-computed cases: the straight line from baseline
to target, both directions, at risk within a tenth of the way, and nothing to judge yet."""

from datetime import date
from decimal import Decimal as D

import pytest

from hsbp.monitoring.progress import Track, expected_share, progress

# Baseline 18 % on 1 Jan 2026, target 40 % on 1 Jan 2028: 730 days, a way of +22 points.
JOBS = {
    "baseline": D(18),
    "baseline_on": date(2026, 1, 1),
    "target": D(40),
    "target_on": date(2028, 1, 1),
}
# Conflicts over land: 23 a year down to 8 (lower is better), same dates: a way of -15.
CONFLICTS = {**JOBS, "baseline": D(23), "target": D(8)}


def test_the_straight_line_is_a_share_of_the_days():
    assert expected_share(date(2026, 1, 1), date(2028, 1, 1), date(2027, 1, 1)) == D(365) / D(730)
    assert expected_share(date(2026, 1, 1), date(2028, 1, 1), date(2025, 6, 1)) == 0
    assert expected_share(date(2026, 1, 1), date(2028, 1, 1), date(2029, 1, 1)) == 1


@pytest.mark.parametrize(
    ("latest", "when", "achieved", "track"),
    [
        # Half-way in time (365/730 = 0.5), 29 % is (29-18)/22 = 0.5 of the way: on track.
        (D(29), date(2027, 1, 1), D("0.5"), Track.ON),
        # 27 % is 9/22 = 0.409..., 0.0909 behind the line: less than 0.10, at risk.
        (D(27), date(2027, 1, 1), D(9) / D(22), Track.AT_RISK),
        # 26 % is 8/22 = 0.3636..., 0.136 behind: off track.
        (D(26), date(2027, 1, 1), D(8) / D(22), Track.OFF),
        # Past the target date the line is at 1: 40 % is on track, 39 % (21/22) at risk.
        (D(40), date(2028, 6, 1), D(1), Track.ON),
        (D(39), date(2028, 6, 1), D(21) / D(22), Track.AT_RISK),
    ],
)
def test_higher_is_better(latest, when, achieved, track):
    found = progress(**JOBS, latest=latest, when=when)
    assert (found.achieved, found.track) == (achieved, track)


@pytest.mark.parametrize(
    ("latest", "when", "track"),
    [
        (D("15.5"), date(2027, 1, 1), Track.ON),  # (15.5-23)/-15 = 0.5: on the line
        (D("16.5"), date(2027, 1, 1), Track.AT_RISK),  # 6.5/15 = 0.433: 0.067 behind
        (D(17), date(2027, 1, 1), Track.OFF),  # 6/15 = 0.4: a tenth behind is off track
        (D(20), date(2027, 1, 1), Track.OFF),  # 3/15 = 0.2: 0.3 behind
        (D(25), date(2027, 1, 1), Track.OFF),  # worse than the baseline: negative progress
    ],
)
def test_lower_is_better(latest, when, track):
    assert progress(**CONFLICTS, latest=latest, when=when).track == track


def test_nothing_to_judge_without_a_value_or_before_the_baseline():
    assert progress(**JOBS, latest=None, when=date(2027, 1, 1)).track == Track.UNKNOWN
    assert progress(**JOBS, latest=D(20), when=date(2025, 12, 1)).track == Track.UNKNOWN


def test_a_level_to_keep_is_on_track_while_kept():
    keep = {**JOBS, "target": D(18)}
    assert progress(**keep, latest=D(18), when=date(2027, 1, 1)).track == Track.ON
    assert progress(**keep, latest=D(17), when=date(2027, 1, 1)).track == Track.OFF
