"""Invoices: the paper that documents every charge, numbered per issuer without gaps within a year."""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "PLATFORM_ISSUER",
    "Invoice",
    "InvoiceKind",
    "InvoiceSequence",
    "InvoiceSource",
    "InvoiceStatus",
]

MONEY = {"max_digits": 14, "decimal_places": 2}
# The issuer key of MegiLance's own invoices (platform fees); a person's key is "user:<id>".
PLATFORM_ISSUER = "platform"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    CANCELLED = "cancelled", "Cancelled"


class InvoiceKind(models.TextChoices):
    # A freelancer's invoice to a client for the work (INV-YYYY-NNNNNN).
    WORK = "work", "Work"
    # MegiLance's invoice to a freelancer for the platform fee (MGL-YYYY-NNNNNN).
    PLATFORM_FEE = "platform_fee", "Platform fee"


class InvoiceSource(models.TextChoices):
    MANUAL = "manual", "Created by hand"
    ESCROW_RELEASE = "escrow_release", "Escrow release"
    HOURLY_WEEK = "hourly_week", "Hourly week"


class InvoiceSequence(models.Model):
    """The last number given by one issuer in one year. Issuing locks this row, so two invoices issued at the
    same time wait for each other and the numbers have no gaps: a rolled-back issue rolls the counter back."""

    issuer_key = models.CharField(max_length=40)
    prefix = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "invoice_sequences"
        constraints = [models.UniqueConstraint(fields=["issuer_key", "prefix", "year"],
                                               name="invoice_sequence_one_per_issuer_year")]

    def __str__(self):
        return f"{self.prefix}-{self.year} of {self.issuer_key}: {self.last_number}"


class Invoice(models.Model):
    # Unique per issuer (every freelancer counts from INV-YYYY-000001), see the constraints below.
    number = models.CharField(max_length=20, null=True, blank=True, db_index=True,
                              help_text="Given when the invoice is issued; a draft has none.")
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.WORK)
    source = models.CharField(max_length=20, choices=InvoiceSource.choices, default=InvoiceSource.MANUAL)
    contract = models.ForeignKey("marketplace.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="invoices")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="invoices_issued", help_text="Empty for MegiLance's own invoices.")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices_received")
    items = models.JSONField(default=list, help_text="[{description, quantity, unit_price, amount}]")
    amount = models.DecimalField(**MONEY, default=0, help_text="Sum of the rounded line amounts, before tax.")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax = models.DecimalField(**MONEY, default=0)
    total = models.DecimalField(**MONEY, default=0)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    paid_date = models.DateTimeField(null=True, blank=True)
    payment = models.ForeignKey("billing.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="invoices")
    escrow = models.ForeignKey("billing.Escrow", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="invoices")
    # The time entries an hourly invoice bills; an entry is billed once (it is then "invoiced").
    time_entries = models.ManyToManyField("marketplace.TimeEntry", blank=True, related_name="invoices",
                                          db_table="invoice_time_entries")
    week_start = models.DateField(null=True, blank=True, help_text="Monday of the billed week (hourly invoices).")
    notes = models.TextField(blank=True)
    # Both parties as they were when the invoice was issued: {name, email, company, address: [..], tax_id}.
    from_details = models.JSONField(default=dict, blank=True)
    to_details = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to="invoices/%Y/", blank=True)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    charge_failed_at = models.DateTimeField(null=True, blank=True,
                                            help_text="First failed charge of the client's saved payment method.")
    charge_failure_reason = models.CharField(max_length=255, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "invoices"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["from_user", "-created_at"]),
            models.Index(fields=["to_user", "-created_at"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["contract", "week_start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0) & Q(amount__gte=0) & Q(tax__gte=0),
                                   name="invoice_amounts_not_negative"),
            models.UniqueConstraint(fields=["payment", "kind"], condition=Q(source="escrow_release"),
                                    name="invoice_one_per_release"),
            models.CheckConstraint(condition=Q(status__in=["draft", "cancelled"]) | Q(number__isnull=False),
                                   name="invoice_issued_has_number"),
            models.UniqueConstraint(fields=["from_user", "number"], name="invoice_number_unique_per_issuer"),
            models.UniqueConstraint(fields=["number"], condition=Q(from_user__isnull=True),
                                    name="invoice_number_unique_for_platform"),
        ]

    def __str__(self):
        return self.number or f"Draft invoice {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (InvoiceStatus.PENDING, InvoiceStatus.OVERDUE)
