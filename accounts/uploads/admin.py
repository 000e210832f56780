"""Staff view of uploaded files: what was quarantined or held, and a rescan of held files. Contents are never
opened from the admin; clean files are downloaded through the same permission-checked view as everyone."""

from django.contrib import admin, messages

from . import services
from .models import UploadedFile, UploadStatus


@admin.register(UploadedFile)
class UploadedFileAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "kind", "status", "original_name", "size", "scan_signature", "created_at"]
    list_filter = ["status", "kind", "bucket"]
    search_fields = ["owner__email", "original_name", "object_key", "sha256"]
    list_select_related = ["owner"]
    readonly_fields = [field.name for field in UploadedFile._meta.fields]
    actions = ["rescan_held"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Rescan held files", permissions=["view"])
    def rescan_held(self, request, queryset):
        if not queryset.filter(status=UploadStatus.HELD).exists():
            self.message_user(request, "None of the selected files is held.", messages.WARNING)
            return
        outcome = services.upload_rescan_held()
        self.message_user(request, f"Rescanned held files: {outcome}.")
