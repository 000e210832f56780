"""Reads of the engagement app, each scoped to what the caller may see."""

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum

from .models import Conversation, Favorite, Message, Notification, ProjectView, UserFollow


def conversations_for(*, user) -> QuerySet[Conversation]:
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        Conversation.objects.filter(Q(client=user) | Q(freelancer=user))
        .select_related("client", "freelancer", "project", "contract")
        .annotate(
            unread_count=Count("messages", filter=Q(messages__recipient=user, messages__read_at__isnull=True,
                                                    messages__is_deleted=False)),
            last_message_body=Subquery(last.values("body")[:1]),
            last_message_deleted=Subquery(last.values("is_deleted")[:1]),
            last_message_sender_id=Subquery(last.values("sender_id")[:1]),
        )
        .order_by("-last_message_at", "-id")
    )


def messages_for(*, user, conversation_id: int | None = None) -> QuerySet[Message]:
    # Sent and received are two indexed branches read as one list of ids; an OR of the two would scan the table.
    sent = Message.objects.filter(sender=user).order_by().values("pk")
    received = Message.objects.filter(recipient=user).order_by().values("pk")
    qs = Message.objects.filter(pk__in=sent.union(received, all=True))
    if conversation_id is not None:
        qs = qs.filter(conversation_id=conversation_id)
    return (qs.select_related("sender", "reply_to").defer("sender__search_vector")
            .order_by("-created_at", "-id"))


def unread_message_count(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True, is_deleted=False).count()


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, in_app=True).order_by("-created_at", "-id")


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(user=user, in_app=True, is_read=False).count()


def favorites_for(*, user) -> QuerySet[Favorite]:
    return Favorite.objects.filter(user=user).order_by("-created_at", "-id")


def project_views_for_owner(*, project) -> QuerySet[ProjectView]:
    return ProjectView.objects.filter(project=project).select_related("viewer").order_by("-last_viewed_at", "-id")


def followers_of(*, user) -> QuerySet[UserFollow]:
    return UserFollow.objects.filter(followee=user, follower__is_active=True).select_related("follower")


def following_of(*, user) -> QuerySet[UserFollow]:
    return UserFollow.objects.filter(follower=user, followee__is_active=True).select_related("followee")


def project_view_summary(*, project, recent: int = 20) -> dict:
    totals = ProjectView.objects.filter(project=project).aggregate(
        view_count=Sum("view_count"), unique_viewers=Count("id"), last_viewed_at=Max("last_viewed_at"))
    return {
        "project_id": project.pk,
        "view_count": totals["view_count"] or 0,
        "unique_viewers": totals["unique_viewers"],
        "last_viewed_at": totals["last_viewed_at"],
        "recent_viewers": [
            {"viewer_id": v.viewer_id, "viewer": {"id": v.viewer_id, "name": v.viewer.display_name},
             "view_count": v.view_count, "last_viewed_at": v.last_viewed_at, "created_at": v.created_at}
            for v in project_views_for_owner(project=project)[:recent]
        ],
    }
