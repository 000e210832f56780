"""What is trending: projects and freelancers by attention in the last 7 days, skills and tags by use in new
projects.

Attention is views, proposals and favorites, each weighted and decayed by age (half-life of two days), so that a
burst last week weighs less than a steady stream today. Views and favorites live in the engagement app, which the
marketplace may not import; they are read through the app registry when that app is installed, and the ranking
falls back to proposals alone otherwise. Results are cached for a few minutes: trending is a summary, not a feed.
"""

import math
from collections import defaultdict
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Skill

from ..models import Project, Proposal, Tag

WINDOW_DAYS = 7
HALF_LIFE_DAYS = 2.0
WEIGHTS = {"view": 1.0, "favorite": 3.0, "proposal": 5.0}
CACHE_SECONDS = 300


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _decay(day, today) -> float:
    age = max((today - day).days, 0)
    return math.pow(0.5, age / HALF_LIFE_DAYS)


def _add(scores, rows, key, kind, amount="n"):
    today = timezone.now().date()
    for row in rows:
        scores[row[key]] += WEIGHTS[kind] * float(row[amount] or 0) * _decay(row["day"], today)


def project_attention(since) -> dict[int, float]:
    """Decayed attention per project id: one grouped query per source."""
    scores: dict[int, float] = defaultdict(float)
    rows = (Proposal.objects.filter(created_at__gte=since).annotate(day=TruncDate("created_at"))
            .values("project_id", "day").annotate(n=Count("pk")).order_by())
    _add(scores, rows, "project_id", "proposal")
    view = _model("engagement.ProjectView")
    if view is not None:
        rows = (view.objects.filter(last_viewed_at__gte=since).annotate(day=TruncDate("last_viewed_at"))
                .values("project_id", "day").annotate(n=Sum("view_count")).order_by())
        _add(scores, rows, "project_id", "view")
    favorite = _model("engagement.Favorite")
    if favorite is not None:
        rows = (favorite.objects.filter(target_type="project", created_at__gte=since)
                .annotate(day=TruncDate("created_at")).values("target_id", "day").annotate(n=Count("pk"))
                .order_by())
        _add(scores, rows, "target_id", "favorite")
    return scores


def freelancer_attention(since) -> dict[int, float]:
    scores: dict[int, float] = defaultdict(float)
    rows = (Proposal.objects.filter(created_at__gte=since).annotate(day=TruncDate("created_at"))
            .values("freelancer_id", "day").annotate(n=Count("pk")).order_by())
    _add(scores, rows, "freelancer_id", "proposal")
    favorite = _model("engagement.Favorite")
    if favorite is not None:
        rows = (favorite.objects.filter(target_type="freelancer", created_at__gte=since)
                .annotate(day=TruncDate("created_at")).values("target_id", "day").annotate(n=Count("pk"))
                .order_by())
        _add(scores, rows, "target_id", "favorite")
    return scores


def _top(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:limit]


def trending_ids(kind: str, *, limit: int = 10) -> list[tuple[int, float]]:
    """[(id, score)] best first; cached. Skills and tags score by use in projects posted in the window."""
    key = f"search:trending:{kind}:{limit}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    if kind == "projects":
        result = _top(project_attention(since), limit * 3)
    elif kind == "freelancers":
        result = _top(freelancer_attention(since), limit * 3)
    elif kind == "skills":
        rows = (Project.skills.through.objects.filter(project__created_at__gte=since)
                .values("skill_id").annotate(n=Count("pk")).order_by("-n", "skill_id")[:limit])
        result = [(row["skill_id"], float(row["n"])) for row in rows]
    else:
        rows = (Project.tags.through.objects.filter(project__created_at__gte=since)
                .values("tag_id").annotate(n=Count("pk")).order_by("-n", "tag_id")[:limit])
        result = [(row["tag_id"], float(row["n"])) for row in rows]
    cache.set(key, result, CACHE_SECONDS)
    return result


def trending(kind: str, *, limit: int = 10) -> list[tuple[object, float]]:
    """[(object, score)]: projects (open, public), freelancers (active), skills or tags."""
    from ..selectors import PUBLIC_PROJECT
    from .service import _with_project_relations, freelancer_base

    ranked = trending_ids(kind, limit=limit)
    ids = [pk for pk, _ in ranked]
    if kind == "projects":
        objects = _with_project_relations(Project.objects.filter(PUBLIC_PROJECT, pk__in=ids))
    elif kind == "freelancers":
        objects = freelancer_base().filter(pk__in=ids)
    elif kind == "skills":
        objects = Skill.objects.filter(pk__in=ids, is_active=True)
    else:
        objects = Tag.objects.filter(pk__in=ids)
    by_id = {obj.pk: obj for obj in objects}
    return [(by_id[pk], score) for pk, score in ranked if pk in by_id][:limit]
