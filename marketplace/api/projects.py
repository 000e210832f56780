"""Projects: browse (public), post and edit (clients), publish and cancel through the workflow services."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from accounts.selectors import with_person_summaries
from megilance.api.exceptions import Forbidden
from megilance.api.filters import DjangoFilterBackend, asks_for_filters
from megilance.api.pagination import JoinedLargeListPagination, PublicListPaginator
from megilance.api.permissions import ReadOnlyOrAuthenticated
from megilance.api.serializers import read_columns

from .. import selectors
from ..filters import ProjectFilter
from ..models import ProjectStatus
from ..services import projects as services
from .serializers import ProjectSerializer


class ProjectPagination(JoinedLargeListPagination):
    """The big-list paging (estimated count above 10,000, `?cursor=` keyset paging newest first, page ids read
    before the rows); a list the planner expects to hold more than 50,000 projects is not counted at all."""

    django_paginator_class = PublicListPaginator


class ProjectListMixin:
    """Filters and pages a project queryset the way GET /api/projects/ does (also used by categories)."""

    def project_page(self, queryset):
        if asks_for_filters(self.request.query_params):
            filterset = ProjectFilter(self.request.query_params, queryset=queryset, request=self.request)
            if not filterset.is_valid():
                raise drf_serializers.ValidationError(filterset.errors)
            queryset = filterset.qs
        paginator = ProjectPagination()
        rows = selectors.with_category_names(with_person_summaries(queryset.prefetch_related(None), "client"))
        columns = read_columns(ProjectSerializer, *selectors.PROJECT_LIST_EXTRA_COLUMNS)
        page = paginator.paginate_queryset(rows.values(*columns), self.request, view=self)
        selectors.project_names_attach(page)
        data = ProjectSerializer(page, many=True, context=self.get_serializer_context()).data
        return paginator.get_paginated_response(data)


NOT_FOUND = {404: DetailSerializer}
WRITE_ERRORS = {400: DetailSerializer, 401: DetailSerializer, 404: DetailSerializer}
STATUS_ERRORS = {400: DetailSerializer, 401: DetailSerializer, 404: DetailSerializer, 409: DetailSerializer}


@extend_schema(tags=["projects"])
class ProjectViewSet(ProjectListMixin, viewsets.ModelViewSet):
    """Open public projects for everyone; a client also sees all their own, and only they may change them
    (someone else's project answers 404 to a write)."""

    serializer_class = ProjectSerializer
    permission_classes = [ReadOnlyOrAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilter
    pagination_class = ProjectPagination
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    write_actions = ("update", "partial_update", "destroy", "publish", "cancel")

    def get_queryset(self):
        if self.action in self.write_actions:
            return selectors.project_owned_by(user=self.request.user)
        return selectors.project_list(viewer=self.request.user)

    def _fresh(self, project):
        return selectors.project_list(viewer=self.request.user).get(pk=project.pk)

    @extend_schema(responses={201: ProjectSerializer, 400: DetailSerializer, 401: DetailSerializer,
                              403: DetailSerializer})
    def create(self, request, *args, **kwargs):
        if not request.user.is_client:
            raise Forbidden("Only clients post projects.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        publish = data.pop("status", ProjectStatus.OPEN) == ProjectStatus.OPEN
        project = services.project_create(client=request.user, publish=publish, **data)
        return Response(self.get_serializer(self._fresh(project)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ProjectSerializer, **STATUS_ERRORS})
    def update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_status = data.pop("status", project.status)
        skills, tags = data.pop("skills", None), data.pop("tags", None)
        project = services.project_update(project=project, actor=request.user, skills=skills, tags=tags, **data)
        if new_status != project.status:
            if new_status == ProjectStatus.OPEN:
                project = services.project_publish(project=project, actor=request.user)
            elif new_status == ProjectStatus.CANCELLED:
                project = services.project_cancel(project=project, actor=request.user)
        return Response(self.get_serializer(self._fresh(project)).data)

    @extend_schema(responses={200: ProjectSerializer, **STATUS_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={200: ProjectSerializer, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        services.project_record_view(project=project, viewer=request.user)
        return Response(self.get_serializer(project).data)

    def list(self, request, *args, **kwargs):
        return self.project_page(self.get_queryset())

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.project_delete(project=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: ProjectSerializer, **STATUS_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Open a draft for proposals."""
        project = services.project_publish(project=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self._fresh(project)).data)

    @extend_schema(request=None, responses={200: ProjectSerializer, **STATUS_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a project nobody works on yet (instead of deleting one that has proposals)."""
        project = services.project_cancel(project=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self._fresh(project)).data)

