"""The retry policy and the quarantine rule (no database: pure decisions)."""

from __future__ import annotations

import pytest

from harness.fleet.policy import MAX_ATTEMPTS, QuarantineRule, should_retry

pytestmark = pytest.mark.fleet


@pytest.mark.parametrize(
    ("verdict", "attempt", "health_ok", "retry"),
    [
        ("error", 1, True, True),  # the rig failed once and is healthy again: one more try
        ("error", 1, False, False),  # still broken: a retry would only be a second error
        ("error", 2, True, False),  # retried once already
        ("failed", 1, True, False),  # the product's verdict: never retried
        ("failed", 1, False, False),
        ("passed", 1, True, False),
    ],
)
def test_only_a_rig_error_is_retried_once_after_a_passing_health_check(
    verdict: str, attempt: int, health_ok: bool, retry: bool
) -> None:
    assert should_retry(verdict, attempt, health_ok) is retry


def test_attempts_count_from_one() -> None:
    assert MAX_ATTEMPTS == 2
    with pytest.raises(ValueError, match="attempt counts from 1"):
        should_retry("error", 0, True)


def test_the_quarantine_rule_trips_at_n() -> None:
    rule = QuarantineRule(after=3)
    assert [rule.trips(count) for count in range(5)] == [False, False, False, True, True]
    assert QuarantineRule().after == 3
    with pytest.raises(ValueError):
        QuarantineRule(after=0)
