"""Staff tools for the marketplace.

Projects, proposals, contracts, milestones and reviews change state only through the services, so their admin
pages are read-only; moderation happens through actions (hide a project, remove a review) that call the services,
which check the Moderation permissions and write the audit log. The category tree and tags are reference data
that staff edit directly.
"""

from django import forms as django_forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from megilance.api.exceptions import ApplicationError

from .forms import ReasonForm
from .models import (
    Category,
    Contract,
    Milestone,
    PortfolioItem,
    Project,
    ProjectTag,
    Proposal,
    Review,
    Tag,
)
from .selectors import category_descendant_ids
from .services import projects as project_services
from .services import reviews as review_services


class ReadOnlyAdminMixin:
    """Every field read-only and no adding: these rows change only through the services."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + list(getattr(self, "extra_readonly", []))

    def has_add_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Nothing to save: a crafted POST must not write the row behind the services' back."""

    def save_related(self, request, form, formsets, change):
        """See save_model."""


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def run_with_reason(modeladmin, request, queryset, *, action: str, title: str, verb: str, apply):
    """An admin action that first asks staff for a reason, then runs `apply(obj, reason)` for each row.

    The first POST (from the changelist) shows the reason form; the second carries `apply` with the reason.
    Refusals from the service (already hidden, no permission) are reported per row, not raised.
    """
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done, refused = 0, []
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
            except ApplicationError as error:
                refused.append(f"{obj}: {error.message}")
            else:
                done += 1
        if done:
            modeladmin.message_user(request, f"{verb} {done} {queryset.model._meta.verbose_name_plural}.",
                                    messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.WARNING)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "objects": queryset,
        "form": form,
        "action": action,
        "verb": verb,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "marketplace/admin/action_reason.html", context)


# Category tree and tags ----------------------------------------------------------------------------------------


