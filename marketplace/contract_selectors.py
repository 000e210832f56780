"""Reads about contracts, milestones, portfolio items and reviews, scoped to who may see them.

A contract and its milestones are seen by the two parties and by staff allowed to view them; reviews are public
once visible, and an unpublished review is seen only by its author (and moderators).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from accounts.selectors import with_person_summaries
from megilance.queries import any_of, row_values

from .models import Contract, Milestone, MilestoneStatus, PortfolioItem, Review
from .services.reviews import MODERATE_PERMISSION


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _staff_may(user, permission: str) -> bool:
    return _signed_in(user) and user.is_staff and user.has_perm(permission)


def contracts_with_summary() -> QuerySet[Contract]:
    """Contracts with both parties and per-status milestone counts, in one query."""
    counts = {
        f"milestones_{status}": Count("milestones", filter=Q(milestones__status=status))
        for status in MilestoneStatus.values
    }
    return Contract.objects.select_related("client", "freelancer").annotate(
        milestones_total=Count("milestones"), **counts
    )


def contract_list_for(*, user, summary: bool = True) -> QuerySet[Contract]:
    """The contracts `user` is a party to; staff with the view permission see all. Without `summary`, the rows
    carry no milestone counts: a list pages them first and adds the counts of its page (milestone_summary_attach),
    so that neither its count nor its page groups every milestone of every contract."""
    qs = (contracts_with_summary() if summary
          else with_person_summaries(Contract.objects.all(), "client", "freelancer"))
    if not _signed_in(user):
        return qs.none()
    if _staff_may(user, "marketplace.view_contract"):
        return qs
    return qs.filter(Q(client=user) | Q(freelancer=user))


def milestone_summary_attach(contracts: list) -> list:
    """Set the counts contracts_with_summary annotates (milestones_total, milestones_<status>) on these contracts
    (model instances, or dictionaries of their columns), with one grouped statement."""
    empty = dict.fromkeys((f"milestones_{status}" for status in MilestoneStatus.values), 0)
    rows = [row_values(contract) for contract in contracts]
    counts = {row["id"]: dict(empty, milestones_total=0) for row in rows}
    if counts:
        where, params = any_of("contract_id", counts)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT contract_id, status, COUNT(*) FROM {Milestone._meta.db_table} "
                           f"WHERE {where} GROUP BY contract_id, status", params)
            for contract_id, status, n in cursor.fetchall():
                by_status = counts[contract_id]
                by_status[f"milestones_{status}"] = n
                by_status["milestones_total"] += n
    for row in rows:
        row.update(counts[row["id"]])
    return contracts


def contract_visible_to(*, user) -> QuerySet[Contract]:
    """Bare contracts the user may see (no annotations), for lookups such as `contract_id` in a body."""
    if not _signed_in(user):
        return Contract.objects.none()
    if _staff_may(user, "marketplace.view_contract"):
        return Contract.objects.all()
    return Contract.objects.filter(Q(client=user) | Q(freelancer=user))


def milestone_list_for(*, user) -> QuerySet[Milestone]:
    """Milestones of the caller's contracts; staff with the view permission see all."""
    qs = Milestone.objects.select_related("contract")
    if not _signed_in(user):
        return qs.none()
    if _staff_may(user, "marketplace.view_milestone"):
        return qs
    return qs.filter(Q(contract__client=user) | Q(contract__freelancer=user))


def portfolio_item_list() -> QuerySet[PortfolioItem]:
    """Portfolios are public, but only of active people."""
    return PortfolioItem.objects.select_related("freelancer").filter(freelancer__is_active=True)


def visible_reviews() -> QuerySet[Review]:
    return Review.objects.filter(is_removed=False, visible_at__lte=timezone.now())


def review_list_for(*, user) -> QuerySet[Review]:
    """Published reviews for everyone, plus the caller's own reviews (even hidden or removed); moderators
    see every review."""
    qs = Review.objects.select_related("reviewer", "reviewee", "contract")
    if _staff_may(user, MODERATE_PERMISSION):
        return qs
    visible = Q(is_removed=False, visible_at__lte=timezone.now())
    if _signed_in(user):
        return qs.filter(visible | Q(reviewer=user))
    return qs.filter(visible)


def review_stats(*, user_id: int) -> dict:
    """Average, count and distribution of the published reviews a user has received, in one query."""
    counts = {str(star): Count("id", filter=Q(rating=star)) for star in range(1, 6)}
    row = visible_reviews().filter(reviewee_id=user_id).aggregate(
        average=Avg("rating"), review_count=Count("id"), **counts
    )
    average = row["average"]
    return {
        "user_id": user_id,
        "average_rating": Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if average is not None else Decimal("0.00"),
        "review_count": row["review_count"],
        "distribution": {str(star): row[str(star)] for star in range(1, 6)},
    }
