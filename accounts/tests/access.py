"""Accounts routes with an object id, for the access-control matrix (tests/test_access_control.py)."""

from accounts import services
from accounts.models import DataExportRequest, SessionKind


def build(world) -> list[tuple[str, str]]:
    session = services.session_start(user=world.client, kind=SessionKind.API)
    export = DataExportRequest.objects.create(user=world.client)
    return [
        ("GET", f"/api/auth/sessions/{session.pk}"),
        ("DELETE", f"/api/auth/sessions/{session.pk}"),
        ("GET", f"/api/users/me/export/{export.pk}"),
    ]
