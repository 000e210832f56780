"""Staff tools for hourly work: time entries and work logs, filtered by status and contract. Read-only: time
changes through the freelancer's and client's actions, which keep the week rules."""

from django.contrib import admin

from .models import TimeEntry, WorkLog


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TimeEntry)
class TimeEntryAdmin(_ReadOnly):
    list_display = ["id", "contract", "user", "start_time", "duration_minutes", "amount", "status", "week_start",
                    "billable", "auto_approved"]
    list_filter = ["status", "billable", "auto_approved", "is_manual", ("contract", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["description", "user__email", "contract__title"]
    list_select_related = ["contract", "user"]
    date_hierarchy = "start_time"


@admin.register(WorkLog)
class WorkLogAdmin(_ReadOnly):
    list_display = ["id", "contract", "user", "date", "hours_worked"]
    list_filter = [("contract", admin.RelatedOnlyFieldListFilter), "date"]
    search_fields = ["tasks_completed", "blockers", "notes", "user__email"]
    list_select_related = ["contract", "user"]
