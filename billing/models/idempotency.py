"""Idempotency keys of money-moving API requests (see billing/idempotency.py)."""

from django.conf import settings
from django.db import models

__all__ = ["IdempotencyKey", "IdempotencyKeyStatus"]


class IdempotencyKeyStatus(models.TextChoices):
    IN_FLIGHT = "in_flight", "In flight"
    COMPLETED = "completed", "Completed"


class IdempotencyKey(models.Model):
    """The first answer to a request carrying an `Idempotency-Key` header, scoped to user, method and path."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=IdempotencyKeyStatus.choices,
                              default=IdempotencyKeyStatus.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "idempotency_keys"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "method", "path", "key"],
                                               name="idempotency_key_unique")]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"
