"""Routes for contracts, milestones, portfolio items and reviews; included from marketplace/api/urls.py."""

from megilance.api.routers import OptionalSlashRouter

from . import contract_views as views

router = OptionalSlashRouter()
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("portfolio", views.PortfolioItemViewSet, basename="portfolio-item")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = [*router.urls]
