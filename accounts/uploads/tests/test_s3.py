"""The real S3 HTTP API (moto's server on 127.0.0.1): presigned POST, confirm, scan, read back, delete.
moto does not enforce the POST policy, so these tests also prove the confirm step refuses what the policy
would have refused."""

import pytest
import requests
from botocore.exceptions import ClientError

from accounts.uploads.models import UploadedFile
from marketplace.tests.factories import ProjectFactory

from .conftest import EICAR, jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _presign(api, **params):
    response = api.get("/api/upload/presigned-url", params)
    assert response.status_code == 200, response.content
    return response.json()


def _post_to_bucket(answer, name, data, content_type):
    return requests.post(answer["url"], data={**answer["fields"], "Content-Type": content_type},
                         files={"file": (name, data, content_type)}, timeout=10)


def _keys(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", [])}


def test_presigned_post_limits_size_and_type_in_its_policy(s3, client_api):
    import base64
    import json

    answer = _presign(client_api, bucket="assets", purpose="profile_image")

    assert answer["url"].startswith(s3.meta.endpoint_url)
    policy = json.loads(base64.b64decode(answer["fields"]["policy"]))
    assert ["content-length-range", 1, 5 * 1024 * 1024] in policy["conditions"]
    assert ["starts-with", "$Content-Type", "image/"] in policy["conditions"]
    assert answer["fields"]["key"] == answer["object_key"]


def test_upload_confirm_scan_read_back_and_delete_on_s3(s3, clamd, client_user, client_api):
    project = ProjectFactory(client=client_user)
    answer = _presign(client_api, object_key="brief.pdf")

    assert _post_to_bucket(answer, "brief.pdf", pdf_bytes(), "application/pdf").status_code in (200, 201, 204)
    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"], "purpose": "project_file",
                                                       "target_id": project.pk}, format="json")

    assert response.status_code == 201, response.content
    upload = UploadedFile.objects.get(pk=response.json()["id"])
    assert _keys(s3) == {upload.object_key}  # the incoming object was replaced by the server-named one
    download = client_api.get(f"/api/files/{upload.pk}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert client_api.delete(f"/api/files/{upload.pk}").status_code == 204
    assert _keys(s3) == set()
    with pytest.raises(ClientError):
        s3.head_object(Bucket=s3.bucket, Key=upload.object_key)


def test_infected_object_on_s3_is_quarantined_not_published(s3, clamd, client_api):
    answer = _presign(client_api, object_key="eicar.txt")
    _post_to_bucket(answer, "eicar.txt", EICAR, "text/plain")

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "project_file"}, format="json")

    assert response.status_code == 400
    upload = UploadedFile.objects.get()
    assert upload.status == "quarantined"
    assert _keys(s3) == {upload.object_key} and upload.object_key.startswith("quarantine/")


def test_oversized_object_is_refused_at_confirm_although_moto_stored_it(s3, settings, client_api):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "project_file": 1}
    answer = _presign(client_api, object_key="big.txt")
    assert _post_to_bucket(answer, "big.txt", b"x" * (1024 * 1024 + 10), "text/plain").status_code < 300
    assert answer["object_key"] in _keys(s3)

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "project_file"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert _keys(s3) == set()


def test_mistyped_object_is_refused_at_confirm_although_moto_stored_it(s3, client_user, client_api):
    answer = _presign(client_api, bucket="assets", object_key="me.jpg")
    # Declared as an image, but the bytes are a PDF: the policy's type prefix is not checked by moto.
    assert _post_to_bucket(answer, "me.jpg", pdf_bytes(), "image/jpeg").status_code < 300

    response = client_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                       "purpose": "profile_image"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "file_type_refused"
    assert _keys(s3) == set()


def test_public_assets_are_served_from_the_cdn_domain(s3, settings, freelancer, freelancer_api):
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.megilance.example"
    answer = _presign(freelancer_api, bucket="assets", object_key="me.jpg")
    _post_to_bucket(answer, "me.jpg", jpeg_bytes(), "image/jpeg")

    response = freelancer_api.post("/api/upload/confirm", {"object_key": answer["object_key"],
                                                           "purpose": "profile_image"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["public_url"].startswith("https://cdn.megilance.example/assets/")
    assert all(url.startswith("https://cdn.megilance.example/") for url in body["variants"].values())
    freelancer.refresh_from_db()
    assert freelancer.profile_image_url == body["public_url"]
