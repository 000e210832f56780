from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AuditLog, Skill, User, UserSession, UserSkill


class UserSkillInline(admin.TabularInline):
    model = UserSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "name", "role", "is_active", "email_verified", "is_verified", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "email_verified", "is_verified", "date_joined"]
    search_fields = ["email", "name", "title"]
    readonly_fields = ["date_joined", "last_login", "updated_at", "is_active"]
    inlines = [UserSkillInline]
    actions = ["deactivate_users", "reactivate_users"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "role", "title", "bio", "hourly_rate", "location", "timezone",
                                   "profile_image_url")}),
        (_("Status"), {"fields": ("is_active", "email_verified", "is_verified")}),
        (_("Permissions"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        # Role changes go through the service so that they are audited and is_staff follows the role.
        if change and "role" in form.changed_data:
            new_role = obj.role
            obj.role = form.initial.get("role")
            super().save_model(request, obj, form, change)
            services.user_change_role(user=obj, role=new_role, actor=request.user, request=request)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Deactivate selected users (ends their sessions)", permissions=["change"])
    def deactivate_users(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk):
            services.user_set_active(user=user, is_active=False, actor=request.user, request=request,
                                     reason="staff action in admin")
            count += 1
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reactivate selected users", permissions=["change"])
    def reactivate_users(self, request, queryset):
        count = 0
        for user in queryset:
            services.user_set_active(user=user, is_active=True, actor=request.user, request=request,
                                     reason="staff action in admin")
            count += 1
        self.message_user(request, f"{count} user(s) reactivated.", messages.SUCCESS)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "ip_address", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["user__email", "ip_address"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in UserSession._meta.fields]
    actions = ["revoke_sessions"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke selected sessions", permissions=["change"])
    def revoke_sessions(self, request, queryset):
        for session in queryset.filter(revoked_at__isnull=True):
            services.session_revoke(session=session, reason="revoked by staff", request=request, actor=request.user)
        self.message_user(request, "Sessions revoked.", messages.SUCCESS)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "user", "ip_address", "target_type", "target_id"]
    list_filter = ["action", "created_at"]
    search_fields = ["action", "actor__email", "user__email", "ip_address", "target_id"]
    list_select_related = ["actor", "user"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
