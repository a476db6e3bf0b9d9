"""Fault profiles (bill_emulator/backend/profiles.py): for any seed, each hits what it names
early, and repeats with its seed."""

from __future__ import annotations

import pytest

from bill_emulator.backend.profiles import HOURLY_BUDGET, CallInfo, FaultProfile

SEEDS = range(200)
T0 = 1_780_000_000_000


def decide(profile, endpoint="list_vendors", session="s1", now=T0, org="org"):
    return profile.decide(org, CallInfo(endpoint=endpoint, session=session, now_ms=now))


@pytest.mark.parametrize("kind", ["create_vendor", "create_bill", "bulk_create_payments"])
def test_lost_answers_drops_one_before_and_one_after_within_three_creates(kind):
    for seed in SEEDS:
        profile = FaultProfile("lost-answers", seed)
        first = [decide(profile, kind) for _ in range(3)]
        drops = [d for d in first if d is not None]
        assert all(d.drop for d in drops)
        assert sorted(d.after_processing for d in drops) == [False, True], seed


def test_lost_answers_leaves_reads_alone():
    profile = FaultProfile("lost-answers", 1)
    assert all(decide(profile, "list_vendors") is None for _ in range(50))


def test_rate_limits_refuses_one_of_the_first_five_with_retry_after():
    for seed in SEEDS:
        profile = FaultProfile("rate-limits", seed)
        first = [decide(profile) for _ in range(5)]
        refused = [d for d in first if d is not None]
        assert refused, seed
        assert refused[0].status == 429 and refused[0].retry_after in (1, 2)
        assert refused[0].code in ("BDC_1322", "BDC_1144")


def test_rate_limits_hourly_budget_meets_bdc_1144():
    profile = FaultProfile("rate-limits", 3)
    answers = [decide(profile, now=T0 + i) for i in range(HOURLY_BUDGET + 1)]
    last = answers[-1]
    assert last.status == 429 and last.code == "BDC_1144"
    assert "per hour reached: 300" in last.message
    assert 0 < last.retry_after <= 3600


def test_server_errors_answers_a_5xx_within_five_calls():
    for seed in SEEDS:
        profile = FaultProfile("server-errors", seed)
        first = [decide(profile) for _ in range(5)]
        assert any(d is not None and d.status >= 500 for d in first), seed


def test_session_expiry_ends_the_first_session_at_its_second_to_fourth_call():
    for seed in SEEDS:
        profile = FaultProfile("session-expiry", seed)
        ends = [i for i in range(1, 5) if (d := decide(profile)) is not None and d.end_session]
        assert len(ends) == 1 and 2 <= ends[0] <= 4, seed
        assert decide(profile, "login", session=None) is None


def test_a_profile_repeats_with_its_seed_and_each_organization_gets_the_same():
    def trace(profile, org):
        return [
            repr(decide(profile, e, org=org))
            for e in ["login", "create_vendor", "create_bill", "create_payment", "list_bills"] * 6
        ]

    one = FaultProfile("all", 42)
    assert trace(one, "a") == trace(FaultProfile("all", 42), "b") == trace(one, "c")
    assert trace(FaultProfile("all", 43), "a") != trace(FaultProfile("all", 42), "a")


def test_an_unknown_profile_names_the_profiles():
    with pytest.raises(ValueError, match="lost-answers, rate-limits, server-errors"):
        FaultProfile("chaos", 1)
