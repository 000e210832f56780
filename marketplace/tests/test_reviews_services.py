"""Review services: who may review, the blind period, moderation rights."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace import events
from marketplace.models import ContractStatus
from marketplace.services import reviews
from marketplace.tests.factories import ContractFactory, ReviewFactory
from megilance.api.exceptions import ApplicationError, Forbidden

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, status=ContractStatus.COMPLETED,
                           completed_at=timezone.now())


def test_review_submitted_is_sent_with_the_review(contract, freelancer):
    sent = []
    events.review_submitted.connect(lambda sender, review, **kw: sent.append(review.pk), weak=False,
                                    dispatch_uid="test-review")
    try:
        review = reviews.review_submit(contract=contract, reviewer=freelancer, rating=5)
    finally:
        events.review_submitted.disconnect(dispatch_uid="test-review")
    assert sent == [review.pk] and review.reviewee_id == contract.client_id


def test_outsider_may_not_review(contract, outsider):
    with pytest.raises(Forbidden):
        reviews.review_submit(contract=contract, reviewer=outsider, rating=3)


def test_a_late_second_review_does_not_move_an_already_public_first_one(contract, client_user, freelancer):
    published_at = timezone.now() - timedelta(days=1)
    first = ReviewFactory(contract=contract, visible_at=published_at)
    reviews.review_submit(contract=contract, reviewer=freelancer, rating=4)
    first.refresh_from_db()
    assert first.visible_at == published_at


def test_first_review_waits_the_configured_blind_days(contract, client_user, settings):
    settings.REVIEW_BLIND_DAYS = 3
    review = reviews.review_submit(contract=contract, reviewer=client_user, rating=4)
    assert timedelta(days=2, hours=23) < review.visible_at - timezone.now() <= timedelta(days=3)
    assert not review.is_visible


def test_rating_outside_one_to_five_is_refused(contract, client_user):
    for rating in (0, 6, True, 4.5):
        with pytest.raises(ApplicationError):
            reviews.review_submit(contract=contract, reviewer=client_user, rating=rating)
    with pytest.raises(ApplicationError):
        reviews.review_submit(contract=contract, reviewer=client_user, rating=4, value=0)


def test_removal_needs_the_moderation_permission_and_a_reason(contract, staff_user, superuser):
    review = ReviewFactory(contract=contract)
    with pytest.raises(Forbidden):
        reviews.review_remove(review=review, actor=staff_user, reason="Spam")
    with pytest.raises(ApplicationError):
        reviews.review_remove(review=review, actor=superuser, reason="  ")
    removed = reviews.review_remove(review=review, actor=superuser, reason="Spam")
    assert removed.is_removed and removed.removed_by == superuser


def test_a_non_staff_user_with_the_permission_still_may_not_moderate(contract, client_user):
    from django.contrib.auth.models import Permission

    client_user.user_permissions.add(Permission.objects.get(codename="change_review"))
    with pytest.raises(Forbidden):
        reviews.review_remove(review=ReviewFactory(contract=contract), actor=client_user, reason="Mine")


def test_blind_days_setting_is_fourteen_by_default():
    assert settings.REVIEW_BLIND_DAYS == 14

