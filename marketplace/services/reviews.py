"""Reviews after a completed contract, double-blind.

The first side's review stays hidden (from everyone but its author) until the other side has reviewed too or
REVIEW_BLIND_DAYS have passed, so neither side can answer the other's review with its own. Staff moderators may
remove a review with a reason; the removal is audited and can be undone.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden

from .. import events
from ..models import Contract, ContractStatus, Review
from .contracts import contract_lock

BREAKDOWN = ("quality", "communication", "timeliness", "value")
AUTHOR_EDITABLE = ("rating", *BREAKDOWN, "comment")
MODERATE_PERMISSION = "marketplace.change_review"


def _check_rating(name: str, value, *, required: bool) -> None:
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ApplicationError(f"{name} must be a whole number from 1 to 5.",
                               errors={name: ["A whole number from 1 to 5."]})


@transaction.atomic
def review_submit(
    *,
    contract: Contract,
    reviewer: User,
    rating: int,
    comment: str = "",
    quality: int | None = None,
    communication: int | None = None,
    timeliness: int | None = None,
    value: int | None = None,
) -> Review:
    # The contract lock serialises the two sides, so "the other side has already reviewed" is read reliably.
    contract = contract_lock(contract=contract)
    if not contract.is_party(reviewer):
        raise Forbidden("Only the parties of a contract review it.")
    if contract.status != ContractStatus.COMPLETED:
        raise ApplicationError("Reviews open when the contract is completed.", code="contract_not_completed")
    _check_rating("rating", rating, required=True)
    for name, score in zip(BREAKDOWN, (quality, communication, timeliness, value), strict=True):
        _check_rating(name, score, required=False)
    if Review.objects.filter(contract=contract, reviewer=reviewer).exists():
        raise ApplicationError("You have already reviewed this contract.", code="already_reviewed")

    now = timezone.now()
    other = Review.objects.select_for_update().filter(contract=contract).exclude(reviewer=reviewer).first()
    visible_at = now if other is not None else now + timedelta(days=settings.REVIEW_BLIND_DAYS)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                contract=contract,
                reviewer=reviewer,
                reviewee_id=contract.freelancer_id if reviewer.pk == contract.client_id else contract.client_id,
                rating=rating,
                quality=quality,
                communication=communication,
                timeliness=timeliness,
                value=value,
                comment=comment.strip(),
                visible_at=visible_at,
            )
    except IntegrityError:
        raise ApplicationError("You have already reviewed this contract.", code="already_reviewed")
    if other is not None and other.visible_at > now:
        # Both sides have spoken: the blind ends for both reviews at once.
        other.visible_at = now
        other.save(update_fields=["visible_at", "updated_at"])
    events.review_submitted.send(sender=Review, review=review)
    return review


@transaction.atomic
def review_update(*, review: Review, actor: User, data: dict) -> Review:
    """The author may change a review while it is still hidden; once published it stands as written."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if actor.pk != review.reviewer_id:
        raise Forbidden("Only the author may edit a review.")
    if review.visible_at <= timezone.now():
        raise ApplicationError("A published review can no longer be edited.", code="review_published")
    unknown = set(data) - set(AUTHOR_EDITABLE)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               errors={name: ["Cannot be changed."] for name in sorted(unknown)})
    for name in ("rating", *BREAKDOWN):
        if name in data:
            _check_rating(name, data[name], required=name == "rating")
    for name, value in data.items():
        setattr(review, name, value.strip() if name == "comment" else value)
    if data:
        review.save(update_fields=[*data, "updated_at"])
    return review


@transaction.atomic
def review_reply(*, review: Review, actor: User, reply: str) -> Review:
    """The reviewee answers a published review, once."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if actor.pk != review.reviewee_id:
        raise Forbidden("Only the person reviewed may reply.")
    if not review.is_visible:
        raise ApplicationError("This review is not published.", code="review_not_visible")
    if review.replied_at is not None:
        raise ApplicationError("You have already replied to this review.", code="already_replied")
    if not (reply or "").strip():
        raise ApplicationError("Write a reply.", errors={"reply": ["This field is required."]})
    review.reply = reply.strip()
    review.replied_at = timezone.now()
    review.save(update_fields=["reply", "replied_at", "updated_at"])
    return review


def _check_moderator(actor: User) -> None:
    if not (actor.is_staff and actor.has_perm(MODERATE_PERMISSION)):
        raise Forbidden("Only moderators may remove or restore reviews.")


@transaction.atomic
def review_remove(*, review: Review, actor: User, reason: str, request=None) -> Review:
    """A moderator takes a review down (it stays stored, out of every list and average)."""
    _check_moderator(actor)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_removed:
        raise Conflict("This review is already removed.", code="already_removed")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Give the reason for removing the review.",
                               errors={"reason": ["This field is required."]})
    review.is_removed = True
    review.removed_reason = reason[:300]
    review.removed_by = actor
    review.save(update_fields=["is_removed", "removed_reason", "removed_by", "updated_at"])
    audit_record(action="review.removed", actor=actor, user=review.reviewer, request=request, target=review,
                 reason=review.removed_reason, reviewee_id=review.reviewee_id)
    events.review_removed.send(sender=Review, review=review, actor=actor, reason=review.removed_reason)
    return review


@transaction.atomic
def review_restore(*, review: Review, actor: User, request=None) -> Review:
    _check_moderator(actor)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not review.is_removed:
        raise Conflict("This review is not removed.", code="not_removed")
    previous_reason = review.removed_reason
    review.is_removed = False
    review.removed_reason = ""
    review.removed_by = None
    review.save(update_fields=["is_removed", "removed_reason", "removed_by", "updated_at"])
    audit_record(action="review.restored", actor=actor, user=review.reviewer, request=request, target=review,
                 previous_reason=previous_reason)
    return review
