from megilance.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("conversations", views.ConversationViewSet, basename="conversation")
router.register("messages", views.MessageViewSet, basename="message")

urlpatterns = [*router.urls]
