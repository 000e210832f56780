import pytest

from accounts.uploads.models import UploadedFile

pytestmark = pytest.mark.django_db


def test_staff_see_quarantined_files_in_the_admin(client, superuser, client_user):
    UploadedFile.objects.create(owner=client_user, kind="project_file", status="quarantined",
                                object_key="quarantine/1/x.bin", original_name="x.txt",
                                scan_signature="EICAR-Test.UNOFFICIAL")
    client.force_login(superuser)

    response = client.get("/admin/accounts/uploadedfile/?status__exact=quarantined")

    assert response.status_code == 200
    assert b"EICAR-Test.UNOFFICIAL" in response.content


def test_staff_without_permissions_cannot_open_the_list(client, staff_user):
    client.force_login(staff_user)

    assert client.get("/admin/accounts/uploadedfile/").status_code == 403
