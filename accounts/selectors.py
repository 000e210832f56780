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


# What a list row shows of a person it names (`client: {id, name}`): the name falls back to the e-mail's local part.
PERSON_SUMMARY_FIELDS = ("id", "name", "email")


def with_person_summaries(queryset: QuerySet, *relations: str) -> QuerySet:
    """Join these user relations loading only what a person summary needs (User.display_name), and every column
    of the rows themselves: a page of 100 rows then reads and converts 300 user values, not 2,000."""
    own = [field.name for field in queryset.model._meta.concrete_fields]
    people = [f"{relation}__{name}" for relation in relations for name in PERSON_SUMMARY_FIELDS]
    return queryset.select_related(*relations).only(*own, *people)

