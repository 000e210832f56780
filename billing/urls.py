"""Money pages, included at the site root by megilance/urls.py."""

from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("contracts/<int:contract_id>/fund/<int:milestone_id>/", views.fund_milestone, name="fund-milestone"),
    path("escrow/", views.escrow_list, name="escrow-list"),
    path("escrow/<int:pk>/", views.escrow_detail, name="escrow-detail"),
    path("escrow/<int:pk>/release/", views.escrow_release, name="escrow-release"),
    path("escrow/<int:pk>/refund/", views.escrow_refund, name="escrow-refund"),
    path("payments/", views.payment_list, name="payment-list"),
    path("payments/export.csv", views.payment_export, name="payment-export"),
    path("payments/<int:payment_id>/refund/", views.refund_request, name="refund-request"),
    path("earnings/", views.earnings, name="earnings"),
    path("earnings/schedule/", views.payout_schedule, name="payout-schedule"),
    path("earnings/payout/", views.payout_now, name="payout-now"),
    path("earnings/payouts/", views.payout_list, name="payout-list"),
    path("earnings/payout-account/", views.payout_account, name="payout-account"),
    path("billing/paypal/return/", views.paypal_return, name="paypal-return"),
    path("billing/paypal/cancel/", views.paypal_cancel, name="paypal-cancel"),
]
