"""Where upload bytes live. With AWS_STORAGE_BUCKET_NAME set, everything is in the bucket (private objects are
never given a URL: downloads stream through MegiLance); otherwise private files sit in UPLOAD_PRIVATE_ROOT, outside
the served media folder, and public assets in MEDIA_ROOT. Public assets are served through AWS_S3_CUSTOM_DOMAIN
(a CDN) when it is set."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage

from .models import UploadBucket


def s3_enabled() -> bool:
    return bool(getattr(settings, "AWS_STORAGE_BUCKET_NAME", "")) and hasattr(default_storage, "bucket_name")


def private_storage() -> Storage:
    if s3_enabled():
        return default_storage
    return FileSystemStorage(location=settings.UPLOAD_PRIVATE_ROOT, base_url=None)


def public_storage() -> Storage:
    return default_storage


def storage_for(bucket: str) -> Storage:
    return public_storage() if bucket == UploadBucket.ASSETS else private_storage()


def put(bucket: str, key: str, data: bytes) -> str:
    """Write `data` at exactly `key` (server-made keys are unique; an existing object is replaced)."""
    storage = storage_for(bucket)
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, ContentFile(data))
    if saved != key:
        raise OSError(f"storage saved {key!r} as {saved!r}")
    return key


def read(bucket: str, key: str, *, limit: int | None = None) -> bytes:
    with storage_for(bucket).open(key, "rb") as handle:
        return handle.read() if limit is None else handle.read(limit)


def size(bucket: str, key: str) -> int:
    return storage_for(bucket).size(key)


def exists(bucket: str, key: str) -> bool:
    return storage_for(bucket).exists(key)


def delete(bucket: str, key: str) -> None:
    if key:
        storage = storage_for(bucket)
        if storage.exists(key):
            storage.delete(key)


def public_url(key: str) -> str:
    domain = getattr(settings, "AWS_S3_CUSTOM_DOMAIN", None)
    if s3_enabled() and domain:
        return f"https://{domain}/{key}"
    return public_storage().url(key)


def s3_client():
    return default_storage.connection.meta.client


def presigned_post(*, key: str, max_bytes: int, content_type_prefix: str, expires_in: int) -> dict:
    conditions = [["content-length-range", 1, max_bytes], ["starts-with", "$Content-Type", content_type_prefix]]
    return s3_client().generate_presigned_post(
        Bucket=default_storage.bucket_name, Key=key, Fields=None, Conditions=conditions, ExpiresIn=expires_in)
