"""Time on hourly contracts: the timer, manual entries, the freelancer's edits and the client's review.

The week rules (all UTC):
- an entry belongs to the week (Monday 00:00 to Sunday 23:59) in which it starts;
- the freelancer may add, edit and delete the week's entries until Monday 12:00 of the next week;
- the client approves or rejects them until Friday 23:59 of the next week; what is still unreviewed then is
  approved on the client's behalf (time_auto_approve_due, run by the beat);
- the contract's weekly hour limit caps the week's time (rejected entries do not count).

Lock order: the contract row first (as in contracts.py), then the time entries. Locking the contract serialises
every write of one contract's time, which is what makes the weekly limit hold under concurrent requests.
"""

import datetime
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from megilance.money import multiply, quantize

from ..models import Contract, ContractStatus, ContractType, TimeEntry, TimeEntryStatus
from .contracts import contract_lock

# Sent inside the transaction when the client approves a whole week (billing bills it after the commit), and
# when entries are approved for any reason (auto-approval included).
time_week_approved = Signal()  # contract, week_start, actor
time_entries_approved = Signal()  # contract, entries, actor

EDITABLE_STATUSES = (TimeEntryStatus.RUNNING, TimeEntryStatus.DRAFT, TimeEntryStatus.SUBMITTED,
                     TimeEntryStatus.REJECTED)
REVIEWABLE_STATUSES = (TimeEntryStatus.DRAFT, TimeEntryStatus.SUBMITTED)
# Time that counts against the weekly limit and in totals: everything but rejected time.
COUNTED = ~Q(status=TimeEntryStatus.REJECTED)
# The longest single entry: a timer left running over a weekend is a mistake, not work.
MAX_ENTRY_MINUTES = 24 * 60


# --- the week ----------------------------------------------------------------------------------------------


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def week_start_of(moment: datetime.datetime) -> datetime.date:
    """The Monday (UTC) of the week `moment` falls in."""
    day = _utc(moment).date()
    return day - timedelta(days=day.weekday())


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=datetime.UTC)


