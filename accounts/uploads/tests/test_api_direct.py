"""Direct multipart uploads, attaching, and the private download view."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.uploads.models import UploadedFile
from marketplace.tests.factories import ContractFactory, PortfolioItemFactory, ProjectFactory, ProposalFactory

from .conftest import jpeg_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _post(api, path, name, data, content_type="application/octet-stream", **extra):
    return api.post(path, {"file": SimpleUploadedFile(name, data, content_type=content_type), **extra},
                    format="multipart")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_profile_image_is_reencoded_published_and_set_on_the_profile(freelancer, freelancer_api, upload_roots):
    response = _post(freelancer_api, "/api/upload/profile-image", "../../me.jpg", jpeg_bytes(exif=True),
                     "image/jpeg")

    assert response.status_code == 201, response.content
    body = response.json()
    upload = UploadedFile.objects.get(pk=body["id"])
    assert upload.status == "clean" and upload.bucket == "assets"
    assert upload.object_key.startswith(f"assets/{freelancer.pk}/profile_image/")
    assert set(body["variants"]) == {"webp", "thumbnail"}
    freelancer.refresh_from_db()
    assert freelancer.profile_image_url == body["public_url"]
    stored = (Path(upload_roots) / "media" / upload.object_key).read_bytes()
    assert b"SpyCam" not in stored
    assert body["original_name"] == "me.jpg"


def test_private_file_is_not_under_the_served_media_folder(client_user, client_api, upload_roots):
    project = ProjectFactory(client=client_user)

    response = _post(client_api, "/api/upload/project-file", "brief.pdf", pdf_bytes(), target_id=project.pk)

    assert response.status_code == 201, response.content
    upload = UploadedFile.objects.get(pk=response.json()["id"])
    assert (Path(upload_roots) / "private" / upload.object_key).exists()
    assert not (Path(upload_roots) / "media").exists() or not any((Path(upload_roots) / "media").rglob("*.pdf"))
    assert response.json()["public_url"] is None
    assert upload.target_type == "project" and upload.target_id == project.pk


def test_download_has_content_disposition_attachment_with_a_safe_name(client_user, client_api):
    project = ProjectFactory(client=client_user)
    upload_id = _post(client_api, "/api/upload/project-file", 'evil"\r\nX-Injected: 1.pdf', pdf_bytes(),
                      target_id=project.pk).json()["id"]

    response = client_api.get(f"/api/files/{upload_id}/download")

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition and "X-Injected:" not in response.headers
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert _body(response) == pdf_bytes()


def test_project_file_is_readable_by_the_contract_freelancer_and_not_by_outsiders(client_user, client_api,
                                                                                 freelancer, freelancer_api,
                                                                                 outsider_api, api,
                                                                                 other_freelancer, api_as):
    project = ProjectFactory(client=client_user)
    upload_id = _post(client_api, "/api/upload/project-file", "spec.txt", b"the spec",
                      target_id=project.pk).json()["id"]
    path = f"/api/files/{upload_id}/download"

    assert freelancer_api.get(path).status_code == 404
    ContractFactory(project=project, freelancer=freelancer)
    assert freelancer_api.get(path).status_code == 200
    assert outsider_api.get(path).status_code == 404
    assert api_as(other_freelancer).get(path).status_code == 404
    assert api.get(path).status_code == 404


def test_proposal_attachment_is_listed_on_the_proposal_and_readable_by_its_client(
        client_user, client_api, freelancer, freelancer_api, outsider_api):
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)

    response = _post(freelancer_api, "/api/upload/proposal-attachment", "portfolio.pdf", pdf_bytes(),
                     target_id=proposal.pk)

    assert response.status_code == 201, response.content
    proposal.refresh_from_db()
    assert proposal.attachments[-1]["file_id"] == response.json()["id"]
    path = proposal.attachments[-1]["url"]
    assert client_api.get(path).status_code == 200
    assert outsider_api.get(path).status_code == 404


def test_attaching_to_someone_elses_proposal_is_not_found_and_stores_nothing(client_user, outsider, freelancer,
                                                                            api_as):
    proposal = ProposalFactory(project=ProjectFactory(client=client_user), freelancer=freelancer)

    response = _post(api_as(outsider), "/api/upload/proposal-attachment", "a.pdf", pdf_bytes(),
                     target_id=proposal.pk)

    assert response.status_code == 404
    assert not UploadedFile.objects.exists()


def test_portfolio_image_is_added_to_the_item_and_public(freelancer, freelancer_api, api):
    item = PortfolioItemFactory(freelancer=freelancer)

    response = _post(freelancer_api, "/api/upload/portfolio-image", "shot.png", png_bytes(size=(3000, 1000)),
                     target_id=item.pk)

    assert response.status_code == 201, response.content
    item.refresh_from_db()
    assert item.images[-1] == response.json()["public_url"]
    download = api.get(f"/api/files/{response.json()['id']}/download")
    assert download.status_code == 200
    image = Image.open(io.BytesIO(_body(download)))
    assert max(image.size) == 2048


@pytest.mark.parametrize("name,data,code", [
    ("invoice.pdf", b"MZ\x90\x00 not a pdf at all", "file_type_refused"),
    ("photo.png", jpeg_bytes(), "file_type_refused"),
    ("page.html", b"<html></html>", "file_type_refused"),
])
def test_mistyped_or_unlisted_files_are_refused(client_user, client_api, name, data, code):
    response = _post(client_api, "/api/upload/project-file", name, data)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not UploadedFile.objects.exists()


def test_oversized_file_is_refused_for_its_kind(settings, freelancer_api):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "profile_image": 1}

    response = _post(freelancer_api, "/api/upload/profile-image", "big.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1))

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"


def test_a_bomb_image_is_refused(freelancer_api):
    from .test_images import _png_claiming

    response = _post(freelancer_api, "/api/upload/profile-image", "bomb.png", _png_claiming(60_000, 60_000))

    assert response.status_code == 400
    assert response.json()["code"] == "image_refused"


def test_anonymous_cannot_upload(api):
    assert _post(api, "/api/upload/project-file", "a.txt", b"hello").status_code == 401


def test_owner_lists_and_deletes_own_files_only(client_user, client_api, outsider_api, upload_roots):
    upload_id = _post(client_api, "/api/upload/project-file", "notes.txt", b"notes").json()["id"]
    upload = UploadedFile.objects.get(pk=upload_id)

    assert [f["id"] for f in client_api.get("/api/files").json()["results"]] == [upload_id]
    assert outsider_api.get("/api/files").json()["results"] == []
    assert outsider_api.get(f"/api/files/{upload_id}").status_code == 404
    assert outsider_api.delete(f"/api/files/{upload_id}").status_code == 404
    assert client_api.delete(f"/api/files/{upload_id}").status_code == 204
    assert not (Path(upload_roots) / "private" / upload.object_key).exists()


def test_file_list_query_count_is_constant(client_user, client_api, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        UploadedFile.objects.create(owner=client_user, kind="project_file", status="clean", object_key=f"k/{n}",
                                    original_name="a.txt", size=1)

    add(1)
    client_api.get("/api/files")  # warm the authentication path
    with CaptureQueriesContext(connection) as measured:
        client_api.get("/api/files")
    with django_assert_num_queries(len(measured)):
        assert len(client_api.get("/api/files").json()["results"]) == 1
    add(2)
    with django_assert_num_queries(len(measured)):
        assert len(client_api.get("/api/files").json()["results"]) == 2


def test_uploads_are_rate_limited(settings, client_api):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "uploads": "2/hour"}}

    codes = [_post(client_api, "/api/upload/project-file", f"n{i}.txt", b"notes").status_code for i in range(3)]

    assert codes == [201, 201, 429]


def test_a_huge_target_id_is_a_bad_request_not_a_crash(client_api):
    response = _post(client_api, "/api/upload/project-file", "a.txt", b"a", target_id=str(2**70))

    assert response.status_code == 400
