"""What the engagement app holds about a person, for GDPR export and erasure."""

from django.db.models import Q

from accounts import privacy

from .models import (
    Conversation,
    Favorite,
    FavoriteTarget,
    Message,
    Notification,
    NotificationPreference,
    ProjectView,
    PushSubscription,
    UserAnalytics,
    UserFollow,
)


def _iso(value):
    return value.isoformat() if value else None


def export_messages(user) -> dict:
    conversations = Conversation.objects.filter(Q(client=user) | Q(freelancer=user)).order_by("id")
    messages = Message.objects.filter(Q(sender=user) | Q(recipient=user)).order_by("created_at", "id")
    return {
        "conversations": [
            {"id": c.pk, "project_id": c.project_id, "contract_id": c.contract_id, "subject": c.subject,
             "client_id": c.client_id, "freelancer_id": c.freelancer_id, "created_at": _iso(c.created_at)}
            for c in conversations
        ],
        "messages": [
            {"id": m.pk, "conversation_id": m.conversation_id, "direction": "sent" if m.sender_id == user.pk
             else "received", "content": m.visible_body, "attachment_name": m.attachment_name,
             "reply_to_id": m.reply_to_id, "read_at": _iso(m.read_at), "is_deleted": m.is_deleted,
             "created_at": _iso(m.created_at)}
            for m in messages
        ],
    }


def erase_messages(user) -> None:
    """The other party keeps the thread, but nothing the erased person wrote or attached stays readable."""
    for message in Message.objects.filter(sender=user).exclude(attachment=""):
        message.attachment.delete(save=False)
    Message.objects.filter(sender=user).update(body="", attachment="", attachment_name="", is_deleted=True,
                                               flag_reason="")


def export_notifications(user) -> dict:
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "notifications": [
            {"type": n.notification_type, "title": n.title, "message": n.message, "link": n.link,
             "is_read": n.is_read, "created_at": _iso(n.created_at)}
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
        "preferences": None if preference is None else {
            "channels": preference.channels, "email_frequency": preference.email_frequency,
            "sms_phone_number": preference.sms_phone_number},
        "push_subscriptions": [
            {"endpoint": s.endpoint, "user_agent": s.user_agent, "created_at": _iso(s.created_at)}
            for s in PushSubscription.objects.filter(user=user)
        ],
    }


def erase_notifications(user) -> None:
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    PushSubscription.objects.filter(user=user).delete()


def export_attention(user) -> dict:
    return {
        "favorites": [{"target_type": f.target_type, "target_id": f.target_id, "created_at": _iso(f.created_at)}
                      for f in Favorite.objects.filter(user=user)],
        "following": [{"user_id": f.followee_id, "since": _iso(f.created_at)}
                      for f in UserFollow.objects.filter(follower=user)],
        "followers": [{"user_id": f.follower_id, "since": _iso(f.created_at)}
                      for f in UserFollow.objects.filter(followee=user)],
        "project_views": [{"project_id": v.project_id, "view_count": v.view_count,
                           "last_viewed_at": _iso(v.last_viewed_at)}
                          for v in ProjectView.objects.filter(viewer=user)],
        "analytics": [{"date": a.date.isoformat(), "metric": a.metric_type, "value": str(a.metric_value)}
                      for a in UserAnalytics.objects.filter(user=user).order_by("date", "metric_type")],
    }


def erase_attention(user) -> None:
    Favorite.objects.filter(user=user).delete()
    # Others' bookmarks of an erased freelancer would point at a blank profile.
    Favorite.objects.filter(target_type=FavoriteTarget.FREELANCER, target_id=user.pk).delete()
    UserFollow.objects.filter(Q(follower=user) | Q(followee=user)).delete()
    ProjectView.objects.filter(viewer=user).delete()
    UserAnalytics.objects.filter(user=user).delete()


privacy.register("messages", export_messages, erase_messages,
                 models=("engagement.Conversation", "engagement.Message"))
privacy.register("notifications", export_notifications, erase_notifications,
                 models=("engagement.Notification", "engagement.NotificationPreference",
                         "engagement.PushSubscription"))
privacy.register("engagement", export_attention, erase_attention,
                 models=("engagement.Favorite", "engagement.UserFollow", "engagement.ProjectView",
                         "engagement.UserAnalytics"))
