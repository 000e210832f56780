"""Favorites, project views and follows: the ways people pay attention to projects and to each other."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marketplace.models import Project
from marketplace.selectors import project_list
from megilance.api.exceptions import ApplicationError, NotFound

from .. import events
from ..models import Favorite, FavoriteTarget, MetricType, ProjectView, UserFollow
from .analytics import analytics_increment

VIEW_WINDOW = timedelta(hours=1)


def favorite_target_exists(*, target_type: str, target_id: int, viewer) -> bool:
    if target_type == FavoriteTarget.PROJECT:
        return project_list(viewer=viewer).filter(pk=target_id).exists()
    if target_type == FavoriteTarget.FREELANCER:
        return get_user_model().objects.filter(pk=target_id, role="freelancer", is_active=True).exists()
    return False


@transaction.atomic
def favorite_add(*, user, target_type: str, target_id: int) -> tuple[Favorite, bool]:
    """Adding a favorite twice answers the existing one (created=False)."""
    if target_type not in FavoriteTarget.values:
        raise ApplicationError("target_type is project or freelancer.",
                               errors={"target_type": [f"Choose one of {FavoriteTarget.values}."]})
    existing = Favorite.objects.filter(user=user, target_type=target_type, target_id=target_id).first()
    if existing is not None:
        return existing, False
    if not favorite_target_exists(target_type=target_type, target_id=target_id, viewer=user):
        raise NotFound(f"That {target_type} does not exist.")
    try:
        with transaction.atomic():
            return Favorite.objects.create(user=user, target_type=target_type, target_id=target_id), True
    except IntegrityError:  # a double click raced the first request
        return Favorite.objects.get(user=user, target_type=target_type, target_id=target_id), False


@transaction.atomic
def favorite_remove(*, favorite: Favorite) -> None:
    favorite.delete()


@transaction.atomic
def project_view_record(*, project: Project, viewer) -> ProjectView | None:
    """Count a view at most once per viewer per hour; owners viewing their own project are not counted."""
    if viewer is None or not viewer.is_authenticated or viewer.pk == project.client_id:
        return None
    now = timezone.now()
    view = ProjectView.objects.select_for_update().filter(project=project, viewer=viewer).first()
    if view is None:
        try:
            with transaction.atomic():
                view = ProjectView.objects.create(project=project, viewer=viewer, view_count=1, last_viewed_at=now)
            analytics_increment(user_id=project.client_id, metric_type=MetricType.PROJECT_VIEWS)
            return view
        except IntegrityError:
            view = ProjectView.objects.select_for_update().get(project=project, viewer=viewer)
    if now - view.last_viewed_at >= VIEW_WINDOW:
        ProjectView.objects.filter(pk=view.pk).update(view_count=F("view_count") + 1, last_viewed_at=now)
        analytics_increment(user_id=project.client_id, metric_type=MetricType.PROJECT_VIEWS)
        view.refresh_from_db()
    return view


def profile_view_record(*, profile, viewer) -> bool:
    """Count a profile view at most once per viewer per hour (a cache key marks the hour); returns whether it
    counted. Owners viewing their own profile are not counted."""
    if viewer is None or not viewer.is_authenticated or viewer.pk == profile.pk:
        return False
    hour = timezone.now().strftime("%Y%m%d%H")
    if not cache.add(f"profile-view:{profile.pk}:{viewer.pk}:{hour}", 1, timeout=int(VIEW_WINDOW.total_seconds())):
        return False
    analytics_increment(user_id=profile.pk, metric_type=MetricType.PROFILE_VIEWS)
    return True


@transaction.atomic
def follow_create(*, follower, followee) -> tuple[UserFollow, bool]:
    if follower.pk == followee.pk:
        raise ApplicationError("You cannot follow yourself.", code="follow_self")
    if not followee.is_active:
        raise NotFound("User not found.")
    existing = UserFollow.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            follow = UserFollow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        return UserFollow.objects.get(follower=follower, followee=followee), False
    events.user_followed.send(sender=UserFollow, follow=follow)
    return follow, True


@transaction.atomic
def follow_delete(*, follower, followee) -> int:
    return UserFollow.objects.filter(follower=follower, followee=followee).delete()[0]
