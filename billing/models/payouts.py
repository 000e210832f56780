"""Payouts of a freelancer's available balance, by hand or on a schedule."""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = ["Payout", "PayoutFrequency", "PayoutSchedule", "PayoutStatus"]

MONEY = {"max_digits": 14, "decimal_places": 2}


class PayoutStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"


class Payout(models.Model):
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.PROCESSING)
    payment = models.OneToOneField("billing.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="payout_record")
    schedule = models.ForeignKey("billing.PayoutSchedule", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="payouts", help_text="Empty when the freelancer asked for it.")
    gateway = models.CharField(max_length=20, default="manual")
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payouts"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["freelancer", "-created_at"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self):
        return f"Payout {self.pk} of {self.amount} {self.currency} ({self.status})"


class PayoutFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Mondays)"
    TWICE_MONTHLY = "twice_monthly", "Twice a month (1st and 15th)"
    MONTHLY = "monthly", "Monthly (the 1st)"


class PayoutSchedule(models.Model):
    freelancer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                      related_name="payout_schedule")
    frequency = models.CharField(max_length=20, choices=PayoutFrequency.choices, default=PayoutFrequency.MONTHLY)
    minimum_amount = models.DecimalField(**MONEY, default=50)
    currency = models.CharField(max_length=3, default="USD")
    is_active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payout_schedules"
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(minimum_amount__gte=0),
                                              name="payout_schedule_minimum_not_negative")]

    def __str__(self):
        return f"{self.get_frequency_display()} payouts for {self.freelancer}"
