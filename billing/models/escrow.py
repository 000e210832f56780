"""Escrow: money a client puts up for a contract, per milestone (fixed price) or as a deposit (no milestone)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan

__all__ = ["LIVE_ESCROW_STATUSES", "MONEY_HOLDING_STATUSES", "Escrow", "EscrowStatus"]

MONEY = {"max_digits": 14, "decimal_places": 2}


class EscrowStatus(models.TextChoices):
    PENDING = "pending", "Pending payment"
    FUNDED = "funded", "Funded"
    PARTIALLY_RELEASED = "partially_released", "Partially released"
    RELEASED = "released", "Released"
    REFUNDED = "refunded", "Refunded"
    DISPUTED = "disputed", "Disputed"
    EXPIRED = "expired", "Expired"


# Statuses in which the escrow holds money (its remainder is in the contract's escrow ledger account).
MONEY_HOLDING_STATUSES = (EscrowStatus.FUNDED, EscrowStatus.PARTIALLY_RELEASED, EscrowStatus.DISPUTED)
# A milestone may have one of these at a time; a refunded or expired escrow may be followed by a new one.
LIVE_ESCROW_STATUSES = (EscrowStatus.PENDING, *MONEY_HOLDING_STATUSES)


class Escrow(models.Model):
    contract = models.ForeignKey("marketplace.Contract", on_delete=models.PROTECT, related_name="escrows")
    milestone = models.ForeignKey("marketplace.Milestone", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="escrows", help_text="Empty for a contract deposit.")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escrows")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=EscrowStatus.choices, default=EscrowStatus.PENDING)
    released_amount = models.DecimalField(**MONEY, default=0)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    gateway = models.CharField(max_length=20, default="manual")
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    # While a dispute freezes the escrow, the status to go back to if it is dropped.
    status_before_dispute = models.CharField(max_length=20, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True,
                                      help_text="A payment not confirmed by then is given up (status expired).")
    funded_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "escrow"
        verbose_name_plural = "escrow"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["contract", "status"]),
            models.Index(fields=["client", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_amount_positive"),
            models.CheckConstraint(condition=Q(released_amount__gte=0) & Q(refunded_amount__gte=0),
                                   name="escrow_released_refunded_not_negative"),
            # Released plus refunded never exceeds the amount (within half a cent, because SQLite compares
            # decimals as floats; on PostgreSQL it is exact and a real excess is at least a cent).
            models.CheckConstraint(
                condition=Q(GreaterThan(F("amount") - F("released_amount") - F("refunded_amount"),
                                        Decimal("-0.005"))),
                name="escrow_never_pays_out_more_than_held",
            ),
            models.UniqueConstraint(fields=["milestone"], condition=Q(status__in=LIVE_ESCROW_STATUSES),
                                    name="escrow_one_live_per_milestone"),
            models.UniqueConstraint(fields=["gateway", "gateway_reference"], condition=~Q(gateway_reference=""),
                                    name="escrow_gateway_reference_unique"),
        ]

    def __str__(self):
        what = f"milestone {self.milestone_id}" if self.milestone_id else "deposit"
        return f"Escrow {self.pk} ({what}, {self.amount} {self.currency}, {self.status})"

    @property
    def remaining(self) -> Decimal:
        """Money still held: neither released nor refunded. Zero until the payment is confirmed."""
        if self.status not in MONEY_HOLDING_STATUSES:
            return Decimal("0.00")
        return self.amount - self.released_amount - self.refunded_amount

    @property
    def is_deposit(self) -> bool:
        return self.milestone_id is None
