"""Time tracking rules: the timer, the weekly limit, the week's edit and review windows, auto-approval."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from marketplace.models import ContractStatus, ContractType, TimeEntry, TimeEntryStatus
from marketplace.services import time as time_services
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

from .factories import ContractFactory

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def hourly(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, contract_type=ContractType.HOURLY,
                           amount=None, hourly_rate=Decimal("50.00"), weekly_limit_hours=Decimal("10.00"))


def manual(contract, freelancer, start, end, **kwargs):
    return time_services.time_entry_create_manual(contract=contract, actor=freelancer, start_time=at(start),
                                                  end_time=at(end), **kwargs)


def test_week_starts_monday_utc_and_windows_follow_it():
    assert time_services.week_start_of(at("2026-11-29T23:59:00")) == datetime.date(2026, 11, 23)
    assert time_services.week_start_of(at("2026-11-30T00:00:00")) == datetime.date(2026, 11, 30)
    week = datetime.date(2026, 11, 23)
    assert time_services.edit_deadline(week) == at("2026-11-30T12:00:00")
    assert time_services.review_deadline(week) == at("2026-12-05T00:00:00")


@freeze_time("2026-11-25T10:00:00Z")
def test_timer_start_and_stop_computes_duration_and_amount(hourly, freelancer):
    entry = time_services.time_entry_start(contract=hourly, actor=freelancer, description="API work")
    assert entry.status == TimeEntryStatus.RUNNING
    assert entry.hourly_rate == Decimal("50.00")
    assert entry.week_start == datetime.date(2026, 11, 23)
    with freeze_time("2026-11-25T11:31:40Z"):
        entry = time_services.time_entry_stop(entry=entry, actor=freelancer)
    assert entry.status == TimeEntryStatus.DRAFT
    assert entry.duration_minutes == 91
    # 91 minutes are billed as 1.52 hours (hundredths of an hour, half up): 1.52 x 50 = 76.00.
    assert entry.amount == Decimal("76.00")


@freeze_time("2026-11-25T10:00:00Z")
def test_second_running_timer_is_refused(hourly, freelancer):
    time_services.time_entry_start(contract=hourly, actor=freelancer)
    with pytest.raises(ApplicationError) as error:
        time_services.time_entry_start(contract=hourly, actor=freelancer)
    assert error.value.code == "timer_running"


@freeze_time("2026-11-25T10:00:00Z")
def test_only_the_freelancer_of_an_active_hourly_contract_tracks_time(hourly, client_user, freelancer):
    with pytest.raises(Forbidden):
        time_services.time_entry_start(contract=hourly, actor=client_user)
    fixed = ContractFactory(project__client=client_user, freelancer=freelancer)
    with pytest.raises(ApplicationError) as error:
        time_services.time_entry_start(contract=fixed, actor=freelancer)
    assert error.value.code == "not_hourly"
    hourly.status = ContractStatus.PAUSED
    hourly.save()
    with pytest.raises(ApplicationError) as error:
        time_services.time_entry_start(contract=hourly, actor=freelancer)
    assert error.value.code == "contract_not_active"


@freeze_time("2026-11-27T18:00:00Z")
def test_weekly_limit_refuses_time_beyond_it(hourly, freelancer):
    manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T16:00:00")
    with pytest.raises(ApplicationError) as error:
        manual(hourly, freelancer, "2026-11-25T08:00:00", "2026-11-25T10:01:00")
    assert error.value.code == "weekly_limit_exceeded"
    entry = manual(hourly, freelancer, "2026-11-25T08:00:00", "2026-11-25T10:00:00")
    assert entry.duration_minutes == 120


@freeze_time("2026-11-27T18:00:00Z")
def test_rejected_time_does_not_count_against_the_limit(hourly, client_user, freelancer):
    entry = manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T18:00:00")
    time_services.time_entry_reject(entry=entry, actor=client_user, reason="Not agreed")
    assert manual(hourly, freelancer, "2026-11-25T08:00:00", "2026-11-25T18:00:00").duration_minutes == 600


@freeze_time("2026-11-27T18:00:00Z")
def test_manual_rate_defaults_to_contract_and_may_not_exceed_it(hourly, freelancer):
    assert manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00").amount == Decimal("50.00")
    lower = manual(hourly, freelancer, "2026-11-24T10:00:00", "2026-11-24T11:00:00", hourly_rate="40")
    assert lower.amount == Decimal("40.00")
    with pytest.raises(ApplicationError):
        manual(hourly, freelancer, "2026-11-24T12:00:00", "2026-11-24T13:00:00", hourly_rate="60")


@freeze_time("2026-11-27T18:00:00Z")
def test_future_time_is_refused(hourly, freelancer):
    with pytest.raises(ApplicationError):
        manual(hourly, freelancer, "2026-11-27T18:00:00", "2026-11-27T20:00:00")


def test_freelancer_edits_until_monday_noon_then_the_week_is_closed(hourly, freelancer):
    with freeze_time("2026-11-27T18:00:00Z"):
        entry = manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00")
    with freeze_time("2026-11-30T11:59:00Z"):
        entry = time_services.time_entry_update(entry=entry, actor=freelancer,
                                                data={"end_time": at("2026-11-24T10:00:00")})
        assert entry.duration_minutes == 120 and entry.amount == Decimal("100.00")
    with freeze_time("2026-11-30T12:00:00Z"):
        with pytest.raises(ApplicationError) as error:
            time_services.time_entry_update(entry=entry, actor=freelancer, data={"description": "late"})
        assert error.value.code == "week_closed"
        with pytest.raises(ApplicationError):
            manual(hourly, freelancer, "2026-11-29T08:00:00", "2026-11-29T09:00:00")
        with pytest.raises(ApplicationError):
            time_services.time_entry_delete(entry=entry, actor=freelancer)


def test_client_reviews_until_friday_of_the_next_week(hourly, client_user, freelancer):
    with freeze_time("2026-11-27T18:00:00Z"):
        first = manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00")
        second = manual(hourly, freelancer, "2026-11-24T10:00:00", "2026-11-24T11:00:00")
    with freeze_time("2026-12-04T23:59:00Z"):
        assert time_services.time_entry_approve(entry=first, actor=client_user).status == TimeEntryStatus.APPROVED
        with pytest.raises(Conflict):
            time_services.time_entry_approve(entry=first, actor=client_user)
    with freeze_time("2026-12-05T00:00:00Z"):
        with pytest.raises(ApplicationError) as error:
            time_services.time_entry_reject(entry=second, actor=client_user, reason="No")
        assert error.value.code == "review_closed"


@freeze_time("2026-11-27T18:00:00Z")
def test_reject_needs_a_reason_and_only_the_client_reviews(hourly, client_user, freelancer):
    entry = manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00")
    with pytest.raises(ApplicationError):
        time_services.time_entry_reject(entry=entry, actor=client_user, reason="  ")
    with pytest.raises(Forbidden):
        time_services.time_entry_approve(entry=entry, actor=freelancer)
    rejected = time_services.time_entry_reject(entry=entry, actor=client_user, reason="Wrong task")
    assert rejected.rejection_reason == "Wrong task"
    # The freelancer corrects it; it goes back to draft for another look.
    fixed = time_services.time_entry_update(entry=rejected, actor=freelancer, data={"description": "Right task"})
    assert fixed.status == TimeEntryStatus.DRAFT and fixed.rejection_reason == ""


def test_unreviewed_time_is_auto_approved_after_friday(hourly, client_user, freelancer):
    with freeze_time("2026-11-27T18:00:00Z"):
        waiting = manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00")
        rejected = manual(hourly, freelancer, "2026-11-24T10:00:00", "2026-11-24T11:00:00")
        time_services.time_entry_reject(entry=rejected, actor=client_user, reason="No")
    with freeze_time("2026-12-04T23:00:00Z"):
        assert time_services.time_auto_approve_due() == 0
    with freeze_time("2026-12-05T00:30:00Z"):
        assert time_services.time_auto_approve_due() == 1
    waiting.refresh_from_db()
    rejected.refresh_from_db()
    assert waiting.status == TimeEntryStatus.APPROVED and waiting.auto_approved
    assert rejected.status == TimeEntryStatus.REJECTED


def test_drafts_are_submitted_when_the_week_closes(hourly, freelancer):
    with freeze_time("2026-11-27T18:00:00Z"):
        entry = manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00")
    with freeze_time("2026-11-30T11:00:00Z"):
        assert time_services.time_submit_closed_weeks() == 0
    with freeze_time("2026-11-30T12:00:00Z"):
        assert time_services.time_submit_closed_weeks() == 1
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


@freeze_time("2026-11-27T18:00:00Z")
def test_approve_week_approves_every_waiting_entry(hourly, client_user, freelancer):
    manual(hourly, freelancer, "2026-11-24T08:00:00", "2026-11-24T09:00:00")
    manual(hourly, freelancer, "2026-11-25T08:00:00", "2026-11-25T09:00:00")
    time_services.time_week_submit(contract=hourly, actor=freelancer, week_start=datetime.date(2026, 11, 23))
    entries = time_services.time_week_approve(contract=hourly, actor=client_user,
                                              week_start=datetime.date(2026, 11, 23))
    assert len(entries) == 2
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {TimeEntryStatus.APPROVED}
    with pytest.raises(ApplicationError):
        time_services.time_week_approve(contract=hourly, actor=client_user, week_start=datetime.date(2026, 11, 23))


def test_a_timer_stopped_now_is_cut_at_the_weekly_limit_but_an_explicit_end_beyond_it_is_refused(hourly,
                                                                                                 freelancer):
    with freeze_time("2026-11-24T08:00:00Z"):
        manual(hourly, freelancer, "2026-11-23T08:00:00", "2026-11-23T17:00:00")  # 9 of 10 hours
        entry = time_services.time_entry_start(contract=hourly, actor=freelancer)
    with freeze_time("2026-11-24T11:00:00Z"):
        with pytest.raises(ApplicationError) as error:
            time_services.time_entry_stop(entry=entry, actor=freelancer, end_time=at("2026-11-24T10:00:00"))
        assert error.value.code == "weekly_limit_exceeded"
        stopped = time_services.time_entry_stop(entry=entry, actor=freelancer)
    assert stopped.duration_minutes == 60 and stopped.end_time == at("2026-11-24T09:00:00")
    with freeze_time("2026-11-24T12:00:00Z"), pytest.raises(ApplicationError):
        time_services.time_entry_start(contract=hourly, actor=freelancer)


def test_a_timer_forgotten_for_days_stops_at_24_hours(client_user, freelancer):
    unlimited = ContractFactory(project__client=client_user, freelancer=freelancer, amount=None,
                                contract_type=ContractType.HOURLY, hourly_rate=Decimal("10.00"),
                                weekly_limit_hours=None)
    with freeze_time("2026-11-23T08:00:00Z"):
        entry = time_services.time_entry_start(contract=unlimited, actor=freelancer)
    with freeze_time("2026-11-26T08:00:00Z"):
        stopped = time_services.time_entry_stop(entry=entry, actor=freelancer)
    assert stopped.duration_minutes == 24 * 60 and stopped.amount == Decimal("240.00")
