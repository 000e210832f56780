"""GDPR: a user's files are exported as metadata with download links, and erased with their content."""

from django.conf import settings

from . import storage
from .models import UploadedFile


def export(user) -> list[dict]:
    return [
        {"id": f.pk, "kind": f.kind, "status": f.status, "name": f.original_name, "content_type": f.content_type,
         "size": f.size, "sha256": f.sha256, "attached_to": f"{f.target_type}:{f.target_id}" if f.target_id else "",
         "created_at": f.created_at.isoformat(),
         "download_url": f"{settings.SITE_URL}{f.download_path}" if f.status == "clean" else ""}
        for f in UploadedFile.objects.filter(owner=user).order_by("pk")
    ]


def erase(user) -> None:
    for upload in UploadedFile.objects.filter(owner=user):
        for key in [upload.object_key, *upload.variants.values()]:
            storage.delete(upload.bucket, key)
        upload.delete()
