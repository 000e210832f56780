"""Template helpers for the account pages, usable from any app's templates (dashboards, public profiles)."""

import zoneinfo

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("includes/profile_checklist.html")
def profile_checklist(user):
    """The "complete your profile" card: what is still missing before others trust the profile."""
    from accounts.views import profile_checklist as build

    items = build(user)
    done = sum(item.done for item in items)
    return {"checklist": items, "checklist_done": done, "checklist_percent": round(100 * done / len(items))}


@register.filter
def local_time(zone: str):
    """The current time in an IANA zone, or None for an unknown zone."""
    try:
        return timezone.now().astimezone(zoneinfo.ZoneInfo(str(zone)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
