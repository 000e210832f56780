"""The money API. Thin: look up what the caller may see (billing.selectors), validate, call a service, answer.
Every answer carries `Cache-Control: no-store`; money POSTs honour `Idempotency-Key`."""

import csv

import django_filters
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import DetailSerializer
from marketplace.models import Contract, Milestone
from megilance.api.exceptions import NotFound
from megilance.api.pagination import LargeListPagination

from .. import selectors
from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..models import EscrowStatus, Payment, PaymentStatus, PaymentType, PayoutStatus, RefundStatus
from ..services import escrow as escrow_services
from ..services import payouts as payout_services
from ..services import refunds as refund_services
from . import serializers as s


def _errors(*codes: int) -> dict:
    return dict.fromkeys(codes, DetailSerializer)


class NoStoreMixin:
    """Money answers must never sit in a browser or proxy cache."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


def _visible_contract(user, contract_id: int) -> Contract:
    contract = selectors.contracts_visible_to(user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound("No such contract.")
    return contract


# Escrow


class EscrowFilter(django_filters.FilterSet):
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    milestone_id = django_filters.NumberFilter(field_name="milestone_id")
    status = django_filters.ChoiceFilter(choices=EscrowStatus.choices)

    class Meta:
        fields = ["contract_id", "milestone_id", "status"]


@extend_schema(tags=["escrow"])
class EscrowViewSet(NoStoreMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Escrow of the caller's contracts (as client or freelancer); anyone else gets 404."""

    serializer_class = s.EscrowSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = EscrowFilter
    ordering_fields = ["id", "created_at", "amount", "status"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.escrow_visible_to(self.request.user)

    def _fund(self, request):
        data = self.validate(s.EscrowFundSerializer, request.data)
        contract = _visible_contract(request.user, data["contract_id"])
        milestone = None
        if data.get("milestone_id"):
            milestone = Milestone.objects.filter(pk=data["milestone_id"], contract=contract).first()
            if milestone is None:
                raise NotFound("No such milestone on this contract.")
        escrow = escrow_services.escrow_fund(contract=contract, actor=request.user, milestone=milestone,
                                             amount=data.get("amount"))
        return Response(s.EscrowSerializer(escrow).data, status=status.HTTP_201_CREATED)

    def validate(self, serializer_class, data):
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.EscrowFundSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.EscrowSerializer, **_errors(400, 402, 403, 404, 409, 422)},
                   summary="Fund a milestone (its amount) or put a deposit into a contract's escrow")
    @idempotent
    def create(self, request, *args, **kwargs):
        return self._fund(request)

    @extend_schema(request=s.EscrowFundSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.EscrowSerializer, **_errors(400, 402, 403, 404, 409, 422)},
                   summary="Fund escrow (same as POST /api/escrow/)")
    @action(detail=False, methods=["post"], url_path="fund")
    @idempotent
    def fund(self, request):
        return self._fund(request)

    @extend_schema(request=s.EscrowActionSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: s.EscrowActionResultSerializer, **_errors(400, 403, 404, 409, 422)},
                   summary="Release all or part of the escrow to the freelancer (client only)")
    @action(detail=True, methods=["post"])
    @idempotent
    def release(self, request, pk=None):
        escrow = self.get_object()
        data = self.validate(s.EscrowActionSerializer, request.data)
        payment = escrow_services.escrow_release(escrow=escrow, actor=request.user, amount=data.get("amount"),
                                                 reason=data.get("reason", ""))
        escrow = self.get_queryset().get(pk=escrow.pk)
        escrow.payment_id = payment.pk
        return Response(s.EscrowActionResultSerializer(escrow).data)

    @extend_schema(request=s.EscrowActionSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: s.EscrowActionResultSerializer, **_errors(400, 403, 404, 409, 422)},
                   summary="Refund unreleased escrow to the client")
    @action(detail=True, methods=["post"])
    @idempotent
    def refund(self, request, pk=None):
        escrow = self.get_object()
        data = self.validate(s.EscrowActionSerializer, request.data)
        refund = escrow_services.escrow_refund(escrow=escrow, actor=request.user, amount=data.get("amount"),
                                               reason=data.get("reason", ""))
        escrow = self.get_queryset().get(pk=escrow.pk)
        escrow.refund_id = refund.pk
        escrow.payment_id = refund.refund_payment_id
        return Response(s.EscrowActionResultSerializer(escrow).data)

    @extend_schema(
        parameters=[OpenApiParameter("contract_id", OpenApiTypes.INT, required=False,
                                     description="One contract; without it, the caller's totals.")],
        responses={200: s.EscrowBalanceSerializer, **_errors(400, 404)},
        summary="Escrow totals of a contract, or of all the caller's contracts",
    )
    @action(detail=False, methods=["get"])
    def balance(self, request):
        raw = request.query_params.get("contract_id")
        if raw in (None, ""):
            # The caller's own totals, as client or freelancer (even for staff, who may see more).
            escrows = selectors.escrows_of(request.user)
            return Response(s.EscrowBalanceSerializer(selectors.escrow_balance(escrows=escrows)).data)
        if not str(raw).isdigit():
            raise ValidationError({"contract_id": ["A contract id is a number."]})
        contract = _visible_contract(request.user, int(raw))
        escrows = selectors.escrow_visible_to(request.user).filter(contract=contract)
        return Response(s.EscrowBalanceSerializer(
            selectors.escrow_balance(escrows=escrows, contract_id=contract.pk)).data)


