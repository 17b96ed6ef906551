"""What each connection to a harm asks of a partner (UNGP 13, 19 and 22), for a potential and
an actual harm: all six combinations, and the words it refuses."""

from __future__ import annotations

import pytest

from hsbp.risks.responses import (
    CONNECTION_HINTS,
    CONNECTION_LABELS,
    RESPONSE_LABELS,
    RESPONSES,
    expected_responses,
    owes_remedy,
)


@pytest.mark.parametrize(
    ("connection", "kind", "expected"),
    [
        ("causes", "potential", ("prevent", "mitigate")),
        ("causes", "actual", ("cease", "remediate", "prevent")),
        ("contributes", "potential", ("prevent", "mitigate", "use_leverage")),
        ("contributes", "actual", ("cease", "remediate", "use_leverage")),
        ("linked", "potential", ("use_leverage", "mitigate")),
        ("linked", "actual", ("use_leverage", "mitigate")),
    ],
)
def test_each_connection_asks_its_responses_in_order(connection, kind, expected):
    assert expected_responses(connection, kind) == expected
    assert set(expected) <= set(RESPONSES) == set(RESPONSE_LABELS)


def test_only_a_partner_that_causes_or_contributes_owes_remedy_itself():
    assert [owes_remedy(c) for c in ("causes", "contributes", "linked")] == [True, True, False]


def test_a_linked_partner_is_never_asked_to_remediate():
    assert "remediate" not in expected_responses("linked", "actual")


@pytest.mark.parametrize(("connection", "kind"), [("owns", "actual"), ("causes", "imagined")])
def test_unknown_words_are_refused(connection, kind):
    with pytest.raises(ValueError):
        expected_responses(connection, kind)


def test_every_connection_has_a_label_and_a_hint():
    assert set(CONNECTION_LABELS) == set(CONNECTION_HINTS) == {"causes", "contributes", "linked"}
