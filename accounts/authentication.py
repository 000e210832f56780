from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication

from .models import UserSession

LAST_SEEN_EVERY = timedelta(minutes=5)


class SessionJWTAuthentication(JWTAuthentication):
    """Bearer access tokens whose session (`sid`) is still open and whose user is still active."""

    def get_user(self, validated_token):
        sid = validated_token.get("sid")
        session = (
            UserSession.objects.select_related("user")
            .defer("user__search_vector")  # searched inside PostgreSQL only; never read here
            .filter(pk=sid, user_id=validated_token.get("user_id"), revoked_at__isnull=True)
            .first()
            if sid
            else None
        )
        if session is None:
            raise AuthenticationFailed("This session has ended. Log in again.", code="session_revoked")
        user = session.user
        if not user.is_active:
            raise AuthenticationFailed("This account is inactive.", code="user_inactive")
        now = timezone.now()
        if now - session.last_seen_at > LAST_SEEN_EVERY:
            UserSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        user.current_session = session
        return user


class SessionJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SessionJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
