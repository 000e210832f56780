"""Serializers of the marketplace catalog, projects and proposals. They validate and shape; services decide."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import PersonSummarySerializer
from accounts.models import Skill, UserSkill
from megilance.api.serializers import FastReadMixin
from megilance.queries import row_values

from ..models import (
    BudgetType,
    Category,
    ExperienceLevel,
    Project,
    ProjectStatus,
    Proposal,
    Tag,
    TagType,
    Visibility,
)
from ..selectors import category_by_slug_or_name

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": False}


class MarketplaceUserSerializer(PersonSummarySerializer):
    """`client: {id, name}` / `freelancer: {id, name}` beside the `_id` field."""


# Skills -------------------------------------------------------------------------------------------------------


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "slug", "category", "description", "is_active"]
        read_only_fields = fields


class SkillCategoriesSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField())


class UserSkillSerializer(serializers.ModelSerializer):
    """A freelancer's skill. Give `skill_id`, or `skill_name` (an unknown name becomes a new skill)."""

    user_id = serializers.IntegerField(read_only=True)
    skill_id = serializers.PrimaryKeyRelatedField(
        source="skill", queryset=Skill.objects.filter(is_active=True), required=False,
    )
    skill_name = serializers.CharField(required=False, max_length=80)
    skill_category = serializers.CharField(source="skill.category", read_only=True)
    proficiency_level = serializers.IntegerField(min_value=1, max_value=5, required=False, default=3)
    years_of_experience = serializers.IntegerField(min_value=0, max_value=80, required=False, default=0)

    class Meta:
        model = UserSkill
        fields = ["id", "user_id", "skill_id", "skill_name", "skill_category", "proficiency_level",
                  "years_of_experience", "is_verified", "created_at"]
        read_only_fields = ["id", "user_id", "skill_category", "is_verified", "created_at"]

    def validate(self, attrs):
        if self.instance is None and "skill" not in attrs and not (attrs.get("skill_name") or "").strip():
            raise serializers.ValidationError({"skill_id": ["Give a skill_id or a skill_name."]})
        if self.instance is not None and ("skill" in attrs or "skill_name" in attrs):
            raise serializers.ValidationError(
                {"skill_id": ["The skill of a row cannot change; add the other skill instead."]}
            )
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["skill_name"] = instance.skill.name
        return data


# Categories ---------------------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "icon", "parent_id", "parent", "sort_order", "is_active",
                  "project_count", "created_at"]
        read_only_fields = fields


class CategoryNodeSerializer(serializers.Serializer):
    """One node of GET /api/categories/tree, with its subcategories in `children`."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    icon = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    sort_order = serializers.IntegerField()
    project_count = serializers.IntegerField()


CategoryNodeSerializer._declared_fields["children"] = CategoryNodeSerializer(many=True)


# Tags ---------------------------------------------------------------------------------------------------------


class TagSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=TagType.choices, default=TagType.PROJECT)

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "type", "usage_count", "created_at"]
        read_only_fields = ["id", "slug", "usage_count", "created_at"]
        extra_kwargs = {"name": {"validators": []}}  # POST is idempotent on name, no uniqueness error


class ProjectTagAddSerializer(serializers.Serializer):
    """Add a tag to a project: an existing `tag_id`, or a `name` (created when new)."""

    tag_id = serializers.PrimaryKeyRelatedField(source="tag", queryset=Tag.objects.all(), required=False)
    name = serializers.CharField(max_length=50, required=False)

    def validate(self, attrs):
        if "tag" not in attrs and not (attrs.get("name") or "").strip():
            raise serializers.ValidationError({"name": ["Give a tag name or a tag_id."]})
        return attrs


# Projects -----------------------------------------------------------------------------------------------------


class LowerChoiceField(serializers.ChoiceField):
    """Choices in any letter case: `"Hourly"` is `"hourly"`."""

    def to_internal_value(self, data):
        return super().to_internal_value(data.strip().lower() if isinstance(data, str) else data)


@extend_schema_field({"type": "string", "enum": BudgetType.values, "description": "fixed or hourly, any case"})
class BudgetTypeField(LowerChoiceField):
    """Inline in the schema: contracts' `contract_type` has the same two values under its own enum name."""

    def __init__(self, **kwargs):
        super().__init__(choices=BudgetType.choices, **kwargs)


