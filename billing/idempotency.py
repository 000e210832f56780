"""`Idempotency-Key` for money-moving POSTs, backed by the idempotency_keys table.

A key is scoped to the user, the method and the path (with or without the trailing slash), and kept 24 hours:
- the first request with a key runs and its successful (2xx) answer is stored;
- a repeat with the same key and the same body gets that answer again (header `Idempotent-Replayed: true`),
  without running anything;
- the same key with another body answers 422;
- a repeat while the first is still running answers 409.
A request that fails (4xx, 5xx) stores nothing: the client may fix it and retry with the same key.

Use it on a viewset action: `@idempotent` under `@action(...)`, or on `create`.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from megilance.api.exceptions import ApplicationError, Conflict

from .models import IdempotencyKey, IdempotencyKeyStatus

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="A unique key per intended action (a UUID). Repeating the request with the same key and body "
                "replays the first answer; another body answers 422; a repeat still in flight answers 409.",
)


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    default_code = "idempotency_key_reused"


def _fingerprint(data) -> str:
    if hasattr(data, "lists"):  # a QueryDict from a form post
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _claim(*, user, method: str, path: str, key: str, request_hash: str) -> tuple[IdempotencyKey, bool]:
    """Record the key as in flight, or return the stored answer. Returns (record, is_replay).

    The record is written in its own short transaction so that a second request sees it at once."""
    now = timezone.now()
    lookup = {"user": user, "method": method, "path": path, "key": key}
    with transaction.atomic():
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(**lookup, request_hash=request_hash,
                                                     expires_at=now + KEEP_FOR), False
        except IntegrityError:
            pass
        record = IdempotencyKey.objects.select_for_update().get(**lookup)
        if record.expires_at <= now:
            # An expired key is free again.
            record.request_hash = request_hash
            record.status = IdempotencyKeyStatus.IN_FLIGHT
            record.response_status = None
            record.response_body = None
            record.expires_at = now + KEEP_FOR
            record.save()
            return record, False
        if record.request_hash != request_hash:
            raise IdempotencyKeyReused("This Idempotency-Key was used with another request body.")
        if record.status == IdempotencyKeyStatus.IN_FLIGHT:
            raise Conflict("A request with this Idempotency-Key is still being processed.", code="request_in_flight")
        return record, True


def _forget(record: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=record.pk, status=IdempotencyKeyStatus.IN_FLIGHT).delete()


def _remember(record: IdempotencyKey, response: Response) -> None:
    # Stored as the client saw it (money as JSON numbers), so a replay is byte-for-byte the same shape.
    body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
    IdempotencyKey.objects.filter(pk=record.pk).update(
        status=IdempotencyKeyStatus.COMPLETED, response_status=response.status_code, response_body=body)


def idempotent(view_method):
    """Decorate a DRF view method (self, request, *args, **kwargs) that moves money."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ApplicationError(f"{HEADER} is at most {MAX_KEY_LENGTH} characters.", code="invalid_idempotency_key")
        path = request.path.rstrip("/") or "/"
        record, is_replay = _claim(user=request.user, method=request.method, path=path[:255], key=key,
                                   request_hash=_fingerprint(request.data))
        if is_replay:
            return Response(record.response_body, status=record.response_status,
                            headers={"Idempotent-Replayed": "true"})
        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            _forget(record)
            raise
        if 200 <= response.status_code < 300 and isinstance(response, Response):
            _remember(record, response)
        else:
            _forget(record)
        return response

    return wrapper


def idempotency_keys_purge(*, now=None) -> int:
    """Delete keys older than their 24 hours."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
