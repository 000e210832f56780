from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from megilance import seeding

        from . import privacy_parts, receivers  # noqa: F401
        from .seeding import seed_engagement

        receivers.connect()
        seeding.register("engagement", seed_engagement)
