from django.urls import include, re_path

from megilance.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()

urlpatterns = [
    *router.urls,
    # Contracts, milestones, portfolio and reviews live in their own module.
    re_path(r"", include("marketplace.api.contract_urls")),
]
