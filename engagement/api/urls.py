from django.urls import re_path

from megilance.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("conversations", views.ConversationViewSet, basename="conversation")
router.register("messages", views.MessageViewSet, basename="message")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("push-subscriptions", views.PushSubscriptionViewSet, basename="push-subscription")

urlpatterns = [
    # accounts serves /api/users/{pk}; this path is one segment deeper, so the two never match the same URL.
    re_path(r"^users/me/notification-preferences/?$", views.notification_preferences,
            name="notification-preferences"),
    *router.urls,
]
