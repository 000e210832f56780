"""Catalog: the skills a freelancer lists, the category tree's counters and tags on projects."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from accounts.models import Skill, User, UserSkill
from accounts.services import skills_get_or_create
from megilance.api.exceptions import ApplicationError, Forbidden

from ..models import Category, Project, ProjectTag, Tag, TagType
from ..selectors import PUBLIC_PROJECT

# User skills --------------------------------------------------------------------------------------------------


def _check_level(proficiency_level, years_of_experience) -> None:
    errors = {}
    if proficiency_level is not None and not 1 <= int(proficiency_level) <= 5:
        errors["proficiency_level"] = ["Proficiency is a level from 1 to 5."]
    if years_of_experience is not None and not 0 <= int(years_of_experience) <= 80:
        errors["years_of_experience"] = ["Years of experience must be between 0 and 80."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid", errors=errors)


@transaction.atomic
def user_skill_add(
    *,
    user: User,
    skill: Skill | None = None,
    skill_name: str = "",
    proficiency_level: int = 3,
    years_of_experience: int = 0,
) -> UserSkill:
    """Add a skill to a freelancer's profile, by skill or by name (an unknown name becomes a new skill)."""
    if not user.is_freelancer:
        raise Forbidden("Only freelancers list skills on their profile.")
    _check_level(proficiency_level, years_of_experience)
    if skill is None:
        found = skills_get_or_create([skill_name]) if skill_name else []
        if not found:
            raise ApplicationError("Give a skill_id or a skill_name.", errors={"skill_id": ["This field is required."]})
        skill = found[0]
    if UserSkill.objects.filter(user=user, skill=skill).exists():
        raise ApplicationError("This skill is already on your profile.", code="duplicate_skill",
                               errors={"skill_id": ["This skill is already on your profile."]})
    try:
        with transaction.atomic():
            return UserSkill.objects.create(user=user, skill=skill, proficiency_level=proficiency_level,
                                            years_of_experience=years_of_experience)
    except IntegrityError as exc:  # a double click that slipped past the check above
        raise ApplicationError("This skill is already on your profile.", code="duplicate_skill") from exc


@transaction.atomic
def user_skill_update(
    *,
    user_skill: UserSkill,
    proficiency_level: int | None = None,
    years_of_experience: int | None = None,
) -> UserSkill:
    """Change level or years. `is_verified` is staff business and stays as it is."""
    _check_level(proficiency_level, years_of_experience)
    changed = []
    if proficiency_level is not None and proficiency_level != user_skill.proficiency_level:
        user_skill.proficiency_level = proficiency_level
        changed.append("proficiency_level")
    if years_of_experience is not None and years_of_experience != user_skill.years_of_experience:
        user_skill.years_of_experience = years_of_experience
        changed.append("years_of_experience")
    if changed:
        user_skill.save(update_fields=changed)
    return user_skill


@transaction.atomic
def user_skill_remove(*, user_skill: UserSkill) -> None:
    user_skill.delete()


# Categories ---------------------------------------------------------------------------------------------------


def categories_recount(*, category_ids: Iterable[int | None]) -> None:
    """Set `project_count` of the given categories to their open, visible projects (filed directly under them).

    One UPDATE with a subquery, so concurrent changes cannot leave a stale count behind the last writer.
    Call it after anything that changes which category a project is in or whether it counts.
    """
    ids = {pk for pk in category_ids if pk}
    if not ids:
        return
    counted = (
        Project.objects.filter(PUBLIC_PROJECT, category_id=OuterRef("pk"))
        .order_by().values("category_id").annotate(n=Count("pk")).values("n")
    )
    Category.objects.filter(pk__in=ids).update(
        project_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )


def categories_recount_all() -> None:
    """Recount every category (after a bulk import or the demo seed)."""
    categories_recount(category_ids=Category.objects.values_list("pk", flat=True))


# Tags ---------------------------------------------------------------------------------------------------------


def _clean_tag_name(name: str) -> str:
    name = " ".join(str(name or "").split())[:50]
    if not name or not slugify(name):
        raise ApplicationError("A tag needs a name with letters or digits.", errors={"name": ["Invalid tag name."]})
    return name


def _unique_tag_slug(name: str) -> str:
    base = slugify(name)[:55] or "tag"
    candidate, n = base, 1
    while Tag.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def tag_get_or_create(*, name: str, type: str = TagType.PROJECT) -> tuple[Tag, bool]:
    """The tag with this name (case-insensitive), created if new. Returns (tag, created)."""
    name = _clean_tag_name(name)
    if type not in TagType.values:
        raise ApplicationError("Unknown tag type.", errors={"type": ["Must be project or skill."]})
    existing = Tag.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, slug=_unique_tag_slug(name), type=type), True
    except IntegrityError:
        # Someone created the same tag at the same moment: theirs is ours.
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            raise ApplicationError("This tag could not be saved; try again.", code="tag_conflict") from None
        return tag, False


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    tags, seen = [], set()
    for name in names:
        tag, _ = tag_get_or_create(name=name)
        if tag.pk not in seen:
            seen.add(tag.pk)
            tags.append(tag)
    return tags


def tags_recount(*, tag_ids: Iterable[int]) -> None:
    """Set `usage_count` to the number of projects carrying each tag."""
    ids = {pk for pk in tag_ids if pk}
    if not ids:
        return
    counted = (
        ProjectTag.objects.filter(tag_id=OuterRef("pk")).order_by().values("tag_id")
        .annotate(n=Count("pk")).values("n")
    )
    Tag.objects.filter(pk__in=ids).update(
        usage_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )


@transaction.atomic
def project_tags_set(*, project: Project, names: Iterable[str]) -> list[Tag]:
    """Make the project's tags exactly `names` (used by project create and update)."""
    tags = tags_get_or_create(names)
    keep = {t.pk for t in tags}
    before = set(ProjectTag.objects.filter(project=project).values_list("tag_id", flat=True))
    ProjectTag.objects.filter(project=project).exclude(tag_id__in=keep).delete()
    ProjectTag.objects.bulk_create(
        [ProjectTag(project=project, tag=t) for t in tags if t.pk not in before], ignore_conflicts=True
    )
    tags_recount(tag_ids=before | keep)
    return tags


def _check_owner(project: Project, actor: User) -> None:
    if actor is None or project.client_id != actor.pk:
        raise Forbidden("Only the project's client may change its tags.")


@transaction.atomic
def project_tag_add(*, project: Project, actor: User, tag: Tag | None = None, name: str = "") -> tuple[Tag, bool]:
    """Tag a project (by tag or by name; a new name makes a new tag). Returns (tag, added)."""
    _check_owner(project, actor)
    if tag is None:
        tag, _ = tag_get_or_create(name=name)
    _, added = ProjectTag.objects.get_or_create(project=project, tag=tag)
    if added:
        tags_recount(tag_ids=[tag.pk])
        tag.refresh_from_db(fields=["usage_count"])
    return tag, added


@transaction.atomic
def project_tag_remove(*, project: Project, actor: User, tag: Tag) -> None:
    _check_owner(project, actor)
    deleted, _ = ProjectTag.objects.filter(project=project, tag=tag).delete()
    if not deleted:
        raise ApplicationError("This project does not carry that tag.", code="not_found", status_code=404)
    tags_recount(tag_ids=[tag.pk])