# Payments


class PaymentFilter(django_filters.FilterSet):
    payment_type = django_filters.ChoiceFilter(choices=PaymentType.choices)
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    escrow_id = django_filters.NumberFilter(field_name="escrow_id")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        fields = ["payment_type", "status", "contract_id", "escrow_id"]


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` reach the payments list; the CSV itself is streamed by the view."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict):  # an error answer
            return f"detail\n{data.get('detail', '')}\n".encode()
        return b""


class _Echo:
    def write(self, value):
        return value


CSV_COLUMNS = ["id", "created_at", "payment_type", "status", "from_user_id", "to_user_id", "contract_id",
               "milestone_id", "amount", "fees", "net_amount", "currency", "description", "gateway_reference",
               "completed_at"]


def _cell(text: str) -> str:
    # A cell starting with = + - @ (or a tab or carriage return) is a formula to a spreadsheet: defuse it, since
    # descriptions carry milestone titles that people typed.
    return f"'{text}" if text and text[0] in "=+-@\t\r" else text


def _csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for p in queryset.iterator(chunk_size=500):
        yield writer.writerow([
            p.pk, p.created_at.isoformat(), p.payment_type, p.status, p.from_user_id or "", p.to_user_id or "",
            p.contract_id or "", p.milestone_id or "", f"{p.amount:.2f}", f"{p.fee_amount:.2f}",
            f"{p.net_amount:.2f}", p.currency, _cell(p.description), _cell(p.gateway_reference),
            p.completed_at.isoformat() if p.completed_at else "",
        ])


@extend_schema(tags=["payments"])
class PaymentViewSet(NoStoreMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's payment history: what they paid and received. `?format=csv` (or /export) downloads it."""

    serializer_class = s.PaymentSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = PaymentFilter
    pagination_class = LargeListPagination
    ordering_fields = ["id", "created_at", "amount"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    def get_queryset(self):
        return selectors.payments_visible_to(self.request.user)

    def _export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="megilance-payments.csv"'
        return response

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], required=False,
                                     description="csv downloads the whole filtered history")],
        responses={200: s.PaymentSerializer(many=True)},
    )
    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", "") == "csv":
            return self._export(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR}, summary="Download the payment history as CSV")
    @action(detail=False, methods=["get"])
    def export(self, request):
        return self._export(request)

    @extend_schema(request=s.PaymentCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.PaymentSerializer, **_errors(400, 402, 403, 404, 409, 422)},
                   summary="Put a deposit into a contract's escrow (no milestone)")
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = s.PaymentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = _visible_contract(request.user, data["contract_id"])
        escrow = escrow_services.escrow_fund(contract=contract, actor=request.user, amount=data["amount"])
        payment = Payment.objects.get(escrow=escrow, payment_type=PaymentType.DEPOSIT)
        return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


# Transaction fees


@extend_schema(tags=["payments"])
class TransactionFeeViewSet(NoStoreMixin, viewsets.ReadOnlyModelViewSet):
    """Fee lines of the caller's payments (all of them for Finance staff)."""

    serializer_class = s.TransactionFeeSerializer
    permission_classes = [IsAuthenticated]
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"
    filterset_fields = {"payment_id": ["exact"], "currency": ["exact"]}

    def get_queryset(self):
        return selectors.fees_visible_to(self.request.user)


# Refunds


class RefundFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RefundStatus.choices)
    payment_id = django_filters.NumberFilter(field_name="payment_id")
    escrow_id = django_filters.NumberFilter(field_name="escrow_id")

    class Meta:
        fields = ["status", "payment_id", "escrow_id"]


@extend_schema(tags=["refunds"])
class RefundViewSet(NoStoreMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Refund requests. The payer asks; Finance staff approve, reject and process."""

    serializer_class = s.RefundSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RefundFilter
    ordering_fields = ["id", "created_at", "amount"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.refunds_visible_to(self.request.user)

    def _answer(self, refund, code=status.HTTP_200_OK):
        return Response(s.RefundSerializer(self.get_queryset().get(pk=refund.pk)).data, status=code)

    @extend_schema(request=s.RefundCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.RefundSerializer, **_errors(400, 404, 409, 422)},
                   summary="Ask for a refund of an escrow funding or deposit you paid")
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = s.RefundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = selectors.payments_visible_to(request.user).filter(
            pk=data["payment_id"], from_user=request.user).select_related("escrow").first()
        if payment is None:
            raise NotFound("No such payment.")
        refund = refund_services.refund_request(payment=payment, actor=request.user, amount=data.get("amount"),
                                                reason=data["reason"])
        return self._answer(refund, status.HTTP_201_CREATED)

    @extend_schema(request=s.RefundUpdateSerializer, responses={200: s.RefundSerializer, **_errors(400, 403, 404,
                                                                                                      409)})
    def update(self, request, *args, **kwargs):
        refund = self.get_object()
        serializer = s.RefundUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        refund = refund_services.refund_update(refund=refund, actor=request.user,
                                               amount=serializer.validated_data.get("amount"),
                                               reason=serializer.validated_data.get("reason"))
        return self._answer(refund)

    @extend_schema(request=s.RefundUpdateSerializer, responses={200: s.RefundSerializer, **_errors(400, 403, 404,
                                                                                                      409)})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={204: None, **_errors(403, 404, 409)}, summary="Cancel a request nobody decided yet")
    def destroy(self, request, *args, **kwargs):
        refund_services.refund_cancel(refund=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.RefundDecisionSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: s.RefundSerializer, **_errors(403, 404, 409, 422)},
                   summary="Approve a refund request (finance staff)")
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        data = s.RefundDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = refund_services.refund_approve(refund=self.get_object(), actor=request.user,
                                                note=data.validated_data.get("note", ""))
        return self._answer(refund)

    @extend_schema(request=s.RefundDecisionSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: s.RefundSerializer, **_errors(400, 403, 404, 409, 422)},
                   summary="Reject a refund request with a note (finance staff)")
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        data = s.RefundDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = refund_services.refund_reject(refund=self.get_object(), actor=request.user,
                                               note=data.validated_data.get("note", ""))
        return self._answer(refund)

    @extend_schema(request=None, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: s.RefundSerializer, **_errors(400, 403, 404, 409, 422)},
                   summary="Carry out an approved refund through the payment gateway (finance staff)")
    @action(detail=True, methods=["post"])
    @idempotent
    def process(self, request, pk=None):
        refund = refund_services.refund_process(refund=self.get_object(), actor=request.user)
        return self._answer(refund)


# Payouts


class PayoutFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PayoutStatus.choices)

    class Meta:
        fields = ["status"]


@extend_schema(tags=["payouts"])
class PayoutViewSet(NoStoreMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A freelancer's payouts and payout schedule."""

    serializer_class = s.PayoutSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = PayoutFilter
    ordering_fields = ["id", "created_at", "amount"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.payouts_visible_to(self.request.user)

    @extend_schema(request=s.PayoutCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.PayoutSerializer, **_errors(400, 403, 409, 422)},
                   summary="Pay out all or part of the available balance now")
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = s.PayoutCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payout = payout_services.payout_request(freelancer=request.user,
                                                amount=serializer.validated_data.get("amount"),
                                                currency=serializer.validated_data.get("currency"))
        return Response(s.PayoutSerializer(self.get_queryset().get(pk=payout.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: s.PayoutScheduleSerializer, **_errors(404)},
                   summary="The caller's payout schedule")
    @extend_schema(methods=["PUT", "PATCH", "POST"], request=s.PayoutScheduleSerializer,
                   responses={200: s.PayoutScheduleSerializer, **_errors(400, 403)},
                   summary="Set the payout schedule: weekly, twice_monthly or monthly, with a minimum")
    @action(detail=False, methods=["get", "put", "patch", "post"])
    def schedule(self, request):
        current = selectors.payout_schedule_of(request.user)
        if request.method == "GET":
            if current is None:
                raise NotFound("No payout schedule yet.")
            return Response(s.PayoutScheduleSerializer(current).data)
        serializer = s.PayoutScheduleSerializer(current, data=request.data,
                                                partial=request.method == "PATCH" and current is not None)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        schedule = payout_services.payout_schedule_set(
            freelancer=request.user,
            frequency=data.get("frequency", current.frequency if current else None),
            minimum_amount=data.get("minimum_amount", current.minimum_amount if current else None),
            currency=data.get("currency", current.currency if current else None),
            is_active=data.get("is_active", current.is_active if current else True),
        )
        return Response(s.PayoutScheduleSerializer(schedule).data)


# Wallet


class WalletView(NoStoreMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["payments"],
        parameters=[OpenApiParameter("currency", OpenApiTypes.STR, required=False, description="ISO 4217; USD")],
        responses={200: s.WalletSerializer, 401: OpenApiResponse(DetailSerializer)},
        summary="The caller's balances: available, pending (security period), in escrow",
    )
    def get(self, request):
        currency = (request.query_params.get("currency") or "").strip() or None
        if currency is not None and (len(currency) != 3 or not currency.isalpha()):
            raise ValidationError({"currency": ["A three-letter currency code."]})
        return Response(s.WalletSerializer(selectors.wallet(user=request.user, currency=currency)).data)
