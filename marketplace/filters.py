"""Query-string filters of the marketplace lists (django-filter)."""

from datetime import timedelta

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import Skill, UserSkill

from .models import (
    BudgetType,
    ExperienceLevel,
    Project,
    ProjectStatus,
    Proposal,
    ProposalStatus,
    Tag,
    TagType,
)
from .selectors import category_by_slug_or_name, category_descendant_ids


class LowerChoiceField(django_filters.fields.ChoiceField):
    def clean(self, value):
        return super().clean(value.lower() if isinstance(value, str) else value)


class LowerChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter that takes its value in any letter case (`?budget_type=Hourly`)."""

    field_class = LowerChoiceField


def _names(values) -> list[str]:
    """`?skills=React,Node.js` and `?skills=React&skills=Node.js` alike."""
    names = []
    for value in values:
        names.extend(part.strip() for part in str(value).split(",") if part.strip())
    return names[:20]


class SkillFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    search = django_filters.CharFilter(method="filter_search", label="Name or description contains")

    class Meta:
        model = Skill
        fields = ["category"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class UserSkillFilter(django_filters.FilterSet):
    min_proficiency = django_filters.NumberFilter(field_name="proficiency_level", lookup_expr="gte")
    skill_category = django_filters.CharFilter(field_name="skill__category", lookup_expr="iexact")

    class Meta:
        model = UserSkill
        fields = ["is_verified"]


class TagFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=TagType.choices)
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Tag
        fields = ["type"]


PROJECT_ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "budget_high": (F("budget_max").desc(nulls_last=True), "-id"),
    "budget_low": (F("budget_min").asc(nulls_last=True), "-id"),
    "deadline": (F("deadline").asc(nulls_last=True), "-id"),
    "proposals": ("-proposal_count", "-id"),
}
# DRF-style spellings that clients already send.
PROJECT_ORDERINGS.update({
    "-created_at": PROJECT_ORDERINGS["newest"],
    "created_at": PROJECT_ORDERINGS["oldest"],
    "-budget": PROJECT_ORDERINGS["budget_high"],
    "budget": PROJECT_ORDERINGS["budget_low"],
    "-budget_max": PROJECT_ORDERINGS["budget_high"],
    "budget_min": PROJECT_ORDERINGS["budget_low"],
})


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices)
    category = django_filters.CharFilter(method="filter_category",
                                         label="Category slug or name; includes its subcategories")
    skills = django_filters.CharFilter(method="filter_skills",
                                       label="Skill names, comma-separated or repeated; any of them matches")
    budget_type = LowerChoiceFilter(choices=BudgetType.choices)
    budget_min = django_filters.NumberFilter(method="filter_budget_min",
                                             label="The project's budget reaches at least this much")
    budget_max = django_filters.NumberFilter(method="filter_budget_max",
                                             label="The project's budget starts at most at this much")
    experience_level = LowerChoiceFilter(choices=ExperienceLevel.choices)
    posted_within = django_filters.NumberFilter(method="filter_posted_within", min_value=0, max_value=3650,
                                                label="Posted in the last N days")
    client_id = django_filters.NumberFilter(field_name="client_id")
    search = django_filters.CharFilter(method="filter_search", label="Title or description contains")
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering", choices=[(key, key) for key in PROJECT_ORDERINGS], empty_label=None,
        label="newest (default), oldest, budget_high, budget_low, deadline, proposals",
    )

    class Meta:
        model = Project
        fields = ["status", "budget_type", "experience_level", "client_id"]

    def filter_category(self, queryset, name, value):
        category = category_by_slug_or_name(value)
        if category is None:
            return queryset.none()
        return queryset.filter(category_id__in=category_descendant_ids([category.pk]))

    def filter_skills(self, queryset, name, value):
        names = _names(self.data.getlist(name) if hasattr(self.data, "getlist") else [value])
        if not names:
            return queryset
        wanted = Q()
        for skill in names:
            wanted |= Q(name__iexact=skill)
        through = Project.skills.through
        matching = through.objects.filter(project_id=OuterRef("pk"), skill__in=Skill.objects.filter(wanted))
        return queryset.filter(Exists(matching))

    def filter_budget_min(self, queryset, name, value):
        # A project with no upper bound still pays "at least value" if its lower bound gets there.
        return queryset.filter(Q(budget_max__gte=value) | Q(budget_max__isnull=True, budget_min__gte=value))

    def filter_budget_max(self, queryset, name, value):
        return queryset.filter(Q(budget_min__lte=value) | Q(budget_min__isnull=True, budget_max__lte=value))

    def filter_posted_within(self, queryset, name, value):
        since = timezone.now() - timedelta(days=float(value))
        return queryset.filter(Q(published_at__gte=since) | Q(published_at__isnull=True, created_at__gte=since))

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*PROJECT_ORDERINGS.get(value, PROJECT_ORDERINGS["newest"]))


PROPOSAL_ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "bid_low": ("bid_amount", "-id"),
    "bid_high": ("-bid_amount", "-id"),
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "bid_amount": ("bid_amount", "-id"),
    "-bid_amount": ("-bid_amount", "-id"),
}


class ProposalFilter(django_filters.FilterSet):
    project_id = django_filters.NumberFilter(field_name="project_id")
    freelancer_id = django_filters.NumberFilter(field_name="freelancer_id")
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices)
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering", choices=[(key, key) for key in PROPOSAL_ORDERINGS], empty_label=None,
        label="newest (default), oldest, bid_low, bid_high",
    )

    class Meta:
        model = Proposal
        fields = ["project_id", "freelancer_id", "status"]

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*PROPOSAL_ORDERINGS.get(value, PROPOSAL_ORDERINGS["newest"]))
