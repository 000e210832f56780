from django.contrib import admin

from .models import (
    Conversation,
    Favorite,
    Message,
    Notification,
    NotificationPreference,
    ProjectView,
    PushSubscription,
    UserAnalytics,
    UserFollow,
)
from .services import messaging


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "client", "freelancer", "project", "contract", "last_message_at"]
    search_fields = ["subject", "client__email", "freelancer__email"]
    raw_id_fields = ["project", "contract", "client", "freelancer"]
    list_select_related = ["client", "freelancer", "project", "contract"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Staff review flagged messages here: contact details shared before a contract exists."""

    list_display = ["id", "conversation", "sender", "recipient", "short_body", "is_flagged", "flag_reason",
                    "is_deleted", "created_at"]
    list_filter = ["is_flagged", "is_deleted", "created_at"]
    search_fields = ["body", "sender__email", "recipient__email"]
    raw_id_fields = ["conversation", "sender", "recipient", "reply_to"]
    list_select_related = ["conversation", "sender", "recipient"]
    readonly_fields = ["created_at", "read_at", "deleted_at"]
    actions = ["mark_reviewed"]

    @admin.action(description="Mark flagged messages as reviewed (no action needed)",
                  permissions=["moderate"])
    def mark_reviewed(self, request, queryset):
        done = 0
        for message in queryset.filter(is_flagged=True):
            messaging.message_unflag(message=message, actor=request.user)
            done += 1
        self.message_user(request, f"{done} message(s) marked as reviewed.")

    def has_moderate_permission(self, request):
        return request.user.has_perm("engagement.moderate_message")

    @admin.display(description="text")
    def short_body(self, obj):
        return (obj.body[:80] + "…") if len(obj.body) > 80 else obj.body


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "notification_type", "title", "is_read", "digest_pending", "created_at"]
    list_filter = ["notification_type", "is_read", "digest_pending"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_frequency", "updated_at"]
    raw_id_fields = ["user"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at", "last_used_at"]
    raw_id_fields = ["user"]


@admin.register(Favorite)
class FavoriteAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "target_type", "target_id", "created_at"]
    list_filter = ["target_type"]
    raw_id_fields = ["user"]


@admin.register(ProjectView)
class ProjectViewAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "viewer", "view_count", "last_viewed_at"]
    raw_id_fields = ["project", "viewer"]


@admin.register(UserFollow)
class UserFollowAdmin(admin.ModelAdmin):
    list_display = ["id", "follower", "followee", "created_at"]
    raw_id_fields = ["follower", "followee"]


@admin.register(UserAnalytics)
class UserAnalyticsAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "metric_type", "metric_value"]
    list_filter = ["metric_type"]
    raw_id_fields = ["user"]
    date_hierarchy = "date"
