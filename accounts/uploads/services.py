"""Every write on uploaded files. Three doors lead here: direct multipart uploads (upload_direct), presigned
uploads that count only once confirmed (upload_presign, upload_confirm) and other apps' attachments
(upload_validate_and_store). All of them pass the same gate, in this order: size for the kind, extension checked
against the real content, virus scan, image re-encoding; only then is the file clean and visible."""

import hashlib
import logging
import posixpath
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from megilance.api.exceptions import ApplicationError, NotFound
from megilance.email import send_email

from . import images, scanning, sniffing, storage
from .models import UploadBucket, UploadedFile, UploadKind, UploadStatus

logger = logging.getLogger(__name__)

PUBLIC_KINDS = {UploadKind.PROFILE_IMAGE, UploadKind.PORTFOLIO_IMAGE}
IMAGE_KINDS = {UploadKind.PROFILE_IMAGE, UploadKind.PORTFOLIO_IMAGE}
PRESIGN_SALT = "megilance.uploads.presign"


def max_bytes(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind] * 1024 * 1024


def safe_name(name: str, *, default: str = "file") -> str:
    """A display and download name: no path, no control characters, at most 100 characters."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    try:
        base = get_valid_filename(base)
    except Exception:  # Django refuses names that become empty or "."/".."
        base = ""
    if len(base) > 100:
        stem, extension = posixpath.splitext(base)
        base = stem[: 100 - len(extension)] + extension
    return base or default


def _new_key(*, bucket: str, owner_id: int, kind: str, extension: str) -> str:
    return f"{bucket}/{owner_id}/{kind}/{uuid.uuid4().hex}{extension}"


def _refuse(message: str, field: str = "file", code: str = "invalid_file") -> ApplicationError:
    return ApplicationError(message, errors={field: [message]}, code=code)


@dataclass
class _Checked:
    extension: str
    content_type: str


def _check(kind: str, name: str, data: bytes) -> _Checked:
    if len(data) > max_bytes(kind):
        raise _refuse(f"The file is larger than {settings.UPLOAD_MAX_MB[kind]} MB.", code="file_too_large")
    try:
        extension, content_type = sniffing.check_content(kind=kind, name=name, data=data)
    except sniffing.ContentRefused as error:
        raise _refuse(str(error), code="file_type_refused") from error
    return _Checked(extension, content_type)


def _notify_quarantined(upload: UploadedFile) -> None:
    from accounts.services import audit_record

    audit_record(action="upload_quarantined", actor=None, user=upload.owner, target=upload,
                 signature=upload.scan_signature, kind=upload.kind)
    send_email(to=upload.owner.email, template="upload_quarantined",
               context={"name": upload.owner.name or upload.owner.email, "file_name": upload.original_name,
                        "kind": upload.get_kind_display()})


def _quarantine(upload: UploadedFile, data: bytes, signature: str) -> UploadedFile:
    """Keep the infected bytes aside for staff (never served) and tell the uploader."""
    old_bucket, old_key = upload.bucket, upload.object_key
    key = f"quarantine/{upload.owner_id}/{uuid.uuid4().hex}.bin"
    storage.put(UploadBucket.UPLOADS, key, data)
    upload.bucket, upload.object_key = UploadBucket.UPLOADS, key
    upload.status, upload.scan_signature, upload.scanned_at = UploadStatus.QUARANTINED, signature, timezone.now()
    upload.variants = {}
    with transaction.atomic():
        upload.save()
        _notify_quarantined(upload)
    if (old_bucket, old_key) != (upload.bucket, key):
        storage.delete(old_bucket, old_key)
    logger.warning("Upload %s of user %s quarantined: %s", upload.pk, upload.owner_id, signature)
    return upload


def _hold(upload: UploadedFile, data: bytes) -> UploadedFile:
    """The scanner is unavailable: keep the raw bytes privately until a rescan passes them."""
    if upload.bucket != UploadBucket.UPLOADS or not storage.exists(UploadBucket.UPLOADS, upload.object_key):
        key = f"held/{upload.owner_id}/{uuid.uuid4().hex}.bin"
        storage.put(UploadBucket.UPLOADS, key, data)
        old = (upload.bucket, upload.object_key)
        upload.bucket, upload.object_key = UploadBucket.UPLOADS, key
        if old[1] and old != (upload.bucket, key):
            storage.delete(*old)
    upload.status = UploadStatus.HELD
    upload.save()
    return upload


def _publish(upload: UploadedFile, data: bytes, checked: _Checked) -> UploadedFile:
    """Scanned clean: re-encode images, write the final objects under server-made keys, mark clean."""
    bucket = UploadBucket.ASSETS if upload.kind in PUBLIC_KINDS else UploadBucket.UPLOADS
    variants = {}
    extension, content_type = checked.extension, checked.content_type
    if upload.kind in IMAGE_KINDS or (extension in sniffing.IMAGE_EXTENSIONS and upload.kind != "support_attachment"):
        try:
            processed = images.reencode(data)
        except images.ImageRefused as error:
            raise _refuse(str(error), code="image_refused") from error
        data, extension, content_type = processed.data, processed.extension, processed.content_type
        base = _new_key(bucket=bucket, owner_id=upload.owner_id, kind=upload.kind, extension="")
        variants = {"webp": storage.put(bucket, f"{base}.webp", processed.webp),
                    "thumbnail": storage.put(bucket, f"{base}-thumb.webp", processed.thumbnail)}
        key = storage.put(bucket, f"{base}{extension}", data)
    else:
        key = storage.put(bucket, _new_key(bucket=bucket, owner_id=upload.owner_id, kind=upload.kind,
                                           extension=extension), data)
    old = (upload.bucket, upload.object_key)
    upload.bucket, upload.object_key, upload.variants = bucket, key, variants
    upload.content_type, upload.size = content_type, len(data)
    upload.sha256 = hashlib.sha256(data).hexdigest()
    upload.status = UploadStatus.CLEAN
    upload.confirmed_at = upload.confirmed_at or timezone.now()
    upload.expires_at = None
    upload.save()
    if old[1] and old != (bucket, key):
        storage.delete(*old)
    return upload


def _process(upload: UploadedFile, data: bytes) -> UploadedFile:
    """Content checks, scan, then publish, quarantine or hold. Raises ApplicationError for refused content."""
    checked = _check(upload.kind, upload.original_name, data)
    result = scanning.scan_bytes(data)
    upload.scanned_at = timezone.now()
    if result.verdict == scanning.INFECTED:
        return _quarantine(upload, data, result.signature)
    if result.verdict == scanning.UNAVAILABLE:
        return _hold(upload, data)
    return _publish(upload, data, checked)


def upload_direct(*, owner, kind: str, file, target_id: int | None = None) -> UploadedFile:
    """A multipart upload: checked, scanned and re-encoded now; attached when `target_id` is given."""
    if kind not in UploadKind.values:
        raise _refuse("Unknown kind of upload.", field="kind")
    target = _resolve_target(owner=owner, kind=kind, target_id=target_id)
    limit = max_bytes(kind)
    if file.size is not None and file.size > limit:
        raise _refuse(f"The file is larger than {settings.UPLOAD_MAX_MB[kind]} MB.", code="file_too_large")
    data = file.read(limit + 1)
    name = safe_name(file.name)
    _check(kind, name, data)  # refuse before anything is written
    upload = UploadedFile.objects.create(owner=owner, kind=kind, status=UploadStatus.PENDING,
                                         object_key=f"pending/{owner.pk}/{uuid.uuid4().hex}",
                                         original_name=name, size=len(data))
    try:
        upload = _process(upload, data)
    except ApplicationError:
        upload.delete()
        raise
    if upload.status == UploadStatus.CLEAN and target is not None:
        upload_attach(upload=upload, actor=owner, target=target)
    return upload


def upload_validate_and_store(*, file, kind: str, owner) -> UploadedFile:
    """For other apps' attachments: the same checks and scan; refuses anything not clean (no holding there,
    because the caller keeps the file at once)."""
    upload = upload_direct(owner=owner, kind=kind, file=file)
    if upload.status == UploadStatus.QUARANTINED:
        raise _refuse("The file contains malware and was refused.", code="file_infected")
    if upload.status != UploadStatus.CLEAN:
        upload_delete(upload=upload, actor=owner)
        raise _refuse("The virus scanner is unavailable; try again in a few minutes.", code="scanner_unavailable")
    return upload


def upload_check_file(*, file, kind: str, field: str = "attachment") -> None:
    """For other apps that keep an attachment themselves (messages, tickets, dispute evidence): refuse it when
    its content does not match its name, or when the scanner finds it infected or cannot scan it (such a caller
    stores at once, so there is nothing to hold). Nothing is stored here."""
    position = file.tell() if hasattr(file, "tell") else 0
    data = file.read()
    file.seek(position)
    name = safe_name(file.name)
    if len(data) > max_bytes(kind):
        raise ApplicationError(f"{name} is larger than {settings.UPLOAD_MAX_MB[kind]} MB.",
                               errors={field: ["File too large."]}, code="file_too_large")
    try:
        sniffing.check_content(kind=kind, name=name, data=data)
    except sniffing.ContentRefused as error:
        raise ApplicationError(f"{name}: {error}", errors={field: [str(error)]},
                               code="file_type_refused") from error
    result = scanning.scan_bytes(data)
    if result.verdict == scanning.INFECTED:
        logger.warning("Attachment %r (%s) refused: %s", name, kind, result.signature)
        raise ApplicationError(f"{name} contains malware and was refused.", errors={field: ["Malware detected."]},
                               code="file_infected")
    if result.verdict == scanning.UNAVAILABLE:
        raise ApplicationError("The virus scanner is unavailable; try again in a few minutes.",
                               errors={field: ["Scanner unavailable."]}, code="scanner_unavailable")


def scan_hook(file) -> None:
    """The hook support.files calls for every ticket and dispute-evidence attachment."""
    upload_check_file(file=file, kind=UploadKind.SUPPORT_ATTACHMENT, field="attachments")


# --- Presigned uploads ------------------------------------------------------------------------------------------

def _presign_key(*, owner, bucket: str, object_key: str) -> str:
    prefix = f"{bucket}/{owner.pk}/incoming/"
    if not object_key:
        return f"{prefix}{uuid.uuid4().hex}"
    if object_key.startswith(prefix) and posixpath.normpath(object_key) == object_key \
            and ".." not in object_key and re.fullmatch(r"[A-Za-z0-9._/-]+", object_key):
        return object_key
    if "/" in object_key or "\\" in object_key or ".." in object_key:
        raise _refuse("The object key must be a file name or lie under your own upload prefix.",
                      field="object_key", code="invalid_object_key")
    name = safe_name(object_key)
    return f"{prefix}{uuid.uuid4().hex}-{name}"


def upload_presign(*, owner, bucket: str = UploadBucket.UPLOADS, object_key: str = "",
                   expiration: int | None = None, kind: str = "", upload_url: str = "") -> dict:
    if bucket not in UploadBucket.values:
        raise _refuse("bucket must be uploads or assets.", field="bucket")
    kind = kind or (UploadKind.PORTFOLIO_IMAGE if bucket == UploadBucket.ASSETS else UploadKind.PROJECT_FILE)
    if kind not in UploadKind.values or kind == UploadKind.SUPPORT_ATTACHMENT:
        raise _refuse("Unknown kind of upload.", field="purpose")
    expiration = expiration or settings.UPLOAD_PRESIGN_DEFAULT_SECONDS
    if expiration < 60:
        raise _refuse("expiration is at least 60 seconds.", field="expiration")
    expiration = min(expiration, settings.UPLOAD_PRESIGN_MAX_SECONDS)
    key = _presign_key(owner=owner, bucket=bucket, object_key=object_key)
    if UploadedFile.objects.filter(object_key=key).exists():
        raise _refuse("That object key is already in use.", field="object_key", code="object_key_taken")
    limit = max_bytes(kind)
    UploadedFile.objects.create(owner=owner, kind=kind, status=UploadStatus.PENDING, bucket=UploadBucket.UPLOADS,
                                object_key=key, original_name=safe_name(posixpath.basename(key)),
                                expires_at=timezone.now() + timedelta(seconds=expiration))
    type_prefix = "image/" if kind in IMAGE_KINDS else ""
    if storage.s3_enabled():
        post = storage.presigned_post(key=key, max_bytes=limit, content_type_prefix=type_prefix,
                                      expires_in=expiration)
        url, fields = post["url"], post["fields"]
    else:
        token = signing.dumps({"key": key, "owner": owner.pk, "max": limit}, salt=PRESIGN_SALT)
        url, fields = upload_url, {"key": key, "token": token}
    return {"url": url, "fields": fields, "object_key": key, "expiration": expiration, "method": "POST"}


def upload_receive_local(*, key: str, token: str, file) -> None:
    """The local stand-in for S3's presigned POST: the signed token, not a session, authorises the write."""
    try:
        claims = signing.loads(token, salt=PRESIGN_SALT, max_age=settings.UPLOAD_PRESIGN_MAX_SECONDS)
    except signing.BadSignature as error:
        raise _refuse("The upload signature is invalid or expired.", field="token", code="bad_signature") from error
    if claims.get("key") != key:
        raise _refuse("The upload signature does not match the key.", field="key", code="bad_signature")
    upload = UploadedFile.objects.filter(object_key=key, owner_id=claims["owner"],
                                         status=UploadStatus.PENDING).first()
    if upload is None or (upload.expires_at and upload.expires_at < timezone.now()):
        raise _refuse("The upload has expired.", field="key", code="expired")
    if file.size is not None and file.size > claims["max"]:
        raise _refuse("The file is larger than this upload allows.", code="file_too_large")
    storage.put(UploadBucket.UPLOADS, key, file.read(claims["max"] + 1))


