"""Staff tools of support: the ticket queue, dispute mediation, announcements, plus the staff dashboard, CSV
exports and message moderation pages (admin_views.py), served inside the admin. Every action calls a service."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from megilance.api.exceptions import ApplicationError

from . import admin_views, services
from .models import (
    OPEN_TICKET_STATUSES,
    Announcement,
    Dispute,
    DisputeEvidence,
    SupportTicket,
    TicketMessage,
)


def _run(modeladmin, request, queryset, verb: str, call) -> None:
    """Apply a service to each selected row; refusals are reported per row, the rest go through."""
    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except ApplicationError as error:
            modeladmin.message_user(request, f"#{obj.pk}: {error.message}", messages.WARNING)
    if done:
        modeladmin.message_user(request, f"{verb} {done} item(s).", messages.SUCCESS)


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("unassigned", "Unassigned"), ("mine", "Mine"), ("overdue", "Overdue")]

    def queryset(self, request, queryset):
        if self.value() == "unassigned":
            return queryset.filter(status__in=OPEN_TICKET_STATUSES, assigned_to__isnull=True)
        if self.value() == "mine":
            return queryset.filter(status__in=OPEN_TICKET_STATUSES, assigned_to=request.user)
        if self.value() == "overdue":
            return queryset.filter(status__in=OPEN_TICKET_STATUSES, first_responded_at__isnull=True,
                                   first_response_due_at__lt=timezone.now())
        return queryset


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "is_staff_reply", "body", "attachments"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TicketReplyForm(forms.ModelForm):
    reply = forms.CharField(widget=forms.Textarea(attrs={"rows": 5, "cols": 80}), required=False,
                            help_text="Sent to the person by email; the ticket then waits on them.")

    class Meta:
        model = SupportTicket
        fields = []


@admin.register(SupportTicket)
class SupportTicketAdmin(admin.ModelAdmin):
    form = TicketReplyForm
    list_display = ["id", "subject", "user", "category", "priority_badge", "status", "assigned_to",
                    "first_response_due_at", "overdue", "message_total", "created_at"]
    list_filter = [QueueFilter, "status", "priority", "category", "created_at"]
    search_fields = ["subject", "description", "user__email", "user__name"]
    list_select_related = ["user", "assigned_to"]
    readonly_fields = ["user", "subject", "description", "category", "priority", "status", "assigned_to",
                       "attachments", "first_response_due_at", "first_responded_at", "last_reply_at", "resolved_at",
                       "closed_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["user", "subject", "description", "attachments"]}),
        ("Triage", {"fields": ["category", "priority", "status", "assigned_to"]}),
        ("Times", {"fields": ["first_response_due_at", "first_responded_at", "last_reply_at", "resolved_at",
                              "closed_at", "created_at", "updated_at"]}),
        ("Answer", {"fields": ["reply"]}),
    ]
    inlines = [TicketMessageInline]
    actions = ["assign_to_me", "resolve", "close"]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_messages=Count("messages"))

    def has_add_permission(self, request):
        return False  # People open tickets from their pages; staff answer them here.

    @admin.display(description="priority", ordering="priority")
    def priority_badge(self, obj):
        colour = {"urgent": "#b91c1c", "high": "#b45309"}.get(obj.priority, "inherit")
        return format_html('<strong style="color:{}">{}</strong>', colour, obj.get_priority_display())

    @admin.display(boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description="messages", ordering="_messages")
    def message_total(self, obj):
        return obj._messages

    def save_model(self, request, obj, form, change):
        # The ticket's own fields change only through the services; the form carries just the reply.
        body = form.cleaned_data.get("reply", "").strip()
        if body:
            try:
                services.ticket_reply(ticket=obj, actor=request.user, body=body, request=request)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        _run(self, request, queryset, "Assigned",
             lambda t: services.ticket_assign(ticket=t, actor=request.user, request=request))

    @admin.action(description="Mark resolved", permissions=["change"])
    def resolve(self, request, queryset):
        _run(self, request, queryset, "Resolved",
             lambda t: services.ticket_resolve(ticket=t, actor=request.user, request=request))

    @admin.action(description="Close", permissions=["change"])
    def close(self, request, queryset):
        _run(self, request, queryset, "Closed",
             lambda t: services.ticket_close(ticket=t, actor=request.user, request=request))


class DisputeEvidenceInline(admin.TabularInline):
    model = DisputeEvidence
    extra = 0
    can_delete = False
    fields = ["created_at", "submitted_by", "description", "attachments"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DisputeResolveForm(forms.Form):
    client_amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    freelancer_amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
                                 help_text="Both parties receive this with the decision.")


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["id", "contract", "dispute_type", "status", "frozen_amount", "currency", "raised_by",
                    "assigned_to", "respond_by", "ready", "created_at"]
    list_filter = ["status", "dispute_type", "created_at"]
    search_fields = ["description", "contract__title", "raised_by__email"]
    list_select_related = ["contract", "raised_by", "assigned_to"]
    readonly_fields = ["contract", "milestone", "escrow", "raised_by", "dispute_type", "description", "status",
                       "assigned_to", "frozen_amount", "currency", "contract_status_before", "respond_by",
                       "responded_at", "client_amount", "freelancer_amount", "resolution", "resolved_by",
                       "resolved_at", "created_at", "updated_at", "decide"]
    fields = readonly_fields
    inlines = [DisputeEvidenceInline]
    actions = ["assign_to_me"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # A dispute explains where money went; it is never deleted.

    @admin.display(boolean=True, description="ready to decide")
    def ready(self, obj):
        return obj.is_open and (obj.responded_at is not None or obj.respond_by <= timezone.now())

    @admin.display(description="decision")
    def decide(self, obj):
        if not obj.is_open:
            return "Decided."
        url = reverse("admin:support_dispute_resolve", args=[obj.pk])
        return format_html('<a class="button" href="{}">Split the frozen {} {}</a>', url, obj.frozen_amount,
                           obj.currency)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        _run(self, request, queryset, "Assigned",
             lambda d: services.dispute_assign(dispute=d, actor=request.user, request=request))

    def get_urls(self):
        return [path("<int:pk>/resolve/", self.admin_site.admin_view(self.resolve_view),
                     name="support_dispute_resolve"), *super().get_urls()]

    def resolve_view(self, request, pk: int):
        dispute = get_object_or_404(Dispute.objects.select_related("contract__client", "contract__freelancer"),
                                    pk=pk)
        if not self.has_change_permission(request, dispute):
            raise PermissionDenied
        form = DisputeResolveForm(request.POST or None, initial={
            "client_amount": dispute.frozen_amount / 2, "freelancer_amount": dispute.frozen_amount / 2})
        if request.method == "POST" and form.is_valid():
            try:
                services.dispute_resolve(dispute=dispute, actor=request.user, request=request,
                                         **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, f"Dispute #{dispute.pk} resolved.", messages.SUCCESS)
                return redirect("admin:support_dispute_change", dispute.pk)
        context = {**self.admin_site.each_context(request), "title": f"Decide dispute #{dispute.pk}",
                   "dispute": dispute, "form": form, "opts": self.model._meta,
                   "evidence": dispute.evidence.select_related("submitted_by")}
        return TemplateResponse(request, "admin/support/dispute_resolve.html", context)


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "content", "announcement_type", "audience", "starts_at", "ends_at", "is_active"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    form = AnnouncementForm
    list_display = ["title", "announcement_type", "audience", "starts_at", "ends_at", "is_active", "showing",
                    "author"]
    list_filter = ["is_active", "announcement_type", "audience"]
    search_fields = ["title", "content"]
    list_select_related = ["author"]
    actions = ["deactivate"]

    @admin.display(boolean=True, description="showing now")
    def showing(self, obj):
        now = timezone.now()
        return obj.is_active and obj.starts_at <= now and (obj.ends_at is None or obj.ends_at > now)

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in AnnouncementForm.Meta.fields}
        if change:
            saved = services.announcement_update(announcement=obj, actor=request.user, data=data, request=request)
        else:
            saved = services.announcement_create(actor=request.user, request=request, **data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.announcement_delete(announcement=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for announcement in queryset:
            services.announcement_delete(announcement=announcement, actor=request.user, request=request)

    @admin.action(description="Stop showing", permissions=["change"])
    def deactivate(self, request, queryset):
        _run(self, request, queryset, "Stopped",
             lambda a: services.announcement_deactivate(announcement=a, actor=request.user, request=request))


# The staff dashboard, CSV exports and message moderation live at /admin/dashboard/, /admin/exports/<kind>.csv and
# /admin/moderation/, inside the admin's own sign-in and staff check.
_site_get_urls = admin.site.get_urls


def _support_admin_urls():
    view = admin.site.admin_view
    return [
        path("dashboard/", view(admin_views.dashboard), name="staff_dashboard"),
        path("exports/<str:kind>.csv", view(admin_views.export_csv), name="staff_export"),
        path("moderation/", view(admin_views.moderation), name="staff_moderation"),
        *_site_get_urls(),
    ]


admin.site.get_urls = _support_admin_urls
