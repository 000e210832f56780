from django.urls import re_path

from megilance.api.routers import OptionalSlashRouter

from .invoice_views import BillingProfileView, InvoiceViewSet

router = OptionalSlashRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")

urlpatterns = [
    re_path(r"^billing-profile/?$", BillingProfileView.as_view(), name="billing-profile"),
    *router.urls,
]
