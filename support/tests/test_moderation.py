import pytest

from accounts.models import AuditLog
from marketplace.tests.factories import ProjectFactory, ReviewFactory
from megilance.api.exceptions import ApplicationError, Conflict, Forbidden
from support import moderation

pytestmark = pytest.mark.django_db


def test_suspend_and_reactivate_are_audited_and_reversible(moderator, client_user):
    moderation.user_suspend(user=client_user, actor=moderator, reason="Fraudulent payments")
    client_user.refresh_from_db()
    assert not client_user.is_active
    with pytest.raises(Conflict):
        moderation.user_suspend(user=client_user, actor=moderator, reason="again")
    moderation.user_reactivate(user=client_user, actor=moderator)
    client_user.refresh_from_db()
    assert client_user.is_active
    assert list(AuditLog.objects.filter(user=client_user, action__startswith="user.").values_list(
        "action", flat=True).order_by("pk")) == ["user.deactivated", "user.reactivated"]


def test_suspension_needs_a_reason_and_a_moderator(moderator, staff_user, client_user, superuser):
    with pytest.raises(ApplicationError):
        moderation.user_suspend(user=client_user, actor=moderator, reason=" ")
    with pytest.raises(Forbidden):
        moderation.user_suspend(user=client_user, actor=staff_user, reason="x")
    with pytest.raises(Forbidden):
        moderation.user_suspend(user=superuser, actor=moderator, reason="x")


def test_hide_project_and_remove_review_through_marketplace(moderator):
    project = ProjectFactory()
    moderation.project_moderate_hide(project=project, actor=moderator, reason="Spam")
    project.refresh_from_db()
    assert project.is_hidden
    moderation.project_moderate_unhide(project=project, actor=moderator)
    review = ReviewFactory()
    moderation.review_moderate_remove(review=review, actor=moderator, reason="Insults")
    review.refresh_from_db()
    assert review.is_removed
    moderation.review_moderate_restore(review=review, actor=moderator)
    review.refresh_from_db()
    assert not review.is_removed
    assert AuditLog.objects.filter(actor=moderator, action__in=["project.hidden", "review.removed"]).count() == 2
