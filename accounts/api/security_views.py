"""Trust and safety endpoints of API.md: email verification, password reset, 2FA, sessions and the audit log."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from megilance.api.throttling import (
    EmailVerificationThrottle,
    PasswordResetThrottle,
    TwoFactorThrottle,
)

from .. import auth_services, services, two_factor
from ..models import AuditLog, UserSession
from .security_serializers import (
    AuditLogSerializer,
    BackupCodesSerializer,
    EmailSerializer,
    EmailVerifiedSerializer,
    MfaDisableSerializer,
    MfaEnableSerializer,
    MfaSetupSerializer,
    MfaStatusSerializer,
    PasswordSerializer,
    ResetPasswordSerializer,
    RevokedCountSerializer,
    SessionSerializer,
    TokenSerializer,
    VerifyLoginSerializer,
)
from .serializers import DetailSerializer, TokenResponseSerializer

_400 = {400: DetailSerializer}
_401 = {401: DetailSerializer}
_429 = {429: DetailSerializer}
SAME_ANSWER_RESET = "If an account uses this address, we sent it a link to reset the password."
SAME_ANSWER_VERIFY = "If an account with this address still needs confirming, we sent it a new link."


@extend_schema(request=TokenSerializer, responses={200: EmailVerifiedSerializer, **_400, **_429}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([EmailVerificationThrottle])
def verify_email(request):
    serializer = TokenSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = auth_services.email_verify(token=serializer.validated_data["token"], request=request)
    return Response({"detail": "Your email address is confirmed.", "email_verified": user.email_verified})


@extend_schema(request=EmailSerializer, responses={200: DetailSerializer, **_400, **_429}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([EmailVerificationThrottle])
def resend_verification(request):
    serializer = EmailSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    auth_services.email_verification_resend(email=serializer.validated_data["email"])
    return Response({"detail": SAME_ANSWER_VERIFY})


@extend_schema(request=EmailSerializer, responses={200: DetailSerializer, **_400, **_429}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([PasswordResetThrottle])
def forgot_password(request):
    serializer = EmailSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    auth_services.password_reset_request(email=serializer.validated_data["email"], request=request)
    return Response({"detail": SAME_ANSWER_RESET})


@extend_schema(request=ResetPasswordSerializer, responses={200: DetailSerializer, **_400, **_429}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([PasswordResetThrottle])
def reset_password(request):
    serializer = ResetPasswordSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    auth_services.password_reset_confirm(request=request, **serializer.validated_data)
    return Response({"detail": "Your password was changed. Log in with the new one."})


@extend_schema(request=VerifyLoginSerializer, responses={200: TokenResponseSerializer, **_400, **_401, **_429},
               tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([TwoFactorThrottle])
def verify_login(request):
    from .views import login_response

    serializer = VerifyLoginSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user, kind = two_factor.login_verify(token=serializer.validated_data["token"],
                                         code=serializer.validated_data["code"])
    return Response(login_response(user=user, request=request, second_factor=kind))


@extend_schema(request=None, responses={200: MfaSetupSerializer, 409: DetailSerializer, **_401}, tags=["2fa"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def mfa_setup(request):
    return Response(two_factor.setup_begin(user=request.user))


@extend_schema(request=MfaEnableSerializer, responses={200: BackupCodesSerializer, 409: DetailSerializer,
                                                        **_400, **_401, **_429}, tags=["2fa"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@throttle_classes([TwoFactorThrottle])
def mfa_enable(request):
    serializer = MfaEnableSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    codes = two_factor.enable(user=request.user, request=request, **serializer.validated_data)
    return Response({"enabled": True, "backup_codes": codes})


@extend_schema(request=MfaDisableSerializer, responses={200: MfaStatusSerializer, 409: DetailSerializer,
                                                         **_400, **_401, **_429}, tags=["2fa"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@throttle_classes([TwoFactorThrottle])
def mfa_disable(request):
    serializer = MfaDisableSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    two_factor.disable(user=request.user, request=request, **serializer.validated_data)
    return Response(two_factor.status(request.user))


@extend_schema(request=PasswordSerializer, responses={200: BackupCodesSerializer, 409: DetailSerializer,
                                                       **_400, **_401, **_429}, tags=["2fa"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@throttle_classes([TwoFactorThrottle])
def mfa_regenerate_codes(request):
    serializer = PasswordSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    codes = two_factor.regenerate_recovery_codes(user=request.user, request=request,
                                                  password=serializer.validated_data["password"])
    return Response({"enabled": True, "backup_codes": codes})


@extend_schema(responses={200: MfaStatusSerializer, **_401}, tags=["2fa"])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def mfa_status(request):
    return Response(two_factor.status(request.user))


def _current_session_id(request):
    session = getattr(request.user, "current_session", None)
    return session.pk if session is not None else None


@extend_schema(tags=["auth"])
class SessionListView(generics.ListAPIView):
    """The caller's open sessions (web and API), newest first; the one making this request is `current`."""

    serializer_class = SessionSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return UserSession.objects.filter(user=self.request.user, revoked_at__isnull=True)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "current_session_id": _current_session_id(self.request)}

    @extend_schema(request=None, responses={200: RevokedCountSerializer, **_401},
                   operation_id="auth_sessions_revoke_others")
    def delete(self, request):
        """Log out everywhere else (the same as POST /api/auth/sessions/revoke-all)."""
        return _revoke_all(request)


def _revoke_all(request):
    revoked = services.sessions_revoke_all(user=request.user, reason="logout_everywhere",
                                           except_session_id=_current_session_id(request))
    services.audit_record(action="auth.logout_everywhere", actor=request.user, request=request, revoked=revoked)
    return Response({"detail": "Every other session was ended.", "revoked": revoked})


@extend_schema(request=None, responses={200: RevokedCountSerializer, **_401}, tags=["auth"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def sessions_revoke_all(request):
    """Log out everywhere else: every session but the one making this request ends (end this one with
    /api/auth/logout or DELETE /api/auth/sessions/{id})."""
    return _revoke_all(request)


@extend_schema(tags=["auth"])
class SessionDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Ended."), 404: DetailSerializer,
                                            **_401})
    def delete(self, request, pk: int):
        from django.shortcuts import get_object_or_404

        session = get_object_or_404(UserSession, pk=pk, user=request.user)
        with transaction.atomic():
            services.session_revoke(session=session, reason="revoked_by_user", request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class AuditLogListView(generics.ListAPIView):
    """The security and money events of the caller's own account, newest first."""

    serializer_class = AuditLogSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return AuditLog.objects.filter(user=self.request.user).order_by("-created_at", "-id")
