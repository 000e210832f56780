"""One exception handler for the API: every 4xx is {"detail", "code", "errors"?}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A business rule refused the action. Services raise it; the handler turns it into a 4xx answer."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None, errors=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        if status_code is not None:
            self.status_code = status_code
        self.errors = errors


class Conflict(ApplicationError):
    """The action was already done or lost a race (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Forbidden(ApplicationError):
    """The caller sees the object but its role may not do this (403)."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field == "non_field_errors" else f"{field}: {message}"
    if isinstance(errors, list | tuple):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
    if isinstance(errors, str):
        return errors
    return ""


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON like every other API error, not Django's HTML page."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    if isinstance(exc, OverflowError | DataError):
        # A filter or id too large for the database column (e.g. ?contract_id=1e300) is bad input, not a crash.
        exc = exceptions.ValidationError({"non_field_errors": ["A number in the request is out of range."]})
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) and not getattr(
        exc, "auth_header", None
    ):
        # DRF turns a credentials failure into 403 on views without an authenticator (login, refresh).
        # MegiLance answers 401 for missing or bad credentials everywhere, with the Bearer challenge.
        exc.status_code = status.HTTP_401_UNAUTHORIZED
        exc.auth_header = 'Bearer realm="api"'

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _first_message(errors) or "Invalid input.",
            "code": "invalid",
            "errors": errors,
        }
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        if isinstance(codes, dict):
            code = codes.get("detail", getattr(exc, "default_code", "error"))
        response.data = {"detail": str(detail), "code": code}
    return response
