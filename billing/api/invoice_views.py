"""API for invoices: list, create (draft or issued), issue, PDF, pay, send, cancel, CSV export. Thin: look up what
the caller may see, validate the shape, call a service."""

import csv
import io

import django_filters
from django.db.models import Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import DetailSerializer
from accounts.models import BillingProfile
from marketplace import contract_selectors
from megilance.api.exceptions import ApplicationError, NotFound
from megilance.api.serializers import DictRowsListMixin, FastReadMixin
from megilance.queries import row_values

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from ..models import Invoice, InvoiceKind, InvoiceSource, InvoiceStatus, Payment
from ..pdf import PdfUnavailable, invoice_pdf_bytes, pdf_filename
from ..services import invoices as invoice_services


def _errors(*codes: int) -> dict:
    return dict.fromkeys(codes, DetailSerializer)


def invoice_list_for(*, user):
    """Invoices the user issued, and those issued to them (a draft is its issuer's alone). Staff with the view
    permission see all."""
    qs = Invoice.objects.all()
    if not (user and user.is_authenticated):
        return qs.none()
    if user.is_staff and user.has_perm("billing.view_invoice"):
        return qs
    return qs.filter(Q(from_user=user) | (Q(to_user=user) & ~Q(status=InvoiceStatus.DRAFT)))


# --- serializers ---------------------------------------------------------------------------------------------


class InvoiceItemSerializer(FastReadMixin, serializers.Serializer):
    description = serializers.CharField(max_length=500)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, required=False)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)


class PartyDetailsSerializer(FastReadMixin, serializers.Serializer):
    name = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    company = serializers.CharField(required=False)
    address = serializers.ListField(child=serializers.CharField(), required=False)
    tax_id = serializers.CharField(required=False)


class InvoiceSerializer(FastReadMixin, serializers.ModelSerializer):
    reuse_row_serializer = True

    invoice_number = serializers.CharField(source="number", read_only=True, allow_null=True)
    contract_id = serializers.IntegerField(read_only=True, allow_null=True)
    from_user_id = serializers.IntegerField(read_only=True, allow_null=True)
    to_user_id = serializers.IntegerField(read_only=True)
    payment_id = serializers.IntegerField(read_only=True, allow_null=True)
    items = InvoiceItemSerializer(many=True, read_only=True)
    from_details = PartyDetailsSerializer(read_only=True)
    to_details = PartyDetailsSerializer(read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ["id", "invoice_number", "number", "kind", "source", "contract_id", "from_user_id", "to_user_id",
                  "items", "amount", "tax_rate", "tax", "total", "currency", "status", "issue_date", "due_date",
                  "paid_date", "payment_id", "notes", "week_start", "from_details", "to_details", "pdf_url",
                  "sent_at", "charge_failure_reason", "created_at", "updated_at"]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str | None:
        values = row_values(obj)  # a model instance or a list row read as a dictionary
        return f"/api/invoices/{values['id']}/pdf" if values["number"] else None


class InvoiceCreateSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    items = InvoiceItemSerializer(many=True, allow_empty=False, max_length=100)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=0, min_value=0,
                                        max_value=100)
    due_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    status = serializers.ChoiceField(choices=[InvoiceStatus.DRAFT, InvoiceStatus.PENDING], default="pending",
                                     help_text="draft keeps it unnumbered; pending issues it at once.")


class InvoicePaySerializer(serializers.Serializer):
    payment_id = serializers.IntegerField(required=False, allow_null=True,
                                          help_text="Link a payment that already happened instead of paying now.")


class InvoiceCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else ""


# --- views ---------------------------------------------------------------------------------------------------


class InvoiceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices)
    source = django_filters.ChoiceFilter(choices=InvoiceSource.choices)
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    direction = django_filters.ChoiceFilter(choices=[("issued", "issued"), ("received", "received")],
                                            method="filter_direction")

    class Meta:
        model = Invoice
        fields = ["status", "kind", "source", "contract_id"]

    def filter_direction(self, queryset, name, value):
        user = self.request.user
        return queryset.filter(from_user=user) if value == "issued" else queryset.filter(to_user=user)


CSV_COLUMNS = ["number", "status", "kind", "issue_date", "due_date", "paid_date", "from", "to", "amount", "tax",
               "total", "currency", "contract_id"]


def invoices_csv(queryset) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for inv in queryset.order_by("-created_at", "-id"):
        writer.writerow([inv.number or "", inv.status, inv.kind, inv.issue_date or "", inv.due_date or "",
                         inv.paid_date.date() if inv.paid_date else "", (inv.from_details or {}).get("name", ""),
                         (inv.to_details or {}).get("name", ""), f"{inv.amount:.2f}", f"{inv.tax:.2f}",
                         f"{inv.total:.2f}", inv.currency, inv.contract_id or ""])
    return out.getvalue()


def pdf_response(invoice: Invoice) -> HttpResponse:
    try:
        data = invoice_pdf_bytes(invoice)
    except PdfUnavailable as error:
        raise ApplicationError(f"PDFs cannot be rendered on this server: {error}", code="pdf_unavailable",
                               status_code=503) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    return response


