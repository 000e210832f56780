import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from megilance.api.throttling import LoginThrottle, RegisterThrottle

from .. import auth_services, selectors, services, two_factor
from ..models import Role, SessionKind, User
from ..tokens import refresh_revoke, refresh_rotate, token_pair
from .serializers import (
    DetailSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    MeSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserPublicSerializer,
)

_errors = {400: DetailSerializer, 401: DetailSerializer}

@extend_schema(request=RegisterSerializer, responses={201: MeSerializer, 400: DetailSerializer,
                                                    429: DetailSerializer}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([RegisterThrottle])
def register(request):
    serializer = RegisterSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    with transaction.atomic():
        user = services.user_create(request=request, **serializer.validated_data)
        auth_services.email_verification_send(user=user)
    return Response(MeSerializer(user, context={"request": request}).data, status=status.HTTP_201_CREATED)

def login_response(*, user, request, second_factor: str = "") -> dict:
    """The login answer of the existing API, for a user whose password (and 2FA) checked out."""
    with transaction.atomic():
        session = services.session_start(user=user, kind=SessionKind.API, request=request,
                                         second_factor=second_factor)
        tokens = token_pair(user=user, session=session)
    user = selectors.users_with_skills().get(pk=user.pk)
    return {**tokens, "requires_2fa": False, "user": MeSerializer(user, context={"request": request}).data}

@extend_schema(request=LoginSerializer, responses={200: LoginResponseSerializer, **_errors, 429: DetailSerializer},
               tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([LoginThrottle])
def login(request):
    """With 2FA on, no tokens yet: `{requires_2fa: true, mfa_token, temp_token}` for POST /api/auth/2fa/verify-login."""
    serializer = LoginSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = services.login_check_credentials(request=request, **serializer.validated_data)
    if two_factor.is_enabled(user):
        token = two_factor.login_token(user)
        services.audit_record(action="auth.mfa_challenge", actor=user, request=request, door="api")
        return Response({"requires_2fa": True, "mfa_token": token, "temp_token": token})
    return Response(login_response(user=user, request=request))

@extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer, **_errors}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def refresh(request):
    serializer = RefreshSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(refresh_rotate(serializer.validated_data["refresh_token"]))

@extend_schema(request=RefreshSerializer, responses={200: DetailSerializer, **_errors}, tags=["auth"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def logout(request):
    serializer = RefreshSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    session = refresh_revoke(serializer.validated_data["refresh_token"], user=request.user)
    if session is not None:
        services.session_revoke(session=session, reason="logout", request=request)
    services.audit_record(action="auth.logout", actor=request.user, request=request, kind=SessionKind.API)
    return Response({"detail": "Logged out."})

@extend_schema(methods=["GET"], responses={200: MeSerializer, 401: DetailSerializer}, tags=["auth"])
@extend_schema(methods=["PUT", "PATCH"], request=MeSerializer,
               responses={200: MeSerializer, **_errors}, tags=["auth"])
@api_view(["GET", "PUT", "PATCH"])
@permission_classes([IsAuthenticated])
def me(request):
    user = request.user
    if request.method == "GET":
        return Response(MeSerializer(user, context={"request": request}).data)
    serializer = MeSerializer(user, data=request.data, partial=request.method == "PATCH",
                              context={"request": request})
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    skills = data.pop("skills", None)
    services.user_update_profile(user=user, data=data, skills=skills)
    user.refresh_from_db()
    return Response(MeSerializer(user, context={"request": request}).data)

class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    skills = django_filters.CharFilter(method="filter_skills")
    location = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = User
        fields = ["role", "location", "is_verified"]

    def filter_skills(self, queryset, name, value):
        for skill in [s.strip() for s in value.split(",") if s.strip()]:
            queryset = queryset.filter(user_skills__skill__name__iexact=skill)
        return queryset.distinct()

@extend_schema(tags=["users"])
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public profiles. Anyone may read them; email shows only to the user and staff."""

    serializer_class = UserPublicSerializer
    permission_classes = [AllowAny]
    filterset_class = UserFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, SearchFilter]
    search_fields = ["name", "title", "bio"]
    ordering_fields = ["id", "date_joined", "hourly_rate", "name"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.user_public_list(viewer=self.request.user)

    @extend_schema(responses={200: UserPublicSerializer, 404: DetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
