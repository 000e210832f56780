from django.conf import settings
from django.db import models
from django.db.models import Q

from marketplace.models import Contract, Project

MONEY = {"max_digits": 14, "decimal_places": 2}


class Conversation(models.Model):
    """A thread between a project's client and one freelancer: about a project (a bidder before any contract)
    or about a contract. `client` and `freelancer` are the only two participants."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="conversations")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="conversations")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "conversations"
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-last_message_at"]),
            models.Index(fields=["freelancer", "-last_message_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract"], condition=Q(contract__isnull=False),
                                    name="conversation_one_per_contract"),
            models.UniqueConstraint(fields=["project", "client", "freelancer"],
                                    condition=Q(contract__isnull=True, project__isnull=False),
                                    name="conversation_one_per_project_pair"),
            models.CheckConstraint(condition=Q(project__isnull=False) | Q(contract__isnull=False),
                                   name="conversation_has_project_or_contract"),
        ]

    def __str__(self):
        return self.subject or f"Conversation {self.pk}"

    def get_absolute_url(self):
        return f"/messages/{self.pk}/"

    def is_participant(self, user) -> bool:
        return user is not None and user.pk in (self.client_id, self.freelancer_id)

    def other_party_id(self, user) -> int:
        return self.freelancer_id if user.pk == self.client_id else self.client_id


def message_attachment_path(instance, filename):
    return f"messages/{instance.conversation_id}/{filename}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent")
    # Stored so that the unread count is one indexed query instead of a join through conversations.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="messages_received")
    body = models.TextField(blank=True)
    attachment = models.FileField(upload_to=message_attachment_path, blank=True, max_length=300)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_size = models.PositiveBigIntegerField(null=True, blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    read_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_flagged = models.BooleanField(default=False, db_index=True)
    flag_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "messages"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["conversation", "-created_at"]),
            models.Index(fields=["recipient", "read_at"]),
        ]
        permissions = [("moderate_message", "Can review flagged messages")]

    def __str__(self):
        return f"Message {self.pk} from {self.sender_id}"

    @property
    def visible_body(self) -> str:
        return "" if self.is_deleted else self.body


class NotificationType(models.TextChoices):
    PROPOSAL_SUBMITTED = "proposal_submitted", "New proposal"
    PROPOSAL_ACCEPTED = "proposal_accepted", "Proposal accepted"
    PROPOSAL_REJECTED = "proposal_rejected", "Proposal rejected"
    CONTRACT_CREATED = "contract_created", "Contract started"
    CONTRACT_COMPLETED = "contract_completed", "Contract completed"
    CONTRACT_CANCELLED = "contract_cancelled", "Contract cancelled"
    MILESTONE_FUNDED = "milestone_funded", "Milestone funded"
    MILESTONE_SUBMITTED = "milestone_submitted", "Milestone submitted"
    MILESTONE_APPROVED = "milestone_approved", "Milestone approved"
    MILESTONE_REJECTED = "milestone_rejected", "Milestone changes requested"
    ESCROW_RELEASED = "escrow_released", "Escrow released"
    PAYMENT_RECEIVED = "payment_received", "Payment received"
    REFUND_DECIDED = "refund_decided", "Refund decided"
    INVOICE_ISSUED = "invoice_issued", "Invoice issued"
    INVOICE_OVERDUE = "invoice_overdue", "Invoice overdue"
    REVIEW_RECEIVED = "review_received", "Review received"
    DISPUTE_OPENED = "dispute_opened", "Dispute opened"
    DISPUTE_RESOLVED = "dispute_resolved", "Dispute resolved"
    TICKET_ANSWERED = "ticket_answered", "Support ticket answered"
    NEW_MESSAGE = "new_message", "New message"
    NEW_PROJECT_FROM_FOLLOWED = "followed_project", "New project from someone you follow"
    NEW_FOLLOWER = "new_follower", "New follower"
    SAVED_SEARCH_MATCH = "saved_search_match", "Saved search match"
    DEPOSIT_FUNDED = "deposit_funded", "Deposit funded"
    FUNDING_FAILED = "funding_failed", "Payment failed"
    PAYOUT_PAID = "payout_paid", "Payout sent"
    PAYOUT_FAILED = "payout_failed", "Payout failed"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    notification_type = models.CharField(max_length=40, choices=NotificationType.choices, db_index=True)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # False when the user switched the in-app channel off for this type: the row still records the event (and
    # feeds the email digest) but stays out of the list and the unread count.
    in_app = models.BooleanField(default=True)
    is_read = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the user's daily digest email (set when they chose the digest over instant email).
    digest_pending = models.BooleanField(default=False, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "is_read", "-created_at"]),
            # The in-app list, newest first, and its count: an index-only walk of one person's entries.
            models.Index(fields=["user", "-created_at", "-id"], condition=models.Q(in_app=True),
                         name="notifications_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.notification_type} for {self.user_id}"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    PUSH = "push", "Web push"
    SMS = "sms", "SMS"


class EmailFrequency(models.TextChoices):
    INSTANT = "instant", "Instant"
    DAILY = "daily", "Daily digest"


class NotificationPreference(models.Model):
    """One row per user: `channels` maps event type -> {channel: bool}; missing entries take the defaults of
    engagement.notify.DEFAULT_CHANNELS, so a new event type needs no data migration."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    channels = models.JSONField(default=dict, blank=True)
    email_frequency = models.CharField(max_length=10, choices=EmailFrequency.choices,
                                       default=EmailFrequency.INSTANT)
    sms_phone_number = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notification_preferences"

    def __str__(self):
        return f"Notification preferences of {self.user_id}"


class PushSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "push_subscriptions"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Push subscription {self.pk} of {self.user_id}"


class FavoriteTarget(models.TextChoices):
    PROJECT = "project", "Project"
    FREELANCER = "freelancer", "Freelancer"


class Favorite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites")
    target_type = models.CharField(max_length=20, choices=FavoriteTarget.choices)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "favorites"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="favorite_once"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.user_id} ♥ {self.target_type} {self.target_id}"


class ProjectView(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_views")
    view_count = models.PositiveIntegerField(default=1)
    last_viewed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "project_views"
        ordering = ["-last_viewed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "viewer"], name="project_view_once_per_viewer")]

    def __str__(self):
        return f"{self.viewer_id} viewed {self.project_id} ×{self.view_count}"


class UserFollow(models.Model):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "user_follows"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=models.F("followee")), name="follow_not_self"),
        ]

    def __str__(self):
        return f"{self.follower_id} → {self.followee_id}"


class MetricType(models.TextChoices):
    PROJECT_VIEWS = "project_views", "Views of my projects"
    PROFILE_VIEWS = "profile_views", "Views of my profile"
    PROPOSALS_RECEIVED = "proposals_received", "Proposals received"
    PROPOSALS_SENT = "proposals_sent", "Proposals sent"
    PROPOSALS_WON = "proposals_won", "Proposals won"
    EARNINGS = "earnings", "Earnings"
    SPEND = "spend", "Spend"
    MESSAGES_SENT = "messages_sent", "Messages sent"
    RESPONSE_TIME = "response_time_minutes", "Average response time (minutes)"
    FAVORITED = "favorited", "Times favorited"
    NEW_FOLLOWERS = "new_followers", "New followers"


class UserAnalytics(models.Model):
    """A daily rollup: one value per user, day and metric, recomputed by the nightly job (so re-running a day
    overwrites, never double counts)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics")
    date = models.DateField()
    metric_type = models.CharField(max_length=40, choices=MetricType.choices)
    metric_value = models.DecimalField(**MONEY, default=0)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "user_analytics"
        ordering = ["user_id", "date", "metric_type"]
        verbose_name_plural = "user analytics"
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "metric_type"], name="analytics_one_per_day_metric"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.date} {self.metric_type}={self.metric_value}"
from .saved_searches import SavedSearch  # noqa: E402,F401
