from typing import NamedTuple

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from megilance.queries import row_values, without_joined

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


def with_person_summaries(queryset: QuerySet, *relations: str) -> QuerySet:
    """Each row carries the name and e-mail of the people it names (`<relation>_summary_name`, `..._email`), read
    in the same query without a user model instance per person: what `{id, name}` in a list needs
    (person_summary). These relations are no longer joined as whole users."""
    # Correlated subqueries rather than joins: a step that reads only the list's ids leaves them out entirely.
    return without_joined(queryset, *relations).annotate(**{
        f"{relation}_summary_{part}": Subquery(User.objects.filter(pk=OuterRef(f"{relation}_id")).values(part)[:1])
        for relation in relations for part in _SUMMARY_PARTS
    })


_SUMMARY_PARTS = ("name", "email")


def person_summary_columns(*relations: str) -> tuple[str, ...]:
    """The annotations with_person_summaries adds for these relations (for a row read as a dictionary)."""
    return tuple(f"{relation}_summary_{part}" for relation in relations for part in _SUMMARY_PARTS)


class PersonSummary(NamedTuple):
    pk: int
    display_name: str

    @property
    def id(self) -> int:
        return self.pk


def person_summary(row, relation: str):
    """The person `row.<relation>` as a list shows them (id and name): from with_person_summaries' annotations
    when the row (a model instance or a dictionary of its columns) has them, else the related user itself."""
    values = row_values(row)
    name_key = f"{relation}_summary_name"
    if name_key not in values:
        return getattr(row, relation)
    id_key = f"{relation}_id"
    pk = values[id_key] if id_key in values else getattr(row, id_key)
    if pk is None:
        return None
    return PersonSummary(pk, User.name_to_show(values[name_key], values[f"{relation}_summary_email"]))
