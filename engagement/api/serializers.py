from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import PersonSummarySerializer
from megilance.api.serializers import FastReadMixin

from ..models import (
    Conversation,
    EmailFrequency,
    Favorite,
    FavoriteTarget,
    Message,
    Notification,
    ProjectView,
    UserFollow,
)


class ConversationSerializer(serializers.ModelSerializer):
    project_id = serializers.IntegerField(read_only=True, allow_null=True)
    contract_id = serializers.IntegerField(read_only=True, allow_null=True)
    client_id = serializers.IntegerField(read_only=True)
    freelancer_id = serializers.IntegerField(read_only=True)
    client = PersonSummarySerializer(read_only=True)
    freelancer = PersonSummarySerializer(read_only=True)
    other_party = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    unread_count = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = ["id", "project_id", "contract_id", "client_id", "freelancer_id", "client", "freelancer",
                  "other_party", "subject", "last_message", "last_message_at", "unread_count", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSummarySerializer)
    def get_other_party(self, obj):
        user = self.context["request"].user
        other = obj.freelancer if user.pk == obj.client_id else obj.client
        return PersonSummarySerializer(other).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_message(self, obj):
        if getattr(obj, "last_message_deleted", False):
            return ""
        return getattr(obj, "last_message_body", None)

    @extend_schema_field(serializers.IntegerField())
    def get_unread_count(self, obj):
        return getattr(obj, "unread_count", 0)


class ConversationCreateSerializer(serializers.Serializer):
    project_id = serializers.IntegerField(required=False)
    contract_id = serializers.IntegerField(required=False)
    participant_id = serializers.IntegerField(required=False, help_text="The freelancer a client wants to message.")
    content = serializers.CharField(required=False, allow_blank=True, max_length=10_000,
                                    help_text="An optional first message.")

    def validate(self, attrs):
        if not attrs.get("project_id") and not attrs.get("contract_id"):
            raise serializers.ValidationError({"project_id": ["Give a project_id or a contract_id."]})
        return attrs


class MessageSerializer(FastReadMixin, serializers.ModelSerializer):
    conversation_id = serializers.IntegerField(read_only=True)
    sender_id = serializers.IntegerField(read_only=True)
    recipient_id = serializers.IntegerField(read_only=True)
    reply_to_id = serializers.IntegerField(read_only=True, allow_null=True)
    sender = PersonSummarySerializer(read_only=True)
    content = serializers.CharField(source="visible_body", read_only=True)
    attachment_url = serializers.SerializerMethodField()
    attachment_name = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "conversation_id", "sender_id", "sender", "recipient_id", "content", "attachment_url",
                  "attachment_name", "attachment_size", "reply_to_id", "is_read", "read_at", "is_deleted",
                  "is_flagged", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attachment_url(self, obj):
        if obj.is_deleted or not obj.attachment:
            return None
        return reverse("message-attachment", args=[obj.pk])

    @extend_schema_field(serializers.CharField())
    def get_attachment_name(self, obj):
        return "" if obj.is_deleted else obj.attachment_name

    @extend_schema_field(serializers.BooleanField())
    def get_is_read(self, obj):
        return obj.read_at is not None


class MessageCreateSerializer(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    content = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    attachment = serializers.FileField(required=False)
    reply_to_id = serializers.IntegerField(required=False, allow_null=True)


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class NotificationSerializer(FastReadMixin, serializers.ModelSerializer):
    reuse_row_serializer = True

    type = serializers.CharField(source="notification_type", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "type", "notification_type", "title", "message", "link", "data", "is_read", "read_at",
                  "created_at"]
        read_only_fields = ["id", "type", "notification_type", "title", "message", "link", "data", "read_at",
                            "created_at"]


class NotificationUpdateSerializer(serializers.Serializer):
    is_read = serializers.BooleanField()


class MarkAllReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class ChannelChoicesSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)


class NotificationPreferencesSerializer(serializers.Serializer):
    email_frequency = serializers.ChoiceField(choices=EmailFrequency.choices, required=False,
                                              help_text="instant, or daily for one digest email a day")
    sms_phone_number = serializers.RegexField(r"^\+[1-9]\d{6,14}$", required=False, allow_blank=True,
                                              help_text="E.164, e.g. +14155550100")
    channels = serializers.DictField(child=ChannelChoicesSerializer(), required=False,
                                     help_text="event type -> {in_app, email, push, sms}")
    sms_event_types = serializers.ListField(child=serializers.CharField(), read_only=True)


class PushSubscriptionKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class PushSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    endpoint = serializers.URLField(max_length=1000)
    keys = PushSubscriptionKeysSerializer(write_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def validate_endpoint(self, value):
        if not value.startswith("https://"):
            raise serializers.ValidationError("A push endpoint must use https.")
        return value


class PushPublicKeySerializer(serializers.Serializer):
    public_key = serializers.CharField()


class FavoriteSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    target_type = serializers.ChoiceField(choices=FavoriteTarget.choices)
    target_id = serializers.IntegerField(min_value=1)
    target = serializers.SerializerMethodField()

    class Meta:
        model = Favorite
        fields = ["id", "user_id", "target_type", "target_id", "target", "created_at"]
        read_only_fields = ["id", "user_id", "target", "created_at"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_target(self, obj):
        """A small summary ({id, title} or {id, name}) looked up in bulk by the view; None when gone."""
        return self.context.get("targets", {}).get((obj.target_type, obj.target_id))


class FavoriteCheckSerializer(serializers.Serializer):
    is_favorited = serializers.BooleanField()
    favorite_id = serializers.IntegerField(allow_null=True)


class ProjectViewerSerializer(serializers.ModelSerializer):
    viewer_id = serializers.IntegerField(read_only=True)
    viewer = PersonSummarySerializer(read_only=True)

    class Meta:
        model = ProjectView
        fields = ["viewer_id", "viewer", "view_count", "last_viewed_at", "created_at"]
        read_only_fields = fields


class ProjectViewsSerializer(serializers.Serializer):
    project_id = serializers.IntegerField()
    view_count = serializers.IntegerField(help_text="Views, counted once per viewer per hour")
    unique_viewers = serializers.IntegerField()
    last_viewed_at = serializers.DateTimeField(allow_null=True)
    recent_viewers = ProjectViewerSerializer(many=True)


class ProjectViewRecordedSerializer(serializers.Serializer):
    project_id = serializers.IntegerField()
    counted = serializers.BooleanField()
    view_count = serializers.IntegerField(allow_null=True)


class FollowCreateSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1)


class FollowSerializer(serializers.ModelSerializer):
    follower_id = serializers.IntegerField(read_only=True)
    followee_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = UserFollow
        fields = ["id", "follower_id", "followee_id", "created_at"]
        read_only_fields = fields


class FollowPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    title = serializers.CharField()
    followed_at = serializers.DateTimeField()



class FollowPersonPageSerializer(serializers.Serializer):
    """One page of followers or followees, in the API's page shape."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FollowPersonSerializer(many=True)

class AnalyticsPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()


class AnalyticsSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    role = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.FloatField(allow_null=True),
                                   help_text="metric -> total over the period (response time: average minutes)")
    series = serializers.DictField(child=AnalyticsPointSerializer(many=True), help_text="metric -> one point a day")
    labels = serializers.DictField(child=serializers.CharField())
