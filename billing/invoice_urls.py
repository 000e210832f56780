"""Pages for hourly work and invoices (included in megilance/urls.py before accounts.urls)."""

from django.urls import path

from . import invoice_views as views

app_name = "invoices"

urlpatterns = [
    path("time/", views.time_tracker, name="time-tracker"),
    path("time/start/", views.timer_start, name="timer-start"),
    path("time/<int:pk>/stop/", views.timer_stop, name="timer-stop"),
    path("time/manual/", views.time_manual, name="time-manual"),
    path("time/<int:pk>/delete/", views.time_delete, name="time-delete"),
    path("time/submit-week/", views.week_submit, name="week-submit"),
    path("timesheets/", views.timesheets, name="timesheets"),
    path("timesheets/approve-week/", views.week_approve, name="week-approve"),
    path("timesheets/<int:pk>/approve/", views.entry_review, {"decision": "approve"}, name="entry-approve"),
    path("timesheets/<int:pk>/reject/", views.entry_review, {"decision": "reject"}, name="entry-reject"),
    path("work-logs/", views.work_logs, name="work-logs"),
    path("invoices/", views.invoice_list, name="invoice-list"),
    path("invoices/new/", views.invoice_create, name="invoice-create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/pdf", views.invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:pk>/pay/", views.invoice_action, {"verb": "pay"}, name="invoice-pay"),
    path("invoices/<int:pk>/send/", views.invoice_action, {"verb": "send"}, name="invoice-send"),
    path("invoices/billing-details/", views.billing_profile, name="billing-profile"),
    path("invoices/<int:pk>/cancel/", views.invoice_action, {"verb": "cancel"}, name="invoice-cancel"),
]
