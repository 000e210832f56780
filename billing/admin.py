"""Staff tools for money. Every money row is read-only here: changes happen only through admin actions that call
the billing services, which check the staff member's Finance permissions and write the ledger. The ledger itself
(accounts, transactions, entries) can be looked at, never added to, changed or deleted.

A staff member in no group sees nothing here: Django's view permissions gate each page, and each action also
needs its own permission (refund decisions: billing.change_refund, as the refund services require).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from megilance.api.exceptions import ApplicationError

from . import webhooks
from .models import (
    Escrow,
    EscrowStatus,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentMethod,
    Payout,
    PayoutAccount,
    PayoutSchedule,
    Refund,
    RefundStatus,
    TransactionFee,
    WebhookEvent,
)
from .services import escrow as escrow_services
from .services import refunds as refund_services


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services write: staff may look (with the view permission), never edit by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _run_each(modeladmin, request, queryset, apply, *, verb: str) -> None:
    """Call `apply(obj)` per row; a service's refusal is reported for that row and the others go on."""
    done, refused = 0, []
    for obj in queryset.order_by("pk"):
        try:
            apply(obj)
        except ApplicationError as error:
            refused.append(f"{obj}: {error.message}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"{verb} {done} {queryset.model._meta.verbose_name_plural}.",
                                messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)


# --- escrow, payments, fees ------------------------------------------------------------------------------------


@admin.register(Escrow)
class EscrowAdmin(ReadOnlyAdmin):
    list_display = ["id", "contract", "milestone", "client", "amount", "currency", "status", "released_amount",
                    "refunded_amount", "gateway", "created_at"]
    list_filter = ["status", "gateway", "currency", "created_at"]
    search_fields = ["=id", "contract__title", "client__email", "gateway_reference"]
    list_select_related = ["contract", "milestone", "client"]
    date_hierarchy = "created_at"
    actions = ["expire_unconfirmed"]

    def has_expire_permission(self, request):
        return request.user.has_perm("billing.change_escrow")

    @admin.action(description="Give up selected payments the provider never confirmed (past their expiry)",
                  permissions=["expire"])
    def expire_unconfirmed(self, request, queryset):
        now = timezone.now()
        _run_each(self, request, queryset.filter(status=EscrowStatus.PENDING),
                  lambda escrow: escrow_services.escrow_expire(escrow=escrow, now=now), verb="Expired")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "payment_type", "status", "from_user", "to_user", "amount", "fee_amount", "net_amount",
                    "currency", "gateway", "created_at"]
    list_filter = ["payment_type", "status", "gateway", "currency", "created_at"]
    search_fields = ["=id", "from_user__email", "to_user__email", "gateway_reference", "description"]
    list_select_related = ["from_user", "to_user"]
    date_hierarchy = "created_at"