@extend_schema_field({
    "oneOf": [
        {"type": "array", "items": {"type": "string"}},
        {"type": "string", "description": "comma-separated names, e.g. \"React,Node.js\""},
    ],
})
class NameListField(serializers.Field):
    """Names as a JSON list or a comma-separated string; always answered as a list of names."""

    default_error_messages = {"invalid": "Give a list of names or a comma-separated string."}

    def __init__(self, *, max_items=30, max_length=80, names_attr=None, **kwargs):
        self.max_items, self.max_length, self.names_attr = max_items, max_length, names_attr
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        # A page of rows may carry its names already (selectors.project_names_attach): no related manager then.
        if self.names_attr is not None:
            values = row_values(instance)
            if self.names_attr in values:
                return values[self.names_attr]
        return super().get_attribute(instance)

    def to_internal_value(self, data):
        if data is None:
            return []
        if isinstance(data, str):
            items = data.split(",")
        elif isinstance(data, list | tuple):
            items = data
        else:
            self.fail("invalid")
        names, seen = [], set()
        for item in items:
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                self.fail("invalid")
            name = " ".join(str(item).split())
            if not name:
                continue
            if len(name) > self.max_length:
                raise serializers.ValidationError(f"Each name has at most {self.max_length} characters.")
            if name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        if len(names) > self.max_items:
            raise serializers.ValidationError(f"At most {self.max_items} names.")
        return names

    def to_representation(self, value):
        if isinstance(value, list):
            return value
        return [item.name for item in value.all()]


@extend_schema_field(OpenApiTypes.STR)
class CategoryField(serializers.Field):
    """Written as a slug or a name, answered as the slug."""

    default_error_messages = {"unknown": "Unknown category: {value}."}

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        if not isinstance(data, str | int):
            self.fail("unknown", value=data)
        category = category_by_slug_or_name(str(data))
        if category is None:
            self.fail("unknown", value=data)
        return category

    def get_attribute(self, instance):
        # A list page reads the slug with its rows (selectors.with_category_names): no category instance then.
        values = row_values(instance)
        if "category_summary_slug" in values:
            return values["category_summary_slug"]
        return super().get_attribute(instance)

    def to_representation(self, value):
        if isinstance(value, str):
            return value
        return value.slug if value is not None else None


