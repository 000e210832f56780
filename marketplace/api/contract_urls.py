"""Routes for contracts, milestones, portfolio items and reviews."""

from megilance.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()

urlpatterns = [*router.urls]
