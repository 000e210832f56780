"""The double-entry ledger under every movement of money.

An account belongs to an owner (a user, a contract, or the platform) and has a purpose. A transaction is one
movement; its entries carry signed amounts (positive: money comes into the account) that sum to zero per
currency. Entries and transactions are append-only: a correction is a new transaction. `LedgerAccount.balance`
is a cache of the sum of the account's entries, kept by billing.services.ledger.ledger_post under a row lock and
checked by `manage.py ledger_check`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "HOLDING_PURPOSES",
    "AccountPurpose",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "LedgerTransactionKind",
    "LedgerWriteRefused",
]

MONEY = {"max_digits": 14, "decimal_places": 2}


class LedgerWriteRefused(Exception):
    """Raised on any attempt to change or delete a ledger row that was already written."""


class AccountPurpose(models.TextChoices):
    # Money coming in from a client's card or bank: goes negative by what the client has paid in.
    CLIENT_FUNDING = "client_funding", "Client funding"
    # Money held for a contract until it is released or refunded.
    ESCROW = "escrow", "Escrow"
    # A freelancer's earnings inside the security period.
    FREELANCER_PENDING = "freelancer_pending", "Freelancer pending"
    # A freelancer's earnings that may be paid out.
    FREELANCER_AVAILABLE = "freelancer_available", "Freelancer available"
    # The platform's fees. It may go below zero: gateway fees and goodwill are paid from it.
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue"
    # What payment providers kept for themselves (the platform's cost).
    GATEWAY_FEES = "gateway_fees", "Gateway fees"
    # Money that left to a freelancer's bank or provider account.
    PAYOUTS = "payouts", "Payouts"
    # Money that went back to a client's card or bank.
    REFUNDS = "refunds", "Refunds"


# Accounts that hold someone's money: they can never go below zero (checked in the service and by the database).
HOLDING_PURPOSES = (AccountPurpose.ESCROW, AccountPurpose.FREELANCER_PENDING, AccountPurpose.FREELANCER_AVAILABLE)


class LedgerAccount(models.Model):
    purpose = models.CharField(max_length=30, choices=AccountPurpose.choices)
    currency = models.CharField(max_length=3)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="ledger_accounts")
    contract = models.ForeignKey("marketplace.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="ledger_accounts")
    # "user:<id>", "contract:<id>" or "platform": one unique key that works the same on SQLite and PostgreSQL,
    # where NULL owners would not collide in a plain unique constraint.
    owner_key = models.CharField(max_length=40)
    balance = models.DecimalField(**MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ledger_accounts"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "owner_key", "currency"], name="ledger_account_unique"),
            models.CheckConstraint(condition=Q(balance__gte=0) | ~Q(purpose__in=HOLDING_PURPOSES),
                                   name="ledger_account_holding_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.owner_key} {self.currency}"

    @property
    def is_holding(self) -> bool:
        return self.purpose in HOLDING_PURPOSES


class LedgerTransactionKind(models.TextChoices):
    FUNDING = "funding", "Escrow funding"
    RELEASE = "release", "Escrow release"
    REFUND = "refund", "Refund"
    REFUND_REVERSAL = "refund_reversal", "Failed refund returned to escrow"
    MATURING = "maturing", "Security period ended"
    PAYOUT = "payout", "Payout"
    PAYOUT_REVERSAL = "payout_reversal", "Failed payout returned"
    GATEWAY_FEE = "gateway_fee", "Gateway fee"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerWriteRefused("Ledger rows are append-only; post a correcting transaction instead.")

    def delete(self):
        raise LedgerWriteRefused("Ledger rows are append-only; post a correcting transaction instead.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LedgerWriteRefused(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerWriteRefused(f"{type(self).__name__} rows are append-only.")


class LedgerTransaction(AppendOnlyModel):
    kind = models.CharField(max_length=20, choices=LedgerTransactionKind.choices)
    description = models.CharField(max_length=255, blank=True)
    escrow = models.ForeignKey("billing.Escrow", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ledger_transactions")
    payment = models.ForeignKey("billing.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ledger_transactions")
    payout = models.ForeignKey("billing.Payout", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ledger_transactions")
    refund = models.ForeignKey("billing.Refund", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ledger_transactions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_transactions"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class LedgerEntry(AppendOnlyModel):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(**MONEY, help_text="Signed: positive when money comes into the account.")
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_entries"
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "id"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self):
        return f"{self.amount:+} {self.currency} on {self.account}"
