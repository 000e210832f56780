"""/api/saved-searches/: the caller's saved project searches with their alert frequency."""

from django.urls import include, re_path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from megilance.api.routers import OptionalSlashRouter

from .. import saved_searches as services
from ..saved_searches import AlertFrequency, SavedSearch

BAD_INPUT = {400: DetailSerializer}
SIGNED_IN = {401: DetailSerializer}
NOT_FOUND = {404: DetailSerializer}


class SavedSearchSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=100)
    query = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict,
        help_text="Project search parameters as for /api/search/projects: q, category, skills, budget_type, "
                  "budget_min, budget_max, experience_level, status, posted_within, sort")
    alert_frequency = serializers.ChoiceField(choices=AlertFrequency.choices, required=False,
                                              default=AlertFrequency.DAILY)
    search_url = serializers.CharField(read_only=True)

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "alert_frequency", "search_url", "last_alerted_at", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "search_url", "last_alerted_at", "created_at", "updated_at"]


@extend_schema(tags=["saved-searches"])
class SavedSearchViewSet(viewsets.ModelViewSet):
    """Only the caller's own saved searches; anyone else's answers 404."""

    serializer_class = SavedSearchSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["alert_frequency"]
    ordering_fields = ["created_at", "name"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return SavedSearch.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(responses={201: SavedSearchSerializer, **BAD_INPUT, **SIGNED_IN})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = services.saved_search_create(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SavedSearchSerializer, **BAD_INPUT, **SIGNED_IN, **NOT_FOUND})
    def partial_update(self, request, *args, **kwargs):
        saved = self.get_object()
        serializer = self.get_serializer(saved, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.saved_search_update(saved_search=saved, name=data.get("name"),
                                             query=data.get("query"), alert_frequency=data.get("alert_frequency"))
        return Response(self.get_serializer(saved).data)

    @extend_schema(responses={200: SavedSearchSerializer, **SIGNED_IN, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={204: None, **SIGNED_IN, **NOT_FOUND})
    def destroy(self, request, *args, **kwargs):
        services.saved_search_delete(saved_search=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


router = OptionalSlashRouter()
router.register("saved-searches", SavedSearchViewSet, basename="saved-search")
urlpatterns = [re_path(r"", include(router.urls))]
