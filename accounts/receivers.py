"""Hooks from Django and allauth into the accounts services (web log-in sessions, audit, verified email)."""

from allauth.account.signals import email_confirmed
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