class ProjectSerializer(FastReadMixin, serializers.ModelSerializer):
    """A project as the API answers it, and what a client may write (status only as draft or open)."""

    reuse_row_serializer = True

    client_id = serializers.IntegerField(read_only=True)
    client = MarketplaceUserSerializer(read_only=True)
    category = CategoryField(required=False, allow_null=True)
    category_name = serializers.SerializerMethodField()
    skills = NameListField(required=False, names_attr="skill_names")
    tags = NameListField(required=False, max_items=20, max_length=50, names_attr="tag_names")
    budget_type = BudgetTypeField(required=False, default=BudgetType.FIXED)
    experience_level = LowerChoiceField(choices=ExperienceLevel.choices, required=False,
                                        default=ExperienceLevel.INTERMEDIATE)
    visibility = LowerChoiceField(choices=Visibility.choices, required=False, default=Visibility.PUBLIC)
    status = LowerChoiceField(choices=ProjectStatus.choices, required=False,
                              help_text="On create: draft or open (default). On update: open publishes a draft, "
                                        "cancelled cancels. Other moves happen through proposals and contracts.")
    budget_min = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    budget_max = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False, default="USD")

    class Meta:
        model = Project
        fields = [
            "id", "title", "description", "category", "category_name", "client_id", "client", "skills", "tags",
            "budget_type", "budget_min", "budget_max", "currency", "experience_level", "estimated_duration",
            "deadline", "status", "visibility", "is_hidden", "proposal_count", "published_at", "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "client_id", "client", "category_name", "is_hidden", "proposal_count",
                            "published_at", "created_at", "updated_at"]

    def get_category_name(self, project) -> str | None:
        values = row_values(project)
        if "category_summary_name" in values:  # a list row (selectors.with_category_names)
            return values["category_summary_name"] if values["category_id"] else None
        if not project.category_id:
            return None
        return project.category.name

    def validate_status(self, value):
        if self.instance is None and value not in (ProjectStatus.DRAFT, ProjectStatus.OPEN):
            raise serializers.ValidationError("A new project is a draft or open.")
        if self.instance is not None and value != self.instance.status and value not in (
            ProjectStatus.OPEN, ProjectStatus.CANCELLED,
        ):
            raise serializers.ValidationError(
                "Status moves to open (publish) or cancelled here; the rest follows proposals and contracts."
            )
        return value

    def validate(self, attrs):
        low = attrs.get("budget_min", getattr(self.instance, "budget_min", None))
        high = attrs.get("budget_max", getattr(self.instance, "budget_max", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"budget_max": ["The maximum budget must be at least the minimum budget."]}
            )
        if "currency" in attrs:
            attrs["currency"] = attrs["currency"].upper()
        return attrs


# Proposals ----------------------------------------------------------------------------------------------------


class ProposedMilestoneSerializer(serializers.Serializer):
    """One milestone a freelancer proposes (it becomes a real milestone when the bid is accepted)."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    amount = serializers.DecimalField(**MONEY, min_value=0)
    due_date = serializers.DateField(required=False, allow_null=True)


class ProjectSummarySerializer(FastReadMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    budget_type = serializers.CharField(read_only=True)
    client_id = serializers.IntegerField(read_only=True)


class ProposalSerializer(FastReadMixin, serializers.ModelSerializer):
    """A bid. `bid_amount` may be left out when `estimated_hours` and `hourly_rate` are given."""

    project_id = serializers.IntegerField()
    project = ProjectSummarySerializer(read_only=True)
    freelancer_id = serializers.IntegerField(read_only=True)
    freelancer = MarketplaceUserSerializer(read_only=True)
    cover_letter = serializers.CharField(min_length=50, max_length=20000)
    bid_amount = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    estimated_hours = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False,
                                               min_value=0, required=False, allow_null=True)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False,
                                           min_value=0, required=False, allow_null=True)
    availability = serializers.CharField(max_length=100, required=False, allow_blank=True)
    attachments = serializers.ListField(child=serializers.JSONField(), required=False, max_length=20)
    milestones = ProposedMilestoneSerializer(many=True, required=False)
    contract_id = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id", "project_id", "project", "freelancer_id", "freelancer", "cover_letter", "bid_amount",
            "estimated_hours", "hourly_rate", "currency", "availability", "attachments", "milestones", "status",
            "contract_id", "decided_at", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "project", "freelancer_id", "freelancer", "currency", "status", "contract_id",
                            "decided_at", "created_at", "updated_at"]

    def get_contract_id(self, proposal) -> int | None:
        contract = getattr(proposal, "contract", None)
        return contract.pk if contract is not None else None

    def validate_milestones(self, value):
        return [
            {**item, "due_date": item["due_date"].isoformat() if item.get("due_date") else None}
            for item in value
        ]


class ProposalUpdateSerializer(ProposalSerializer):
    """PATCH/PUT of a bid: the project cannot change."""

    project_id = serializers.IntegerField(read_only=True)
    cover_letter = serializers.CharField(min_length=50, max_length=20000, required=False)


class ProposalAcceptSerializer(serializers.Serializer):
    """Optionally replace the proposed milestone plan when accepting (fixed-price projects)."""

    milestones = ProposedMilestoneSerializer(many=True, required=False)


class ProposalRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
