from django.urls import include, re_path

from megilance.api.routers import OptionalSlashRouter

from .views import (
    EscrowViewSet,
    PaymentViewSet,
    PayoutViewSet,
    RefundViewSet,
    TransactionFeeViewSet,
    WalletView,
)

router = OptionalSlashRouter()
router.register("escrow", EscrowViewSet, basename="escrow")
router.register("payments", PaymentViewSet, basename="payment")
router.register("refunds", RefundViewSet, basename="refund")
router.register("transaction-fees", TransactionFeeViewSet, basename="transaction-fee")
router.register("payouts", PayoutViewSet, basename="payout")

urlpatterns = [
    re_path(r"", include("billing.api.gateway_urls")),
    re_path(r"", include("billing.api.invoice_urls")),
    re_path(r"^wallet/?$", WalletView.as_view(), name="wallet"),
    *router.urls,
]
