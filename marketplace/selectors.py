"""Reads of the marketplace, scoped to who may see them.

A project is public when it is open, public and not hidden by staff. Its client sees it in every state, a
freelancer who bid on it keeps seeing it (unless staff hid it), and staff with the view permission (the
Moderation group, superusers) see everything. Anything else answers 404.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Skill, UserSkill
from accounts.selectors import person_summary_columns
from megilance.queries import any_of, row_values, without_joined

from .models import (
    Category,
    Project,
    ProjectStatus,
    ProjectTag,
    Proposal,
    Tag,
    Visibility,
)

PUBLIC_PROJECT = Q(status=ProjectStatus.OPEN, visibility=Visibility.PUBLIC, is_hidden=False)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _staff_may(user, perm: str) -> bool:
    # Only staff can hold moderation permissions; checking is_staff first spares everyone else the lookup.
    return _signed_in(user) and user.is_active and user.is_staff and user.has_perm(perm)


def can_view_all_projects(user) -> bool:
    return _staff_may(user, "marketplace.view_project")


def can_view_all_proposals(user) -> bool:
    return _staff_may(user, "marketplace.view_proposal")


# Skills -------------------------------------------------------------------------------------------------------


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.filter(is_active=True).order_by("name")


def skill_categories() -> list[str]:
    return list(
        Skill.objects.filter(is_active=True).exclude(category="")
        .order_by("category").values_list("category", flat=True).distinct()
    )


def user_skill_list(*, user) -> QuerySet[UserSkill]:
    """Only the caller's own rows: someone else's answer 404."""
    if not _signed_in(user):
        return UserSkill.objects.none()
    return UserSkill.objects.filter(user=user).select_related("skill").order_by("id")


# Categories ---------------------------------------------------------------------------------------------------


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


def category_by_slug_or_name(value: str) -> Category | None:
    """An active category given by its slug or its name (case-insensitive); the slug wins."""
    value = (value or "").strip()
    if not value:
        return None
    active = Category.objects.filter(is_active=True)
    return (
        active.filter(slug__iexact=value).first()
        or active.filter(name__iexact=value).order_by("parent_id", "id").first()
    )


def category_descendant_ids(category_ids: Iterable[int]) -> set[int]:
    """The given categories and all their subcategories, at any depth, from one query."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), list(category_ids)
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, ()))
    return found


