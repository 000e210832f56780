"""Rules that hold on every door (web pages, API, admin actions): called by the services that need them."""

from rest_framework.permissions import BasePermission

from megilance.api.exceptions import Forbidden

EMAIL_NOT_VERIFIED = "Confirm your email address first: we sent you a link when you signed up."


def require_verified_email(user) -> None:
    """Posting a project, bidding and moving money need a confirmed email address."""
    if user is None or not getattr(user, "email_verified", False):
        raise Forbidden(EMAIL_NOT_VERIFIED, code="email_not_verified")


class HasVerifiedEmail(BasePermission):
    """The same rule as a DRF permission, for views that have no service call to guard."""

    message = EMAIL_NOT_VERIFIED
    code = "email_not_verified"

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.email_verified)
