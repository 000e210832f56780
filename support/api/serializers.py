from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Announcement,
    AnnouncementType,
    Audience,
    Dispute,
    DisputeEvidence,
    DisputeType,
    SupportTicket,
    TicketCategory,
    TicketMessage,
    TicketPriority,
)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name or user.email.split("@")[0]}


class TicketMessageSerializer(serializers.ModelSerializer):
    author_id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = TicketMessage
        fields = ["id", "ticket_id", "author_id", "author", "body", "is_staff_reply", "attachments", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, obj) -> dict | None:
        return _person(obj.author)


class SupportTicketSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    user = serializers.SerializerMethodField()
    assigned_to_id = serializers.IntegerField(read_only=True, allow_null=True)
    assigned_to = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    message_count = serializers.SerializerMethodField()

    class Meta:
        model = SupportTicket
        fields = ["id", "user_id", "user", "subject", "description", "category", "priority", "status",
                  "assigned_to_id", "assigned_to", "attachments", "first_response_due_at", "first_responded_at",
                  "is_overdue", "message_count", "last_reply_at", "resolved_at", "closed_at", "created_at",
                  "updated_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_user(self, obj) -> dict | None:
        return _person(obj.user)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assigned_to(self, obj) -> dict | None:
        return _person(obj.assigned_to)

    def get_message_count(self, obj) -> int:
        return getattr(obj, "message_count", 0)


class SupportTicketDetailSerializer(SupportTicketSerializer):
    messages = TicketMessageSerializer(many=True, read_only=True)

    class Meta(SupportTicketSerializer.Meta):
        fields = [*SupportTicketSerializer.Meta.fields, "messages"]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=TicketCategory.choices, default=TicketCategory.OTHER)
    priority = serializers.ChoiceField(choices=TicketPriority.choices, default=TicketPriority.MEDIUM)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class TicketUpdateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    category = serializers.ChoiceField(choices=TicketCategory.choices, required=False)
    priority = serializers.ChoiceField(choices=TicketPriority.choices, required=False)


class TicketReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class AssignSerializer(serializers.Serializer):
    assignee_id = serializers.IntegerField(required=False, help_text="A support staff member; you by default.")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DisputeEvidenceSerializer(serializers.ModelSerializer):
    submitted_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    submitted_by = serializers.SerializerMethodField()

    class Meta:
        model = DisputeEvidence
        fields = ["id", "dispute_id", "submitted_by_id", "submitted_by", "description", "attachments", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_submitted_by(self, obj) -> dict | None:
        return _person(obj.submitted_by)


class DisputeSerializer(serializers.ModelSerializer):
    contract_id = serializers.IntegerField(read_only=True)
    contract_title = serializers.CharField(source="contract.title", read_only=True)
    milestone_id = serializers.IntegerField(read_only=True, allow_null=True)
    escrow_id = serializers.IntegerField(read_only=True)
    raised_by_id = serializers.IntegerField(read_only=True)
    raised_by = serializers.SerializerMethodField()
    assigned_to_id = serializers.IntegerField(read_only=True, allow_null=True)
    resolved_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    frozen_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    client_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    freelancer_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    evidence = DisputeEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "contract_id", "contract_title", "milestone_id", "escrow_id", "raised_by_id", "raised_by",
                  "dispute_type", "description", "status", "assigned_to_id", "frozen_amount", "currency",
                  "respond_by", "responded_at", "client_amount", "freelancer_amount", "resolution",
                  "resolved_by_id", "resolved_at", "evidence", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_raised_by(self, obj) -> dict | None:
        return _person(obj.raised_by)


class DisputeCreateSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    milestone_id = serializers.IntegerField(required=False, allow_null=True)
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices, default=DisputeType.OTHER)
    description = serializers.CharField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class EvidenceCreateSerializer(serializers.Serializer):
    description = serializers.CharField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class DisputeResolveSerializer(serializers.Serializer):
    client_amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    freelancer_amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")


class AnnouncementSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="announcement_type", choices=AnnouncementType.choices, read_only=True)
    audience = serializers.ChoiceField(choices=Audience.choices, read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "title", "content", "type", "audience", "starts_at", "ends_at", "is_active", "created_at"]
        read_only_fields = fields

