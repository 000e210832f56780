"""The staff dashboard API under /api/admin/: the shapes the existing clients read (API.md, Response shapes).
Staff only: anonymous callers get 401, signed-in non-staff 403. Numbers are JSON numbers."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import DetailSerializer
from accounts.models import Role, User
from megilance.api.exceptions import NotFound
from megilance.api.permissions import IsStaff

from .. import dashboard, moderation

ERRORS = {401: DetailSerializer, 403: DetailSerializer}


StatsSerializer = inline_serializer("AdminDashboardStats", {
    "total_users": serializers.IntegerField(), "total_clients": serializers.IntegerField(),
    "total_freelancers": serializers.IntegerField(), "total_projects": serializers.IntegerField(),
    "total_contracts": serializers.IntegerField(), "total_revenue": serializers.FloatField(),
    "active_projects": serializers.IntegerField(), "pending_proposals": serializers.IntegerField(),
})
UserActivitySerializer = inline_serializer("AdminDashboardUserActivity", {
    name: serializers.IntegerField() for name in (
        "daily_active_users", "weekly_active_users", "monthly_active_users", "new_users_today",
        "new_users_this_week", "new_users_this_month")
})
ProjectMetricsSerializer = inline_serializer("AdminDashboardProjectMetrics", {
    "open_projects": serializers.IntegerField(), "in_progress_projects": serializers.IntegerField(),
    "completed_projects": serializers.IntegerField(), "cancelled_projects": serializers.IntegerField(),
    "avg_project_value": serializers.FloatField(), "total_project_value": serializers.FloatField(),
})
FinancialMetricsSerializer = inline_serializer("AdminDashboardFinancialMetrics", {
    name: serializers.FloatField() for name in (
        "total_revenue", "revenue_this_month", "revenue_this_week", "pending_payments", "completed_payments",
        "platform_fees_collected")
})
TopFreelancerSerializer = inline_serializer("AdminTopFreelancer", {
    "id": serializers.IntegerField(), "name": serializers.CharField(), "email": serializers.EmailField(),
    "total_earnings": serializers.FloatField(), "completed_projects": serializers.IntegerField(),
    "average_rating": serializers.FloatField(allow_null=True),
}, many=True)
TopClientSerializer = inline_serializer("AdminTopClient", {
    "id": serializers.IntegerField(), "name": serializers.CharField(), "email": serializers.EmailField(),
    "total_spent": serializers.FloatField(), "completed_projects": serializers.IntegerField(),
    "active_projects": serializers.IntegerField(),
}, many=True)
ActivitySerializer = inline_serializer("AdminRecentActivity", {
    "type": serializers.CharField(), "description": serializers.CharField(),
    "timestamp": serializers.DateTimeField(), "user_name": serializers.CharField(),
    "amount": serializers.FloatField(allow_null=True),
}, many=True)


class AdminUserSerializer(serializers.ModelSerializer):
    user_type = serializers.CharField(source="role", read_only=True)
    joined_at = serializers.DateTimeField(source="date_joined", read_only=True)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "user_type", "is_active", "joined_at", "location", "hourly_rate"]
        read_only_fields = fields


UserListSerializer = inline_serializer("AdminUserList", {
    "total": serializers.IntegerField(), "users": AdminUserSerializer(many=True),
})

LIMIT = OpenApiParameter("limit", OpenApiTypes.INT, description="How many rows (1-100).")


def _limit(request, default: int) -> int:
    try:
        return max(1, min(100, int(request.query_params.get("limit", default))))
    except (TypeError, ValueError):
        return default


class _StaffView(APIView):
    permission_classes = [IsStaff]


class StatsView(_StaffView):
    @extend_schema(responses={200: StatsSerializer, **ERRORS}, summary="Totals for the staff dashboard")
    def get(self, request):
        return Response(dashboard.stats())


class UserActivityView(_StaffView):
    @extend_schema(responses={200: UserActivitySerializer, **ERRORS}, summary="Active and new users")
    def get(self, request):
        return Response(dashboard.user_activity())


class ProjectMetricsView(_StaffView):
    @extend_schema(responses={200: ProjectMetricsSerializer, **ERRORS}, summary="Projects by status and value")
    def get(self, request):
        return Response(dashboard.project_metrics())


class FinancialMetricsView(_StaffView):
    @extend_schema(responses={200: FinancialMetricsSerializer, **ERRORS},
                   summary="Platform fee income and client payments")
    def get(self, request):
        return Response(dashboard.financial_metrics())


class TopFreelancersView(_StaffView):
    @extend_schema(parameters=[LIMIT], responses={200: TopFreelancerSerializer, **ERRORS},
                   summary="Freelancers by earnings")
    def get(self, request):
        return Response(dashboard.top_freelancers(_limit(request, 10)))


class TopClientsView(_StaffView):
    @extend_schema(parameters=[LIMIT], responses={200: TopClientSerializer, **ERRORS},
                   summary="Clients by money paid in")
    def get(self, request):
        return Response(dashboard.top_clients(_limit(request, 10)))


class RecentActivityView(_StaffView):
    @extend_schema(parameters=[LIMIT], responses={200: ActivitySerializer, **ERRORS},
                   summary="The latest sign-ups, projects, contracts, payments, disputes and tickets")
    def get(self, request):
        return Response(dashboard.recent_activity(_limit(request, 20)))


class UserListView(_StaffView):
    @extend_schema(
        parameters=[
            OpenApiParameter("role", OpenApiTypes.STR, enum=Role.values),
            OpenApiParameter("is_active", OpenApiTypes.BOOL),
            OpenApiParameter("search", OpenApiTypes.STR, description="Part of the name or email."),
            OpenApiParameter("skip", OpenApiTypes.INT), LIMIT,
        ],
        responses={200: UserListSerializer, **ERRORS}, summary="People, newest first")
    def get(self, request):
        users = User.objects.order_by("-date_joined", "-id")
        params = request.query_params
        if params.get("role") in Role.values:
            users = users.filter(role=params["role"])
        if params.get("is_active") in ("true", "false", "1", "0"):
            users = users.filter(is_active=params["is_active"] in ("true", "1"))
        if params.get("search"):
            term = params["search"].strip()
            users = users.filter(Q(email__icontains=term) | Q(name__icontains=term))
        try:
            skip = max(0, int(params.get("skip", 0)))
        except ValueError:
            skip = 0
        limit = _limit(request, 50)
        return Response({"total": users.count(),
                         "users": AdminUserSerializer(users[skip:skip + limit], many=True).data})


ToggleRequest = inline_serializer("AdminToggleStatusRequest", {
    "reason": serializers.CharField(required=False, allow_blank=True)})


class ToggleStatusView(_StaffView):
    @extend_schema(request=ToggleRequest,
                   responses={200: AdminUserSerializer, 400: DetailSerializer, 404: DetailSerializer, **ERRORS},
                   summary="Suspend an active account or reactivate a suspended one (moderators)")
    def post(self, request, user_id: int):
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise NotFound("No such user.")
        reason = request.data.get("reason", "") if hasattr(request.data, "get") else ""
        user = moderation.user_toggle_status(user=user, actor=request.user, reason=str(reason or ""),
                                             request=request)
        return Response(AdminUserSerializer(user).data)
