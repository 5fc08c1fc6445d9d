"""The concern lifecycle: the one table of allowed steps, and the deadlines it is held to."""

from __future__ import annotations

from datetime import date

import pytest

from portal.concerns.services import add_months
from portal.concerns.states import TRANSITIONS, ConcernStatus, InvalidTransition, can_transition, check_transition

S = ConcernStatus


@pytest.mark.parametrize("current, target", [
    (S.received, S.confirmed), (S.received, S.closed), (S.confirmed, S.investigating), (S.confirmed, S.assessed),
    (S.confirmed, S.closed), (S.investigating, S.assessed), (S.assessed, S.closed),
])
def test_allowed_steps(current, target):
    assert check_transition(current, target) is target and can_transition(current, target)


@pytest.mark.parametrize("current, target", [
    (S.received, S.investigating), (S.received, S.assessed), (S.investigating, S.closed),
    (S.investigating, S.confirmed), (S.assessed, S.investigating), (S.closed, S.confirmed), (S.closed, S.closed),
])
def test_forbidden_steps_are_refused_with_a_dutch_reason(app, current, target):
    with app.test_request_context():
        with pytest.raises(InvalidTransition) as refused:
            check_transition(current, target)
        assert "de melding heeft de status" in refused.value.message
    assert not can_transition(current, target)


def test_every_status_has_a_row_and_closed_is_the_end():
    assert set(TRANSITIONS) == set(S) and TRANSITIONS[S.closed] == frozenset()


@pytest.mark.parametrize("start, months, end", [
    (date(2026, 1, 15), 3, date(2026, 4, 15)), (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)), (date(2026, 5, 31), 3, date(2026, 8, 31)),
])
def test_three_months_later_is_the_same_day_or_the_months_last(start, months, end):
    assert add_months(start, months) == end
