"""Support pages, included at the site root by megilance/urls.py."""

from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("support/", views.ticket_list, name="ticket-list"),
    path("support/tickets/new/", views.ticket_new, name="ticket-new"),
    path("support/tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("support/tickets/<int:pk>/close/", views.ticket_close, name="ticket-close"),
    path("support/disputes/<int:pk>/", views.dispute_detail, name="dispute-detail"),
    path("support/files/<str:kind>/<int:pk>/<int:index>/", views.attachment_download, name="attachment"),
    path("contracts/<int:contract_id>/dispute/", views.dispute_new, name="dispute-new"),
]
