"""Rate limits for the abuse-prone endpoints, counted in the cache (Redis when REDIS_URL is set, so every worker
shares the counts). Over the limit the API answers 429 with Retry-After.

Rates live in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] by scope. Anonymous callers are counted by client
IP (REST_FRAMEWORK["NUM_PROXIES"] mirrors NUM_PROXIES, so the address is read the same way behind a proxy);
signed-in callers by user id. A viewset opts in with `throttle_scope = "<scope>"` (every request) or
`throttle_scope = {"create": "<scope>"}` (only those actions)."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRates:
    # DRF binds the rates when the class is defined; reading them on use lets settings overrides take effect.
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES


class ScopedRateThrottle(_LiveRates, throttling.ScopedRateThrottle):
    """DRF's scoped throttle, with per-action scopes."""

    def allow_request(self, request, view):
        scope = getattr(view, self.scope_attr, None)
        if isinstance(scope, dict):
            scope = scope.get(getattr(view, "action", None))
        if not scope:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return throttling.SimpleRateThrottle.allow_request(self, request, view)


class _FixedScopeThrottle(_LiveRates, throttling.SimpleRateThrottle):
    """A throttle for function views: the scope is fixed by the subclass; callers are counted by IP."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(_FixedScopeThrottle):
    scope = "login"


class RegisterThrottle(_FixedScopeThrottle):
    scope = "register"


class PasswordResetThrottle(_FixedScopeThrottle):
    scope = "password_reset"


class EmailVerificationThrottle(_FixedScopeThrottle):
    scope = "email_verification"


class TwoFactorThrottle(_FixedScopeThrottle):
    """Code attempts: counted per signed-in user when there is one, else per IP."""

    scope = "two_factor"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class GdprThrottle(TwoFactorThrottle):
    """Exports and erasure requests: counted per signed-in user."""

    scope = "gdpr"
