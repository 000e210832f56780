"""What users see of the money: payments (one row per visible movement), fee lines and refunds."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Abs
from django.db.models.lookups import LessThan

__all__ = [
    "OPEN_REFUND_STATUSES",
    "Payment",
    "PaymentStatus",
    "PaymentType",
    "Refund",
    "RefundStatus",
    "TransactionFee",
]

MONEY = {"max_digits": 14, "decimal_places": 2}


class PaymentType(models.TextChoices):
    DEPOSIT = "deposit", "Deposit"
    ESCROW_FUNDING = "escrow_funding", "Escrow funding"
    RELEASE = "release", "Release"
    REFUND = "refund", "Refund"
    PAYOUT = "payout", "Payout"
    FEE = "fee", "Fee"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class Payment(models.Model):
    """One movement a person sees in their history. The ledger holds the double-entry truth underneath."""

    payment_type = models.CharField(max_length=20, choices=PaymentType.choices)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="payments_sent")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="payments_received")
    contract = models.ForeignKey("marketplace.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="payments")
    milestone = models.ForeignKey("marketplace.Milestone", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="payments")
    escrow = models.ForeignKey("billing.Escrow", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="payments")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    # The platform fee taken from this movement (releases) and what it leaves for the receiver.
    fee_amount = models.DecimalField(**MONEY, default=0)
    net_amount = models.DecimalField(**MONEY, default=0)
    description = models.CharField(max_length=255, blank=True)
    gateway = models.CharField(max_length=20, blank=True)
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    # Releases: the net becomes available for payout at `available_at` (the security period); `matured_at`
    # is when the maturing task moved it.
    available_at = models.DateTimeField(null=True, blank=True)
    matured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payments"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["from_user", "-created_at"]),
            models.Index(fields=["to_user", "-created_at"]),
            models.Index(fields=["payment_type", "status", "available_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="payment_fee_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_payment_type_display()} {self.amount} {self.currency} ({self.status})"


class TransactionFee(models.Model):
    """The fee line of a payment: the platform's fee and the provider's fee. base = platform fee + net."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="fee_line")
    base_amount = models.DecimalField(**MONEY)
    platform_fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    platform_fee_amount = models.DecimalField(**MONEY)
    # What the provider kept: the platform's cost, never taken from the freelancer.
    payment_gateway_fee = models.DecimalField(**MONEY, default=0)
    net_amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "transaction_fees"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Within half a cent: SQLite stores decimals as floats (PostgreSQL is exact), and any real
            # difference is at least a cent.
            models.CheckConstraint(
                condition=Q(LessThan(Abs(F("base_amount") - F("platform_fee_amount") - F("net_amount")),
                                     Decimal("0.005"))),
                name="transaction_fee_adds_up",
            ),
            models.CheckConstraint(condition=Q(platform_fee_amount__gte=0) & Q(payment_gateway_fee__gte=0),
                                   name="transaction_fee_not_negative"),
        ]

    def __str__(self):
        return f"Fee {self.platform_fee_amount} on {self.base_amount} {self.currency}"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    PROCESSING = "processing", "Processing"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


# Refund requests that still claim part of the escrow: a new request may not claim the same money.
OPEN_REFUND_STATUSES = (RefundStatus.REQUESTED, RefundStatus.APPROVED)


class Refund(models.Model):
    """Money going back to the payer of an escrow funding or deposit. A request waits for staff; a refund the
    client may take alone (before the work is submitted) is created approved and processed at once."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds",
                                help_text="The funding or deposit being refunded.")
    escrow = models.ForeignKey("billing.Escrow", on_delete=models.PROTECT, related_name="refunds")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="refunds_requested")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="refunds_decided")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # The payment row of the money going back, created when the refund is processed.
    refund_payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="refund_record")
    gateway = models.CharField(max_length=20, blank=True)
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "refunds"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"Refund {self.pk} of {self.amount} {self.currency} ({self.status})"
