from megilance.api.routers import OptionalSlashRouter

from .time_views import TimeEntryViewSet, WorkLogViewSet

router = OptionalSlashRouter()
router.register("time-entries", TimeEntryViewSet, basename="time-entry")
router.register("work-logs", WorkLogViewSet, basename="work-log")

urlpatterns = router.urls
