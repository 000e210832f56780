from django.urls import include, re_path

from megilance.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("conversations", views.ConversationViewSet, basename="conversation")
router.register("messages", views.MessageViewSet, basename="message")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("push-subscriptions", views.PushSubscriptionViewSet, basename="push-subscription")
router.register("favorites", views.FavoriteViewSet, basename="favorite")
router.register("follows", views.FollowViewSet, basename="follow")

# accounts serves /api/users/{pk} and marketplace /api/projects/{pk}: these paths are one segment deeper, so they
# never match the same URL as those routes, whatever the include order.
urlpatterns = [
    re_path(r"^users/me/notification-preferences/?$", views.notification_preferences,
            name="notification-preferences"),
    re_path(r"^users/(?P<pk>\d+)/followers/?$", views.user_followers, name="user-followers"),
    re_path(r"^users/(?P<pk>\d+)/following/?$", views.user_following, name="user-following"),
    re_path(r"^analytics/me/?$", views.analytics_me, name="analytics-me"),
    re_path(r"^projects/(?P<pk>\d+)/views/?$", views.project_views, name="project-views"),
    re_path(r"^follows/?$", views.FollowViewSet.as_view({"get": "list", "post": "create", "delete": "unfollow"}),
            name="follow-list"),
    *router.urls,
    re_path(r"", include("engagement.api.saved_search_views")),
]
