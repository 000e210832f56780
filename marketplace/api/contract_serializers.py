"""Serializers for contracts, milestones, portfolio items and reviews. They validate and shape data; the rules
live in marketplace/services."""

from decimal import Decimal

from rest_framework import serializers

from accounts.api.serializers import PersonSummarySerializer
from megilance.api.serializers import FastReadMixin

from ..models import Contract, ContractType, Milestone, PortfolioItem, Review
from ..services.portfolio import portfolio_skills_clean

POSITIVE = Decimal("0.01")


class StrictFieldsMixin:
    """Refuse keys the serializer does not know, so a PATCH of a locked field (say `amount`) answers 400
    instead of silently doing nothing."""

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["This field cannot be set here."] for name in unknown})
        return super().validate(attrs)


class PartySerializer(PersonSummarySerializer):
    """A party of a contract or a review: `{id, name}`."""


class NameListField(serializers.ListField):
    """A list of names, also accepted as one comma-separated string ("React, Node.js")."""

    child = serializers.CharField(max_length=80)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.split(",")
        return portfolio_skills_clean(super().to_internal_value(data))


# Contracts


class MilestoneSummarySerializer(FastReadMixin, serializers.Serializer):
    """Counts from the annotations of contract_selectors.contracts_with_summary."""

    total = serializers.IntegerField(source="milestones_total", read_only=True)
    pending = serializers.IntegerField(source="milestones_pending", read_only=True)
    funded = serializers.IntegerField(source="milestones_funded", read_only=True)
    in_progress = serializers.IntegerField(source="milestones_in_progress", read_only=True)
    submitted = serializers.IntegerField(source="milestones_submitted", read_only=True)
    approved = serializers.IntegerField(source="milestones_approved", read_only=True)
    rejected = serializers.IntegerField(source="milestones_rejected", read_only=True)
    paid = serializers.IntegerField(source="milestones_paid", read_only=True)


class ContractSerializer(FastReadMixin, serializers.ModelSerializer):
    reuse_row_serializer = True

    client = PartySerializer(read_only=True)
    freelancer = PartySerializer(read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, read_only=True)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, read_only=True)
    weekly_limit_hours = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, read_only=True)
    milestones_summary = MilestoneSummarySerializer(source="*", read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id", "project_id", "proposal_id", "client_id", "freelancer_id", "client", "freelancer", "title",
            "description", "contract_type", "amount", "hourly_rate", "weekly_limit_hours", "currency", "status",
            "start_date", "end_date", "completed_at", "cancelled_at", "paused_at", "created_at", "updated_at",
            "milestones_summary",
        ]
        read_only_fields = fields


class MilestonePlanSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=POSITIVE)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ContractCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A direct hire by the client."""

    project_id = serializers.IntegerField()
    freelancer_id = serializers.IntegerField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    contract_type = serializers.ChoiceField(choices=ContractType.choices, default=ContractType.FIXED)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=POSITIVE, required=False,
                                      allow_null=True)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=POSITIVE, required=False,
                                           allow_null=True)
    weekly_limit_hours = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.25"),
                                                  max_value=Decimal("168"), required=False, allow_null=True)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False, allow_blank=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    milestones = MilestonePlanSerializer(many=True, required=False)

    def to_internal_value(self, data):
        # The type is case-insensitive, as budget_type is on projects.
        if isinstance(data, dict) and isinstance(data.get("contract_type"), str):
            data = {**data, "contract_type": data["contract_type"].strip().lower()}
        return super().to_internal_value(data)


class ContractUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    weekly_limit_hours = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.25"),
                                                  max_value=Decimal("168"), required=False)


class ContractCancelSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


# Milestones


class MilestoneSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id", "contract_id", "title", "description", "amount", "currency", "due_date", "order", "status",
            "deliverables", "attachments", "feedback", "funded_at", "submitted_at", "approved_at", "rejected_at",
            "paid_at", "created_at", "updated_at",
        ]
        read_only_fields = fields


class MilestoneCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    contract_id = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=POSITIVE)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    order = serializers.IntegerField(required=False, min_value=1, max_value=10_000)


class MilestoneUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=POSITIVE)
    due_date = serializers.DateField(required=False, allow_null=True)
    order = serializers.IntegerField(required=False, min_value=1, max_value=10_000)


class MilestoneSubmitSerializer(StrictFieldsMixin, serializers.Serializer):
    deliverables = serializers.CharField(max_length=20_000)
    attachments = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=20)


class MilestoneRejectSerializer(StrictFieldsMixin, serializers.Serializer):
    feedback = serializers.CharField(max_length=20_000)



# Portfolio


class PortfolioItemSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    freelancer = PartySerializer(read_only=True)
    images = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=20)
    skills = NameListField(required=False, max_length=30)

    class Meta:
        model = PortfolioItem
        fields = [
            "id", "freelancer_id", "freelancer", "title", "description", "image_url", "images", "project_url",
            "skills", "completed_on", "sort_order", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "freelancer_id", "freelancer", "created_at", "updated_at"]


# Reviews


class ReviewSerializer(serializers.ModelSerializer):
    project_id = serializers.IntegerField(source="contract.project_id", read_only=True)
    reviewer = PartySerializer(read_only=True)
    reviewee = PartySerializer(read_only=True)
    is_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id", "contract_id", "project_id", "reviewer_id", "reviewee_id", "reviewer", "reviewee", "rating",
            "quality", "communication", "timeliness", "value", "comment", "reply", "replied_at", "is_visible",
            "visible_at", "is_removed", "removed_reason", "created_at", "updated_at",
        ]
        read_only_fields = fields


def _rating(required: bool = False):
    return serializers.IntegerField(min_value=1, max_value=5, required=required, allow_null=not required)


class ReviewCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    contract_id = serializers.IntegerField()
    rating = _rating(required=True)
    quality = _rating()
    communication = _rating()
    timeliness = _rating()
    value = _rating()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ReviewUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """The author edits a hidden review; the reviewee sets `reply` (once)."""

    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    quality = _rating()
    communication = _rating()
    timeliness = _rating()
    value = _rating()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reply = serializers.CharField(required=False, max_length=5000)


class ReviewReplySerializer(StrictFieldsMixin, serializers.Serializer):
    reply = serializers.CharField(max_length=5000)


class ReviewRemoveSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReviewStatsSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    average_rating = serializers.DecimalField(max_digits=3, decimal_places=2, min_value=Decimal("0"),
                                              max_value=Decimal("5"))
    review_count = serializers.IntegerField()
    distribution = serializers.DictField(child=serializers.IntegerField(),
                                         help_text='Published reviews per star, keys "1" to "5".')
