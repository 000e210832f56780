"""Matching freelancers to projects and projects to freelancers, and price estimates from past work.

Scores are a weighted sum of signals a client would weigh themselves, each between 0 and 1:
skill overlap (0.40), text similarity between the project and the profile (0.20), rating (0.15), completed
contracts (0.15) and rate fit (0.10). Every match carries the reasons behind its place, in words. Candidates are
bounded (freelancers sharing a skill with the project, the newest open projects sharing a skill with the
freelancer), so one call costs a fixed number of queries whatever the size of the marketplace.
"""

import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import Skill, UserSkill

from .models import LIVE_PROPOSAL_STATUSES, BudgetType, Contract, ContractStatus, Project, ProjectStatus, Proposal
from .search.service import freelancer_base
from .selectors import category_descendant_ids, project_public_list

WEIGHTS = {"skills": 0.40, "text": 0.20, "rating": 0.15, "experience": 0.15, "rate": 0.10}
CANDIDATES = 300
STOP_WORDS = ("a an and are as at be by for from has have in is it of on or our the to we with you your this that "
              "will need needs looking want project work")
STOP = frozenset(STOP_WORDS.split())
TOKEN = re.compile(r"[a-z0-9][a-z0-9+#.]*[a-z0-9+#]|[a-z0-9]")


def words(*texts: str) -> set[str]:
    found = set()
    for text in texts:
        for word in TOKEN.findall((text or "").lower()):
            if len(word) > 2 and word not in STOP:
                found.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return found


def text_similarity(a: set[str], b: set[str]) -> tuple[float, list[str]]:
    """Share of the smaller side's words found in the other (0..1), and the shared words."""
    if not a or not b:
        return 0.0, []
    shared = sorted(a & b)
    return len(shared) / min(len(a), len(b), 12), shared


def rate_fit(rate, low, high) -> float | None:
    """1 inside the range, falling off with the distance outside it; None when there is nothing to compare."""
    if rate is None or (low is None and high is None):
        return None
    rate = Decimal(rate)
    low = Decimal(low) if low is not None else Decimal(0)
    high = Decimal(high) if high is not None else rate
    if low <= rate <= high:
        return 1.0
    gap = (low - rate) if rate < low else (rate - high)
    return max(0.0, 1.0 - float(gap / max(high, Decimal(1))))


@dataclass
class Match:
    obj: object
    score: float
    reasons: list[str] = field(default_factory=list)


def _score(*, skill_share, skill_names, total_skills, text, shared_words, rating, reviews, completed, fit,
           rate_text) -> tuple[float, list[str]]:
    reasons = []
    if skill_names:
        reasons.append(f"Has {len(skill_names)} of {total_skills} required skills: {', '.join(skill_names)}")
    if shared_words:
        reasons.append(f"Profile and project share: {', '.join(shared_words[:5])}")
    if rating is not None:
        reasons.append(f"Rated {rating:.1f} from {reviews} review{'s' if reviews != 1 else ''}")
    if completed:
        reasons.append(f"Completed {completed} contract{'s' if completed != 1 else ''} on MegiLance")
    if fit is not None and rate_text:
        reasons.append(rate_text)
    score = (WEIGHTS["skills"] * skill_share + WEIGHTS["text"] * text
             + WEIGHTS["rating"] * ((rating or 0) / 5) + WEIGHTS["experience"] * min(completed, 10) / 10
             + WEIGHTS["rate"] * (0.5 if fit is None else fit))
    return round(score, 4), reasons


def _money(value) -> str:
    return f"{Decimal(value):,.0f}"


def match_freelancers(*, project: Project, limit: int = 10) -> list[Match]:
    """Freelancers for the project, best first."""
    project_skills = {s.pk: s.name for s in project.skills.all()}
    qs = freelancer_base().exclude(pk=project.client_id)
    if project_skills:
        qs = qs.annotate(shared=Count("user_skills", filter=Q(user_skills__skill_id__in=list(project_skills)),
                                      distinct=True)).filter(shared__gt=0).order_by("-shared", "-id")
    else:
        qs = qs.order_by("-id")
    project_words = words(project.title, project.description)
    matches = []
    for person in qs[:CANDIDATES]:
        names = [row.skill.name for row in person.user_skills.all() if row.skill_id in project_skills]
        similarity, shared = text_similarity(project_words, words(
            person.title, person.bio, *[row.skill.name for row in person.user_skills.all()]))
        fit = rate_fit(person.hourly_rate, project.budget_min, project.budget_max) \
            if project.budget_type == BudgetType.HOURLY else None
        rate_text = (f"Hourly rate {_money(person.hourly_rate)} {project.currency} "
                     f"{'fits' if fit == 1.0 else 'is outside'} the budget") if fit is not None else ""
        score, reasons = _score(
            skill_share=len(names) / len(project_skills) if project_skills else 0.0, skill_names=sorted(names),
            total_skills=len(project_skills), text=similarity, shared_words=shared,
            rating=None if person.avg_rating is None else float(person.avg_rating), reviews=person.review_count,
            completed=person.completed_contracts, fit=fit, rate_text=rate_text)
        matches.append(Match(person, score, reasons))
    matches.sort(key=lambda m: (-m.score, -m.obj.pk))
    return matches[:limit]