def week_bounds(week_start: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[Monday 00:00, next Monday 00:00) in UTC."""
    return _midnight(week_start), _midnight(week_start + timedelta(days=7))


def edit_deadline(week_start: datetime.date) -> datetime.datetime:
    """Monday 12:00 UTC of the following week."""
    return _midnight(week_start + timedelta(days=7)) + timedelta(hours=12)


def review_deadline(week_start: datetime.date) -> datetime.datetime:
    """The end of Friday (UTC) of the following week: the first instant at which reviewing is closed."""
    return _midnight(week_start + timedelta(days=12))


def minutes_between(start: datetime.datetime, end: datetime.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def hours_of(minutes: int) -> Decimal:
    """Billed hours: minutes in hundredths of an hour (ROUND_HALF_UP), the quantity an invoice line shows."""
    return quantize(Decimal(minutes) / Decimal(60))


def amount_for(minutes: int, rate: Decimal) -> Decimal:
    """Billed hours x rate, rounded to the cent, so that an invoice line's quantity x unit price is its amount."""
    return multiply(hours_of(minutes), rate)


# --- checks ------------------------------------------------------------------------------------------------


def _check_can_track(contract: Contract, actor: User) -> None:
    if actor.pk != contract.freelancer_id:
        raise Forbidden("Only the contract's freelancer tracks time on it.")
    if contract.contract_type != ContractType.HOURLY:
        raise ApplicationError("Time is tracked on hourly contracts only.", code="not_hourly",
                               errors={"contract_id": ["Not an hourly contract."]})
    if contract.status != ContractStatus.ACTIVE:
        raise ApplicationError("Time can be tracked only on an active contract.", code="contract_not_active",
                               errors={"contract_id": ["The contract is not active."]})


def _check_editable_week(week_start: datetime.date, now: datetime.datetime) -> None:
    if now >= edit_deadline(week_start):
        raise ApplicationError(
            f"The week of {week_start:%d %b %Y} closed for changes on Monday 12:00 UTC.", code="week_closed")


def _minutes_left(*, contract: Contract, week_start: datetime.date, exclude_pk: int | None = None,
                  now: datetime.datetime | None = None) -> int:
    """Minutes the week still allows on the contract (a large number without a limit). A running timer counts
    up to `now`."""
    if contract.weekly_limit_hours is None:
        return 7 * 24 * 60
    limit = int(contract.weekly_limit_hours * 60)
    entries = TimeEntry.objects.filter(contract=contract, week_start=week_start).filter(COUNTED)
    if exclude_pk:
        entries = entries.exclude(pk=exclude_pk)
    used = entries.exclude(status=TimeEntryStatus.RUNNING).aggregate(m=Sum("duration_minutes"))["m"] or 0
    for running in entries.filter(status=TimeEntryStatus.RUNNING).only("start_time"):
        used += max(0, minutes_between(running.start_time, now or timezone.now()))
    return max(0, limit - used)


def _check_weekly_limit(*, contract: Contract, week_start: datetime.date, minutes: int,
                        exclude_pk: int | None = None, now: datetime.datetime | None = None) -> None:
    """Refuse time beyond the contract's weekly limit."""
    if contract.weekly_limit_hours is None:
        return
    left = _minutes_left(contract=contract, week_start=week_start, exclude_pk=exclude_pk, now=now)
    if minutes > left:
        raise ApplicationError(
            f"This contract allows {contract.weekly_limit_hours} hours a week; {left} minutes are left this week.",
            code="weekly_limit_exceeded", errors={"end_time": [f"At most {left} more minutes this week."]})


def _check_times(start: datetime.datetime, end: datetime.datetime, now: datetime.datetime) -> int:
    if end < start:
        raise ApplicationError("The end time is before the start time.", errors={"end_time": ["Before start."]})
    if end > now + timedelta(minutes=1):
        raise ApplicationError("Time cannot be logged in the future.", errors={"end_time": ["In the future."]})
    minutes = minutes_between(start, end)
    if minutes > MAX_ENTRY_MINUTES:
        raise ApplicationError("One entry can be at most 24 hours long.", errors={"end_time": ["Too long."]})
    return minutes


def _rate(contract: Contract, hourly_rate) -> Decimal:
    if hourly_rate in (None, ""):
        return contract.hourly_rate or Decimal("0.00")
    rate = quantize(hourly_rate)
    if rate < 0 or (contract.hourly_rate is not None and rate > contract.hourly_rate):
        # The client agreed to the contract's rate; a freelancer may bill less, never more.
        raise ApplicationError(f"The rate can be at most the contract's {contract.hourly_rate}.",
                               errors={"hourly_rate": [f"At most {contract.hourly_rate}."]})
    return rate


def _lock_entry(entry: TimeEntry) -> tuple[Contract, TimeEntry]:
    contract = contract_lock(contract=Contract(pk=entry.contract_id))
    entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
    entry.contract = contract
    return contract, entry


def _finish(entry: TimeEntry, end: datetime.datetime, minutes: int) -> None:
    entry.end_time = end
    entry.duration_minutes = minutes
    entry.amount = amount_for(minutes, entry.hourly_rate)


# --- the freelancer ------------------------------------------------------------------------------------------


@transaction.atomic
def time_entry_start(*, contract: Contract, actor: User, description: str = "", billable: bool = True,
                     hourly_rate=None) -> TimeEntry:
    """Start the timer. One running entry per freelancer and contract: a second start answers 400."""
    contract = contract_lock(contract=contract)
    _check_can_track(contract, actor)
    if TimeEntry.objects.filter(user=actor, contract=contract, status=TimeEntryStatus.RUNNING).exists():
        raise ApplicationError("A timer is already running on this contract; stop it first.",
                               code="timer_running")
    now = timezone.now()
    week = week_start_of(now)
    _check_weekly_limit(contract=contract, week_start=week, minutes=1, now=now)
    try:
        with transaction.atomic():
            return TimeEntry.objects.create(
                user=actor, contract=contract, start_time=now, description=description, billable=billable,
                hourly_rate=_rate(contract, hourly_rate), currency=contract.currency,
                status=TimeEntryStatus.RUNNING, week_start=week,
            )
    except IntegrityError:
        raise ApplicationError("A timer is already running on this contract; stop it first.",
                               code="timer_running") from None


@transaction.atomic
def time_entry_stop(*, entry: TimeEntry, actor: User, end_time: datetime.datetime | None = None) -> TimeEntry:
    """Stop a running timer at `end_time` (default now) and compute its duration and amount."""
    contract, entry = _lock_entry(entry)
    if actor.pk != entry.user_id:
        raise Forbidden("Only the freelancer who started the timer stops it.")
    if entry.status != TimeEntryStatus.RUNNING:
        raise ApplicationError("This timer is not running.", code="not_running")
    now = timezone.now()
    end = end_time or now
    if end_time is None:
        # A timer stopped "now" is cut at what the week still allows (and at 24 hours): the time beyond the limit
        # is refused, and the timer can always be stopped. An explicit end time beyond the limit is an error.
        allowed = min(MAX_ENTRY_MINUTES, _minutes_left(contract=contract, week_start=entry.week_start,
                                                       exclude_pk=entry.pk))
        end = min(end, entry.start_time + timedelta(minutes=allowed))
    minutes = _check_times(entry.start_time, end, now)
    _check_weekly_limit(contract=contract, week_start=entry.week_start, minutes=minutes, exclude_pk=entry.pk)
    _finish(entry, end, minutes)
    entry.status = TimeEntryStatus.DRAFT
    entry.save(update_fields=["end_time", "duration_minutes", "amount", "status", "updated_at"])
    return entry


@transaction.atomic
def time_entry_create_manual(*, contract: Contract, actor: User, start_time: datetime.datetime,
                             end_time: datetime.datetime, description: str = "", billable: bool = True,
                             hourly_rate=None, screenshots: list | None = None) -> TimeEntry:
    """Log time after the fact, within a week still open for changes."""
    contract = contract_lock(contract=contract)
    _check_can_track(contract, actor)
    now = timezone.now()
    minutes = _check_times(start_time, end_time, now)
    week = week_start_of(start_time)
    _check_editable_week(week, now)
    _check_weekly_limit(contract=contract, week_start=week, minutes=minutes, now=now)
    rate = _rate(contract, hourly_rate)
    return TimeEntry.objects.create(
        user=actor, contract=contract, start_time=start_time, end_time=end_time, duration_minutes=minutes,
        amount=amount_for(minutes, rate), description=description, billable=billable, hourly_rate=rate,
        currency=contract.currency, status=TimeEntryStatus.DRAFT, week_start=week, is_manual=True,
        screenshots=screenshots or [],
    )


TIME_EDITABLE_FIELDS = ("description", "billable", "start_time", "end_time", "hourly_rate", "screenshots")


@transaction.atomic
def time_entry_update(*, entry: TimeEntry, actor: User, data: dict) -> TimeEntry:
    """The freelancer corrects an entry of a week still open for changes. Changing a rejected entry sends it
    back to draft for another review. A running entry only takes a new description or billable flag."""
    contract, entry = _lock_entry(entry)
    if actor.pk != entry.user_id:
        raise Forbidden("Only the freelancer who logged the time edits it.")
    unknown = set(data) - set(TIME_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               errors={name: ["Cannot be changed."] for name in sorted(unknown)})
    if entry.status not in EDITABLE_STATUSES:
        raise ApplicationError(f"An {entry.get_status_display().lower()} entry cannot be changed.",
                               code="entry_locked")
    now = timezone.now()
    _check_editable_week(entry.week_start, now)
    if entry.status == TimeEntryStatus.RUNNING and {"start_time", "end_time", "hourly_rate"} & set(data):
        raise ApplicationError("Stop the timer before changing its times or rate.", code="timer_running")
    for name in ("description", "billable", "screenshots"):
        if name in data:
            setattr(entry, name, data[name])
    if "hourly_rate" in data:
        entry.hourly_rate = _rate(contract, data["hourly_rate"])
    if entry.status != TimeEntryStatus.RUNNING:
        start = data.get("start_time") or entry.start_time
        end = data.get("end_time") or entry.end_time
        minutes = _check_times(start, end, now)
        week = week_start_of(start)
        if week != entry.week_start:
            _check_editable_week(week, now)
        _check_weekly_limit(contract=contract, week_start=week, minutes=minutes, exclude_pk=entry.pk, now=now)
        entry.start_time, entry.week_start = start, week
        _finish(entry, end, minutes)
        if entry.status == TimeEntryStatus.REJECTED:
            entry.status = TimeEntryStatus.DRAFT
            entry.rejection_reason = ""
            entry.reviewed_at = None
            entry.reviewed_by = None
    entry.save()
    return entry


@transaction.atomic
def time_entry_delete(*, entry: TimeEntry, actor: User) -> None:
    _contract, entry = _lock_entry(entry)
    if actor.pk != entry.user_id:
        raise Forbidden("Only the freelancer who logged the time deletes it.")
    if entry.status not in EDITABLE_STATUSES:
        raise ApplicationError(f"An {entry.get_status_display().lower()} entry cannot be deleted.",
                               code="entry_locked")
    _check_editable_week(entry.week_start, timezone.now())
    entry.delete()


@transaction.atomic
def time_week_submit(*, contract: Contract, actor: User, week_start: datetime.date) -> int:
    """The freelancer hands the week's drafts to the client. Returns how many entries were submitted."""
    contract = contract_lock(contract=contract)
    if actor.pk != contract.freelancer_id:
        raise Forbidden("Only the contract's freelancer submits its time.")
    if TimeEntry.objects.filter(contract=contract, week_start=week_start, status=TimeEntryStatus.RUNNING).exists():
        raise ApplicationError("Stop the running timer before submitting the week.", code="timer_running")
    return TimeEntry.objects.filter(contract=contract, week_start=week_start, status=TimeEntryStatus.DRAFT).update(
        status=TimeEntryStatus.SUBMITTED, updated_at=timezone.now())


def time_submit_closed_weeks(*, now: datetime.datetime | None = None) -> int:
    """After Monday 12:00 the freelancer can no longer change last week: its drafts go to the client."""
    now = now or timezone.now()
    # The latest week w with edit_deadline(w) <= now, i.e. w <= now - 7 days 12 hours.
    latest_closed = week_start_of(now - timedelta(days=7, hours=12))
    return TimeEntry.objects.filter(status=TimeEntryStatus.DRAFT, week_start__lte=latest_closed).update(
        status=TimeEntryStatus.SUBMITTED, updated_at=now)


# --- the client ------------------------------------------------------------------------------------------------


def _check_can_review(contract: Contract, actor: User | None, week_start: datetime.date,
                      now: datetime.datetime) -> None:
    if actor is not None and actor.pk != contract.client_id:
        raise Forbidden("Only the contract's client reviews its time.")
    if now >= review_deadline(week_start):
        raise ApplicationError("Time can be reviewed until Friday 23:59 UTC of the following week.",
                               code="review_closed")


@transaction.atomic
def time_entry_approve(*, entry: TimeEntry, actor: User) -> TimeEntry:
    contract, entry = _lock_entry(entry)
    now = timezone.now()
    _check_can_review(contract, actor, entry.week_start, now)
    if entry.status == TimeEntryStatus.APPROVED:
        raise Conflict("This time is already approved.", code="already_approved")
    if entry.status not in (*REVIEWABLE_STATUSES, TimeEntryStatus.REJECTED):
        raise ApplicationError(f"A {entry.get_status_display().lower()} entry cannot be approved.",
                               code="not_reviewable")
    entry.status = TimeEntryStatus.APPROVED
    entry.reviewed_by, entry.reviewed_at, entry.rejection_reason = actor, now, ""
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"])
    time_entries_approved.send(sender=TimeEntry, contract=contract, entries=[entry], actor=actor)
    return entry


@transaction.atomic
def time_entry_reject(*, entry: TimeEntry, actor: User, reason: str) -> TimeEntry:
    """The client refuses an entry, saying why; the freelancer may correct it while the week is open."""
    contract, entry = _lock_entry(entry)
    now = timezone.now()
    _check_can_review(contract, actor, entry.week_start, now)
    if not (reason or "").strip():
        raise ApplicationError("Say why the time is rejected.", errors={"reason": ["This field is required."]})
    if entry.status == TimeEntryStatus.REJECTED:
        raise Conflict("This time is already rejected.", code="already_rejected")
    if entry.status not in (*REVIEWABLE_STATUSES, TimeEntryStatus.APPROVED):
        raise ApplicationError(f"A {entry.get_status_display().lower()} entry cannot be rejected.",
                               code="not_reviewable")
    entry.status = TimeEntryStatus.REJECTED
    entry.reviewed_by, entry.reviewed_at, entry.rejection_reason = actor, now, reason.strip()
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"])
    return entry


@transaction.atomic
def time_week_approve(*, contract: Contract, actor: User, week_start: datetime.date) -> list[TimeEntry]:
    """The client approves every entry of the week still waiting for an answer. Billing bills the approved
    week after the commit (time_week_approved)."""
    contract = contract_lock(contract=contract)
    now = timezone.now()
    _check_can_review(contract, actor, week_start, now)
    entries = list(TimeEntry.objects.select_for_update().filter(
        contract=contract, week_start=week_start, status__in=REVIEWABLE_STATUSES).order_by("pk"))
    if not entries:
        raise ApplicationError("Nothing in this week is waiting for approval.", code="nothing_to_approve")
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        status=TimeEntryStatus.APPROVED, reviewed_by=actor, reviewed_at=now, updated_at=now)
    for entry in entries:
        entry.status, entry.reviewed_by, entry.reviewed_at = TimeEntryStatus.APPROVED, actor, now
    time_entries_approved.send(sender=TimeEntry, contract=contract, entries=entries, actor=actor)
    time_week_approved.send(sender=TimeEntry, contract=contract, week_start=week_start, actor=actor)
    return entries


