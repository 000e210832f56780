from megilance.api.routers import OptionalSlashRouter

from .invoice_views import InvoiceViewSet

router = OptionalSlashRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")

urlpatterns = router.urls
