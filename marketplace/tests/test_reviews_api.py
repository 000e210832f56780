"""The reviews API: one review per side of a completed contract, double-blind, one reply, staff moderation."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import FreelancerFactory, StaffFactory
from marketplace import contract_selectors
from marketplace.models import ContractStatus, Review
from marketplace.tests.factories import ContractFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(client_user, freelancer):
    return ContractFactory(project__client=client_user, freelancer=freelancer, status=ContractStatus.COMPLETED,
                           completed_at=timezone.now())


@pytest.fixture
def moderator_api(api_as):
    staff = StaffFactory(email="moderator@example.com")
    staff.user_permissions.add(Permission.objects.get(codename="change_review"))
    return api_as(staff)


def review_by(api, contract, rating=5, **extra):
    return api.post("/api/reviews/", {"contract_id": contract.pk, "rating": rating, **extra})


def url(review, action=""):
    pk = review if isinstance(review, int) else review.pk
    return f"/api/reviews/{pk}" + (f"/{action}" if action else "")


# Submitting


def test_first_review_is_hidden_for_the_blind_period(client_api, contract, freelancer):
    before = timezone.now()
    response = review_by(client_api, contract, rating=4, quality=5, communication=4, comment="Great work")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reviewee_id"] == freelancer.pk and body["is_visible"] is False
    review = Review.objects.get(pk=body["id"])
    blind = timedelta(days=settings.REVIEW_BLIND_DAYS)
    assert before + blind <= review.visible_at <= timezone.now() + blind


def test_reviewee_cannot_read_a_hidden_review(client_api, freelancer_api, api, contract):
    review_id = review_by(client_api, contract).json()["id"]
    assert freelancer_api.get(url(review_id)).status_code == 404
    assert freelancer_api.get("/api/reviews/").json()["count"] == 0
    assert api.get(url(review_id)).status_code == 404
    assert client_api.get(url(review_id)).status_code == 200  # the author sees their own


def test_second_review_makes_both_visible_now(client_api, freelancer_api, api, contract):
    first = review_by(client_api, contract).json()["id"]
    response = review_by(freelancer_api, contract, rating=3, comment="Slow to pay")
    assert response.status_code == 201
    assert response.json()["is_visible"] is True
    assert Review.objects.get(pk=first).visible_at <= timezone.now()
    listed = api.get(f"/api/reviews?contract_id={contract.pk}").json()
    assert listed["count"] == 2
    assert freelancer_api.get(url(first)).status_code == 200


def test_hidden_review_shows_up_after_the_blind_period(client_api, freelancer, contract, monkeypatch):
    review_by(client_api, contract)
    assert contract_selectors.review_list_for(user=freelancer).count() == 0
    later = timezone.now() + timedelta(days=settings.REVIEW_BLIND_DAYS, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert contract_selectors.review_list_for(user=freelancer).count() == 1


def test_one_review_per_side(client_api, contract):
    assert review_by(client_api, contract).status_code == 201
    response = review_by(client_api, contract, rating=1)
    assert response.status_code == 400 and response.json()["code"] == "already_reviewed"


def test_only_completed_contracts_can_be_reviewed(client_api, client_user, freelancer):
    active = ContractFactory(project__client=client_user, freelancer=freelancer)
    response = review_by(client_api, active)
    assert response.status_code == 400 and response.json()["code"] == "contract_not_completed"


def test_outsiders_cannot_review_and_get_404(outsider_api, staff_api, api_as, contract):
    for api in (outsider_api, staff_api, api_as(FreelancerFactory())):
        assert review_by(api, contract).status_code == 404
    assert not Review.objects.exists()


def test_anonymous_cannot_review(api, contract):
    assert review_by(api, contract).status_code == 401


@pytest.mark.parametrize("payload", [{"rating": 6}, {"rating": 0}, {"rating": "five"}, {"rating": None},
                                     {"rating": 4, "quality": 9}, {"rating": 4, "stars": 4}])
def test_bad_ratings_are_400(client_api, contract, payload):
    response = client_api.post("/api/reviews/", {"contract_id": contract.pk, **payload})
    assert response.status_code == 400


# Reading and stats


def test_public_list_filters_by_reviewee(api, freelancer, other_freelancer):
    ReviewFactory.create_batch(2, contract__freelancer=freelancer)
    ReviewFactory(contract__freelancer=other_freelancer)
    assert api.get(f"/api/reviews?reviewee_id={freelancer.pk}").json()["count"] == 2
    assert api.get(f"/api/reviews?user_id={other_freelancer.pk}").json()["count"] == 1


def test_list_query_count_is_constant(api, freelancer, django_assert_num_queries):
    ReviewFactory.create_batch(2, contract__freelancer=freelancer)
    with django_assert_num_queries(2):
        assert api.get("/api/reviews/").json()["count"] == 2
    ReviewFactory(contract__freelancer=freelancer)
    with django_assert_num_queries(2):
        assert api.get("/api/reviews/").json()["count"] == 3


def test_stats_count_visible_reviews_only_with_numbers(api, freelancer):
    for rating in (5, 5, 4, 2):
        ReviewFactory(contract__freelancer=freelancer, rating=rating)
    ReviewFactory(contract__freelancer=freelancer, rating=1, visible_at=timezone.now() + timedelta(days=3))
    ReviewFactory(contract__freelancer=freelancer, rating=1, is_removed=True, removed_reason="Spam")
    body = api.get(f"/api/reviews/stats/{freelancer.pk}").json()
    assert body == {"user_id": freelancer.pk, "average_rating": 4.0, "review_count": 4,
                    "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2}}


def test_stats_of_someone_without_reviews(api, client_user):
    body = api.get(f"/api/reviews/stats/{client_user.pk}").json()
    assert body["average_rating"] == 0 and body["review_count"] == 0
    assert body["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_stats_of_an_unknown_user_is_404(api):
    assert api.get("/api/reviews/stats/999999").status_code == 404
    assert api.get("/api/reviews/stats").status_code == 404


def test_stats_average_is_rounded_to_cents(api, freelancer):
    for rating in (5, 4, 4):
        ReviewFactory(contract__freelancer=freelancer, rating=rating)
    assert api.get(f"/api/reviews/stats/{freelancer.pk}/").json()["average_rating"] == 4.33


# Author edits


def test_author_edits_while_hidden_but_not_after(client_api, freelancer_api, contract):
    review_id = review_by(client_api, contract, rating=3).json()["id"]
    response = client_api.patch(url(review_id), {"rating": 4, "comment": "Better on reflection"})
    assert response.status_code == 200 and response.json()["rating"] == 4
    review_by(freelancer_api, contract)
    response = client_api.patch(url(review_id), {"rating": 5})
    assert response.status_code == 400 and response.json()["code"] == "review_published"


def test_others_may_not_edit_a_visible_review(outsider_api, freelancer_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer, rating=2)
    assert outsider_api.patch(url(review), {"rating": 5}).status_code == 403
    assert freelancer_api.patch(url(review), {"rating": 5}).status_code == 403
    review.refresh_from_db()
    assert review.rating == 2


# Replies


def test_reviewee_replies_once(freelancer_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer)
    response = freelancer_api.post(url(review, "reply"), {"reply": "Thanks, it was a pleasure."})
    assert response.status_code == 200
    assert response.json()["reply"] == "Thanks, it was a pleasure." and response.json()["replied_at"]
    response = freelancer_api.post(url(review, "reply"), {"reply": "Again"})
    assert response.status_code == 400 and response.json()["code"] == "already_replied"


def test_reply_through_patch(freelancer_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer)
    assert freelancer_api.patch(url(review), {"reply": "Thank you"}).status_code == 200
    assert freelancer_api.patch(url(review), {"reply": "Twice"}).status_code == 400


def test_only_the_reviewee_replies(client_api, outsider_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer)
    assert client_api.post(url(review, "reply"), {"reply": "Me too"}).status_code == 403
    assert outsider_api.post(url(review, "reply"), {"reply": "Hi"}).status_code == 403


def test_hidden_review_cannot_be_replied_to(client_api, freelancer_api, contract):
    review_id = review_by(client_api, contract).json()["id"]
    assert freelancer_api.post(url(review_id, "reply"), {"reply": "Early"}).status_code == 404


def test_empty_reply_is_400(freelancer_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer)
    assert freelancer_api.post(url(review, "reply"), {"reply": ""}).status_code == 400


# Moderation


def test_moderator_removes_with_reason_audited_and_hidden_from_stats(moderator_api, api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer, rating=1)
    response = moderator_api.post(url(review, "remove"), {"reason": "Abusive language"})
    assert response.status_code == 200 and response.json()["is_removed"] is True
    audit = AuditLog.objects.get(action="review.removed")
    assert audit.target_id == str(review.pk) and audit.metadata["reason"] == "Abusive language"
    assert api.get(url(review)).status_code == 404
    assert api.get(f"/api/reviews/stats/{freelancer.pk}").json()["review_count"] == 0
    assert moderator_api.post(url(review, "remove"), {"reason": "Again"}).status_code == 409


def test_moderator_restores_a_removed_review(moderator_api, api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer, is_removed=True, removed_reason="Mistake")
    response = moderator_api.post(url(review, "restore"))
    assert response.status_code == 200 and response.json()["is_removed"] is False
    assert AuditLog.objects.filter(action="review.restored", target_id=str(review.pk)).exists()
    assert api.get(url(review)).status_code == 200
    assert moderator_api.post(url(review, "restore")).status_code == 409


def test_delete_is_removal_and_needs_a_reason(moderator_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer)
    assert moderator_api.delete(url(review)).status_code == 400
    assert moderator_api.delete(url(review), {"reason": "Fake review"}).status_code == 204
    review.refresh_from_db()
    assert review.is_removed and review.removed_reason == "Fake review"


def test_people_without_moderation_rights_cannot_remove(staff_api, freelancer_api, client_api, freelancer):
    review = ReviewFactory(contract__freelancer=freelancer)
    for api in (staff_api, freelancer_api, client_api):
        assert api.post(url(review, "remove"), {"reason": "I dislike it"}).status_code == 403
        assert api.delete(url(review), {"reason": "I dislike it"}).status_code == 403
    review.refresh_from_db()
    assert not review.is_removed


def test_removal_of_a_hidden_review_by_non_moderators_is_404(staff_api, freelancer_api, client_api, contract):
    review_id = review_by(client_api, contract).json()["id"]
    assert staff_api.post(url(review_id, "remove"), {"reason": "x"}).status_code == 404
    assert freelancer_api.delete(url(review_id), {"reason": "x"}).status_code == 404