def time_auto_approve_due(*, now: datetime.datetime | None = None) -> int:
    """Approve, on the client's behalf, time left unreviewed past Friday 23:59 UTC of the following week.
    One short transaction per contract; returns how many entries were approved."""
    now = now or timezone.now()
    # Weeks whose review deadline has passed: review_deadline(week) <= now  <=>  week <= now - 12 days.
    last_week = week_start_of(now - timedelta(days=12))
    pairs = (TimeEntry.objects.filter(status__in=REVIEWABLE_STATUSES, week_start__lte=last_week)
             .values_list("contract_id", flat=True).distinct().order_by("contract_id"))
    approved = 0
    for contract_id in list(pairs):
        approved += _auto_approve_contract(contract_id=contract_id, last_week=last_week, now=now)
    return approved


@transaction.atomic
def _auto_approve_contract(*, contract_id: int, last_week: datetime.date, now: datetime.datetime) -> int:
    contract = contract_lock(contract=Contract(pk=contract_id))
    entries = list(TimeEntry.objects.select_for_update().filter(
        contract=contract, status__in=REVIEWABLE_STATUSES, week_start__lte=last_week).order_by("pk"))
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        status=TimeEntryStatus.APPROVED, auto_approved=True, reviewed_at=now, updated_at=now)
    if entries:
        time_entries_approved.send(sender=TimeEntry, contract=contract, entries=entries, actor=None)
    return len(entries)
