"""Daily analytics rollups per user: what the dashboard and GET /api/analytics/me read."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, OuterRef, Subquery, Sum
from django.utils import timezone

from marketplace.models import Milestone, Project, Proposal

from ..models import Favorite, FavoriteTarget, Message, MetricType, UserAnalytics, UserFollow

# project_views is counted live when a view is recorded; the nightly job recomputes everything else.
# Views are live counters (attention.py), not recomputed by the nightly rollup.
ROLLUP_METRICS = [m for m in MetricType.values if m not in (MetricType.PROJECT_VIEWS, MetricType.PROFILE_VIEWS)]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def _count_by(qs, field: str) -> dict[int, Decimal]:
    return {row[field]: Decimal(row["n"]) for row in qs.values(field).annotate(n=Count("id")).order_by()}


def _sum_by(qs, field: str, amount: str) -> dict[int, Decimal]:
    return {row[field]: row["total"] or Decimal("0")
            for row in qs.values(field).annotate(total=Sum(amount, output_field=DecimalField())).order_by()}


def _response_minutes(start: datetime, end: datetime) -> dict[int, Decimal]:
    """Average minutes between a message received and the recipient's next message in that thread."""
    previous = Message.objects.filter(conversation=OuterRef("conversation"), created_at__lt=OuterRef("created_at"))
    previous = previous.order_by("-created_at", "-id")
    rows = (Message.objects.filter(created_at__gte=start, created_at__lt=end)
            .annotate(prev_sender=Subquery(previous.values("sender_id")[:1]),
                      prev_at=Subquery(previous.values("created_at")[:1]))
            .exclude(prev_sender=F("sender_id")).exclude(prev_sender__isnull=True)
            .values_list("sender_id", "created_at", "prev_at"))
    waits = defaultdict(list)
    for sender_id, created_at, prev_at in rows:
        if isinstance(prev_at, str):  # SQLite hands subquery datetimes back as text
            prev_at = datetime.fromisoformat(prev_at)
        if timezone.is_naive(prev_at):
            prev_at = timezone.make_aware(prev_at, timezone.utc)
        waits[sender_id].append((created_at - prev_at).total_seconds() / 60)
    return {uid: Decimal(str(round(sum(v) / len(v), 2))) for uid, v in waits.items()}


def _favorited(start: datetime, end: datetime) -> dict[int, Decimal]:
    counts: dict[int, Decimal] = defaultdict(Decimal)
    todays = Favorite.objects.filter(created_at__gte=start, created_at__lt=end)
    for target_id, n in (todays.filter(target_type=FavoriteTarget.FREELANCER).values_list("target_id")
                         .annotate(n=Count("id")).order_by()):
        counts[target_id] += n
    project_counts = dict(todays.filter(target_type=FavoriteTarget.PROJECT).values_list("target_id")
                          .annotate(n=Count("id")).order_by())
    for project_id, client_id in Project.objects.filter(pk__in=project_counts).values_list("pk", "client_id"):
        counts[client_id] += project_counts[project_id]
    return counts


def metrics_for_day(day: date) -> dict[str, dict[int, Decimal]]:
    start, end = _day_bounds(day)
    proposals = Proposal.objects.filter(created_at__gte=start, created_at__lt=end)
    approved = Milestone.objects.filter(approved_at__gte=start, approved_at__lt=end)
    funded = Milestone.objects.filter(funded_at__gte=start, funded_at__lt=end)
    return {
        MetricType.PROPOSALS_SENT: _count_by(proposals, "freelancer_id"),
        MetricType.PROPOSALS_RECEIVED: _count_by(proposals, "project__client_id"),
        MetricType.PROPOSALS_WON: _count_by(
            Proposal.objects.filter(status="accepted", decided_at__gte=start, decided_at__lt=end), "freelancer_id"),
        MetricType.EARNINGS: _sum_by(approved, "contract__freelancer_id", "amount"),
        MetricType.SPEND: _sum_by(funded, "contract__client_id", "amount"),
        MetricType.MESSAGES_SENT: _count_by(Message.objects.filter(created_at__gte=start, created_at__lt=end),
                                            "sender_id"),
        MetricType.RESPONSE_TIME: _response_minutes(start, end),
        MetricType.FAVORITED: _favorited(start, end),
        MetricType.NEW_FOLLOWERS: _count_by(UserFollow.objects.filter(created_at__gte=start, created_at__lt=end),
                                            "followee_id"),
    }


@transaction.atomic
def analytics_rollup_day(*, day: date) -> int:
    """Recompute one day for every user; re-running it replaces that day's rows (never double counts)."""
    rows = [
        UserAnalytics(user_id=user_id, date=day, metric_type=metric, metric_value=value)
        for metric, values in metrics_for_day(day).items()
        for user_id, value in values.items()
        if user_id is not None and value
    ]
    UserAnalytics.objects.filter(date=day, metric_type__in=ROLLUP_METRICS).delete()
    UserAnalytics.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def analytics_increment(*, user_id: int, metric_type: str, amount: Decimal | int = 1, day: date | None = None) -> None:
    """A live counter for today (project views), safe under concurrent increments."""
    day = day or timezone.now().date()
    row, created = UserAnalytics.objects.get_or_create(user_id=user_id, date=day, metric_type=metric_type,
                                                       defaults={"metric_value": amount})
    if not created:
        UserAnalytics.objects.filter(pk=row.pk).update(metric_value=F("metric_value") + amount)


def analytics_for(*, user, days: int = 30) -> dict:
    end = timezone.now().date()
    start = end - timedelta(days=days - 1)
    stored = UserAnalytics.objects.filter(user=user, date__gte=start, date__lte=end).values_list(
        "metric_type", "date", "metric_value")
    by_metric: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for metric, day, value in stored:
        by_metric[metric][day] = value
    dates = [start + timedelta(days=i) for i in range(days)]
    series = {metric: [{"date": d.isoformat(), "value": float(by_metric[metric].get(d, 0))} for d in dates]
              for metric in MetricType.values}
    totals = {metric: float(sum(by_metric[metric].values(), Decimal("0"))) for metric in MetricType.values}
    response_days = [v for v in by_metric[MetricType.RESPONSE_TIME].values() if v]
    totals[MetricType.RESPONSE_TIME] = (float(round(sum(response_days) / len(response_days), 2))
                                        if response_days else None)
    return {"user_id": user.pk, "role": user.role, "start": start.isoformat(), "end": end.isoformat(),
            "days": days, "totals": totals, "series": series,
            "labels": {value: str(label) for value, label in MetricType.choices}}
