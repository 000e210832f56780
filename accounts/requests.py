"""Reading who and where a request comes from."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. Behind NUM_PROXIES trusted proxies, the address the nearest proxy saw."""
    if request is None:
        return None
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:400]


def login_identifier(request, credentials=None) -> str:
    """The account a log-in attempt names, for django-axes: the same lowercased email on every door (API, web
    log-in, admin)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        data = getattr(request, "POST", {}) or {}
        value = data.get("login") or data.get("email") or data.get("username")
    return str(value or "").strip().lower()[:254]
