"""What MegiLance keeps about outside payment providers: saved cards, payout accounts and received webhooks."""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "PaymentMethod",
    "PaymentMethodStatus",
    "PayoutAccount",
    "PayoutAccountStatus",
    "WebhookEvent",
]


class PaymentMethodStatus(models.TextChoices):
    # A SetupIntent was created; the card is usable once the provider confirms it.
    PENDING = "pending", "Pending confirmation"
    ACTIVE = "active", "Active"
    FAILED = "failed", "Failed"
    DETACHED = "detached", "Removed"


class PaymentMethod(models.Model):
    """A card (or other method) the client saved with a provider, charged off-session for hourly weeks."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_methods")
    gateway = models.CharField(max_length=20)
    gateway_customer_id = models.CharField(max_length=255, blank=True)
    setup_reference = models.CharField(max_length=255, blank=True, db_index=True,
                                       help_text="The provider's id of the setup step (Stripe SetupIntent).")
    payment_method_id = models.CharField(max_length=255, blank=True)
    brand = models.CharField(max_length=30, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=PaymentMethodStatus.choices, default=PaymentMethodStatus.PENDING)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payment_methods"
        ordering = ["-is_default", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "payment_method_id"], condition=~Q(payment_method_id=""),
                                    name="payment_method_unique_per_gateway"),
            # The weekly hourly charge picks "the" default card: there can be only one.
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True),
                                    name="payment_method_one_default_per_user"),
        ]

    def __str__(self):
        if self.last4:
            return f"{self.brand or 'card'} •••• {self.last4}"
        return f"{self.gateway} method {self.pk} ({self.status})"

    @property
    def is_usable(self) -> bool:
        return self.status == PaymentMethodStatus.ACTIVE and bool(self.payment_method_id)


class PayoutAccountStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    RESTRICTED = "restricted", "Restricted"


class PayoutAccount(models.Model):
    """Where a freelancer receives payouts at a provider: a Stripe Connect Express account or a PayPal receiver."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payout_accounts")
    gateway = models.CharField(max_length=20)
    account_id = models.CharField(max_length=255, help_text="Stripe account id (acct_...) or PayPal receiver.")
    status = models.CharField(max_length=20, choices=PayoutAccountStatus.choices,
                              default=PayoutAccountStatus.ONBOARDING)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payout_accounts"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "gateway"], name="payout_account_one_per_gateway"),
            models.UniqueConstraint(fields=["gateway", "account_id"], name="payout_account_unique_id"),
        ]

    def __str__(self):
        return f"{self.gateway} {self.account_id} ({self.status})"

    @property
    def can_receive(self) -> bool:
        return self.status == PayoutAccountStatus.ACTIVE and self.payouts_enabled


class WebhookEvent(models.Model):
    """A provider's event as received. The unique (gateway, event_id) makes a repeated delivery a no-op."""

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "webhook_events"
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="webhook_event_unique")]
        indexes = [models.Index(fields=["gateway", "type", "-received_at"])]

    def __str__(self):
        return f"{self.gateway} {self.type} {self.event_id}"

    @property
    def status(self) -> str:
        if self.processed_at:
            return "processed"
        return "failed" if self.error else "received"
