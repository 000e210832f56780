from django.urls import include, re_path

from megilance.api.routers import OptionalSlashRouter

from .catalog import CategoryViewSet, SkillViewSet, TagViewSet, UserSkillViewSet
from .projects import ProjectViewSet
from .proposals import ProposalViewSet

router = OptionalSlashRouter()
router.register("skills", SkillViewSet, basename="skill")
router.register("user-skills", UserSkillViewSet, basename="user-skill")
router.register("categories", CategoryViewSet, basename="category")
router.register("tags", TagViewSet, basename="tag")
router.register("projects", ProjectViewSet, basename="project")
router.register("proposals", ProposalViewSet, basename="proposal")

urlpatterns = [
    *router.urls,
    # Contracts, milestones, portfolio and reviews live in their own module.
    re_path(r"", include("marketplace.api.contract_urls")),
    re_path(r"", include("marketplace.api.time_urls")),
    re_path(r"", include("marketplace.api.search_urls")),
]
