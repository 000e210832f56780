"""Discovery API: project and freelancer search, global search, autocomplete and trending. Public."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.api.serializers import DetailSerializer

from ..search import params as search_params
from ..search import service, trending
from .serializers import ProjectSerializer, SkillSerializer, TagSerializer

BAD_INPUT = {400: DetailSerializer}
MAX_PAGE_SIZE = 100


class FreelancerCardSerializer(serializers.Serializer):
    """A freelancer as search and matching show one."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    title = serializers.CharField()
    bio = serializers.SerializerMethodField()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    location = serializers.CharField()
    profile_image_url = serializers.CharField()
    is_verified = serializers.BooleanField()
    skills = serializers.SerializerMethodField()
    average_rating = serializers.SerializerMethodField()
    review_count = serializers.IntegerField()
    completed_contracts = serializers.IntegerField()
    available = serializers.SerializerMethodField()

    def get_bio(self, user) -> str:
        return (user.bio or "")[:300]

    def get_skills(self, user) -> list[str]:
        return [row.skill.name for row in user.user_skills.all()]

    def get_average_rating(self, user) -> float | None:
        return None if user.avg_rating is None else round(float(user.avg_rating), 2)

    def get_available(self, user) -> bool:
        return user.active_contracts < service.AVAILABLE_BELOW_ACTIVE_CONTRACTS


def _page_numbers(request) -> tuple[int, int]:
    try:
        page = max(1, min(int(request.query_params.get("page", 1)), 10_000))
    except (TypeError, ValueError):
        page = 1
    try:
        size = max(1, min(int(request.query_params.get("page_size", 20)), MAX_PAGE_SIZE))
    except (TypeError, ValueError):
        size = 20
    return page, size


def _paged(request, result: service.SearchPage, data, *, page: int, size: int, query: str) -> Response:
    url = request.build_absolute_uri()
    has_next = page * size < result.count
    return Response({
        "query": query,
        "count": result.count,
        "count_is_estimate": result.is_estimate,
        "fuzzy": result.fuzzy,
        "next": replace_query_param(url, "page", page + 1) if has_next else None,
        "previous": None if page == 1 else (
            remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1)),
        "results": data,
    })


def _paged_schema(name, item):
    return inline_serializer(name, {
        "query": serializers.CharField(),
        "count": serializers.IntegerField(),
        "count_is_estimate": serializers.BooleanField(),
        "fuzzy": serializers.BooleanField(help_text="True when no word matched and close spellings are shown"),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    })


PAGE_PARAMS = [OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT)]


class ProjectSearchView(APIView):
    """Open projects by words and filters; relevance combines word rank with recency."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["search"], parameters=[search_params.ProjectSearchSerializer, *PAGE_PARAMS],
                   responses={200: _paged_schema("ProjectSearchPage", ProjectSerializer), **BAD_INPUT})
    def get(self, request):
        query = search_params.parse_project_query(request.query_params)
        page, size = _page_numbers(request)
        result = service.project_search(query, viewer=request.user, offset=(page - 1) * size, limit=size)
        data = ProjectSerializer(result.items, many=True, context={"request": request}).data
        return _paged(request, result, data, page=page, size=size, query=query.q)


class FreelancerSearchView(APIView):
    """Active freelancers by words, skills, rate, location, rating and availability."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["search"], parameters=[search_params.FreelancerSearchSerializer, *PAGE_PARAMS],
                   responses={200: _paged_schema("FreelancerSearchPage", FreelancerCardSerializer), **BAD_INPUT})
    def get(self, request):
        query = search_params.parse_freelancer_query(request.query_params)
        page, size = _page_numbers(request)
        result = service.freelancer_search(query, offset=(page - 1) * size, limit=size)
        data = FreelancerCardSerializer(result.items, many=True).data
        return _paged(request, result, data, page=page, size=size, query=query.q)


class GlobalSearchView(APIView):
    """A few of each: projects, freelancers, skills and tags matching `q`."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["search"], parameters=[search_params.QuerySerializer],
        responses={200: inline_serializer("GlobalSearch", {
            "query": serializers.CharField(),
            "results": inline_serializer("GlobalSearchResults", {
                "projects": ProjectSerializer(many=True),
                "freelancers": FreelancerCardSerializer(many=True),
                "skills": SkillSerializer(many=True),
                "tags": TagSerializer(many=True),
            }),
            "total_results": serializers.IntegerField(),
        }), **BAD_INPUT},
    )
    def get(self, request):
        checked = search_params.QuerySerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        q = checked.validated_data["q"].strip()
        found = service.global_search(q, viewer=request.user, limit=checked.validated_data["limit"])
        results = {
            "projects": ProjectSerializer(found["projects"], many=True, context={"request": request}).data,
            "freelancers": FreelancerCardSerializer(found["freelancers"], many=True).data,
            "skills": SkillSerializer(found["skills"], many=True).data,
            "tags": TagSerializer(found["tags"], many=True).data,
        }
        return Response({"query": q, "results": results,
                         "total_results": sum(len(items) for items in results.values())})


class AutocompleteView(APIView):
    """Suggestions as the user types: skills, tags, categories, project titles and freelancer names."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["search"], parameters=[search_params.QuerySerializer],
        responses={200: inline_serializer("Autocomplete", {
            "query": serializers.CharField(),
            "suggestions": inline_serializer("Suggestion", {
                "id": serializers.IntegerField(),
                "type": serializers.ChoiceField(choices=["skill", "tag", "category", "project", "freelancer"]),
                "text": serializers.CharField(),
            }, many=True),
        }), **BAD_INPUT},
    )
    def get(self, request):
        checked = search_params.QuerySerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        q = checked.validated_data["q"].strip()
        return Response({"query": q,
                         "suggestions": service.autocomplete(q, limit=checked.validated_data["limit"])})


class TrendingView(APIView):
    """What is trending this week: projects, freelancers, skills or tags, each with its score."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["search"], parameters=[search_params.TrendingSerializer],
        responses={200: inline_serializer("Trending", {
            "type": serializers.ChoiceField(choices=search_params.TRENDING_TYPES),
            "items": serializers.ListField(child=serializers.DictField(),
                                           help_text="The objects of `type`, each with a `score`"),
        }), **BAD_INPUT},
    )
    def get(self, request):
        checked = search_params.TrendingSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        kind, limit = checked.validated_data["type"], checked.validated_data["limit"]
        rows = trending.trending(kind, limit=limit)
        serializer = {"projects": ProjectSerializer, "freelancers": FreelancerCardSerializer,
                      "skills": SkillSerializer, "tags": TagSerializer}[kind]
        items = []
        for obj, score in rows:
            item = dict(serializer(obj, context={"request": request}).data)
            item["score"] = round(score, 3)
            items.append(item)
        return Response({"type": kind, "items": items})
