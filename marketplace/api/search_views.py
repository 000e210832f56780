"""Discovery API: project and freelancer search, global search, autocomplete and trending. Public."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.api.serializers import DetailSerializer
from megilance.api.exceptions import Forbidden

from .. import recommendations, selectors
from ..models import BudgetType, ExperienceLevel
from ..search import params as search_params
from ..search import service, trending
from ..search.backends import get_backend
from .serializers import BudgetTypeField, ProjectSerializer, SkillSerializer, TagSerializer

BAD_INPUT = {400: DetailSerializer}
SIGNED_IN = {401: DetailSerializer}
NOT_FOUND = {404: DetailSerializer}
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


# Recommendations -----------------------------------------------------------------------------------------------


class AiHealthView(APIView):
    """Whether matching and estimates are available, and which search backend serves them."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["ai"], responses={200: inline_serializer("AiHealth", {
        "status": serializers.CharField(), "search_backend": serializers.CharField(),
        "recommender": serializers.CharField()})})
    def get(self, request):
        return Response({"status": "ok", "search_backend": get_backend().name, "recommender": "weighted-signals"})


class FreelancerMatchSerializer(serializers.Serializer):
    freelancer = FreelancerCardSerializer(source="obj")
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class ProjectMatchSerializer(serializers.Serializer):
    project = ProjectSerializer(source="obj")
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


LIMIT_PARAM = OpenApiParameter("limit", OpenApiTypes.INT, description="How many (default 10, max 50)")


def _limit(request) -> int:
    checked = search_params.TrendingSerializer(data={"limit": request.query_params.get("limit", 10)})
    checked.is_valid(raise_exception=True)
    return checked.validated_data["limit"]


class MatchFreelancersView(APIView):
    """Freelancers for a project, ranked by skills, text, rating, experience and rate fit, with reasons.
    The project's client or staff who may see every project; anyone else gets 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["ai"], parameters=[LIMIT_PARAM], responses={
        200: inline_serializer("FreelancerMatches", {"project_id": serializers.IntegerField(),
                                                     "results": FreelancerMatchSerializer(many=True)}),
        **BAD_INPUT, **SIGNED_IN, **NOT_FOUND})
    def get(self, request, project_id):
        limit = _limit(request)
        visible = (selectors.project_list(viewer=request.user) if selectors.can_view_all_projects(request.user)
                   else selectors.project_owned_by(user=request.user))
        project = visible.filter(pk=project_id).first()
        if project is None:
            raise Http404
        matches = recommendations.match_freelancers(project=project, limit=limit)
        return Response({"project_id": project.pk,
                         "results": FreelancerMatchSerializer(matches, many=True).data})


class RecommendedProjectsView(APIView):
    """Open projects for the calling freelancer, ranked the same way, leaving out those already bid on."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["ai"], parameters=[LIMIT_PARAM], responses={
        200: inline_serializer("ProjectRecommendations", {"results": ProjectMatchSerializer(many=True)}),
        **BAD_INPUT, **SIGNED_IN, 403: DetailSerializer})
    def get(self, request):
        if not request.user.is_freelancer:
            raise Forbidden("Recommended projects are for freelancers.")
        matches = recommendations.recommended_projects(freelancer=request.user, limit=_limit(request))
        return Response({"results": ProjectMatchSerializer(matches, many=True,
                                                           context={"request": request}).data})


class EstimatePriceInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=110, required=False, allow_blank=True)
    skills = search_params._NamesField(required=False)
    experience_level = search_params._LowerChoiceField(choices=ExperienceLevel.choices, required=False)
    budget_type = BudgetTypeField(required=False, default=BudgetType.FIXED)

    def validate_category(self, value):
        if not value:
            return None
        category = selectors.category_by_slug_or_name(value)
        if category is None:
            raise serializers.ValidationError(f"Unknown category: {value}.")
        return category


class EstimatePriceView(APIView):
    """A budget range from comparable completed projects (category, skills, experience level)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["ai"], request=EstimatePriceInputSerializer, responses={
        200: inline_serializer("PriceEstimate", {
            "currency": serializers.CharField(),
            "low": serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True),
            "median": serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True),
            "high": serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True),
            "based_on": serializers.IntegerField(help_text="How many completed projects the range comes from"),
            "criteria": serializers.ListField(child=serializers.CharField(),
                                              help_text="Which criteria the comparable projects share"),
            "budget_type": serializers.CharField(),
        }), **BAD_INPUT, **SIGNED_IN})
    def post(self, request):
        checked = EstimatePriceInputSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        estimate = recommendations.estimate_price(
            category=data.get("category"), skills=data.get("skills") or [],
            experience_level=data.get("experience_level"), budget_type=data["budget_type"])
        for key in ("low", "median", "high"):
            if estimate[key] is not None:
                estimate[key] = float(estimate[key])
        return Response(estimate)
