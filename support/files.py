"""Attachments of tickets and dispute evidence: stored through the default storage (local `media/` by default, S3
when configured). The Files work adds scanning: it registers a hook here that may refuse a file before it is kept."""

import os
import uuid
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

from megilance.api.exceptions import ApplicationError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
ALLOWED_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".csv", ".zip", ".doc", ".docx",
                      ".xls", ".xlsx", ".log", ".json"}

# Each hook is called as hook(uploaded_file) before storage and raises ApplicationError to refuse the file.
_scan_hooks: list[Callable] = []


def register_scan_hook(hook: Callable) -> None:
    if hook not in _scan_hooks:
        _scan_hooks.append(hook)


def attachments_store(*, files, prefix: str) -> list[str]:
    """Check and keep the uploaded files; answer the stored paths (what the `attachments` JSON lists hold)."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(f"At most {MAX_ATTACHMENTS} files at once.",
                               errors={"attachments": [f"At most {MAX_ATTACHMENTS} files."]})
    for upload in files:
        extension = os.path.splitext(upload.name or "")[1].lower()
        if extension not in ALLOWED_EXTENSIONS:
            raise ApplicationError(f"Files of type {extension or '(none)'} are not accepted.",
                                   errors={"attachments": [f"{upload.name}: type not accepted."]})
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ApplicationError("A file is larger than 10 MB.",
                                   errors={"attachments": [f"{upload.name}: larger than 10 MB."]})
        for hook in _scan_hooks:
            hook(upload)
    paths = []
    for upload in files:
        name = get_valid_filename(os.path.basename(upload.name))[:100]
        paths.append(default_storage.save(f"{prefix}/{uuid.uuid4().hex[:12]}-{name}", upload))
    return paths


def attachment_url(path: str) -> str:
    try:
        return default_storage.url(path)
    except Exception:
        return ""
