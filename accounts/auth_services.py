"""Email verification, password reset and password changes, shared by the web pages (allauth) and the API."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import url_str_to_user_pk, user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from megilance.api.exceptions import ApplicationError
from megilance.email import send_email

from .middleware import SESSION_FIELD
from .models import User
from .services import audit_record, sessions_revoke_all

INVALID_RESET = "This password reset link is invalid, expired or was already used. Ask for a new one."


def _http_request(request):
    """allauth's helpers want Django's request, not DRF's wrapper."""
    return getattr(request, "_request", request)


def _primary_address(user: User) -> EmailAddress:
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return address


def email_verification_send(*, user: User) -> bool:
    """Email a confirmation link (the same signed key the web page /accounts/confirm-email/<key>/ accepts)."""
    if user.email_verified or not user.is_active:
        return False
    address = _primary_address(user)
    if address.verified:
        return False
    key = EmailConfirmationHMAC(address).key
    send_email(to=user.email, template="verify_email", context={
        "name": user.display_name, "token": key,
        "url": f"{settings.SITE_URL}{reverse('account_confirm_email', kwargs={'key': key})}",
    })
    return True


def email_verification_resend(*, email: str) -> None:
    """Answers nothing either way, so that nobody learns whether an address has an account."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is not None:
        email_verification_send(user=user)


@transaction.atomic
def email_verify(*, token: str, request=None) -> User:
    confirmation = EmailConfirmationHMAC.from_key(token or "")
    if confirmation is None:
        # from_key only finds unverified addresses: an already used link lands here too.
        raise ApplicationError("This confirmation link is invalid, expired or was already used.",
                               code="invalid_token", errors={"token": ["Invalid or expired token."]})
    address = confirmation.confirm(_http_request(request))
    if address is None:
        raise ApplicationError("This email address could not be confirmed.", code="invalid_token")
    user = User.objects.get(pk=address.user_id)
    if address.email.lower() == user.email.lower() and not user.email_verified:
        # The email_confirmed receiver does this for the primary address; a non-primary match is fixed here.
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True
    return user


def password_reset_token(user: User) -> str:
    """`<uid>-<key>`, the same token the web page /accounts/password/reset/key/<token>/ takes. The key hashes the
    password, so it dies when the password changes (single use); PASSWORD_RESET_TIMEOUT bounds its age."""
    return f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"


def password_reset_request(*, email: str, request=None) -> None:
    """Email a reset link if the address has an active account. The caller answers the same either way."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        audit_record(action="auth.password_reset_requested", request=request, email=(email or "")[:254], known=False)
        return
    token = password_reset_token(user)
    uidb36, key = token.split("-", 1)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": key})
    send_email(to=user.email, template="password_reset", context={
        "name": user.display_name, "token": token, "url": f"{settings.SITE_URL}{path}",
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    })
    audit_record(action="auth.password_reset_requested", user=user, request=request, known=True)


def _user_from_reset_token(token: str) -> User:
    uid, _, key = (token or "").partition("-")
    try:
        pk = url_str_to_user_pk(uid)
        user = User.objects.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, ValidationError, User.DoesNotExist):
        user = None
    if user is None or not key or not default_token_generator.check_token(user, key):
        raise ApplicationError(INVALID_RESET, code="invalid_token", errors={"token": [INVALID_RESET]})
    return user


@transaction.atomic
def password_reset_confirm(*, token: str, new_password: str, request=None) -> User:
    """Set a new password from a reset token. It does not sign anyone in: the next log-in still asks for the
    second factor when 2FA is on."""
    user = _user_from_reset_token(token)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code="invalid_password",
                               errors={"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    password_changed(user=user, request=request, how="reset", keep_current=False)
    return user


def password_changed(*, user: User, request=None, how: str = "change", keep_current: bool = True) -> int:
    """Every session and refresh-token family of the user ends; a web change keeps the browser that made it."""
    keep = None
    if keep_current and request is not None and hasattr(request, "session"):
        keep = request.session.get(SESSION_FIELD)
    ended = sessions_revoke_all(user=user, reason=f"password_{how}", except_session_id=keep)
    audit_record(action=f"auth.password_{how}", actor=user if how != "reset" else None, user=user,
                 request=request, sessions_ended=ended)
    return ended
