"""The lifecycle: every allowed transition passes, every other one is refused with a Dutch message."""

from __future__ import annotations

import itertools

import pytest

from portal.declarations.states import (
    VERSION_TRANSITIONS,
    DeclarationStatus,
    InvalidTransition,
    VersionStatus,
    check_transition,
    derive_declaration_status,
)

V = VersionStatus
ALLOWED = {
    (V.draft, V.submitted), (V.draft, V.withdrawn),
    (V.submitted, V.in_review), (V.submitted, V.info_requested), (V.submitted, V.approved),
    (V.submitted, V.approved_with_conditions), (V.submitted, V.refused), (V.submitted, V.withdrawn),
    (V.in_review, V.info_requested), (V.in_review, V.approved), (V.in_review, V.approved_with_conditions),
    (V.in_review, V.refused), (V.in_review, V.withdrawn),
    (V.info_requested, V.submitted), (V.info_requested, V.withdrawn),
    (V.approved, V.superseded), (V.approved_with_conditions, V.superseded), (V.refused, V.superseded),
}
REFUSED = sorted(set(itertools.product(V, V)) - ALLOWED)


def test_the_table_is_exactly_the_documented_lifecycle():
    table = {(current, target) for current, targets in VERSION_TRANSITIONS.items() for target in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED), ids=lambda s: s.value)
def test_allowed_transition_passes(current, target):
    assert check_transition(current, target) == target
    assert check_transition(current.value, target.value) == target  # plain strings from the database work too


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=lambda s: s.value)
def test_forbidden_transition_is_refused_with_a_dutch_message(current, target):
    with pytest.raises(InvalidTransition) as info:
        check_transition(current, target)
    assert info.value.current == current and info.value.target == target
    message = str(info.value)
    assert message and "transition" not in message.lower()
    assert any(word in message for word in ("verklaring", "versie", "besluit", "P&O", "concept"))


def test_resubmitting_a_submitted_version_says_it_is_already_submitted(app):
    with app.test_request_context():
        with pytest.raises(InvalidTransition, match="al ingediend"):
            check_transition(V.submitted, V.submitted)


@pytest.mark.parametrize(("current", "pending", "ended", "expected"), [
    (None, V.draft, False, DeclarationStatus.draft),
    (None, V.submitted, False, DeclarationStatus.submitted),
    (None, V.in_review, False, DeclarationStatus.in_review),
    (None, V.info_requested, False, DeclarationStatus.info_requested),
    (None, None, False, DeclarationStatus.withdrawn),
    (V.approved, None, False, DeclarationStatus.approved),
    (V.approved_with_conditions, None, False, DeclarationStatus.approved_with_conditions),
    (V.refused, None, False, DeclarationStatus.refused),
    # a change waiting for HR puts the declaration in the queue while the approved version stays in force
    (V.approved, V.submitted, False, DeclarationStatus.submitted),
    (V.approved, V.info_requested, False, DeclarationStatus.info_requested),
    # a draft change is the employee's own business: the declaration still shows its decision
    (V.approved, V.draft, False, DeclarationStatus.approved),
    (V.approved, None, True, DeclarationStatus.ended),
])
def test_declaration_status_is_derived_from_its_versions(current, pending, ended, expected):
    assert derive_declaration_status(current, pending, is_ended=ended) == expected
