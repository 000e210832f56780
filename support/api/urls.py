from megilance.api.routers import OptionalSlashRouter

from .views import AnnouncementViewSet, DisputeViewSet, SupportTicketViewSet

router = OptionalSlashRouter()
router.register("support-tickets", SupportTicketViewSet, basename="support-ticket")
# The seed's own paths for the same tickets (API.md, Conventions).
router.register("support/tickets", SupportTicketViewSet, basename="support-ticket-seed")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("announcements", AnnouncementViewSet, basename="announcement")

urlpatterns = [*router.urls]