def upload_confirm(*, owner, object_key: str, purpose: str, target_id: int | None = None) -> UploadedFile:
    """Count a presigned upload: the stored object's real size and content are checked here because the
    storage service may not enforce the POST policy; then scan, re-encode and attach."""
    if purpose not in UploadKind.values or purpose == UploadKind.SUPPORT_ATTACHMENT:
        raise _refuse("Unknown purpose.", field="purpose")
    upload = UploadedFile.objects.filter(owner=owner, object_key=object_key, status=UploadStatus.PENDING).first()
    if upload is None:
        raise NotFound("No pending upload with that key.")
    if upload.expires_at and upload.expires_at < timezone.now():
        raise _refuse("The upload has expired.", field="object_key", code="expired")
    target = _resolve_target(owner=owner, kind=purpose, target_id=target_id)
    if not storage.exists(UploadBucket.UPLOADS, object_key):
        raise _refuse("Nothing was uploaded under that key.", field="object_key", code="not_uploaded")
    upload.kind = purpose
    limit = max_bytes(purpose)
    real_size = storage.size(UploadBucket.UPLOADS, object_key)
    if real_size > limit:
        _reject(upload)
        raise _refuse(f"The file is larger than {settings.UPLOAD_MAX_MB[purpose]} MB.", code="file_too_large")
    data = storage.read(UploadBucket.UPLOADS, object_key, limit=limit + 1)
    upload.size = len(data)
    try:
        upload = _process(upload, data)
    except ApplicationError:
        _reject(upload)
        raise
    if upload.status == UploadStatus.CLEAN and target is not None:
        upload_attach(upload=upload, actor=owner, target=target)
    return upload


