"""Account settings pages for security: open sessions and the account's own security log."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from megilance.api.exceptions import ApplicationError

from . import privacy_services, services
from .middleware import SESSION_FIELD
from .models import AuditLog, UserSession

AUDIT_LABELS = {
    "auth.login": "Logged in", "auth.login_failed": "Failed log-in", "auth.logout": "Logged out",
    "auth.logout_everywhere": "Logged out everywhere else", "auth.session_revoked": "Session ended",
    "auth.mfa_challenge": "Asked for a two-factor code", "auth.mfa_failed": "Wrong two-factor code",
    "auth.password_change": "Password changed", "auth.password_reset": "Password reset",
    "auth.password_reset_requested": "Password reset requested", "mfa.enabled": "Two-factor authentication on",
    "mfa.disabled": "Two-factor authentication off", "mfa.recovery_codes_regenerated": "New recovery codes",
    "user.registered": "Account created", "user.email_verified": "Email confirmed",
    "user.role_changed": "Role changed by staff", "user.deactivated": "Account suspended",
    "user.reactivated": "Account reactivated", "privacy.export_requested": "Data export requested",
    "privacy.erased": "Account erased",
}


def _current_session_id(request):
    return request.session.get(SESSION_FIELD)


@login_required
def sessions_page(request):
    sessions = UserSession.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(request, "accounts/sessions.html", {
        "sessions": sessions, "current_session_id": _current_session_id(request),
    })


@login_required
@require_POST
def session_end(request, pk: int):
    session = get_object_or_404(UserSession, pk=pk, user=request.user, revoked_at__isnull=True)
    services.session_revoke(session=session, reason="revoked_by_user", request=request)
    if session.pk == _current_session_id(request):
        return redirect("account_login")
    messages.success(request, "That session was ended.")
    return redirect("account-sessions")


@login_required
@require_POST
def sessions_end_others(request):
    revoked = services.sessions_revoke_all(user=request.user, reason="logout_everywhere",
                                           except_session_id=_current_session_id(request))
    services.audit_record(action="auth.logout_everywhere", actor=request.user, request=request, revoked=revoked)
    messages.success(request, f"{revoked} other session{'s' if revoked != 1 else ''} ended.")
    return redirect("account-sessions")


@login_required
def security_log_page(request):
    rows = AuditLog.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.label = AUDIT_LABELS.get(row.action, row.action.replace(".", ": ").replace("_", " ").capitalize())
        row.by_someone_else = row.actor_id is not None and row.actor_id != row.user_id
    return render(request, "accounts/security_log.html", {"page": page})


@login_required
def privacy_page(request):
    from .privacy_models import DataExportRequest
    from .two_factor import is_enabled

    if request.method == "POST" and request.POST.get("action") == "export":
        privacy_services.data_export_request(user=request.user, request=request)
        messages.success(request, "We are preparing your data. We will email you a download link.")
        return redirect("account-privacy")
    erase_error = ""
    if request.method == "POST" and request.POST.get("action") == "erase":
        try:
            privacy_services.user_erase(user=request.user, password=request.POST.get("password", ""),
                                        code=request.POST.get("code", ""), request=request)
        except ApplicationError as exc:
            erase_error = exc.message
        else:
            logout(request)
            messages.success(request, "Your account was erased.")
            return redirect("home")
    exports = DataExportRequest.objects.filter(user=request.user)[:10]
    for export in exports:
        export.link = privacy_services.download_url(export) if export.is_downloadable else ""
    return render(request, "accounts/privacy.html", {
        "exports": exports, "mfa_enabled": is_enabled(request.user), "erase_error": erase_error,
    }, status=400 if erase_error else 200)


@login_required
def export_download(request, pk: int):
    from .privacy_models import DataExportRequest

    export = get_object_or_404(DataExportRequest, pk=pk, user=request.user)
    if not privacy_services.download_check(export=export, token=request.GET.get("token", ""), user=request.user):
        raise Http404("This download link is invalid or expired.")
    response = FileResponse(default_storage.open(export.file_name, "rb"), as_attachment=True,
                            filename=f"megilance-data-{export.created_at:%Y%m%d}.zip", content_type="application/zip")
    return response
