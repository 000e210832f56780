from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/poll/", views.inbox_poll, name="inbox-poll"),
    path("messages/<int:pk>/", views.conversation_detail, name="conversation-detail"),
    path("messages/<int:pk>/poll/", views.conversation_poll, name="conversation-poll"),
    path("messages/<int:pk>/send/", views.conversation_send, name="conversation-send"),
]