def _reject(upload: UploadedFile) -> None:
    storage.delete(upload.bucket, upload.object_key)
    UploadedFile.objects.filter(pk=upload.pk).update(status=UploadStatus.REJECTED, expires_at=None)


def upload_expire_unconfirmed(*, now=None) -> int:
    """Delete presigned objects never confirmed in time (and the rows' claim on their keys)."""
    now = now or timezone.now()
    count = 0
    for upload in UploadedFile.objects.filter(status=UploadStatus.PENDING, expires_at__lt=now).iterator():
        storage.delete(upload.bucket, upload.object_key)
        UploadedFile.objects.filter(pk=upload.pk, status=UploadStatus.PENDING).update(status=UploadStatus.EXPIRED)
        count += 1
    return count


def upload_rescan_held() -> dict:
    """Scan held uploads again; each one ends clean, quarantined or still held."""
    outcome = {"clean": 0, "quarantined": 0, "held": 0, "rejected": 0}
    for upload in UploadedFile.objects.filter(status=UploadStatus.HELD).select_related("owner"):
        data = storage.read(upload.bucket, upload.object_key)
        try:
            upload = _process(upload, data)
        except ApplicationError:
            _reject(upload)
            outcome["rejected"] += 1
            continue
        outcome[upload.status if upload.status in outcome else "held"] += 1
    return outcome


