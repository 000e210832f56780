"""Parsing and checking of search query strings. Anything odd (negative or non-numeric amounts, unknown
choices, a query longer than anyone types) is refused with 400 and the field's error, never a 500."""

from dataclasses import dataclass, field
from decimal import Decimal

from rest_framework import serializers

from ..models import BudgetType, ExperienceLevel, ProjectStatus
from ..selectors import category_by_slug_or_name

MAX_QUERY_LENGTH = 200
MAX_SKILLS = 20
PROJECT_SORTS = ("relevance", "newest", "budget")
TRENDING_TYPES = ("projects", "freelancers", "skills", "tags")


def split_names(values) -> list[str]:
    """`skills=React,Django` and `skills=React&skills=Django` alike, without blanks or repeats."""
    names: list[str] = []
    for value in values or []:
        for part in str(value).split(","):
            part = part.strip()
            if part and part.lower() not in {name.lower() for name in names}:
                names.append(part[:80])
    return names


class _LowerChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        return super().to_internal_value(data.strip().lower() if isinstance(data, str) else data)


class _NamesField(serializers.ListField):
    child = serializers.CharField(max_length=800)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        names = split_names(super().to_internal_value(data))
        if len(names) > MAX_SKILLS:
            raise serializers.ValidationError(f"Give at most {MAX_SKILLS} skills.")
        return names


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), required=False,
                                    **kwargs)


class _QueryField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_QUERY_LENGTH, required=False, allow_blank=True, default="", **kwargs)


class ProjectSearchSerializer(serializers.Serializer):
    q = _QueryField(help_text="Words to find; quotes, OR and -word work as on search engines.")
    category = serializers.CharField(max_length=110, required=False, help_text="Category slug or name; "
                                     "includes its subcategories")
    skills = _NamesField(required=False, help_text="Skill names, comma-separated or repeated; any matches")
    budget_type = _LowerChoiceField(choices=BudgetType.choices, required=False)
    budget_min = _money(help_text="The budget reaches at least this much")
    budget_max = _money(help_text="The budget starts at most at this much")
    experience_level = _LowerChoiceField(choices=ExperienceLevel.choices, required=False)
    status = _LowerChoiceField(choices=ProjectStatus.choices, required=False,
                               help_text="Default open; other states only among projects the caller may see")
    posted_within = serializers.IntegerField(min_value=1, max_value=3650, required=False,
                                             help_text="Posted in the last N days")
    sort = _LowerChoiceField(choices=[(s, s) for s in PROJECT_SORTS], required=False,
                             help_text="relevance (default with q), newest (default without), budget")

    def validate_category(self, value):
        category = category_by_slug_or_name(value)
        if category is None:
            raise serializers.ValidationError(f"Unknown category: {value}.")
        return category

    def validate(self, attrs):
        low, high = attrs.get("budget_min"), attrs.get("budget_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"budget_max": ["budget_max must be at least budget_min."]})
        return attrs


class FreelancerSearchSerializer(serializers.Serializer):
    q = _QueryField(help_text="Words in the name, title, skills or bio")
    skills = _NamesField(required=False, help_text="Skill names, comma-separated or repeated; any matches")
    min_rate = _money(help_text="Hourly rate at least")
    max_rate = _money(help_text="Hourly rate at most")
    location = serializers.CharField(max_length=120, required=False, help_text="Location contains")
    min_rating = serializers.DecimalField(max_digits=3, decimal_places=2, min_value=Decimal(0),
                                          max_value=Decimal(5), required=False)
    available = serializers.BooleanField(required=False, allow_null=True, default=None,
                                         help_text="Only freelancers with room for new work")

    def validate(self, attrs):
        low, high = attrs.get("min_rate"), attrs.get("max_rate")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_rate": ["max_rate must be at least min_rate."]})
        return attrs


class QuerySerializer(serializers.Serializer):
    q = _QueryField()
    limit = serializers.IntegerField(min_value=1, max_value=20, required=False, default=5)


class TrendingSerializer(serializers.Serializer):
    type = _LowerChoiceField(choices=[(t, t) for t in TRENDING_TYPES], required=False, default="projects")
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10)


@dataclass
class ProjectQuery:
    """A checked project search, independent of HTTP: pages, saved searches and alerts build one too."""

    q: str = ""
    category: object = None
    skills: list[str] = field(default_factory=list)
    budget_type: str | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    experience_level: str | None = None
    status: str | None = None
    posted_within: int | None = None
    sort: str | None = None

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "newest")


@dataclass
class FreelancerQuery:
    q: str = ""
    skills: list[str] = field(default_factory=list)
    min_rate: Decimal | None = None
    max_rate: Decimal | None = None
    location: str = ""
    min_rating: Decimal | None = None
    available: bool | None = None


def parse_project_query(data) -> ProjectQuery:
    """Raises rest_framework ValidationError (a 400) on bad input."""
    serializer = ProjectSearchSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    values["q"] = values.get("q", "").strip()
    return ProjectQuery(**values)


def parse_freelancer_query(data) -> FreelancerQuery:
    serializer = FreelancerSearchSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    values["q"] = values.get("q", "").strip()
    return FreelancerQuery(**values)


def project_query_to_params(query: ProjectQuery) -> dict:
    """The query string form of a project search, as saved searches store it."""
    params = {}
    for name in ("q", "budget_type", "experience_level", "status", "posted_within", "sort"):
        value = getattr(query, name)
        if value not in (None, ""):
            params[name] = value
    if query.category is not None:
        params["category"] = query.category.slug
    if query.skills:
        params["skills"] = ",".join(query.skills)
    for name in ("budget_min", "budget_max"):
        value = getattr(query, name)
        if value is not None:
            params[name] = str(value)
    return params
