"""Skills, the caller's own skills, the category tree and tags (with tags on projects)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from megilance.api.permissions import ReadOnlyOrAuthenticated

from .. import selectors
from ..filters import ProjectFilter, SkillFilter, TagFilter, UserSkillFilter
from ..services import catalog
from .projects import ProjectListMixin, ProjectPagination
from .serializers import (
    CategoryNodeSerializer,
    CategorySerializer,
    ProjectSerializer,
    ProjectTagAddSerializer,
    SkillCategoriesSerializer,
    SkillSerializer,
    TagSerializer,
    UserSkillSerializer,
)

NOT_FOUND = {404: DetailSerializer}
BAD_INPUT = {400: DetailSerializer}
SIGNED_IN = {401: DetailSerializer}


@extend_schema(tags=["skills"])
class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """The skill catalog. Public."""

    serializer_class = SkillSerializer
    permission_classes = [AllowAny]
    filterset_class = SkillFilter
    ordering_fields = ["name", "category", "id"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.skill_list()

    @extend_schema(responses={200: SkillSerializer, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={200: SkillCategoriesSerializer}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None)
    def categories(self, request):
        return Response({"categories": selectors.skill_categories()})


@extend_schema(tags=["skills"])
class UserSkillViewSet(viewsets.ModelViewSet):
    """The caller's own skills with proficiency (1-5) and years of experience. Others' rows answer 404."""

    serializer_class = UserSkillSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = UserSkillFilter
    ordering_fields = ["id", "proficiency_level", "years_of_experience"]
    ordering = ["id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.user_skill_list(user=self.request.user)

    @extend_schema(responses={201: UserSkillSerializer, **BAD_INPUT, **SIGNED_IN, 403: DetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = catalog.user_skill_add(
            user=request.user, skill=data.get("skill"), skill_name=data.get("skill_name", ""),
            proficiency_level=data.get("proficiency_level", 3),
            years_of_experience=data.get("years_of_experience", 0),
        )
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: UserSkillSerializer, **BAD_INPUT, **SIGNED_IN, **NOT_FOUND})
    def update(self, request, *args, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        row = catalog.user_skill_update(user_skill=row, **{
            key: value for key, value in serializer.validated_data.items()
            if key in ("proficiency_level", "years_of_experience")
        })
        return Response(self.get_serializer(row).data)

    @extend_schema(responses={200: UserSkillSerializer, **BAD_INPUT, **SIGNED_IN, **NOT_FOUND})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={200: UserSkillSerializer, **SIGNED_IN, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={204: None, **SIGNED_IN, **NOT_FOUND})
    def destroy(self, request, *args, **kwargs):
        catalog.user_skill_remove(user_skill=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["categories"])
class CategoryViewSet(ProjectListMixin, viewsets.ReadOnlyModelViewSet):
    """The category tree. Public. `project_count` counts the open, visible projects filed directly under a
    category; /{slug}/projects lists those of the category and all its subcategories."""

    serializer_class = CategorySerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"
    filterset_class = None
    filterset_fields = ["parent_id"]
    ordering_fields = ["sort_order", "name", "project_count"]
    ordering = ["sort_order", "name"]

    def get_queryset(self):
        if self.action == "projects":
            # What /{slug}/projects lists (and filters with the project filters).
            return selectors.project_public_list()
        return selectors.category_list()

    def get_object(self):
        # No list filters here: on /{slug}/projects the query string filters the projects, not the category.
        category = selectors.category_list().filter(slug=self.kwargs["slug"]).first()
        if category is None:
            raise Http404
        return category

    @extend_schema(responses={200: CategorySerializer, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={200: CategoryNodeSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None)
    def tree(self, request):
        return Response(selectors.category_tree())

    @extend_schema(responses={200: ProjectSerializer(many=True), **NOT_FOUND}, filters=True)
    @action(detail=True, methods=["get"], serializer_class=ProjectSerializer, filterset_class=ProjectFilter,
            pagination_class=ProjectPagination)
    def projects(self, request, slug=None):
        category = self.get_object()
        return self.project_page(selectors.project_in_categories(category=category))


def _project_for_tags(request, project_id, *, write: bool):
    """Reads follow project visibility; writes need the project to be the caller's (else 404)."""
    qs = selectors.project_owned_by(user=request.user) if write else selectors.project_list(viewer=request.user)
    project = qs.select_related(None).prefetch_related(None).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


TAG_LOOKUP = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Tag id or slug")


@extend_schema(tags=["tags"])
class TagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tags. Anyone reads them; a signed-in user may create one (idempotent on the name)."""

    serializer_class = TagSerializer
    permission_classes = [ReadOnlyOrAuthenticated]
    filterset_class = TagFilter
    ordering_fields = ["name", "usage_count", "created_at"]
    ordering = ["name"]
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        return selectors.tag_list()

    def get_object(self):
        tag = selectors.tag_by_id_or_slug(self.kwargs["id"])
        if tag is None:
            raise Http404
        return tag

    @extend_schema(parameters=[TAG_LOOKUP], responses={200: TagSerializer, **NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=TagSerializer, responses={201: TagSerializer, 200: TagSerializer, **BAD_INPUT,
                                                     **SIGNED_IN})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tag, created = catalog.tag_get_or_create(**serializer.validated_data)
        return Response(self.get_serializer(tag).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="How many (default 20, max 100)")],
        responses={200: TagSerializer(many=True)}, filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def popular(self, request):
        try:
            limit = max(1, min(int(request.query_params.get("limit", 20)), 100))
        except ValueError:
            limit = 20
        return Response(self.get_serializer(selectors.tag_popular(limit=limit), many=True).data)

    @extend_schema(methods=["GET"], responses={200: TagSerializer(many=True), **NOT_FOUND}, filters=False)
    @extend_schema(methods=["POST"], request=ProjectTagAddSerializer,
                   responses={201: TagSerializer, 200: TagSerializer, **BAD_INPUT, **SIGNED_IN, **NOT_FOUND})
    @action(detail=False, methods=["get", "post"], url_path=r"projects/(?P<project_id>\d+)/tags",
            pagination_class=None)
    def project_tags(self, request, project_id=None):
        if request.method == "GET":
            project = _project_for_tags(request, project_id, write=False)
            return Response(TagSerializer(selectors.project_tag_list(project=project), many=True).data)
        project = _project_for_tags(request, project_id, write=True)
        serializer = ProjectTagAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tag, added = catalog.project_tag_add(project=project, actor=request.user,
                                             tag=serializer.validated_data.get("tag"),
                                             name=serializer.validated_data.get("name", ""))
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED if added else status.HTTP_200_OK)

    @extend_schema(responses={204: None, **SIGNED_IN, **NOT_FOUND}, filters=False)
    @action(detail=False, methods=["delete"], url_path=r"projects/(?P<project_id>\d+)/tags/(?P<tag_id>\d+)",
            pagination_class=None)
    def project_tag_remove(self, request, project_id=None, tag_id=None):
        project = _project_for_tags(request, project_id, write=True)
        tag = selectors.tag_by_id_or_slug(tag_id)
        if tag is None:
            raise Http404
        catalog.project_tag_remove(project=project, actor=request.user, tag=tag)
        return Response(status=status.HTTP_204_NO_CONTENT)