# --- Attaching ----------------------------------------------------------------------------------------------------

def _resolve_target(*, owner, kind: str, target_id):
    """The object a file will be attached to, checked to be the owner's own (404 otherwise)."""
    if kind == UploadKind.PROFILE_IMAGE:
        return owner
    if target_id in (None, ""):
        return None
    try:
        target_id = int(target_id)
    except (TypeError, ValueError) as error:
        raise _refuse("target_id must be a number.", field="target_id") from error
    from marketplace.models import PortfolioItem, Project, Proposal

    if kind == UploadKind.PORTFOLIO_IMAGE:
        target = PortfolioItem.objects.filter(pk=target_id, freelancer=owner).first()
    elif kind == UploadKind.PROPOSAL_ATTACHMENT:
        target = Proposal.objects.filter(pk=target_id, freelancer=owner).first()
    elif kind == UploadKind.PROJECT_FILE:
        target = Project.objects.filter(pk=target_id, client=owner).first()
    elif kind == UploadKind.MESSAGE_ATTACHMENT:
        from engagement.models import Conversation

        target = Conversation.objects.filter(pk=target_id).first()
        target = target if target is not None and target.is_participant(owner) else None
    else:
        target = None
    if target is None:
        raise NotFound("Nothing to attach the file to with that id.")
    return target


