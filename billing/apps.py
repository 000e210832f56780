from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # webhooks defines the Celery task that applies provider events: every worker must know it.
        from megilance import seeding

        from . import gateway_privacy, privacy_parts, receivers, webhooks  # noqa: F401
        from .seeding import seed_billing

        seeding.register("billing", seed_billing)
        from . import invoice_receivers  # noqa: F401