@admin.register(TransactionFee)
class TransactionFeeAdmin(ReadOnlyAdmin):
    list_display = ["id", "payment", "base_amount", "platform_fee_percent", "platform_fee_amount",
                    "payment_gateway_fee", "net_amount", "currency", "created_at"]
    list_filter = ["currency", "created_at"]
    search_fields = ["=payment__id"]
    list_select_related = ["payment"]
    date_hierarchy = "created_at"
    change_list_template = "billing/admin/transactionfee_change_list.html"

    def get_urls(self):
        report = path("report/", self.admin_site.admin_view(self.report_view), name="billing_transactionfee_report")
        return [report, *super().get_urls()]

    def report_view(self, request):
        """Fees by month and currency: what the platform took, what providers kept, what freelancers got."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = (TransactionFee.objects.annotate(month=TruncMonth("created_at")).values("month", "currency")
                .annotate(lines=Count("id"), base=Sum("base_amount"), platform=Sum("platform_fee_amount"),
                          gateway=Sum("payment_gateway_fee"), net=Sum("net_amount"))
                .order_by("-month", "currency"))
        totals = (TransactionFee.objects.values("currency")
                  .annotate(lines=Count("id"), base=Sum("base_amount"), platform=Sum("platform_fee_amount"),
                            gateway=Sum("payment_gateway_fee"), net=Sum("net_amount")).order_by("currency"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Transaction fees by month",
            "opts": self.model._meta,
            "rows": rows,
            "totals": totals,
        }
        return TemplateResponse(request, "billing/admin/fees_report.html", context)


# --- refunds: the staff decision -------------------------------------------------------------------------------


class DecisionNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False,
                           help_text="Told to the payer. Required to reject.")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "escrow", "requested_by", "amount", "currency", "status", "decided_by", "decided_at",
                    "gateway", "created_at"]
    list_filter = ["status", "gateway", "currency", "created_at"]
    search_fields = ["=id", "requested_by__email", "reason", "gateway_reference"]
    list_select_related = ["escrow", "requested_by", "decided_by"]
    date_hierarchy = "created_at"
    actions = ["approve_refunds", "reject_refunds", "process_refunds"]

    def has_decide_permission(self, request):
        return refund_services.can_manage_refunds(request.user)

    def _with_note(self, request, queryset, *, action: str, title: str, verb: str, apply, note_required: bool):
        form = DecisionNoteForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            note = form.cleaned_data["note"]
            if note_required and not note.strip():
                form.add_error("note", "Tell the payer why.")
            else:
                _run_each(self, request, queryset, lambda refund: apply(refund, note), verb=verb)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": title, "objects": queryset, "form": form, "action": action, "verb": verb,
            "opts": self.model._meta, "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "billing/admin/refund_decision.html", context)

    @admin.action(description="Approve selected refund requests", permissions=["decide"])
    def approve_refunds(self, request, queryset):
        return self._with_note(
            request, queryset.filter(status=RefundStatus.REQUESTED), action="approve_refunds",
            title="Approve refunds", verb="Approved", note_required=False,
            apply=lambda refund, note: refund_services.refund_approve(refund=refund, actor=request.user, note=note))

    @admin.action(description="Reject selected refund requests (asks why)", permissions=["decide"])
    def reject_refunds(self, request, queryset):
        return self._with_note(
            request, queryset.filter(status=RefundStatus.REQUESTED), action="reject_refunds",
            title="Reject refunds", verb="Rejected", note_required=True,
            apply=lambda refund, note: refund_services.refund_reject(refund=refund, actor=request.user, note=note))

    @admin.action(description="Pay back selected approved refunds through the gateway", permissions=["decide"])
    def process_refunds(self, request, queryset):
        _run_each(self, request, queryset, lambda refund: refund_services.refund_process(refund=refund,
                                                                                         actor=request.user),
                  verb="Processed")


# --- payouts ---------------------------------------------------------------------------------------------------


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["id", "freelancer", "amount", "currency", "status", "gateway", "gateway_reference", "created_at",
                    "paid_at"]
    list_filter = ["status", "gateway", "currency", "created_at"]
    search_fields = ["=id", "freelancer__email", "gateway_reference"]
    list_select_related = ["freelancer"]
    date_hierarchy = "created_at"


@admin.register(PayoutSchedule)
class PayoutScheduleAdmin(ReadOnlyAdmin):
    list_display = ["freelancer", "frequency", "minimum_amount", "currency", "is_active", "next_run_at",
                    "last_run_at"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["freelancer__email"]
    list_select_related = ["freelancer"]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "gateway", "account_id", "status", "payouts_enabled", "details_submitted", "updated_at"]
    list_filter = ["gateway", "status", "payouts_enabled"]
    search_fields = ["user__email", "account_id"]
    list_select_related = ["user"]


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyAdmin):
    list_display = ["user", "gateway", "brand", "last4", "exp_month", "exp_year", "status", "is_default",
                    "created_at"]
    list_filter = ["gateway", "status", "is_default"]
    search_fields = ["user__email", "last4", "setup_reference"]
    list_select_related = ["user"]


# --- webhooks --------------------------------------------------------------------------------------------------


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "gateway", "type", "status_badge", "attempts", "received_at", "processed_at",
                    "short_error"]
    list_filter = ["gateway", "type", ("processed_at", admin.EmptyFieldListFilter), "received_at"]
    search_fields = ["event_id", "type", "error"]
    date_hierarchy = "received_at"
    actions = ["process_again"]

    @admin.display(description="status")
    def status_badge(self, obj):
        return obj.status

    @admin.display(description="error or note")
    def short_error(self, obj):
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error

    def has_process_permission(self, request):
        return request.user.has_perm("billing.change_webhookevent")

    @admin.action(description="Process selected unprocessed events again", permissions=["process"])
    def process_again(self, request, queryset):
        done = failed = 0
        for event in queryset.filter(processed_at__isnull=True).order_by("pk"):
            if webhooks.webhook_event_process(event_id=event.pk):
                done += 1
            else:
                failed += 1
        self.message_user(request, f"Processed {done} event(s); {failed} failed again (see their error).",
                          messages.SUCCESS if not failed else messages.WARNING)


# --- the ledger: read-only -------------------------------------------------------------------------------------


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "purpose", "owner_key", "user", "contract", "currency", "balance", "updated_at"]
    list_filter = ["purpose", "currency"]
    search_fields = ["owner_key", "user__email", "contract__title"]
    list_select_related = ["user", "contract"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount", "currency", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "description", "escrow", "payment", "payout", "refund", "created_by",
                    "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["=id", "description", "=escrow__id", "=payment__id"]
    list_select_related = ["escrow", "payment", "payout", "refund", "created_by"]
    date_hierarchy = "created_at"
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction_link", "account", "amount", "currency", "created_at"]
    list_filter = ["currency", "account__purpose", "created_at"]
    search_fields = ["=transaction__id", "account__owner_key"]
    list_select_related = ["transaction", "account"]

    @admin.display(description="transaction")
    def transaction_link(self, obj):
        url = reverse("admin:billing_ledgertransaction_change", args=[obj.transaction_id])
        return format_html('<a href="{}">{}</a>', url, obj.transaction)
