from .selectors import announcements_active_for


def announcements(request):
    """The announcements showing now for the visitor, for the banner on every page. Lazy: pages without the
    banner (the admin, emails) never query."""
    user = getattr(request, "user", None)
    return {"active_announcements": lambda: list(announcements_active_for(user)[:3])}
