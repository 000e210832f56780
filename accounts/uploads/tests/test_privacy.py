from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import privacy
from accounts.uploads import services
from accounts.uploads.models import UploadedFile

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_uploaded_files_are_registered_with_the_gdpr_registry():
    assert "accounts.UploadedFile" in privacy.covered_models()


def test_export_lists_metadata_and_download_links(client_user):
    upload = services.upload_direct(owner=client_user, kind="project_file",
                                    file=SimpleUploadedFile("notes.txt", b"my notes"))

    [entry] = privacy.export_user(client_user)["uploaded_files"]

    assert entry["name"] == "notes.txt" and entry["size"] == 8 and entry["status"] == "clean"
    assert entry["download_url"].endswith(f"/api/files/{upload.pk}/download")


def test_erasure_deletes_the_files_and_their_variants(freelancer, outsider, upload_roots):
    upload = services.upload_direct(owner=freelancer, kind="profile_image",
                                    file=SimpleUploadedFile("me.png", png_bytes()))
    kept = services.upload_direct(owner=outsider, kind="project_file", file=SimpleUploadedFile("a.txt", b"a"))
    paths = [Path(upload_roots) / "media" / key for key in [upload.object_key, *upload.variants.values()]]
    assert all(path.exists() for path in paths)

    privacy.erase_user(freelancer)

    assert not any(path.exists() for path in paths)
    assert list(UploadedFile.objects.all()) == [kept]
