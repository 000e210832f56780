"""Hooks from Django and allauth into the accounts services (web log-in sessions, audit, verified email)."""

from allauth.account import signals as account_signals
from allauth.account.signals import email_confirmed
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from megilance.email import send_email

from . import events
from .middleware import SESSION_FIELD
from .models import SessionKind, User, UserSession
from .services import audit_record, session_revoke, session_start


@receiver(events.user_registered)
def send_welcome_email(sender, user, **kwargs):
    # Sent after the sign-up commits (send_email waits for on_commit), so a rolled-back sign-up sends nothing.
    send_email(to=user.email, template="welcome",
               context={"name": user.display_name, "role": user.role, "email": user.email})


@receiver(auth_signals.user_logged_in)
def on_web_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if not request.session.session_key:
        request.session.save()
    session = session_start(user=user, kind=SessionKind.WEB, request=request,
                            session_key=request.session.session_key)
    request.session[SESSION_FIELD] = session.pk


@receiver(auth_signals.user_logged_out)
def on_web_logout(sender, request, user, **kwargs):
    if request is None or user is None or not hasattr(request, "session"):
        return
    sid = request.session.get(SESSION_FIELD)
    session = UserSession.objects.filter(pk=sid, user=user).first() if sid else None
    if session is not None and session.revoked_at is None:
        session_revoke(session=session, reason="logout", request=request)
    audit_record(action="auth.logout", actor=user, request=request, kind=SessionKind.WEB)


@receiver(auth_signals.user_login_failed)
def on_web_login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    known = User.objects.filter(email__iexact=email).first() if email else None
    audit_record(action="auth.login_failed", user=known, request=request, email=email)


@receiver(email_confirmed)
def on_email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    if email_address.primary and not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        audit_record(action="user.email_verified", actor=user, request=request)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def on_web_password_changed(sender, request, user, **kwargs):
    from .auth_services import password_changed

    password_changed(user=user, request=request, how="change", keep_current=True)


@receiver(account_signals.password_reset)
def on_web_password_reset(sender, request, user, **kwargs):
    from .auth_services import password_changed

    password_changed(user=user, request=request, how="reset", keep_current=False)


@receiver(mfa_signals.authenticator_added)
@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def on_web_mfa_changed(sender, request, user, authenticator, signal, **kwargs):
    # allauth's web pages send these; the API's 2FA services write their own rows and send none.
    what = {mfa_signals.authenticator_added: "added", mfa_signals.authenticator_removed: "removed",
            mfa_signals.authenticator_reset: "reset"}[signal]
    action = {("totp", "added"): "mfa.enabled", ("totp", "removed"): "mfa.disabled",
              ("recovery_codes", "reset"): "mfa.recovery_codes_regenerated"}.get(
        (authenticator.type, what), f"mfa.{authenticator.type}_{what}")
    audit_record(action=action, actor=user, request=request, door="web")


@receiver(mfa_signals.authentication_failed)
def on_web_mfa_failed(sender, user, **kwargs):
    audit_record(action="auth.mfa_failed", user=user, request=kwargs.get("request"), door="web")
