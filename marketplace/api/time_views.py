"""API for time entries (timer, manual entries, review, summary) and work logs. Thin: look up what the caller
may see, validate the shape, call a service, answer with the fresh object."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from megilance.api.exceptions import NotFound

from .. import contract_selectors, time_selectors
from ..models import TimeEntry, TimeEntryStatus, WorkLog
from ..services import time as time_services
from ..services import worklogs as worklog_services


def _errors(*codes: int) -> dict:
    return dict.fromkeys(codes, DetailSerializer)


def _contract_for(user, contract_id):
    contract = contract_selectors.contract_visible_to(user=user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound("Contract not found.")
    return contract


# --- serializers ---------------------------------------------------------------------------------------------


class TimeEntrySerializer(serializers.ModelSerializer):
    contract_id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "contract_id", "user_id", "start_time", "end_time", "duration_minutes", "hours",
                  "description", "billable", "hourly_rate", "amount", "currency", "status", "week_start",
                  "is_manual", "screenshots", "reviewed_at", "auto_approved", "rejection_reason", "invoiced_at",
                  "created_at", "updated_at"]
        read_only_fields = fields


class TimeEntryCreateSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    billable = serializers.BooleanField(required=False, default=True)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                           min_value=0)
    start_time = serializers.DateTimeField(required=False, allow_null=True,
                                           help_text="With end_time: a manual entry. Without: ignored, the timer "
                                                     "starts now.")
    end_time = serializers.DateTimeField(required=False, allow_null=True)
    screenshots = serializers.ListField(child=serializers.CharField(max_length=500), required=False,
                                        max_length=20)

    def validate(self, attrs):
        if attrs.get("end_time") and not attrs.get("start_time"):
            raise ValidationError({"start_time": ["A manual entry needs a start time."]})
        return attrs


class TimeEntryUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    billable = serializers.BooleanField(required=False)
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    start_time = serializers.DateTimeField(required=False)
    end_time = serializers.DateTimeField(required=False)
    screenshots = serializers.ListField(child=serializers.CharField(max_length=500), required=False,
                                        max_length=20)


class TimeEntryStopSerializer(serializers.Serializer):
    end_time = serializers.DateTimeField(required=False, allow_null=True,
                                         help_text="Defaults to now.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TimeEntryRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TimeWeekSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    week_start = serializers.DateField(help_text="Any day of the week; its Monday is used.")


class TimeWeekResultSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    week_start = serializers.DateField()
    count = serializers.IntegerField()


class TimeSummarySerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    total_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    billable_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    billable_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    entry_count = serializers.IntegerField()


class WorkLogSerializer(serializers.ModelSerializer):
    contract_id = serializers.IntegerField()
    user_id = serializers.IntegerField(read_only=True)
    hours_worked = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=24)

    class Meta:
        model = WorkLog
        fields = ["id", "contract_id", "user_id", "date", "hours_worked", "tasks_completed", "blockers", "notes",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "user_id", "created_at", "updated_at"]


# --- views ---------------------------------------------------------------------------------------------------


class TimeEntryFilter(django_filters.FilterSet):
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    status = django_filters.ChoiceFilter(choices=TimeEntryStatus.choices)
    week_start = django_filters.DateFilter(field_name="week_start")
    billable = django_filters.BooleanFilter(field_name="billable")

    class Meta:
        model = TimeEntry
        fields = ["contract_id", "status", "week_start", "billable"]


def _monday(day):
    return day - time_services.timedelta(days=day.weekday())


@extend_schema(tags=["time-entries"])
class TimeEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Time on hourly contracts. Both parties read; the freelancer logs and edits, the client reviews."""

    serializer_class = TimeEntrySerializer
    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated]
    filterset_class = TimeEntryFilter
    ordering_fields = ["start_time", "id", "amount", "duration_minutes"]
    ordering = ["-start_time", "-id"]

    def get_queryset(self):
        return time_selectors.time_entry_list_for(user=self.request.user)

    def _answer(self, entry, code=status.HTTP_200_OK):
        return Response(TimeEntrySerializer(entry).data, status=code)

    @extend_schema(
        request=TimeEntryCreateSerializer, responses={201: TimeEntrySerializer, **_errors(400, 401, 403, 404)})
    def create(self, request):
        """Start the timer, or log a manual entry when both start_time and end_time are given."""
        serializer = TimeEntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = _contract_for(request.user, data["contract_id"])
        common = {"contract": contract, "actor": request.user, "description": data["description"],
                  "billable": data["billable"], "hourly_rate": data.get("hourly_rate")}
        if data.get("end_time"):
            entry = time_services.time_entry_create_manual(start_time=data["start_time"], end_time=data["end_time"],
                                                           screenshots=data.get("screenshots"), **common)
        else:
            entry = time_services.time_entry_start(**common)
        return self._answer(entry, status.HTTP_201_CREATED)

    @extend_schema(
        request=TimeEntryUpdateSerializer, responses={200: TimeEntrySerializer, **_errors(400, 401, 403, 404)})
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        serializer = TimeEntryUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._answer(time_services.time_entry_update(entry=entry, actor=request.user,
                                                            data=dict(serializer.validated_data)))

    @extend_schema(
        request=TimeEntryUpdateSerializer, responses={200: TimeEntrySerializer, **_errors(400, 401, 403, 404)})
    def update(self, request, pk=None):
        """On a running entry this stops the timer (`end_time` defaults to now); otherwise it edits the entry."""
        entry = self.get_object()
        if entry.status == TimeEntryStatus.RUNNING:
            return self._stop(request, entry)
        return self.partial_update(request, pk)

    @extend_schema(responses={204: None, **_errors(400, 401, 403, 404)})
    def destroy(self, request, pk=None):
        time_services.time_entry_delete(entry=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _stop(self, request, entry):
        serializer = TimeEntryStopSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = time_services.time_entry_stop(entry=entry, actor=request.user,
                                              end_time=serializer.validated_data.get("end_time"))
        if "description" in serializer.validated_data:
            entry = time_services.time_entry_update(
                entry=entry, actor=request.user, data={"description": serializer.validated_data["description"]})
        return self._answer(entry)

    @extend_schema(
        request=TimeEntryStopSerializer, responses={200: TimeEntrySerializer, **_errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post", "put"])
    def stop(self, request, pk=None):
        """Stop a running timer; duration and amount are computed."""
        return self._stop(request, self.get_object())

    @extend_schema(
        request=None, responses={200: TimeEntrySerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The client approves an entry (until Friday 23:59 UTC of the following week)."""
        return self._answer(time_services.time_entry_approve(entry=self.get_object(), actor=request.user))

    @extend_schema(
        request=TimeEntryRejectSerializer, responses={200: TimeEntrySerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The client rejects an entry with a reason."""
        entry = self.get_object()
        serializer = TimeEntryRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(time_services.time_entry_reject(entry=entry, actor=request.user,
                                                            reason=serializer.validated_data["reason"]))

    def _week(self, request):
        serializer = TimeWeekSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contract = _contract_for(request.user, serializer.validated_data["contract_id"])
        return contract, _monday(serializer.validated_data["week_start"])

    @extend_schema(
        request=TimeWeekSerializer, responses={200: TimeWeekResultSerializer, **_errors(400, 401, 403, 404)})
    @action(detail=False, methods=["post"], url_path="submit-week")
    def submit_week(self, request):
        """The freelancer hands the week's drafts to the client."""
        contract, week = self._week(request)
        count = time_services.time_week_submit(contract=contract, actor=request.user, week_start=week)
        return Response({"contract_id": contract.pk, "week_start": week, "count": count})

    @extend_schema(
        request=TimeWeekSerializer, responses={200: TimeWeekResultSerializer, **_errors(400, 401, 403, 404)})
    @action(detail=False, methods=["post"], url_path="approve-week")
    def approve_week(self, request):
        """The client approves the whole week; the approved time is then invoiced and charged."""
        contract, week = self._week(request)
        entries = time_services.time_week_approve(contract=contract, actor=request.user, week_start=week)
        return Response({"contract_id": contract.pk, "week_start": week, "count": len(entries)})

    @extend_schema(
        parameters=[OpenApiParameter("contract_id", int, required=True),
                    OpenApiParameter("week_start", str, description="Only this week (a date).")],
        responses={200: TimeSummarySerializer, **_errors(400, 401, 404)})
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Totals of the contract's logged time, for either party."""
        raw = request.query_params.get("contract_id")
        if not raw or not raw.isdigit():
            raise ValidationError({"contract_id": ["A contract id is required."]})
        contract = _contract_for(request.user, int(raw))
        week = None
        if request.query_params.get("week_start"):
            field = serializers.DateField()
            week = _monday(field.run_validation(request.query_params["week_start"]))
        return Response(TimeSummarySerializer(time_selectors.time_summary(contract=contract, week_start=week)).data)


class WorkLogFilter(django_filters.FilterSet):
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = WorkLog
        fields = ["contract_id", "date_from", "date_to"]


@extend_schema(tags=["work-logs"])
class WorkLogViewSet(viewsets.ModelViewSet):
    """Daily work logs: the freelancer writes, the client of the contract reads."""

    serializer_class = WorkLogSerializer
    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated]
    filterset_class = WorkLogFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return time_selectors.work_log_list_for(user=self.request.user)

    @extend_schema(responses={201: WorkLogSerializer, **_errors(400, 401, 403, 404)})
    def create(self, request):
        serializer = WorkLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contract = _contract_for(request.user, data.pop("contract_id"))
        log = worklog_services.work_log_create(contract=contract, actor=request.user, **data)
        return Response(WorkLogSerializer(log).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: WorkLogSerializer, **_errors(400, 401, 403, 404)})
    def update(self, request, pk=None, partial=False):
        log = self.get_object()
        serializer = WorkLogSerializer(log, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("contract_id", log.contract_id) != log.contract_id:
            raise ValidationError({"contract_id": ["A log cannot move to another contract."]})
        log = worklog_services.work_log_update(log=log, actor=request.user, data=data)
        return Response(WorkLogSerializer(log).data)

    @extend_schema(responses={200: WorkLogSerializer, **_errors(400, 401, 403, 404)})
    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(responses={204: None, **_errors(401, 403, 404)})
    def destroy(self, request, pk=None):
        worklog_services.work_log_delete(log=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
