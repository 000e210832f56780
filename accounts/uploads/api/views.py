"""Upload endpoints (direct, presigned, confirm), the owner's file list and the private download view."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from megilance.api.exceptions import NotFound

from .. import selectors, services, storage
from ..models import UploadStatus
from . import serializers as s

ERRORS = {400: s.ErrorSerializer, 404: s.ErrorSerializer}


def _answer(upload) -> Response:
    """Clean: 201. Held for a scan: 202. Quarantined: refused with the record, so the client can show why."""
    body = s.UploadedFileSerializer(upload).data
    if upload.status == UploadStatus.QUARANTINED:
        return Response({"detail": "The file contains malware and was quarantined.", "code": "file_infected",
                         "file": body}, status=status.HTTP_400_BAD_REQUEST)
    return Response(body, status=status.HTTP_202_ACCEPTED if upload.status == UploadStatus.HELD
                    else status.HTTP_201_CREATED)


class DirectUploadView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated]
    throttle_scope = "uploads"  # rate limit (megilance/api/throttling.py)
    kind = ""

    @extend_schema(request=s.DirectUploadSerializer,
                   responses={201: s.UploadedFileSerializer, 202: s.UploadedFileSerializer, **ERRORS})
    def post(self, request):
        serializer = s.DirectUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = services.upload_direct(owner=request.user, kind=self.kind, file=serializer.validated_data["file"],
                                        target_id=serializer.validated_data.get("target_id"))
        return _answer(upload)


def direct_upload_view(kind: str):
    return type(f"{kind.title().replace('_', '')}UploadView", (DirectUploadView,), {"kind": kind}).as_view()


class PresignedUrlView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "uploads"

    @extend_schema(parameters=[s.PresignQuerySerializer], responses={200: s.PresignResponseSerializer, **ERRORS})
    def get(self, request):
        query = s.PresignQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        answer = services.upload_presign(owner=request.user, bucket=data.get("bucket") or "uploads",
                                         object_key=data.get("object_key") or "",
                                         expiration=data.get("expiration"), kind=data.get("purpose") or "",
                                         upload_url=request.build_absolute_uri("/api/upload/incoming"))
        return Response(answer)


class IncomingUploadView(APIView):
    """Local stand-in for the bucket's presigned POST: the signed token is the authorisation."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "uploads"

    @extend_schema(request=s.IncomingUploadSerializer, responses={204: None, **ERRORS})
    def post(self, request):
        serializer = s.IncomingUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.upload_receive_local(key=data["key"], token=data["token"], file=data["file"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConfirmUploadView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "uploads"

    @extend_schema(request=s.ConfirmSerializer,
                   responses={201: s.UploadedFileSerializer, 202: s.UploadedFileSerializer, **ERRORS})
    def post(self, request):
        serializer = s.ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = services.upload_confirm(owner=request.user, object_key=data["object_key"],
                                         purpose=data["purpose"], target_id=data.get("target_id"))
        return _answer(upload)


class FileListView(generics.ListAPIView):
    serializer_class = s.UploadedFileSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return selectors.upload_list_owned(user=self.request.user)


class FileDetailView(generics.RetrieveDestroyAPIView):
    serializer_class = s.UploadedFileSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        upload = selectors.upload_get_owned(user=self.request.user, pk=self.kwargs["pk"])
        if upload is None:
            raise NotFound("File not found.")
        return upload

    def perform_destroy(self, instance):
        services.upload_delete(upload=instance, actor=self.request.user)


@extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                          404: OpenApiResponse(s.ErrorSerializer)})
@api_view(["GET"])
@permission_classes([AllowAny])
def download(request, pk: int):
    """Private files are never given a storage URL: they stream through here after the permission check."""
    upload = selectors.upload_get_readable(user=request.user, pk=pk)
    if upload is None:
        raise NotFound("File not found.")
    handle = storage.storage_for(upload.bucket).open(upload.object_key, "rb")
    response = FileResponse(handle, as_attachment=True, content_type=upload.content_type or
                            "application/octet-stream",
                            filename=services.safe_name(upload.original_name, default=f"file-{upload.pk}"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if upload.is_public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