@extend_schema(tags=["invoices"])
class InvoiceViewSet(DictRowsListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invoices the caller issued or received. The freelancer invoices the client of a contract by hand; others
    are made by MegiLance for every escrow release and billed hourly week."""

    serializer_class = InvoiceSerializer
    permission_classes = [IsAuthenticated]
    list_extra_columns = ()  # the PDF link reads the id and number, which the list shows
    lookup_value_regex = r"\d+"
    filterset_class = InvoiceFilter
    ordering_fields = ["created_at", "issue_date", "due_date", "total", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return invoice_list_for(user=self.request.user)

    def _answer(self, invoice, code=status.HTTP_200_OK):
        fresh = Invoice.objects.get(pk=invoice.pk)
        return Response(InvoiceSerializer(fresh).data, status=code)

    @extend_schema(request=InvoiceCreateSerializer,
                   responses={201: InvoiceSerializer, **_errors(400, 401, 403, 404)})
    def create(self, request):
        serializer = InvoiceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = contract_selectors.contract_visible_to(user=request.user).filter(pk=data["contract_id"]).first()
        if contract is None:
            raise NotFound("Contract not found.")
        items = [dict(item) for item in data["items"]]
        invoice = invoice_services.invoice_create(
            issuer=request.user, contract=contract, items=items, tax_rate=data["tax_rate"],
            due_date=data.get("due_date"), notes=data["notes"], issue=data["status"] == InvoiceStatus.PENDING)
        return self._answer(invoice, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvoiceSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Number a draft and freeze both parties' billing details; it becomes pending."""
        return self._answer(invoice_services.invoice_issue(invoice=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                                            **_errors(401, 404, 503)})
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer, JSONRenderer])
    def pdf(self, request, pk=None):
        """The invoice as a PDF (built when it was issued, or now if it is missing)."""
        invoice = self.get_object()
        if not invoice.number:
            raise ApplicationError("A draft has no PDF yet; issue it first.", code="draft_invoice")
        return pdf_response(invoice)

    @extend_schema(request=InvoicePaySerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={200: InvoiceSerializer, 402: DetailSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post", "patch"])
    @idempotent
    def pay(self, request, pk=None):
        """The recipient pays: through a payment now (escrow deposit released to the freelancer, fee taken),
        or by linking a completed payment of theirs on the same contract (`payment_id`)."""
        invoice = self.get_object()
        serializer = InvoicePaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = None
        if serializer.validated_data.get("payment_id"):
            payment = Payment.objects.filter(pk=serializer.validated_data["payment_id"]).filter(
                Q(from_user=request.user) | Q(to_user=request.user)).first()
            if payment is None:
                raise ApplicationError("No such payment of yours.", errors={"payment_id": ["Not found."]})
        return self._answer(invoice_services.invoice_pay(invoice=invoice, actor=request.user, payment=payment))

    @extend_schema(request=None, responses={200: InvoiceSerializer, **_errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Email the invoice to its recipient."""
        return self._answer(invoice_services.invoice_send(invoice=self.get_object(), actor=request.user))

    @extend_schema(request=InvoiceCancelSerializer,
                   responses={200: InvoiceSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The issuer cancels a draft or an unpaid invoice."""
        invoice = self.get_object()
        serializer = InvoiceCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(invoice_services.invoice_cancel(invoice=invoice, actor=request.user,
                                                            reason=serializer.validated_data["reason"]))

    @extend_schema(request=None, responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    @action(detail=False, methods=["get"], renderer_classes=[CSVRenderer, JSONRenderer, BrowsableAPIRenderer])
    def export(self, request):
        """The caller's (filtered) invoices as CSV."""
        response = HttpResponse(invoices_csv(self.filter_queryset(self.get_queryset())),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="megilance-invoices.csv"'
        return response


class BillingProfileSerializer(serializers.ModelSerializer):
    # Null until the person first saves their details (GET answers an empty profile).
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = BillingProfile
        fields = ["legal_name", "company_name", "address_line1", "address_line2", "city", "postal_code", "region",
                  "country", "tax_id", "billing_email", "updated_at"]
        read_only_fields = ["updated_at"]


@extend_schema(tags=["invoices"])
class BillingProfileView(APIView):
    """The caller's billing details, printed on invoices (copied when each invoice is issued)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: BillingProfileSerializer, **_errors(401)})
    def get(self, request):
        return Response(BillingProfileSerializer(BillingProfile.of(request.user)).data)

    @extend_schema(request=BillingProfileSerializer, responses={200: BillingProfileSerializer, **_errors(400, 401)})
    def put(self, request):
        return self._save(request, partial=False)

    @extend_schema(request=BillingProfileSerializer, responses={200: BillingProfileSerializer, **_errors(400, 401)})
    def patch(self, request):
        return self._save(request, partial=True)

    def _save(self, request, *, partial: bool):
        serializer = BillingProfileSerializer(BillingProfile.of(request.user), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        # Only the caller's own row: an invoice already issued keeps the details it was issued with.
        serializer.save(user=request.user)
        return Response(serializer.data)
