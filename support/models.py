"""Help desk, disputes and announcements: where MegiLance staff step in."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MONEY = {"max_digits": 14, "decimal_places": 2}


class TicketCategory(models.TextChoices):
    BILLING = "billing", "Billing"
    TECHNICAL = "technical", "Technical"
    ACCOUNT = "account", "Account"
    PROJECT = "project", "Project"
    OTHER = "other", "Other"


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# How long a ticket may wait for its first answer from staff.
FIRST_RESPONSE_HOURS = {
    TicketPriority.URGENT: 2,
    TicketPriority.HIGH: 8,
    TicketPriority.MEDIUM: 24,
    TicketPriority.LOW: 72,
}


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_USER = "waiting_on_user", "Waiting on user"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_USER)


class SupportTicket(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_tickets")
    subject = models.CharField(max_length=200)
    description = models.TextField()
    category = models.CharField(max_length=20, choices=TicketCategory.choices, default=TicketCategory.OTHER)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices, default=TicketPriority.MEDIUM)
    status = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_tickets", limit_choices_to={"is_staff": True})
    attachments = models.JSONField(default=list, blank=True, help_text="Stored file paths.")
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    last_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "support_tickets"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "first_response_due_at"]),
            models.Index(fields=["assigned_to", "status"]),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self):
        return f"/support/tickets/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TICKET_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.first_responded_at is None and self.is_open and self.first_response_due_at
                    and self.first_response_due_at < timezone.now())

    @staticmethod
    def due_for(priority: str, start=None):
        return (start or timezone.now()) + timedelta(hours=FIRST_RESPONSE_HOURS[TicketPriority(priority)])


class TicketMessage(models.Model):
    ticket = models.ForeignKey(SupportTicket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="ticket_messages")
    body = models.TextField()
    is_staff_reply = models.BooleanField(default=False)
    attachments = models.JSONField(default=list, blank=True, help_text="Stored file paths.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ticket_messages"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Message {self.pk} on ticket {self.ticket_id}"


class DisputeType(models.TextChoices):
    QUALITY = "quality", "Work quality"
    NON_DELIVERY = "non_delivery", "Work not delivered"
    PAYMENT = "payment", "Payment"
    SCOPE = "scope", "Scope disagreement"
    COMMUNICATION = "communication", "Communication"
    OTHER = "other", "Other"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_REVIEW = "under_review", "Under review"
    RESOLVED = "resolved", "Resolved"


# The other party's time to answer before staff may decide.
DISPUTE_RESPONSE_DAYS = 5


class Dispute(models.Model):
    contract = models.ForeignKey("marketplace.Contract", on_delete=models.PROTECT, related_name="disputes")
    milestone = models.ForeignKey("marketplace.Milestone", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="disputes")
    escrow = models.ForeignKey("billing.Escrow", on_delete=models.PROTECT, related_name="disputes")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_raised")
    dispute_type = models.CharField(max_length=20, choices=DisputeType.choices, default=DisputeType.OTHER)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_disputes", limit_choices_to={"is_staff": True})
    frozen_amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    contract_status_before = models.CharField(max_length=20, blank=True)
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    client_amount = models.DecimalField(**MONEY, null=True, blank=True)
    freelancer_amount = models.DecimalField(**MONEY, null=True, blank=True)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="disputes_resolved")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "disputes"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            # One live dispute per escrow: the freeze can only be owned by one case.
            models.UniqueConstraint(fields=["escrow"], condition=~Q(status="resolved"),
                                    name="one_open_dispute_per_escrow"),
        ]

    def __str__(self):
        return f"Dispute #{self.pk} on contract {self.contract_id}"

    def get_absolute_url(self):
        return f"/support/disputes/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status != DisputeStatus.RESOLVED

    def other_party_id(self) -> int:
        contract = self.contract
        return contract.freelancer_id if self.raised_by_id == contract.client_id else contract.client_id


class DisputeEvidence(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="dispute_evidence")
    description = models.TextField()
    attachments = models.JSONField(default=list, blank=True, help_text="Stored file paths.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "dispute_evidence"
        ordering = ["created_at", "id"]
        verbose_name_plural = "dispute evidence"

    def __str__(self):
        return f"Evidence {self.pk} on dispute {self.dispute_id}"


class AnnouncementType(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    MAINTENANCE = "maintenance", "Maintenance"
    FEATURE = "feature", "Feature"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    CLIENTS = "clients", "Clients"
    FREELANCERS = "freelancers", "Freelancers"


class Announcement(models.Model):
    title = models.CharField(max_length=200)
    content = models.TextField()
    announcement_type = models.CharField(max_length=20, choices=AnnouncementType.choices,
                                         default=AnnouncementType.INFO)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="announcements")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "announcements"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["is_active", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                                   name="announcement_ends_after_start"),
        ]

    def __str__(self):
        return self.title
