"""Two-factor authentication for both doors, on allauth.mfa's own devices (TOTP and recovery codes): a device
set up through the API works on the web log-in page and the other way round. The web pages' changes are audited
by accounts.receivers from allauth's signals; these API services write their own audit rows."""

import base64
import secrets

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django.core import signing
from django.core.cache import cache
from django.db import transaction

from megilance.api.exceptions import ApplicationError, Conflict

from .models import User
from .services import audit_record

SETUP_SECONDS = 15 * 60
LOGIN_TOKEN_SECONDS = 5 * 60
LOGIN_TOKEN_ATTEMPTS = 5
_LOGIN_SALT = "megilance.accounts.mfa-login"


def _pending_key(user) -> str:
    return f"megilance.mfa.pending-secret:{user.pk}"


def is_enabled(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def status(user) -> dict:
    kinds = set(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))
    remaining = 0
    rc = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).first()
    if rc is not None:
        remaining = len(RecoveryCodes(rc).get_unused_codes())
    return {"enabled": Authenticator.Type.TOTP in kinds, "methods": sorted(kinds),
            "backup_codes_remaining": remaining}


def check_password(*, user: User, password: str) -> None:
    """Changing 2FA asks for the password again."""
    if not password or not user.check_password(password):
        raise ApplicationError("The password is not correct.", code="invalid_password",
                               errors={"password": ["The password is not correct."]})


def setup_begin(*, user: User) -> dict:
    """A fresh secret kept server-side for 15 minutes until a code from it turns 2FA on."""
    if is_enabled(user):
        raise Conflict("Two-factor authentication is already on.", code="mfa_already_enabled")
    if not user.email_verified:
        raise Conflict("Confirm your email address before turning on two-factor authentication.",
                       code="unverified_email")
    secret = generate_totp_secret()
    cache.set(_pending_key(user), secret, SETUP_SECONDS)
    adapter = get_mfa_adapter()
    url = adapter.build_totp_url(user, secret)
    svg = adapter.build_totp_svg(url)
    return {"secret": secret, "otpauth_url": url,
            "qr_code": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()}


@transaction.atomic
def enable(*, user: User, code: str, password: str, request=None) -> list[str]:
    check_password(user=user, password=password)
    secret = cache.get(_pending_key(user))
    if not secret:
        raise ApplicationError("Start the set-up first: the secret expired or was never created.",
                               code="mfa_setup_required")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one enable at a time per user
    if is_enabled(user):
        raise Conflict("Two-factor authentication is already on.", code="mfa_already_enabled")
    if not validate_totp_code(secret, str(code or "").strip()):
        raise ApplicationError("That code is not correct.", code="invalid_code",
                               errors={"code": ["That code is not correct."]})
    totp = TOTP.activate(user, secret)
    totp._mark_code_used(str(code).strip())  # the code that turned 2FA on cannot also sign in
    codes = RecoveryCodes.activate(user)
    cache.delete(_pending_key(user))
    audit_record(action="mfa.enabled", actor=user, request=request, door="api")
    return codes.get_unused_codes()


def verify_code(*, user: User, code: str) -> str | None:
    """A TOTP code (each usable once) or an unused recovery code. Returns which one matched."""
    code = str(code or "").strip().replace(" ", "").replace("-", "")
    if not code:
        return None
    for authenticator in Authenticator.objects.filter(user_id=user.pk).order_by("type"):
        if authenticator.type == Authenticator.Type.TOTP and TOTP(authenticator).validate_code(code):
            authenticator.record_usage()
            return "totp"
        if authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(authenticator).validate_code(code):
            authenticator.record_usage()
            return "recovery_code"
    return None


def require_code(*, user: User, code: str) -> str:
    kind = verify_code(user=user, code=code)
    if kind is None:
        raise ApplicationError("That code is not correct or was already used.", code="invalid_code",
                               errors={"code": ["That code is not correct or was already used."]})
    return kind


@transaction.atomic
def disable(*, user: User, password: str, code: str, request=None) -> None:
    check_password(user=user, password=password)
    if not is_enabled(user):
        raise Conflict("Two-factor authentication is not on.", code="mfa_not_enabled")
    require_code(user=user, code=code)
    for authenticator in Authenticator.objects.filter(user_id=user.pk):
        authenticator.delete()
    audit_record(action="mfa.disabled", actor=user, request=request, door="api")


@transaction.atomic
def regenerate_recovery_codes(*, user: User, password: str, request=None) -> list[str]:
    check_password(user=user, password=password)
    if not is_enabled(user):
        raise Conflict("Two-factor authentication is not on.", code="mfa_not_enabled")
    Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
    codes = RecoveryCodes.activate(user)
    audit_record(action="mfa.recovery_codes_regenerated", actor=user, request=request, door="api")
    return codes.get_unused_codes()


def login_token(user: User) -> str:
    """Proof that the password step passed: signed, five minutes long, usable for one successful code."""
    return signing.dumps({"uid": user.pk, "jti": secrets.token_urlsafe(16)}, salt=_LOGIN_SALT, compress=True)


def login_verify(*, token: str, code: str) -> tuple[User, str]:
    """Check the token from the password step and a second-factor code. The token dies on success and after a
    few wrong codes, so it cannot be replayed or used to guess."""
    refused = ApplicationError("The sign-in step expired or is not valid. Log in again.", code="invalid_mfa_token",
                               status_code=401)
    try:
        payload = signing.loads(token or "", salt=_LOGIN_SALT, max_age=LOGIN_TOKEN_SECONDS)
    except signing.BadSignature:
        raise refused from None
    jti = payload.get("jti")
    used_key, tries_key = f"megilance.mfa.login-used:{jti}", f"megilance.mfa.login-tries:{jti}"
    if not jti or cache.get(used_key):
        raise refused
    user = User.objects.filter(pk=payload.get("uid"), is_active=True).first()
    if user is None or not is_enabled(user):
        raise refused
    kind = verify_code(user=user, code=code)
    if kind is None:
        cache.add(tries_key, 0, LOGIN_TOKEN_SECONDS)
        if cache.incr(tries_key) >= LOGIN_TOKEN_ATTEMPTS:
            cache.set(used_key, 1, LOGIN_TOKEN_SECONDS)
        audit_record(action="auth.mfa_failed", user=user, door="api")
        raise ApplicationError("That code is not correct or was already used.", code="invalid_code",
                               errors={"code": ["That code is not correct or was already used."]})
    if not cache.add(used_key, 1, LOGIN_TOKEN_SECONDS):
        raise refused
    return user, kind
