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


def upload_routes(world) -> list[tuple[str, str]]:
    """Uploaded files: a private project file, a proposal attachment and a quarantined file of alice and bob."""
    from accounts.uploads.models import UploadedFile
    from marketplace.tests.factories import ProjectFactory, ProposalFactory

    project = ProjectFactory(client=world.client)
    proposal = ProposalFactory(project=project, freelancer=world.freelancer)
    project_file = UploadedFile.objects.create(owner=world.client, kind="project_file", status="clean",
                                               object_key="uploads/access/project.pdf", target_type="project",
                                               target_id=project.pk)
    attachment = UploadedFile.objects.create(owner=world.freelancer, kind="proposal_attachment", status="clean",
                                             object_key="uploads/access/offer.pdf", target_type="proposal",
                                             target_id=proposal.pk)
    quarantined = UploadedFile.objects.create(owner=world.client, kind="project_file", status="quarantined",
                                              object_key="quarantine/access/x.bin")
    routes = []
    for upload in (project_file, attachment, quarantined):
        routes += [("GET", f"/api/files/{upload.pk}"), ("DELETE", f"/api/files/{upload.pk}"),
                   ("GET", f"/api/files/{upload.pk}/download")]
    return routes


_accounts_routes = build


def build(world) -> list[tuple[str, str]]:
    return _accounts_routes(world) + upload_routes(world)
