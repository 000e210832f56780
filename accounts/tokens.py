"""JWT pairs tied to a user_sessions row: the `sid` claim names the session, so revoking it ends the family."""

from django.db import transaction
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from .models import UserSession


def token_pair(*, user, session: UserSession) -> dict:
    refresh = RefreshToken.for_user(user)
    refresh["sid"] = session.pk
    return {"access_token": str(refresh.access_token), "refresh_token": str(refresh), "token_type": "bearer"}


def _parse_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        raise AuthenticationFailed("The refresh token is invalid or expired.", code="token_not_valid") from exc


def refresh_rotate(raw: str) -> dict:
    """Exchange a refresh token for a new pair. The old token dies; a token used twice is refused."""
    token = _parse_refresh(raw)
    with transaction.atomic():
        # Lock the outstanding row so that two concurrent refreshes with one token cannot both succeed.
        # order_by() drops the model's ordering by user, whose outer join PostgreSQL refuses to lock.
        outstanding = (
            OutstandingToken.objects.select_for_update().filter(jti=token["jti"]).order_by().first()
        )
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise AuthenticationFailed("The refresh token was already used or revoked.", code="token_not_valid")
        session = (
            UserSession.objects.select_related("user")
            .filter(pk=token.get("sid"), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if session is None or str(session.user_id) != str(token.get("user_id")):
            raise AuthenticationFailed("This session has ended. Log in again.", code="session_revoked")
        BlacklistedToken.objects.create(token=outstanding)
        return token_pair(user=session.user, session=session)


def refresh_revoke(raw: str, *, user=None) -> UserSession | None:
    """Log out: the refresh token and its session end. Returns the session, or None if it was not the caller's."""
    token = _parse_refresh(raw)
    if user is not None and str(token.get("user_id")) != str(user.pk):
        raise AuthenticationFailed("The refresh token is invalid or expired.", code="token_not_valid")
    token.blacklist()
    return UserSession.objects.filter(pk=token.get("sid")).select_related("user").first()
