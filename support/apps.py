from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self):
        from megilance import seeding

        from . import privacy_parts, receivers  # noqa: F401
        from .groups import create_groups
        from .seeding import seed_support

        post_migrate.connect(create_groups, sender=self, dispatch_uid="support.create_groups")
        seeding.register("support", seed_support)
