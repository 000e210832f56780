"""Web push delivery: one small adapter over pywebpush (VAPID-signed, aes128gcm-encrypted payloads)."""

import json
import logging
from email.utils import parseaddr

from django.conf import settings
from pywebpush import WebPushException, webpush

logger = logging.getLogger(__name__)

GONE = {404, 410}


class SubscriptionGone(Exception):
    """The push service says the browser unsubscribed: the subscription must be dropped."""


def vapid_subject() -> str:
    return f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or 'no-reply@megilance.com'}"


def send_push(*, endpoint: str, p256dh: str, auth: str, payload: dict, ttl: int = 24 * 3600) -> int:
    """Encrypt `payload` for one browser and post it to its push service; answers the HTTP status."""
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": vapid_subject()},
            content_encoding="aes128gcm",
            ttl=ttl,
            timeout=10,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in GONE:
            raise SubscriptionGone(endpoint) from exc
        raise
    return response.status_code
