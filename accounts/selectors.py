from django.db.models import Prefetch, QuerySet

from .models import User, UserSkill


def users_with_skills() -> QuerySet[User]:
    return User.objects.prefetch_related(
        Prefetch("user_skills", queryset=UserSkill.objects.select_related("skill").order_by("id"))
    )


def user_public_list(*, viewer=None) -> QuerySet[User]:
    """Profiles anyone may see: active people. Staff see everyone."""
    qs = users_with_skills()
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return qs
    return qs.filter(is_active=True)
