"""The staff groups of MegiLance and what each may do (ARCHITECTURE.md, People and permissions).

Created after every migrate (and after a test database flush) so that a fresh database always has them; the
permissions of a group are set to exactly this list each time, so a change here reaches every environment."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

# group -> {app_label: None (every permission of the app) or a list of "codename"}
GROUPS = {
    "Support": {
        "support": None,
        "accounts": ["view_user"],
        "marketplace": ["view_contract", "view_milestone", "view_project"],
        "billing": ["view_escrow"],
    },
    "Finance": {
        "billing": None,
        "accounts": ["view_user"],
        "marketplace": ["view_contract", "view_milestone"],
        "support": ["view_dispute", "view_disputeevidence"],
    },
    "Moderation": {
        "accounts": ["view_user", "change_user", "view_auditlog"],
        "marketplace": ["view_project", "change_project", "view_review", "change_review"],
        "engagement": ["view_message", "change_message", "view_conversation"],
    },
}


def groups_sync(*, apps=global_apps, using: str = "default") -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for app_label, codenames in grants.items():
            perms = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if codenames is not None:
                perms = perms.filter(codename__in=codenames)
            wanted.extend(perms)
        group.permissions.set(wanted)


def create_groups(sender, app_config=None, using="default", apps=global_apps, **kwargs) -> None:
    """post_migrate receiver. Permissions are created per app by the same signal, so make sure every app's exist
    before they are granted (engagement migrates after support)."""
    if app_config is None or app_config.label != "support":
        return
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    groups_sync(using=using)