def category_tree() -> list[dict]:
    """Active categories as nested dicts with `children`, from one query. A child of an inactive parent is
    left out with its parent."""
    nodes = list(Category.objects.filter(is_active=True).order_by("sort_order", "name", "id"))
    by_parent: dict[int | None, list[Category]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def build(parent_id, depth=0):
        return [
            {
                "id": node.pk, "name": node.name, "slug": node.slug, "description": node.description,
                "icon": node.icon, "parent_id": node.parent_id, "sort_order": node.sort_order,
                "project_count": node.project_count,
                "children": build(node.pk, depth + 1) if depth < 20 else [],
            }
            for node in by_parent.get(parent_id, [])
        ]

    return build(None)


# Tags ---------------------------------------------------------------------------------------------------------


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.all().order_by("name")


def tag_popular(*, limit: int = 20) -> QuerySet[Tag]:
    return Tag.objects.filter(usage_count__gt=0).order_by("-usage_count", "name")[:limit]


def tag_by_id_or_slug(value: str) -> Tag | None:
    value = str(value)
    if value.isdigit():
        return Tag.objects.filter(pk=int(value)).first()
    return Tag.objects.filter(slug=value).first()


def project_tag_list(*, project: Project) -> QuerySet[Tag]:
    return Tag.objects.filter(project_tags__project=project).order_by("name")


# Projects -----------------------------------------------------------------------------------------------------


def _project_base() -> QuerySet[Project]:
    # The search vectors (half of a project row, and part of its client's) serve search inside PostgreSQL only:
    # never read into Python.
    return Project.objects.select_related("client", "category").defer(
        "search_vector", "client__search_vector",
    ).prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name")),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )


def project_list(*, viewer=None) -> QuerySet[Project]:
    """Projects the viewer may see (see the module docstring)."""
    qs = _project_base()
    if can_view_all_projects(viewer):
        return qs
    if not _signed_in(viewer):
        return qs.filter(PUBLIC_PROJECT)
    # The projects the viewer bid on are read once (one hashed list of ids), not tested row by row, so the
    # newest-first index still serves the page and the viewer's own rows are checked as it walks.
    bid_on = Proposal.objects.filter(freelancer_id=viewer.pk).order_by().values("project_id")
    return qs.filter(PUBLIC_PROJECT | Q(client_id=viewer.pk) | Q(pk__in=bid_on, is_hidden=False))


def with_category_names(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Each project carries its category's slug and name (`category_summary_slug`, `category_summary_name`)
    instead of a joined category instance: what a list row shows of it. Correlated subqueries rather than a join:
    a step that reads only the list's ids leaves them out entirely. (PostgreSQL drops an unused LEFT JOIN, but
    still plans as if the join's column were read, so a join kept the ids step off an index-only scan: page
    10,000 of the public list read 200,000 table rows instead of the index alone, 150 ms instead of 30.)"""
    category = Category.objects.filter(pk=OuterRef("category_id"))
    return without_joined(queryset, "category").annotate(**{
        f"category_summary_{part}": Subquery(category.values(part)[:1]) for part in ("slug", "name")})


# What the fields of a project list row that are not its own columns read from it: the category (slug and name,
# and whether there is one) and the client (with_person_summaries).
PROJECT_LIST_EXTRA_COLUMNS = (
    "category_id", "category_summary_slug", "category_summary_name", *person_summary_columns("client"),
)


def project_names_attach(projects: list) -> list:
    """Set `skill_names` and `tag_names` (lists of names in alphabetical order) on a page of projects (model
    instances, or dictionaries of their columns): one statement of (project id, kind, name) rows instead
    of a model instance for every skill and tag of the page. Pass a queryset without the skill and tag prefetch
    (`.prefetch_related(None)`)."""
    rows = [row_values(project) for project in projects]
    ids = [row["id"] for row in rows]
    names = {(pk, kind): [] for pk in ids for kind in ("skill", "tag")}
    if ids:
        where, params = any_of("l.project_id", ids)
        skills, skill_links = Skill._meta.db_table, Project.skills.through._meta.db_table
        tags, tag_links = Tag._meta.db_table, ProjectTag._meta.db_table
        sql = (f"SELECT l.project_id, 'skill', s.name FROM {skill_links} l JOIN {skills} s ON s.id = l.skill_id "
               f"WHERE {where} "
               f"UNION ALL SELECT l.project_id, 'tag', t.name FROM {tag_links} l JOIN {tags} t ON t.id = l.tag_id "
               f"WHERE {where} ORDER BY 3")
        with connection.cursor() as cursor:
            cursor.execute(sql, params + params)
            for project_id, kind, name in cursor.fetchall():
                names[(project_id, kind)].append(name)
    for row in rows:
        row["skill_names"] = names[(row["id"], "skill")]
        row["tag_names"] = names[(row["id"], "tag")]
    return projects


def project_public_list() -> QuerySet[Project]:
    """What the public browse pages show, for everyone alike: open, public, not hidden."""
    return _project_base().filter(PUBLIC_PROJECT)


def project_owned_by(*, user) -> QuerySet[Project]:
    """Projects the user may change: their own. Someone else's project answers 404 to a write."""
    if not _signed_in(user):
        return Project.objects.none()
    return _project_base().filter(client_id=user.pk)


def project_in_categories(*, category: Category) -> QuerySet[Project]:
    """Open visible projects filed under the category or any of its subcategories."""
    return project_public_list().filter(category_id__in=category_descendant_ids([category.pk]))


def project_get_visible(*, viewer, pk) -> Project | None:
    return project_list(viewer=viewer).filter(pk=pk).first()


# Proposals ----------------------------------------------------------------------------------------------------


def _proposal_base() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("project", "project__client", "freelancer", "contract").defer(
        "project__search_vector", "project__client__search_vector", "freelancer__search_vector",
    )


def proposal_list(*, viewer) -> QuerySet[Proposal]:
    """The project's client sees every proposal on it; a freelancer sees their own; others see none."""
    qs = _proposal_base()
    if can_view_all_proposals(viewer):
        return qs
    if not _signed_in(viewer):
        return qs.none()
    # Both sides are columns of proposals (the client is copied from the project), so PostgreSQL combines the
    # two indexes; a condition across the join to projects would scan every proposal.
    return qs.filter(Q(freelancer_id=viewer.pk) | Q(client_id=viewer.pk))

