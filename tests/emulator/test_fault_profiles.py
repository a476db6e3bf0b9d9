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


def _chaos_plans(profile, sub="sub1", n=3, org="org"):
    return [profile.plan_event(org, sub, f"{sub}-e{i}") for i in range(n)]


def test_webhook_chaos_holds_doubles_and_delays_one_of_the_first_three_events():
    from bill_emulator.backend.webhook_chaos import HOLD_MS, LATE_MS

    for seed in SEEDS:
        for name in ("webhook-chaos", "all"):
            profile = FaultProfile(name, seed)
            plans = _chaos_plans(profile)
            held = [i for i, p in enumerate(plans) if p.hold]
            twice = [i for i, p in enumerate(plans) if p.again_ms is not None]
            late = [i for i, p in enumerate(plans) if p.late_ms]
            assert len(held) == len(twice) == len(late) == 1, (name, seed)
            assert held[0] in (0, 1), seed  # a later one of the three overtakes it
            assert plans[held[0]].first_due_ms == HOLD_MS
            assert LATE_MS[0] <= plans[late[0]].first_due_ms <= LATE_MS[1]
            assert plans[twice[0]].first_due_ms == 0  # sent at once, then again


def test_webhook_chaos_sends_a_doubled_event_again_only_after_a_200():
    profile = FaultProfile("webhook-chaos", 5)
    plans = _chaos_plans(profile)
    doubled = next(i for i, p in enumerate(plans) if p.again_ms is not None)
    event = f"sub1-e{doubled}"
    assert profile.event_delivered("org", "sub1", event, 500)[0] is None  # a failed try
    again, _ = profile.event_delivered("org", "sub1", event, 200)
    assert again == plans[doubled].again_ms
    assert profile.event_delivered("org", "sub1", event, 200)[0] is None  # twice, not thrice


def test_webhook_chaos_releases_the_held_event_after_a_later_one_went():
    profile = FaultProfile("webhook-chaos", 9)
    plans = _chaos_plans(profile)
    held = next(i for i, p in enumerate(plans) if p.hold)
    later = f"sub1-e{held + 1}"
    if held:  # an earlier event going does not release it
        assert profile.event_delivered("org", "sub1", "sub1-e0", 200)[1] is None
    assert profile.event_delivered("org", "sub1", later, 200)[1] == f"sub1-e{held}"
    assert profile.event_delivered("org", "sub1", later, 200)[1] is None  # released once


def test_webhook_chaos_leaves_calls_alone_and_other_profiles_leave_events_alone():
    chaos = FaultProfile("webhook-chaos", 1)
    assert all(decide(chaos, e) is None for e in ["create_payment", "login", "list_bills"] * 20)
    for name in ("lost-answers", "rate-limits", "server-errors", "session-expiry"):
        other = FaultProfile(name, 1)
        assert _chaos_plans(other) == [None, None, None]
        assert other.event_delivered("org", "sub1", "sub1-e0", 200) == (None, None)


def test_webhook_chaos_repeats_with_its_seed():
    def trace(seed):
        profile = FaultProfile("webhook-chaos", seed)
        return [_chaos_plans(profile, sub, 12) for sub in ("a", "b")]

    assert trace(11) == trace(11)
    assert trace(11) != trace(12)
