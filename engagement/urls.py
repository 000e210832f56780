from django.urls import path

from . import views

urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/poll/", views.inbox_poll, name="inbox-poll"),
    path("messages/<int:pk>/", views.conversation_detail, name="conversation-detail"),
    path("messages/<int:pk>/poll/", views.conversation_poll, name="conversation-poll"),
    path("messages/<int:pk>/send/", views.conversation_send, name="conversation-send"),
    path("messages/attachments/<int:pk>/", views.message_attachment, name="message-attachment"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("analytics/", views.analytics_dashboard, name="analytics-dashboard"),
]
