"""Staff metrics from the live data: people, projects, money and what happened lately. Each figure is one
aggregate query (or a handful), so the dashboard costs the same with ten users or ten million rows in the window.

Revenue is the platform's fee income: the `transaction_fees` rows billing records on every payment to a freelancer
(milestone releases, hourly weeks, a dispute's freelancer share)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import Role, User, UserSession
from billing.models import Payment, PaymentStatus, PaymentType, TransactionFee
from marketplace.models import Contract, ContractStatus, Project, ProjectStatus, Proposal, ProposalStatus, Review

from .models import Dispute, SupportTicket

ZERO = Decimal("0.00")
MONEY_OUT = DecimalField(max_digits=14, decimal_places=2)
PAID_IN = (PaymentType.ESCROW_FUNDING, PaymentType.DEPOSIT)


def _money(value) -> float:
    return float(value or ZERO)


def _fees(since: datetime | None = None) -> Decimal:
    fees = TransactionFee.objects.all()
    if since is not None:
        fees = fees.filter(created_at__gte=since)
    return fees.aggregate(total=Sum("platform_fee_amount"))["total"] or ZERO


def _start_of_day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def stats() -> dict:
    users = User.objects.aggregate(
        total=Count("id"), clients=Count("id", filter=Q(role=Role.CLIENT)),
        freelancers=Count("id", filter=Q(role=Role.FREELANCER)))
    projects = Project.objects.aggregate(
        total=Count("id"), active=Count("id", filter=Q(status__in=[ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS])))
    return {
        "total_users": users["total"],
        "total_clients": users["clients"],
        "total_freelancers": users["freelancers"],
        "total_projects": projects["total"],
        "total_contracts": Contract.objects.count(),
        "total_revenue": _money(_fees()),
        "active_projects": projects["active"],
        "pending_proposals": Proposal.objects.filter(
            status__in=[ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED]).count(),
    }


def user_activity(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = _start_of_day(now)
    seen = UserSession.objects.aggregate(
        day=Count("user", distinct=True, filter=Q(last_seen_at__gte=now - timedelta(days=1))),
        week=Count("user", distinct=True, filter=Q(last_seen_at__gte=now - timedelta(days=7))),
        month=Count("user", distinct=True, filter=Q(last_seen_at__gte=now - timedelta(days=30))))
    joined = User.objects.aggregate(
        today=Count("id", filter=Q(date_joined__gte=today)),
        week=Count("id", filter=Q(date_joined__gte=today - timedelta(days=today.weekday()))),
        month=Count("id", filter=Q(date_joined__gte=today.replace(day=1))))
    return {
        "daily_active_users": seen["day"],
        "weekly_active_users": seen["week"],
        "monthly_active_users": seen["month"],
        "new_users_today": joined["today"],
        "new_users_this_week": joined["week"],
        "new_users_this_month": joined["month"],
    }


def project_metrics() -> dict:
    counts = Project.objects.aggregate(
        open=Count("id", filter=Q(status=ProjectStatus.OPEN)),
        in_progress=Count("id", filter=Q(status=ProjectStatus.IN_PROGRESS)),
        completed=Count("id", filter=Q(status=ProjectStatus.COMPLETED)),
        cancelled=Count("id", filter=Q(status=ProjectStatus.CANCELLED)))
    # A project's value is what was agreed in its contracts; projects not hired yet have no value.
    value = Contract.objects.exclude(amount__isnull=True).aggregate(total=Sum("amount"), avg=Avg("amount"))
    return {
        "open_projects": counts["open"],
        "in_progress_projects": counts["in_progress"],
        "completed_projects": counts["completed"],
        "cancelled_projects": counts["cancelled"],
        "avg_project_value": round(_money(value["avg"]), 2),
        "total_project_value": _money(value["total"]),
    }


def financial_metrics(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = _start_of_day(now)
    fees = TransactionFee.objects.aggregate(
        total=Sum("platform_fee_amount"),
        month=Sum("platform_fee_amount", filter=Q(created_at__gte=today.replace(day=1))),
        week=Sum("platform_fee_amount", filter=Q(created_at__gte=today - timedelta(days=today.weekday()))))
    paid_in = Payment.objects.filter(payment_type__in=PAID_IN).aggregate(
        pending=Sum("amount", filter=Q(status=PaymentStatus.PENDING)),
        completed=Sum("amount", filter=Q(status=PaymentStatus.COMPLETED)))
    return {
        "total_revenue": _money(fees["total"]),
        "revenue_this_month": _money(fees["month"]),
        "revenue_this_week": _money(fees["week"]),
        "pending_payments": _money(paid_in["pending"]),
        "completed_payments": _money(paid_in["completed"]),
        "platform_fees_collected": _money(fees["total"]),
    }


def top_freelancers(limit: int = 10) -> list[dict]:
    earned = (Payment.objects.filter(to_user=OuterRef("pk"), payment_type=PaymentType.RELEASE,
                                     status=PaymentStatus.COMPLETED)
              .order_by().values("to_user").annotate(total=Sum("net_amount")).values("total"))
    completed = (Contract.objects.filter(freelancer=OuterRef("pk"), status=ContractStatus.COMPLETED)
                 .order_by().values("freelancer").annotate(n=Count("id")).values("n"))
    rating = (Review.objects.filter(reviewee=OuterRef("pk"), is_removed=False, visible_at__lte=timezone.now())
              .order_by().values("reviewee").annotate(avg=Avg("rating")).values("avg"))
    rows = (User.objects.filter(role=Role.FREELANCER)
            .annotate(total_earnings=Coalesce(Subquery(earned, output_field=MONEY_OUT), Value(ZERO)),
                      completed_projects=Coalesce(Subquery(completed), Value(0)),
                      average_rating=Subquery(rating))
            .order_by("-total_earnings", "-completed_projects", "id")[:limit])
    return [{"id": u.pk, "name": u.name, "email": u.email, "total_earnings": _money(u.total_earnings),
             "completed_projects": u.completed_projects,
             "average_rating": round(float(u.average_rating), 2) if u.average_rating is not None else None}
            for u in rows]


def top_clients(limit: int = 10) -> list[dict]:
    spent = (Payment.objects.filter(from_user=OuterRef("pk"), payment_type__in=PAID_IN,
                                    status=PaymentStatus.COMPLETED)
             .order_by().values("from_user").annotate(total=Sum("amount")).values("total"))
    active = (Project.objects.filter(client=OuterRef("pk"), status__in=[ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS])
              .order_by().values("client").annotate(n=Count("id")).values("n"))
    completed = (Contract.objects.filter(client=OuterRef("pk"), status=ContractStatus.COMPLETED)
                 .order_by().values("client").annotate(n=Count("id")).values("n"))
    rows = (User.objects.filter(role=Role.CLIENT)
            .annotate(total_spent=Coalesce(Subquery(spent, output_field=MONEY_OUT), Value(ZERO)),
                      active_projects=Coalesce(Subquery(active), Value(0)),
                      completed_projects=Coalesce(Subquery(completed), Value(0)))
            .order_by("-total_spent", "-active_projects", "id")[:limit])
    return [{"id": u.pk, "name": u.name, "email": u.email, "total_spent": _money(u.total_spent),
             "completed_projects": u.completed_projects, "active_projects": u.active_projects} for u in rows]


def recent_activity(limit: int = 20) -> list[dict]:
    """The latest events of several kinds, newest first: one query per kind, each cut to `limit`."""
    items = []
    for user in User.objects.order_by("-date_joined")[:limit]:
        items.append(("user_registered", f"{user.name or user.email} joined as {user.get_role_display().lower()}",
                      user.date_joined, user.name, None))
    for project in Project.objects.select_related("client").exclude(status=ProjectStatus.DRAFT).order_by(
            "-created_at")[:limit]:
        items.append(("project_posted", f"Project posted: {project.title}", project.created_at,
                      project.client.name, _money(project.budget_max) if project.budget_max else None))
    for contract in Contract.objects.select_related("client").order_by("-created_at")[:limit]:
        items.append(("contract_started", f"Contract started: {contract.title}", contract.created_at,
                      contract.client.name, _money(contract.amount) if contract.amount is not None else None))
    for payment in Payment.objects.select_related("from_user", "to_user").filter(
            status=PaymentStatus.COMPLETED).order_by("-created_at")[:limit]:
        person = payment.to_user if payment.payment_type == PaymentType.RELEASE else payment.from_user
        items.append((f"payment_{payment.payment_type}", payment.description or payment.get_payment_type_display(),
                      payment.completed_at or payment.created_at, person.name if person else "",
                      _money(payment.amount)))
    for dispute in Dispute.objects.select_related("raised_by", "contract").order_by("-created_at")[:limit]:
        items.append(("dispute_opened", f"Dispute opened on {dispute.contract.title}", dispute.created_at,
                      dispute.raised_by.name, _money(dispute.frozen_amount)))
    for ticket in SupportTicket.objects.select_related("user").order_by("-created_at")[:limit]:
        items.append(("ticket_opened", f"Support ticket: {ticket.subject}", ticket.created_at, ticket.user.name,
                      None))
    items.sort(key=lambda item: item[2], reverse=True)
    return [{"type": kind, "description": text, "timestamp": when, "user_name": name or "", "amount": amount}
            for kind, text, when, name, amount in items[:limit]]


# --- series over time for the staff dashboard's charts ------------------------------------------------------------


def _daily(queryset, field: str, days: int, now: datetime, value=None) -> list[tuple[date, float]]:
    start = _start_of_day(now) - timedelta(days=days - 1)
    rows = (queryset.filter(**{f"{field}__gte": start}).annotate(day=TruncDate(field)).order_by()
            .values("day").annotate(v=value or Count("id")))
    by_day = {row["day"]: float(row["v"] or 0) for row in rows}
    return [((start + timedelta(days=i)).date(), by_day.get((start + timedelta(days=i)).date(), 0.0))
            for i in range(days)]


def series(days: int = 30, now: datetime | None = None) -> dict[str, list[tuple[date, float]]]:
    now = now or timezone.now()
    return {
        "signups": _daily(User.objects.all(), "date_joined", days, now),
        "projects": _daily(Project.objects.exclude(status=ProjectStatus.DRAFT), "created_at", days, now),
        "revenue": _daily(TransactionFee.objects.all(), "created_at", days, now, Sum("platform_fee_amount")),
        "tickets": _daily(SupportTicket.objects.all(), "created_at", days, now),
    }
