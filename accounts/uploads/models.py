"""An uploaded file: who owns it, what it is for, where its bytes are and whether it may be served."""

from django.conf import settings
from django.db import models


class UploadKind(models.TextChoices):
    PROFILE_IMAGE = "profile_image", "Profile image"
    PORTFOLIO_IMAGE = "portfolio_image", "Portfolio image"
    PROPOSAL_ATTACHMENT = "proposal_attachment", "Proposal attachment"
    PROJECT_FILE = "project_file", "Project file"
    MESSAGE_ATTACHMENT = "message_attachment", "Message attachment"
    SUPPORT_ATTACHMENT = "support_attachment", "Ticket or dispute attachment"


class UploadStatus(models.TextChoices):
    # A presigned upload whose object may or may not be in storage yet; it counts only once confirmed.
    PENDING = "pending", "Waiting for confirmation"
    # The scanner could not be reached: kept aside and rescanned, never served meanwhile.
    HELD = "held", "Held until scanned"
    CLEAN = "clean", "Clean"
    QUARANTINED = "quarantined", "Quarantined"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class UploadBucket(models.TextChoices):
    UPLOADS = "uploads", "Private uploads"
    ASSETS = "assets", "Public assets"


class UploadedFile(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploaded_files")
    kind = models.CharField(max_length=30, choices=UploadKind.choices)
    status = models.CharField(max_length=20, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    bucket = models.CharField(max_length=10, choices=UploadBucket.choices, default=UploadBucket.UPLOADS)
    # Where the bytes are now: the private storage for the uploads bucket, the public one for assets.
    object_key = models.CharField(max_length=500, unique=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Image variants by name ("webp", "thumbnail") -> object key in the same bucket.
    variants = models.JSONField(default=dict, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # What the file is attached to: "proposal", "portfolio_item", "project", "conversation", "user".
    target_type = models.CharField(max_length=30, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "accounts"
        db_table = "uploaded_files"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    @property
    def is_public(self) -> bool:
        return self.bucket == UploadBucket.ASSETS and self.status == UploadStatus.CLEAN

    @property
    def download_path(self) -> str:
        return f"/api/files/{self.pk}/download"
