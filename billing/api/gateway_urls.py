"""Routes of the provider-facing API (billing/api/gateway_views.py), included by billing/api/urls.py."""

from django.urls import re_path

from megilance.api.routers import OptionalSlashRouter

from .gateway_views import PaymentMethodViewSet, PayoutOnboardingView, PayPalWebhookView, StripeWebhookView

router = OptionalSlashRouter()
router.register("payment-methods", PaymentMethodViewSet, basename="payment-method")

urlpatterns = [
    re_path(r"^webhooks/stripe/?$", StripeWebhookView.as_view(), name="webhook-stripe"),
    re_path(r"^webhooks/paypal/?$", PayPalWebhookView.as_view(), name="webhook-paypal"),
    re_path(r"^payouts/onboarding/?$", PayoutOnboardingView.as_view(), name="payout-onboarding"),
    *router.urls,
]