def _descriptor(upload: UploadedFile) -> dict:
    return {"file_id": upload.pk, "name": upload.original_name, "size": upload.size,
            "content_type": upload.content_type, "url": upload.download_path}


def upload_attach(*, upload: UploadedFile, actor, target) -> UploadedFile:
    """Link a clean file to what it was uploaded for, through that object's own service."""
    if upload.status != UploadStatus.CLEAN or upload.owner_id != actor.pk:
        raise NotFound("File not found.")
    kind = upload.kind
    if kind == UploadKind.PROFILE_IMAGE:
        from accounts.services import user_update_profile

        user_update_profile(user=actor, data={"profile_image_url": storage.public_url(upload.object_key)})
        target_type = "user"
    elif kind == UploadKind.PORTFOLIO_IMAGE:
        from marketplace.services.portfolio import portfolio_item_update

        portfolio_item_update(item=target, actor=actor,
                              data={"images": [*target.images, storage.public_url(upload.object_key)]})
        target_type = "portfolio_item"
    elif kind == UploadKind.PROPOSAL_ATTACHMENT:
        from marketplace.services.proposals import proposal_update

        proposal_update(proposal=target, actor=actor, attachments=[*target.attachments, _descriptor(upload)])
        target_type = "proposal"
    elif kind == UploadKind.PROJECT_FILE:
        target_type = "project"
    elif kind == UploadKind.MESSAGE_ATTACHMENT:
        from django.core.files.base import ContentFile

        from engagement.services.messaging import message_send

        # The conversation keeps its attachments itself: the clean bytes are sent as a message of the uploader.
        data = storage.read(upload.bucket, upload.object_key)
        message_send(conversation=target, sender=actor, attachment=ContentFile(data, name=upload.original_name))
        target_type = "conversation"
    else:
        raise _refuse("Files of this kind are not attached here.", field="purpose")
    UploadedFile.objects.filter(pk=upload.pk).update(target_type=target_type, target_id=target.pk)
    upload.target_type, upload.target_id = target_type, target.pk
    return upload


def upload_delete(*, upload: UploadedFile, actor) -> None:
    if upload.owner_id != actor.pk and not actor.is_superuser:
        raise NotFound("File not found.")
    for key in [upload.object_key, *upload.variants.values()]:
        storage.delete(upload.bucket, key)
    upload.delete()
