"""Project and freelancer search, global search and autocomplete: filters in the ORM, words through the backend.

Every function here answers with a constant number of queries whatever the number of rows: a count (plus the
planner's estimate when there are many), one page, and one query per prefetched relation.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, Skill, User, UserSkill
from megilance.queries import rows_in_order

from ..models import Contract, ContractStatus, Project, ProjectStatus, Review, Tag
from ..selectors import category_descendant_ids, project_list, project_public_list
from .backends import EXACT_COUNT, RANK_WINDOW, get_backend
from .params import FreelancerQuery, ProjectQuery

# A freelancer with this many active contracts is shown as busy by `available=true`.
AVAILABLE_BELOW_ACTIVE_CONTRACTS = 3


@dataclass
class SearchPage:
    items: list
    count: int
    is_estimate: bool = False
    fuzzy: bool = False
    facets: dict = field(default_factory=dict)


# Projects -----------------------------------------------------------------------------------------------------


def _skills_filter(names: list[str]) -> Q:
    wanted = Q()
    for name in names:
        wanted |= Q(name__iexact=name)
    return wanted


def project_filter(qs: QuerySet, query: ProjectQuery) -> QuerySet:
    """Everything but the words."""
    if query.category is not None:
        qs = qs.filter(category_id__in=category_descendant_ids([query.category.pk]))
    if query.skills:
        through = Project.skills.through
        qs = qs.filter(Exists(through.objects.filter(
            project_id=OuterRef("pk"), skill__in=Skill.objects.filter(_skills_filter(query.skills)))))
    if query.budget_type:
        qs = qs.filter(budget_type=query.budget_type)
    if query.budget_min is not None:
        qs = qs.filter(Q(budget_max__gte=query.budget_min) | Q(budget_max__isnull=True,
                                                               budget_min__gte=query.budget_min))
    if query.budget_max is not None:
        qs = qs.filter(Q(budget_min__lte=query.budget_max) | Q(budget_min__isnull=True,
                                                               budget_max__lte=query.budget_max))
    if query.experience_level:
        qs = qs.filter(experience_level=query.experience_level)
    if query.posted_within:
        since = timezone.now() - timedelta(days=query.posted_within)
        qs = qs.filter(created_at__gte=since)
    return qs


def project_scope(*, viewer, status: str | None) -> QuerySet:
    """Open public projects for everyone; another status only among the projects the viewer may see."""
    if not status or status == ProjectStatus.OPEN:
        return project_public_list()
    return project_list(viewer=viewer).filter(status=status)


def project_matches(query: ProjectQuery, *, viewer=None) -> QuerySet:
    qs = project_filter(project_scope(viewer=viewer, status=query.status), query)
    if query.q:
        qs = get_backend().filter_projects(qs, query.q)
    return qs


def _project_order(qs: QuerySet, query: ProjectQuery, *, window: int | None) -> QuerySet:
    """The matches in answer order, without related rows (those are loaded for one page only)."""
    qs = qs.select_related(None).prefetch_related(None)
    sort = query.effective_sort
    if sort == "relevance" and query.q:
        return get_backend().rank_projects(qs, query.q, window)
    if sort == "budget":
        return qs.order_by(F("budget_max").desc(nulls_last=True), "-id")
    return qs.order_by("-created_at", "-id")


def _with_project_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("client", "category").prefetch_related(None).prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name")),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )


def _page_of(ordered: QuerySet, offset: int, limit: int) -> list[Project]:
    """Two steps: the page's ids in order from the projects table alone, then those rows with their client,
    category, skills and tags. Joining before the LIMIT would make the planner join every match."""
    ids = list(ordered.values_list("pk", flat=True)[offset:offset + limit])
    return rows_in_order(_with_project_relations(Project.objects.all()), ids)


def project_search(query: ProjectQuery, *, viewer=None, offset: int = 0, limit: int = 20) -> SearchPage:
    backend = get_backend()
    matches = project_matches(query, viewer=viewer)
    counted = backend.count(matches)
    if counted.count == 0 and query.q and backend.supports_typos:
        # No word matched: look for titles with a word close to the query (a typo), best first.
        typo = backend.typo_projects(project_filter(project_scope(viewer=viewer, status=query.status), query),
                                     query.q)
        items = _page_of(typo.select_related(None).prefetch_related(None), offset, limit)
        return SearchPage(items=items, count=len(items) if offset == 0 else offset + len(items), fuzzy=True)
    small = not counted.is_estimate and counted.count <= EXACT_COUNT
    ordered = _project_order(matches, query, window=None if small else max(RANK_WINDOW, offset + limit))
    return SearchPage(items=_page_of(ordered, offset, limit), count=counted.count, is_estimate=counted.is_estimate)


def project_facets(query: ProjectQuery, *, viewer=None, sample: int = 200) -> dict:
    """Counts by category, budget type and experience among the matches: the newest `sample` of them when a
    query finds more, read in one query, so that facets never cost a scan of the whole table."""
    matches = project_matches(query, viewer=viewer).select_related(None).prefetch_related(None)
    rows = list(matches.order_by("-created_at", "-id").values_list(
        "category__slug", "category__name", "budget_type", "experience_level")[:sample])
    counters = {"category": Counter(), "budget_type": Counter(), "experience_level": Counter()}
    labels = {}
    for slug, name, budget_type, level in rows:
        if slug:
            counters["category"][slug] += 1
            labels[slug] = name
        counters["budget_type"][budget_type] += 1
        counters["experience_level"][level] += 1
    return {
        name: [{"value": value, "label": labels.get(value, value) if name == "category" else value, "count": n}
               for value, n in counter.most_common()]
        for name, counter in counters.items()
    }


# Freelancers --------------------------------------------------------------------------------------------------


def _visible_reviews():
    return Review.objects.filter(is_removed=False, visible_at__lte=timezone.now())


def freelancer_base() -> QuerySet[User]:
    """Active freelancers with their rating, review count and contract counts in the same query."""
    reviews = _visible_reviews().filter(reviewee_id=OuterRef("pk")).order_by().values("reviewee_id")
    contracts = Contract.objects.filter(freelancer_id=OuterRef("pk")).order_by().values("freelancer_id")
    return (
        User.objects.filter(role=Role.FREELANCER, is_active=True)
        .annotate(
            avg_rating=Subquery(reviews.annotate(v=Avg("rating")).values("v")[:1]),
            review_count=Coalesce(Subquery(reviews.annotate(v=Count("pk")).values("v")[:1],
                                           output_field=IntegerField()), 0),
            completed_contracts=Coalesce(Subquery(
                contracts.filter(status=ContractStatus.COMPLETED).annotate(v=Count("pk")).values("v")[:1],
                output_field=IntegerField()), 0),
            active_contracts=Coalesce(Subquery(
                contracts.filter(status=ContractStatus.ACTIVE).annotate(v=Count("pk")).values("v")[:1],
                output_field=IntegerField()), 0),
        )
        .prefetch_related(Prefetch("user_skills", queryset=UserSkill.objects.select_related("skill")
                                   .order_by("-proficiency_level", "skill__name")))
    )


def freelancer_matches(query: FreelancerQuery) -> QuerySet[User]:
    qs = freelancer_base()
    if query.skills:
        qs = qs.filter(Exists(UserSkill.objects.filter(
            user_id=OuterRef("pk"), skill__in=Skill.objects.filter(_skills_filter(query.skills)))))
    if query.min_rate is not None:
        qs = qs.filter(hourly_rate__gte=query.min_rate)
    if query.max_rate is not None:
        qs = qs.filter(hourly_rate__lte=query.max_rate)
    if query.location:
        qs = qs.filter(location__icontains=query.location)
    if query.min_rating is not None:
        # One grouped pass over the visible reviews, joined to the freelancers, rather than filtering on the
        # per-row rating subquery (which computes the rating of every active freelancer first).
        rated = (_visible_reviews().order_by().values("reviewee_id").annotate(v=Avg("rating"))
                 .filter(v__gte=query.min_rating).values("reviewee_id"))
        qs = qs.filter(pk__in=rated)
    if query.available is True:
        qs = qs.filter(active_contracts__lt=AVAILABLE_BELOW_ACTIVE_CONTRACTS)
    elif query.available is False:
        qs = qs.filter(active_contracts__gte=AVAILABLE_BELOW_ACTIVE_CONTRACTS)
    if query.q:
        qs = get_backend().filter_users(qs, query.q)
    return qs


def freelancer_search(query: FreelancerQuery, *, offset: int = 0, limit: int = 20) -> SearchPage:
    backend = get_backend()
    matches = freelancer_matches(query)
    counted = backend.count(matches)
    if counted.count == 0 and query.q and backend.supports_typos:
        typo = backend.typo_users(freelancer_matches(FreelancerQuery(**{**query.__dict__, "q": ""})), query.q)
        items = list(typo[offset:offset + limit])
        return SearchPage(items=items, count=offset + len(items), fuzzy=True)
    if not counted.is_estimate and counted.count <= EXACT_COUNT:
        candidates = matches
    else:
        # Many matches: rating and rank are computed for the newest profiles among them only (as projects rank
        # their newest matches), so one page never computes every freelancer's rating.
        window = max(RANK_WINDOW * 2, offset + limit)
        newest = matches.order_by("-id").values("pk")[:window]
        candidates = freelancer_base().filter(pk__in=newest)
    if query.q:
        ordered = backend.rank_users(candidates, query.q, None)
    else:
        ordered = candidates.order_by(F("avg_rating").desc(nulls_last=True), "-completed_contracts", "-id")
    items = list(ordered[offset:offset + limit])
    return SearchPage(items=items, count=counted.count, is_estimate=counted.is_estimate)


# Global and autocomplete --------------------------------------------------------------------------------------


def skill_search(q: str, *, limit: int) -> list[Skill]:
    return list(Skill.objects.filter(is_active=True, name__icontains=q).order_by("name")[:limit])


def tag_search(q: str, *, limit: int) -> list[Tag]:
    return list(Tag.objects.filter(name__icontains=q).order_by("-usage_count", "name")[:limit])


def global_search(q: str, *, viewer=None, limit: int = 5) -> dict:
    if not q:
        return {"projects": [], "freelancers": [], "skills": [], "tags": []}
    return {
        "projects": project_search(ProjectQuery(q=q), viewer=viewer, limit=limit).items,
        "freelancers": freelancer_search(FreelancerQuery(q=q), limit=limit).items,
        "skills": skill_search(q, limit=limit),
        "tags": tag_search(q, limit=limit),
    }


def autocomplete(q: str, *, limit: int = 8) -> list[dict]:
    q = (q or "").strip()
    if not q:
        return []
    return get_backend().suggest(q, limit)[: limit * 2]
