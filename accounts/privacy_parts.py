"""What the accounts app holds about a person, for GDPR export and erasure."""

from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from . import privacy
from .models import AuditLog, UserSession, UserSkill


def export_profile(user) -> dict:
    return {
        "id": user.pk, "email": user.email, "name": user.name, "role": user.role, "bio": user.bio,
        "title": user.title, "hourly_rate": str(user.hourly_rate) if user.hourly_rate is not None else None,
        "location": user.location, "timezone": user.timezone, "profile_image_url": user.profile_image_url,
        "email_verified": user.email_verified, "joined_at": user.date_joined.isoformat(),
        "skills": [
            {"name": us.skill.name, "proficiency_level": us.proficiency_level,
             "years_of_experience": us.years_of_experience}
            for us in UserSkill.objects.filter(user=user).select_related("skill")
        ],
    }


def erase_profile(user) -> None:
    """Replace identifying profile data; the row stays so that retained invoices and ledger rows keep a party."""
    from allauth.account.models import EmailAddress

    anonymous_email = f"erased-{user.pk}-{get_random_string(8).lower()}@erased.megilance.invalid"
    user.email = anonymous_email
    user.name = "Deleted user"
    user.bio = user.title = user.location = user.profile_image_url = ""
    user.hourly_rate = None
    user.is_active = False
    user.password = make_password(None)
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    UserSkill.objects.filter(user=user).delete()


def export_sessions(user) -> list:
    return [
        {"kind": s.kind, "ip_address": s.ip_address, "user_agent": s.user_agent,
         "created_at": s.created_at.isoformat(), "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None}
        for s in UserSession.objects.filter(user=user)
    ]


def erase_sessions(user) -> None:
    from .services import sessions_revoke_all

    sessions_revoke_all(user=user, reason="erased")
    UserSession.objects.filter(user=user).update(ip_address=None, user_agent="")


def export_audit(user) -> list:
    return [
        {"action": a.action, "ip_address": a.ip_address, "created_at": a.created_at.isoformat(),
         "metadata": a.metadata}
        for a in AuditLog.objects.filter(user=user)
    ]


def erase_audit(user) -> None:
    # Security records are kept for the legal retention period, stripped of network identifiers.
    AuditLog.objects.filter(user=user).update(ip_address=None, user_agent="")
    AuditLog.objects.filter(actor=user).update(ip_address=None, user_agent="")


privacy.register("profile", export_profile, erase_profile,
                 models=("accounts.UserSkill", "account.EmailAddress"))
privacy.register("sessions", export_sessions, erase_sessions, models=("accounts.UserSession",))
privacy.register("audit_logs", export_audit, erase_audit, models=("accounts.AuditLog",))


def _export_requests(user):
    from .privacy_services import export_requests_part

    return export_requests_part(user)


def _erase_export_requests(user):
    from .privacy_services import erase_export_requests

    erase_export_requests(user)


privacy.register("data_exports", _export_requests, _erase_export_requests, models=("accounts.DataExportRequest",))
privacy.exclude("mfa.Authenticator", "2FA secrets are never exported; deleted with the account's 2FA on erasure.")
privacy.exclude("account.EmailConfirmation", "Short-lived verification keys.")
