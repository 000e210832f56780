from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self):
        from megilance import seeding

        from .seeding import seed_marketplace

        seeding.register("marketplace", seed_marketplace)
        from .search import receivers  # noqa: F401  (keeps search vectors current)
