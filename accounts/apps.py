from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from megilance import seeding

        from . import privacy_parts, receivers  # noqa: F401
        from .seeding import seed_accounts

        seeding.register("accounts", seed_accounts)
        from .uploads import checks as uploads_checks
        uploads_checks.ready()
