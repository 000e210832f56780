"""GDPR export (a ZIP of one JSON file per registered part, built by Celery) and erasure of an account."""

import io
import json
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from megilance.api.exceptions import ApplicationError
from megilance.email import send_email

from . import privacy, two_factor
from .models import User
from .privacy_models import DataExportRequest, ExportStatus
from .services import audit_record

EXPORT_DAYS = 7
_DOWNLOAD_SALT = "megilance.accounts.data-export"


@transaction.atomic
def data_export_request(*, user: User, request=None) -> DataExportRequest:
    """Start an export, or answer the one already being built."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    running = DataExportRequest.objects.filter(
        user=user, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]).first()
    if running is not None:
        return running
    export = DataExportRequest.objects.create(user=user)
    audit_record(action="privacy.export_requested", actor=user, request=request, target=export)
    from .tasks import build_data_export

    transaction.on_commit(lambda: build_data_export.delay(export.pk))
    return export


def _export_zip(user: User) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in privacy.parts():
            data = part.exporter(user)
            archive.writestr(f"{part.name}.json", json.dumps(data, indent=2, default=str, ensure_ascii=False))
        archive.writestr("README.txt", (
            f"Everything MegiLance holds about account {user.pk}, exported {timezone.now():%Y-%m-%d %H:%M} UTC.\n"
            "One JSON file per part of the platform. Ask support if anything is unclear.\n"))
    return buffer.getvalue()


def data_export_build(*, export_id: int) -> DataExportRequest:
    """Build the ZIP into private storage and email a signed link that works for seven days."""
    export = DataExportRequest.objects.select_related("user").get(pk=export_id)
    if export.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
        return export
    DataExportRequest.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    try:
        content = _export_zip(export.user)
        name = default_storage.save(DataExportRequest.new_file_name(export.user_id), ContentFile(content))
    except Exception as exc:
        DataExportRequest.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=str(exc)[:300])
        raise
    now = timezone.now()
    with transaction.atomic():
        DataExportRequest.objects.filter(pk=export.pk).update(
            status=ExportStatus.READY, file_name=name, size_bytes=len(content), completed_at=now,
            expires_at=now + timedelta(days=EXPORT_DAYS))
        export.refresh_from_db()
        send_email(to=export.user.email, template="data_export_ready", context={
            "name": export.user.display_name, "url": download_url(export), "days": EXPORT_DAYS})
    return export


def download_token(export: DataExportRequest) -> str:
    return signing.dumps({"export": export.pk, "user": export.user_id}, salt=_DOWNLOAD_SALT)


def download_url(export: DataExportRequest) -> str:
    path = reverse("privacy-export-download", kwargs={"pk": export.pk})
    return f"{settings.SITE_URL}{path}?token={download_token(export)}"


def download_check(*, export: DataExportRequest, token: str, user: User) -> bool:
    """The link is signed for this export and this owner, and dies after seven days."""
    try:
        payload = signing.loads(token or "", salt=_DOWNLOAD_SALT, max_age=timedelta(days=EXPORT_DAYS))
    except signing.BadSignature:
        return False
    return (payload.get("export") == export.pk and payload.get("user") == user.pk == export.user_id
            and export.is_downloadable)


def data_exports_expire() -> int:
    """Delete the files of exports past their seven days (beat job)."""
    count = 0
    for export in DataExportRequest.objects.filter(status=ExportStatus.READY, expires_at__lte=timezone.now()):
        if export.file_name:
            default_storage.delete(export.file_name)
        DataExportRequest.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file_name="")
        count += 1
    return count


def export_requests_part(user) -> list:
    return [{"id": e.pk, "status": e.status, "created_at": e.created_at.isoformat(),
             "completed_at": e.completed_at.isoformat() if e.completed_at else None}
            for e in DataExportRequest.objects.filter(user=user)]


def erase_export_requests(user) -> None:
    for export in DataExportRequest.objects.filter(user=user):
        if export.file_name:
            default_storage.delete(export.file_name)
    DataExportRequest.objects.filter(user=user).delete()


@transaction.atomic
def user_erase(*, user: User, password: str, code: str = "", request=None) -> None:
    """Erase an account: every registered part anonymises or deletes what it holds, keeping what the law requires
    (invoices, ledger, contracts) stripped to what is needed. Asks for the password, and a 2FA code when it is on."""
    if not password or not user.check_password(password):
        raise ApplicationError("The password is not correct.", code="invalid_password",
                               errors={"password": ["The password is not correct."]})
    if two_factor.is_enabled(user):
        if not code:
            raise ApplicationError("Enter a code from your authenticator app or a recovery code.",
                                   code="mfa_code_required", errors={"code": ["This field is required."]})
        two_factor.require_code(user=user, code=code)
    user = User.objects.select_for_update().get(pk=user.pk)
    email = user.email
    audit_record(action="privacy.erased", actor=user, request=None, parts=[p.name for p in privacy.parts()])
    privacy.erase_user(user)
    from allauth.mfa.models import Authenticator
    from axes.models import AccessAttempt

    Authenticator.objects.filter(user=user).delete()
    AccessAttempt.objects.filter(username__iexact=email).delete()
