"""Presigned uploads without S3: a signed URL to MegiLance's own endpoint, then confirm; unconfirmed ones expire."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from accounts.uploads.models import UploadedFile
from marketplace.tests.factories import ProjectFactory, ProposalFactory

from .conftest import EICAR, jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _presign(api, **params):
    return api.get("/api/upload/presigned-url", params)


def _send(api, answer, name, data):
    """What a browser does with the answer: POST the fields and the file to the URL, no credentials."""
    from rest_framework.test import APIClient

    path = answer["url"].removeprefix("http://testserver")
    return APIClient().post(path, {**answer["fields"], "file": SimpleUploadedFile(name, data)}, format="multipart")


def test_presign_answers_the_documented_shape_under_the_callers_prefix(client_user, client_api):
    response = _presign(client_api)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"url", "fields", "object_key", "expiration", "method"}
    assert body["object_key"].startswith(f"uploads/{client_user.pk}/incoming/")
    assert body["expiration"] == 3600 and body["method"] == "POST"
    assert body["url"].endswith("/api/upload/incoming")
    assert body["fields"]["key"] == body["object_key"]


def test_expiration_is_capped(settings, client_api):
    settings.UPLOAD_PRESIGN_MAX_SECONDS = 7200

    assert _presign(client_api, expiration=999999).json()["expiration"] == 7200


@pytest.mark.parametrize("key", ["uploads/999/incoming/x.pdf", "../etc/passwd", "assets/1/../../x", "a/b.pdf"])
def test_a_client_key_outside_the_callers_prefix_is_refused(client_api, key):
    response = _presign(client_api, object_key=key)

    assert response.status_code == 400
    assert not UploadedFile.objects.exists()


def test_a_client_key_under_the_callers_prefix_or_a_plain_name_is_used(client_user, client_api):
    own = f"uploads/{client_user.pk}/incoming/brief-1.pdf"

    assert _presign(client_api, object_key=own).json()["object_key"] == own
    plain = _presign(client_api, object_key="brief.pdf").json()["object_key"]
    assert plain.startswith(f"uploads/{client_user.pk}/incoming/") and plain.endswith("-brief.pdf")
    assert _presign(client_api, object_key=own).status_code == 400  # already taken


def test_presign_needs_a_signed_in_user(api):
    assert _presign(api).status_code == 401


def test_upload_then_confirm_attaches_a_clean_file(client_user, client_api, freelancer, freelancer_api):
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)
    answer = _presign(freelancer_api, object_key="offer.pdf").json()

    assert _send(freelancer_api, answer, "offer.pdf", pdf_bytes()).status_code == 204
    assert UploadedFile.objects.get().status == "pending"
    response = freelancer_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                           "purpose": "proposal_attachment",
                                                           "target_id": proposal.pk}, format="json")

    assert response.status_code == 201, response.content
    proposal.refresh_from_db()
    assert proposal.attachments[-1]["file_id"] == response.json()["id"]
    assert client_api.get(proposal.attachments[-1]["url"]).status_code == 200


def test_confirming_someone_elses_key_is_not_found(client_api, outsider_api):
    answer = _presign(client_api).json()
    _send(client_api, answer, "a.txt", b"hello")

    response = outsider_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                         "purpose": "project_file"}, format="json")

    assert response.status_code == 404


def test_a_forged_or_mismatched_token_is_refused(client_api):
    answer = _presign(client_api).json()
    other = _presign(client_api).json()

    forged = {**answer, "fields": {**answer["fields"], "token": answer["fields"]["token"] + "x"}}
    assert _send(client_api, forged, "a.txt", b"hi").status_code == 400
    swapped = {**answer, "fields": {**answer["fields"], "key": other["object_key"]}}
    assert _send(client_api, swapped, "a.txt", b"hi").status_code == 400


def test_confirm_refuses_an_oversized_object(settings, client_api):
    answer = _presign(client_api).json()
    _send(client_api, answer, "big.txt", b"x" * 2048)
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "profile_image": 0}

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "profile_image"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert UploadedFile.objects.get().status == "rejected"


def test_confirm_refuses_a_mistyped_object_and_deletes_it(client_user, client_api, upload_roots):
    answer = _presign(client_api, object_key="photo.jpg").json()
    _send(client_api, answer, "photo.jpg", pdf_bytes())

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "profile_image"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "file_type_refused"
    assert not (Path(upload_roots) / "private" / answer["object_key"]).exists()
    client_user.refresh_from_db()
    assert client_user.profile_image_url == ""


def test_confirm_scans_and_quarantines(clamd, client_api):
    answer = _presign(client_api, object_key="eicar.txt").json()
    _send(client_api, answer, "eicar.txt", EICAR)

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "project_file"}, format="json")

    assert response.status_code == 400
    assert UploadedFile.objects.get().status == "quarantined"


def test_confirm_of_a_profile_image_reencodes_and_sets_it(freelancer, freelancer_api):
    answer = _presign(freelancer_api, bucket="assets", object_key="me.jpg").json()
    _send(freelancer_api, answer, "me.jpg", jpeg_bytes(exif=True))

    response = freelancer_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                           "purpose": "profile_image"}, format="json")

    assert response.status_code == 201, response.content
    freelancer.refresh_from_db()
    assert freelancer.profile_image_url == response.json()["public_url"]
    assert set(response.json()["variants"]) == {"webp", "thumbnail"}


def test_confirm_without_an_upload_is_refused(client_api):
    answer = _presign(client_api).json()

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "project_file"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "not_uploaded"


def test_unconfirmed_uploads_expire_and_their_objects_are_deleted(client_api, upload_roots):
    answer = _presign(client_api, expiration=60).json()
    _send(client_api, answer, "a.txt", b"hello")
    stored = Path(upload_roots) / "private" / answer["object_key"]
    assert stored.exists()

    from accounts.uploads.tasks import expire_unconfirmed

    assert expire_unconfirmed.delay().get() == 0
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        assert expire_unconfirmed.delay().get() == 1
        response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                           "purpose": "project_file"}, format="json")
    assert not stored.exists()
    assert UploadedFile.objects.get().status == "expired"
    assert response.status_code == 404


def test_beat_runs_the_upload_and_backup_jobs(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"uploads.expire_unconfirmed", "uploads.rescan_held", "accounts.backup_db"} <= tasks
    from megilance.celery import app

    assert {"uploads.expire_unconfirmed", "uploads.rescan_held", "accounts.backup_db"} <= set(app.tasks)