class CategoryAdminForm(django_forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description", "icon", "sort_order", "is_active"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and parent.pk in category_descendant_ids([self.instance.pk]):
            raise django_forms.ValidationError("A category cannot sit under itself or one of its subcategories.")
        return parent


class CategoryChildInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ["name", "slug", "icon", "sort_order", "is_active", "project_count"]
    readonly_fields = ["project_count"]
    extra = 0
    show_change_link = True
    verbose_name = "subcategory"
    verbose_name_plural = "subcategories"


class LevelFilter(admin.SimpleListFilter):
    title = "level"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", "Top level"), ("sub", "Subcategories")]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["tree_name", "parent", "slug", "icon", "sort_order", "is_active", "project_count"]
    list_display_links = ["tree_name"]
    list_editable = ["sort_order", "is_active"]
    list_filter = [LevelFilter, "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["project_count", "created_at"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description", "icon", "sort_order", "is_active", "project_count",
              "created_at"]
    inlines = [CategoryChildInline]

    def get_ordering(self, request):
        # Tree order: each top-level category followed by its subcategories (expressions, not annotations, so
        # that the category filters of other admin pages can use the same ordering).
        return [Coalesce(F("parent__sort_order"), F("sort_order")).asc(), Coalesce(F("parent__name"), F("name")).asc(),
                F("parent").asc(nulls_first=True), "sort_order", "name"]

    @admin.display(description="Category", ordering="name")
    def tree_name(self, obj):
        if obj.parent_id:
            return format_html('<span style="color:#94a3b8">└</span> {}', obj.name)
        return format_html("<strong>{}</strong>", obj.name)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "type", "usage_count", "created_at"]
    list_filter = ["type"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["usage_count", "created_at"]


# Projects and proposals ----------------------------------------------------------------------------------------


class ProjectTagInline(ReadOnlyInline):
    model = ProjectTag
    fields = ["tag", "created_at"]
    readonly_fields = fields
    show_change_link = False


class ProposalInline(ReadOnlyInline):
    model = Proposal
    fields = ["freelancer", "bid_amount", "currency", "status", "created_at"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("freelancer")


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "client", "status", "budget_type", "is_hidden", "proposal_count", "created_at"]
    list_filter = ["status", "is_hidden", "budget_type", "experience_level", "visibility",
                   ("category", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["client", "category__parent"]
    search_fields = ["title", "description", "client__email", "client__name"]
    date_hierarchy = "created_at"
    extra_readonly = ["skill_names"]
    inlines = [ProjectTagInline, ProposalInline]
    actions = ["hide_projects", "unhide_projects"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("skills")

    def has_delete_permission(self, request, obj=None):
        # A project with bids is cancelled, not deleted, so freelancers keep the record; staff hide instead.
        return False

    @admin.display(description="Skills")
    def skill_names(self, obj):
        return ", ".join(skill.name for skill in obj.skills.all()) or "—"

    @admin.action(description="Hide selected projects from public lists (asks for a reason)",
                  permissions=["change"])
    def hide_projects(self, request, queryset):
        return run_with_reason(
            self, request, queryset, action="hide_projects", title="Hide projects", verb="Hid",
            apply=lambda project, reason: project_services.project_hide(
                project=project, actor=request.user, reason=reason, request=request),
        )

    @admin.action(description="Show selected hidden projects again", permissions=["change"])
    def unhide_projects(self, request, queryset):
        done = 0
        for project in queryset:
            try:
                project_services.project_unhide(project=project, actor=request.user, request=request)
            except ApplicationError as error:
                self.message_user(request, f"{project}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} project(s) visible again.", messages.SUCCESS)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "project", "freelancer", "bid_amount", "currency", "status", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["project", "freelancer"]
    search_fields = ["project__title", "freelancer__email", "freelancer__name", "cover_letter"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False


# Contracts and milestones --------------------------------------------------------------------------------------


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["order", "title", "amount", "currency", "status", "due_date", "submitted_at", "approved_at"]
    readonly_fields = fields
    ordering = ["order", "id"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "client", "freelancer", "contract_type", "amount", "hourly_rate", "status",
                    "start_date"]
    list_filter = ["status", "contract_type", "start_date"]
    list_select_related = ["client", "freelancer", "project"]
    search_fields = ["title", "client__email", "client__name", "freelancer__email", "freelancer__name"]
    date_hierarchy = "created_at"
    inlines = [MilestoneInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "contract", "amount", "currency", "status", "due_date", "submitted_at"]
    list_filter = ["status", "due_date"]
    list_select_related = ["contract"]
    search_fields = ["title", "contract__title", "contract__client__email", "contract__freelancer__email"]

    def has_delete_permission(self, request, obj=None):
        return False


# Portfolio and reviews -----------------------------------------------------------------------------------------


@admin.register(PortfolioItem)
class PortfolioItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only; moderators may delete an item that breaks the rules."""

    list_display = ["title", "freelancer", "completed_on", "sort_order", "created_at"]
    list_select_related = ["freelancer"]
    search_fields = ["title", "description", "freelancer__email", "freelancer__name"]
    list_filter = ["created_at"]


class ReviewVisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("blind", "Still blind"), ("removed", "Removed by staff")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "published":
            return queryset.filter(is_removed=False, visible_at__lte=now)
        if self.value() == "blind":
            return queryset.filter(is_removed=False, visible_at__gt=now)
        if self.value() == "removed":
            return queryset.filter(is_removed=True)
        return queryset


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "contract", "reviewer", "reviewee", "rating", "published", "is_removed", "created_at"]
    list_filter = [ReviewVisibilityFilter, "rating", "is_removed", "created_at"]
    list_select_related = ["contract", "reviewer", "reviewee"]
    search_fields = ["comment", "reply", "reviewer__email", "reviewee__email", "contract__title"]
    date_hierarchy = "created_at"
    actions = ["remove_reviews", "restore_reviews"]

    def has_delete_permission(self, request, obj=None):
        # Removal keeps the row (and its audit trail); deleting would erase the evidence.
        return False

    @admin.display(boolean=True, description="Published")
    def published(self, obj):
        return obj.is_visible

    @admin.action(description="Remove selected reviews (asks for a reason)", permissions=["change"])
    def remove_reviews(self, request, queryset):
        return run_with_reason(
            self, request, queryset, action="remove_reviews", title="Remove reviews", verb="Removed",
            apply=lambda review, reason: review_services.review_remove(
                review=review, actor=request.user, reason=reason, request=request),
        )

    @admin.action(description="Restore selected removed reviews", permissions=["change"])
    def restore_reviews(self, request, queryset):
        done = 0
        for review in queryset:
            try:
                review_services.review_restore(review=review, actor=request.user, request=request)
            except ApplicationError as error:
                self.message_user(request, f"{review}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} review(s) restored.", messages.SUCCESS)


from . import time_admin  # noqa: E402,F401  (time entries and work logs)
