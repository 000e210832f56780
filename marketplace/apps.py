from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self):
        from megilance import seeding

        from .seeding import seed_marketplace

        seeding.register("marketplace", seed_marketplace)
        from . import privacy_parts  # noqa: F401  (GDPR export and erasure)
        from .search import receivers  # noqa: F401  (keeps search vectors current)
