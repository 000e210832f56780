"""Security headers Django does not set by itself: a Content-Security-Policy, and `Cache-Control: no-store` on
answers that carry money or personal data so that no shared cache or back button keeps them.

HSTS, nosniff, the referrer policy and frame denial come from Django's SecurityMiddleware and
XFrameOptionsMiddleware (settings); this middleware adds the rest."""

from django.conf import settings

# Scripts come only from our own static files (HTMX, app.js and the page scripts beside it) and Stripe.js on the
# card payment page: no template carries an inline script or event handler (megilance/tests checks every
# template). Styles may be inline: the pages use style attributes and HTMX adds its indicator style.
DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "https://js.stripe.com"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", "https://api.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Answers under these paths are never stored by a cache, even for anonymous callers (password reset, export
# downloads). Every answer to a signed-in caller is treated the same way.
NO_STORE_PREFIXES = ("/api/auth/", "/api/users/me", "/accounts/", "/settings/", "/privacy/")


def policy_header(policy: dict) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or DEFAULT_POLICY
        self.header = policy_header(policy)
        self.report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", False)

    def __call__(self, request):
        response = self.get_response(request)
        name = "Content-Security-Policy-Report-Only" if self.report_only else "Content-Security-Policy"
        response.headers.setdefault(name, self.header)
        if self._private(request):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.setdefault("Pragma", "no-cache")
        return response

    @staticmethod
    def _private(request) -> bool:
        if request.path.startswith(NO_STORE_PREFIXES):
            return True
        if request.META.get("HTTP_AUTHORIZATION"):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
