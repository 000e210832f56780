"""GDPR endpoints: POST /api/users/me/export, GET /api/users/me/export/{id}, POST /api/users/me/delete."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from megilance.api.throttling import GdprThrottle

from .. import privacy_services
from ..privacy_models import DataExportRequest
from .serializers import DetailSerializer


class DataExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataExportRequest
        fields = ["id", "status", "size_bytes", "created_at", "completed_at", "expires_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, export) -> str | None:
        return privacy_services.download_url(export) if export.is_downloadable else None


class EraseSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    code = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                 help_text="A 2FA code (TOTP or recovery code) when two-factor authentication is on.")


@extend_schema(request=None, responses={202: DataExportSerializer, 401: DetailSerializer, 429: DetailSerializer},
               tags=["users"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@throttle_classes([GdprThrottle])
def export_start(request):
    export = privacy_services.data_export_request(user=request.user, request=request)
    return Response(DataExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(responses={200: DataExportSerializer, 401: DetailSerializer, 404: DetailSerializer}, tags=["users"])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def export_status(request, pk: int):
    export = get_object_or_404(DataExportRequest, pk=pk, user=request.user)
    return Response(DataExportSerializer(export).data)


@extend_schema(request=EraseSerializer, responses={200: DetailSerializer, 400: DetailSerializer,
                                                    401: DetailSerializer, 429: DetailSerializer}, tags=["users"])
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@throttle_classes([GdprThrottle])
def erase_me(request):
    serializer = EraseSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    privacy_services.user_erase(user=request.user, request=request, **serializer.validated_data)
    return Response({"detail": "Your account was erased. Invoices and payment records the law requires us to "
                               "keep remain, without your profile."})
