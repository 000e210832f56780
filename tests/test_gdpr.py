"""GDPR: every model that points at a user is exported or explicitly excluded; the export is a ZIP with one JSON
file per part behind a signed, owner-only, seven-day link; erasure anonymises and keeps what the law requires."""

import io
import json
import re
import zipfile
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from freezegun import freeze_time

from accounts import privacy
from accounts.models import AuditLog, DataExportRequest, User, UserSession

pytestmark = pytest.mark.django_db


def test_every_model_with_a_foreign_key_to_the_user_is_exported_or_excluded():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    covered = privacy.covered_models()
    missing = sorted(
        model._meta.label for model in apps.get_models()
        if any((f.many_to_one or f.one_to_one) and f.concrete and f.related_model is user_model
               for f in model._meta.get_fields())
        and model._meta.label not in covered
    )
    assert not missing, f"register these with accounts.privacy or privacy.exclude them with a reason: {missing}"


def test_every_registered_part_exports_json_for_a_user_with_no_data(client_user):
    for part in privacy.parts():
        json.dumps(part.exporter(client_user), default=str)


def _export(api, commit):
    with commit(execute=True):
        response = api.post("/api/users/me/export")
    assert response.status_code == 202, response.content
    return response.json()


def test_export_builds_a_zip_with_one_json_file_per_part_and_emails_a_link(
        client_api, client_user, client, password, django_capture_on_commit_callbacks):
    started = _export(client_api, django_capture_on_commit_callbacks)

    status = client_api.get(f"/api/users/me/export/{started['id']}").json()
    assert status["status"] == "ready"
    assert status["download_url"]
    message = next(m for m in mail.outbox if "data export" in m.subject)
    # The signed token carries its signing time, so the emailed link and the status link differ in that part;
    # both lead to the same export, and the emailed one is what the person follows.
    emailed = re.search(r"https?://\S+/download/\?token=\S+", message.body).group(0)
    assert urlparse(emailed).path == urlparse(status["download_url"]).path

    client.post("/accounts/login/", {"login": client_user.email, "password": password})
    url = urlparse(emailed)
    response = client.get(f"{url.path}?{url.query}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {f"{p.name}.json" for p in privacy.parts()} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == client_user.email


def test_a_second_request_while_one_is_being_built_answers_the_same_export(client_api, client_user):
    first = client_api.post("/api/users/me/export").json()  # on_commit never runs here: it stays pending
    second = client_api.post("/api/users/me/export").json()
    assert first["id"] == second["id"]
    assert DataExportRequest.objects.filter(user=client_user).count() == 1


def test_another_user_cannot_see_or_download_an_export(
        client_api, outsider_api, outsider, client, password, django_capture_on_commit_callbacks):
    started = _export(client_api, django_capture_on_commit_callbacks)
    link = client_api.get(f"/api/users/me/export/{started['id']}").json()["download_url"]

    assert outsider_api.get(f"/api/users/me/export/{started['id']}").status_code == 404
    client.post("/accounts/login/", {"login": outsider.email, "password": password})
    url = urlparse(link)
    assert client.get(f"{url.path}?{url.query}").status_code == 404


def test_the_download_link_needs_its_signature_and_dies_after_seven_days(
        client_api, client_user, client, password, django_capture_on_commit_callbacks):
    started = _export(client_api, django_capture_on_commit_callbacks)
    link = urlparse(client_api.get(f"/api/users/me/export/{started['id']}").json()["download_url"])
    client.post("/accounts/login/", {"login": client_user.email, "password": password})

    assert client.get(f"{link.path}?token=forged").status_code == 404
    assert client.get(link.path).status_code == 404
    with freeze_time(DataExportRequest.objects.get().expires_at + timedelta(minutes=1)):
        assert client.get(f"{link.path}?{link.query}").status_code == 404


def test_anonymous_callers_are_refused(api, client):
    assert api.post("/api/users/me/export").status_code == 401
    assert api.get("/api/users/me/export/1").status_code == 401
    assert api.post("/api/users/me/delete", {"password": "x"}, format="json").status_code == 401
    assert client.get("/privacy/exports/1/download/").status_code == 302


def test_the_expiry_job_deletes_old_files(client_api, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from accounts.privacy_services import data_exports_expire

    _export(client_api, django_capture_on_commit_callbacks)
    export = DataExportRequest.objects.get()
    with freeze_time(export.expires_at + timedelta(hours=1)):
        assert data_exports_expire() == 1
    export.refresh_from_db()
    assert export.status == "expired" and not default_storage.exists(export.file_name or "missing")


# --- erasure ----------------------------------------------------------------------------------------------------


def test_erasure_needs_the_password(client_api, client_user):
    response = client_api.post("/api/users/me/delete", {"password": "wrong"}, format="json")
    assert response.status_code == 400
    client_user.refresh_from_db()
    assert client_user.is_active


def test_erasure_anonymises_the_profile_and_ends_every_session(api_as, client_user, password):
    other_session = api_as(client_user)
    api = api_as(client_user)
    email = client_user.email

    response = api.post("/api/users/me/delete", {"password": password}, format="json")

    assert response.status_code == 200, response.content
    user = User.objects.get(pk=client_user.pk)
    assert user.email != email and user.name == "Deleted user" and not user.is_active
    assert not UserSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert other_session.get("/api/auth/me").status_code == 401
    assert api.post("/api/auth/login", {"email": email, "password": password}, format="json").status_code == 401
    assert AuditLog.objects.filter(user=user, action="privacy.erased").exists()


def test_erasure_asks_for_a_2fa_code_when_2fa_is_on(client_api, client_user, password):
    from accounts.tests.test_two_factor import _enable, code_at

    secret, _ = _enable(client_api, password)
    without = client_api.post("/api/users/me/delete", {"password": password}, format="json")
    assert without.status_code == 400 and without.json()["code"] == "mfa_code_required"

    response = client_api.post("/api/users/me/delete", {"password": password, "code": code_at(secret, 1)},
                               format="json")

    assert response.status_code == 200
    from allauth.mfa.models import Authenticator
    assert not Authenticator.objects.filter(user=client_user).exists()


def test_erasure_keeps_contracts_and_blanks_the_persons_words(api_as, client_user, freelancer, password):
    from marketplace.models import Contract, Proposal
    from marketplace.tests.factories import ContractFactory, ProjectFactory, ProposalFactory

    project = ProjectFactory(client=client_user)
    proposal = ProposalFactory(project=project, freelancer=freelancer)
    contract = ContractFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)

    response = api_as(freelancer).post("/api/users/me/delete", {"password": password}, format="json")

    assert response.status_code == 200
    assert Contract.objects.filter(pk=contract.pk, freelancer=freelancer).exists()
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.status == "withdrawn" and "removed" in proposal.cover_letter


def test_the_privacy_page_requests_an_export_and_erases_with_the_password(
        client, client_user, password, django_capture_on_commit_callbacks):
    client.post("/accounts/login/", {"login": client_user.email, "password": password})
    assert client.get("/settings/privacy/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/settings/privacy/", {"action": "export"})
    assert 'data-testid="export-row"' in client.get("/settings/privacy/").content.decode()

    refused = client.post("/settings/privacy/", {"action": "erase", "password": "wrong"})
    assert refused.status_code == 400
    done = client.post("/settings/privacy/", {"action": "erase", "password": password})
    assert done.status_code == 302
    assert not User.objects.get(pk=client_user.pk).is_active