def recommended_projects(*, freelancer, limit: int = 10) -> list[Match]:
    """Open projects for the freelancer, best first, leaving out those they already bid on."""
    own = list(UserSkill.objects.filter(user=freelancer).select_related("skill"))
    own_ids = {row.skill_id for row in own}
    live_bid = Proposal.objects.filter(project=OuterRef("pk"), freelancer=freelancer,
                                       status__in=LIVE_PROPOSAL_STATUSES)
    qs = project_public_list().exclude(client_id=freelancer.pk).exclude(Exists(live_bid))
    if own_ids:
        through = Project.skills.through
        qs = qs.filter(Exists(through.objects.filter(project_id=OuterRef("pk"), skill_id__in=own_ids)))
    profile_words = words(freelancer.title, freelancer.bio, *[row.skill.name for row in own])
    matches = []
    for project in qs.order_by("-created_at", "-id")[:CANDIDATES]:
        required = {s.pk: s.name for s in project.skills.all()}
        names = sorted(name for pk, name in required.items() if pk in own_ids)
        similarity, shared = text_similarity(words(project.title, project.description), profile_words)
        fit = rate_fit(freelancer.hourly_rate, project.budget_min, project.budget_max) \
            if project.budget_type == BudgetType.HOURLY else None
        rate_text = "Your hourly rate fits the budget" if fit == 1.0 else (
            "Your hourly rate is outside the budget" if fit is not None else "")
        score, reasons = _score(
            skill_share=len(names) / len(required) if required else 0.0, skill_names=names,
            total_skills=len(required), text=similarity, shared_words=shared, rating=None, reviews=0,
            completed=0, fit=fit, rate_text=rate_text)
        matches.append(Match(project, score, reasons))
    matches.sort(key=lambda m: (-m.score, -m.obj.pk))
    return matches[:limit]


def estimate_price(*, category=None, skills: list[str] | None = None, experience_level: str | None = None,
                   budget_type: str = BudgetType.FIXED) -> dict:
    """A budget range (25th, 50th and 75th percentile) from comparable completed projects: the accepted contract's
    amount or rate where there is one, else the middle of the project's budget. Criteria are relaxed one at a
    time (experience, then skills, then category) until at least MIN_COMPARABLE projects are found."""
    skill_ids = list(Skill.objects.filter(
        Q(*[Q(name__iexact=name) for name in (skills or [])], _connector=Q.OR) if skills else Q(pk__in=[]))
        .values_list("pk", flat=True)) if skills else []
    base = Project.objects.filter(status=ProjectStatus.COMPLETED, budget_type=budget_type)
    criteria = []
    if category is not None:
        criteria.append(("category", Q(category_id__in=category_descendant_ids([category.pk]))))
    if skill_ids:
        through = Project.skills.through
        criteria.append(("skills", Q(Exists(through.objects.filter(project_id=OuterRef("pk"),
                                                                   skill_id__in=skill_ids)))))
    if experience_level:
        criteria.append(("experience_level", Q(experience_level=experience_level)))
    values, used = [], []
    while True:
        qs = base
        for _, condition in criteria:
            qs = qs.filter(condition)
        values = _comparable_amounts(qs, budget_type)
        used = [name for name, _ in criteria]
        if len(values) >= MIN_COMPARABLE or not criteria:
            break
        criteria.pop()  # relax the most specific criterion first
    if not values:
        return {"currency": "USD", "low": None, "median": None, "high": None, "based_on": 0, "criteria": used,
                "budget_type": budget_type}
    values.sort()
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    rounding = Decimal("1") if budget_type == BudgetType.FIXED else Decimal("0.01")
    low, median, high = (Decimal(v).quantize(rounding) for v in quartiles)
    return {"currency": "USD", "low": low, "median": median, "high": high, "based_on": len(values),
            "criteria": used, "budget_type": budget_type}


MIN_COMPARABLE = 5
SAMPLE = 500


def _comparable_amounts(qs, budget_type: str) -> list[Decimal]:
    accepted = Contract.objects.filter(project_id=OuterRef("pk")).exclude(status=ContractStatus.CANCELLED)
    field_name = "amount" if budget_type == BudgetType.FIXED else "hourly_rate"
    rows = (qs.filter(currency="USD").annotate(agreed=accepted.values(field_name)[:1])
            .order_by("-updated_at", "-id").values_list("agreed", "budget_min", "budget_max")[:SAMPLE])
    amounts = []
    for agreed, low, high in rows:
        if agreed is not None:
            amounts.append(Decimal(agreed))
        elif low is not None and high is not None:
            amounts.append((Decimal(low) + Decimal(high)) / 2)
        elif low is not None or high is not None:
            amounts.append(Decimal(low if low is not None else high))
    return amounts

