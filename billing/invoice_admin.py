"""Staff tools for invoices: read-only rows (invoices change only through services), filters by status, kind
and contract, and actions to resend an invoice or build its PDF again. Acting needs billing.change_invoice."""

from django.contrib import admin, messages
from django.utils.html import format_html

from megilance.api.exceptions import ApplicationError

from .models import Invoice, InvoiceSequence
from .pdf import PdfUnavailable
from .services import invoices as invoice_services


def _each(modeladmin, request, queryset, apply, verb: str) -> None:
    done, refused = 0, []
    for invoice in queryset.order_by("pk"):
        try:
            apply(invoice)
            done += 1
        except (ApplicationError, PdfUnavailable) as error:
            refused.append(f"{invoice}: {error}")
    if done:
        modeladmin.message_user(request, f"{verb} {done} invoice(s).", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "source", "status", "from_user", "to_user", "total", "currency",
                    "issue_date", "due_date", "pdf_link"]
    list_filter = ["status", "kind", "source", "currency", ("contract", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "from_user__email", "to_user__email", "contract__title"]
    list_select_related = ["from_user", "to_user"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Invoice._meta.fields] + ["time_entries"]
    actions = ["resend", "regenerate_pdf"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="PDF")
    def pdf_link(self, obj):
        return format_html('<a href="/invoices/{}/pdf">PDF</a>', obj.pk) if obj.number else "-"

    @admin.action(description="Email the invoice to its recipient again", permissions=["resend"])
    def resend(self, request, queryset):
        _each(self, request, queryset, lambda i: invoice_services.invoice_send(invoice=i, actor=None), "Sent")

    @admin.action(description="Build the PDF again", permissions=["resend"])
    def regenerate_pdf(self, request, queryset):
        _each(self, request, queryset, lambda i: invoice_services.invoice_regenerate_pdf(invoice=i), "Rebuilt")

    def has_resend_permission(self, request):
        return request.user.has_perm("billing.change_invoice")


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(admin.ModelAdmin):
    list_display = ["issuer_key", "prefix", "year", "last_number"]
    list_filter = ["prefix", "year"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
