"""Reads of time entries and work logs, scoped to the two parties of the contract."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .models import Contract, TimeEntry, TimeEntryStatus, WorkLog


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _party_filter(user, prefix: str = "contract__") -> Q:
    return Q(**{f"{prefix}client": user}) | Q(**{f"{prefix}freelancer": user})


def time_entry_list_for(*, user) -> QuerySet[TimeEntry]:
    """Entries of the contracts `user` is a party to; staff allowed to view time entries see all."""
    qs = TimeEntry.objects.select_related("contract", "user")
    if not _signed_in(user):
        return qs.none()
    if user.is_staff and user.has_perm("marketplace.view_timeentry"):
        return qs
    return qs.filter(_party_filter(user))


def work_log_list_for(*, user) -> QuerySet[WorkLog]:
    qs = WorkLog.objects.select_related("contract", "user")
    if not _signed_in(user):
        return qs.none()
    if user.is_staff and user.has_perm("marketplace.view_worklog"):
        return qs
    return qs.filter(_party_filter(user))


def hourly_contracts_for(*, user) -> QuerySet[Contract]:
    if not _signed_in(user):
        return Contract.objects.none()
    return Contract.objects.filter(_party_filter(user, prefix=""), contract_type="hourly").select_related(
        "client", "freelancer")


def _hours(minutes) -> Decimal:
    return (Decimal(minutes or 0) / Decimal(60)).quantize(Decimal("0.01"))


def time_summary(*, contract: Contract, week_start=None) -> dict:
    """Totals of the contract's logged time (stopped, not rejected), in one query."""
    entries = TimeEntry.objects.filter(contract=contract).exclude(
        status__in=[TimeEntryStatus.RUNNING, TimeEntryStatus.REJECTED])
    if week_start is not None:
        entries = entries.filter(week_start=week_start)
    billable = Q(billable=True)
    totals = entries.aggregate(
        minutes=Sum("duration_minutes"), amount_sum=Sum("amount"), count=Count("id"),
        billable_minutes=Sum("duration_minutes", filter=billable), billable_amount=Sum("amount", filter=billable),
    )
    return {
        "contract_id": contract.pk,
        "total_hours": _hours(totals["minutes"]),
        "total_amount": totals["amount_sum"] or Decimal("0.00"),
        "billable_hours": _hours(totals["billable_minutes"]),
        "billable_amount": totals["billable_amount"] or Decimal("0.00"),
        "entry_count": totals["count"],
    }


def week_groups(*, contract: Contract) -> list[dict]:
    """Per-week totals and statuses of a contract's time, newest week first (one query)."""
    rows = (TimeEntry.objects.filter(contract=contract).values("week_start", "status")
            .annotate(minutes=Sum("duration_minutes"), amount_sum=Sum("amount"), count=Count("id"))
            .order_by("-week_start", "status"))
    weeks: dict = {}
    for row in rows:
        week = weeks.setdefault(row["week_start"], {"week_start": row["week_start"], "minutes": 0,
                                                    "amount": Decimal("0.00"), "statuses": {}})
        week["minutes"] += row["minutes"] or 0
        week["amount"] += row["amount_sum"] or Decimal("0.00")
        week["statuses"][row["status"]] = row["count"]
    for week in weeks.values():
        week["hours"] = _hours(week["minutes"])
        week["waiting"] = sum(week["statuses"].get(s, 0) for s in ("draft", "submitted"))
    return list(weeks.values())
