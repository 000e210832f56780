"""Every upload passes clamd before it is visible: EICAR in a text file, appended to a PDF and inside a ZIP is
quarantined and its uploader told; with the scanner unreachable the upload is held, never served."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditLog
from accounts.uploads import scanning, services
from accounts.uploads.models import UploadedFile
from megilance.api.exceptions import ApplicationError

from .conftest import EICAR, pdf_bytes, zip_bytes

pytestmark = pytest.mark.django_db


def _upload(api, name, data):
    return api.post("/api/upload/project-file", {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_clamd_answers_ping_and_a_clean_stream(clamd):
    client = scanning.client()

    assert client.ping()
    assert scanning.scan_bytes(b"hello, MegiLance").verdict == scanning.CLEAN


@pytest.mark.parametrize("name,data", [
    ("eicar.txt", EICAR),
    ("report.pdf", pdf_bytes(extra=EICAR)),
    ("bundle.zip", zip_bytes({"docs/readme.txt": b"hello", "docs/eicar.com": EICAR})),
], ids=["text", "appended-to-pdf", "inside-zip"])
def test_eicar_is_quarantined_and_the_uploader_told(clamd, client_user, client_api, name, data,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client_api, name, data)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "file_infected"
    upload = UploadedFile.objects.get(owner=client_user)
    assert upload.status == "quarantined"
    assert "EICAR" in upload.scan_signature.upper()
    assert upload.object_key.startswith("quarantine/")
    assert client_api.get(f"/api/files/{upload.pk}/download").status_code == 404
    assert [m.to for m in mail.outbox] == [[client_user.email]]
    assert "quarantined" in mail.outbox[0].subject
    assert AuditLog.objects.filter(action="upload_quarantined", user=client_user).exists()


def test_clean_file_passes_the_real_scanner(clamd, client_api):
    response = _upload(client_api, "notes.txt", b"plain notes")

    assert response.status_code == 201
    assert response.json()["status"] == "clean"


def test_upload_is_held_when_the_scanner_is_unreachable(clamd_stopped, client_user, client_api):
    response = _upload(client_api, "notes.txt", b"plain notes")

    assert response.status_code == 202, response.content
    upload = UploadedFile.objects.get(owner=client_user)
    assert upload.status == "held"
    assert response.json()["download_url"] is None
    assert client_api.get(f"/api/files/{upload.pk}/download").status_code == 404


def test_held_uploads_are_published_or_quarantined_by_the_rescan(settings, clamd_server, client_user, client_api):
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", 1
    settings.CLAMD_TIMEOUT = 2.0
    _upload(client_api, "notes.txt", b"plain notes")
    _upload(client_api, "eicar.txt", EICAR)
    assert set(UploadedFile.objects.values_list("status", flat=True)) == {"held"}

    settings.CLAMD_HOST, settings.CLAMD_PORT = clamd_server
    from accounts.uploads.tasks import rescan_held

    assert rescan_held.delay().get() == {"clean": 1, "quarantined": 1, "held": 0, "rejected": 0}
    clean = UploadedFile.objects.get(original_name="notes.txt")
    assert client_api.get(f"/api/files/{clean.pk}/download").status_code == 200


def test_required_scanning_without_clamd_holds_uploads(settings, client_api):
    settings.UPLOAD_SCAN_REQUIRED = True

    assert _upload(client_api, "notes.txt", b"plain notes").status_code == 202


def test_validate_and_store_refuses_infected_and_unscanned_files(clamd, client_user, settings):
    with pytest.raises(ApplicationError) as infected:
        services.upload_validate_and_store(file=SimpleUploadedFile("e.txt", EICAR), kind="message_attachment",
                                           owner=client_user)
    assert infected.value.code == "file_infected"

    settings.CLAMD_PORT = 1
    with pytest.raises(ApplicationError) as unscanned:
        services.upload_validate_and_store(file=SimpleUploadedFile("ok.txt", b"fine"), kind="message_attachment",
                                           owner=client_user)
    assert unscanned.value.code == "scanner_unavailable"
    assert not UploadedFile.objects.filter(status="held").exists()


def test_support_attachments_pass_through_the_scan_hook(clamd):
    from support import files as support_files

    assert services.scan_hook in support_files._scan_hooks
    with pytest.raises(ApplicationError, match="malware"):
        support_files.attachments_store(files=[SimpleUploadedFile("log.txt", EICAR)], prefix="tickets/1")
    with pytest.raises(ApplicationError, match=r"not a \.pdf"):
        support_files.attachments_store(files=[SimpleUploadedFile("x.pdf", b"MZ\x90")], prefix="tickets/1")


def test_scanning_off_is_reported_by_a_system_check_and_at_start_up(settings, caplog):
    from accounts.uploads import checks

    assert [w.id for w in checks.scanner_check()] == ["uploads.W001"]
    with caplog.at_level("WARNING", logger="accounts.uploads"):
        checks.ready()
    assert "VIRUS SCANNING IS OFF" in caplog.text
    settings.CLAMD_HOST = "127.0.0.1"
    assert checks.scanner_check() == []


def test_clamd_replies_are_parsed():
    assert scanning.parse_reply("stream: OK").verdict == scanning.CLEAN
    found = scanning.parse_reply("stream: EICAR-Test.UNOFFICIAL FOUND")
    assert (found.verdict, found.signature) == (scanning.INFECTED, "EICAR-Test.UNOFFICIAL")
    with pytest.raises(scanning.ClamdError):
        scanning.parse_reply("INSTREAM size limit exceeded. ERROR")


def test_the_scanner_speaks_instream_over_a_unix_socket(settings, tmp_path):
    """A stand-in clamd on a unix socket: checks the INSTREAM framing (length-prefixed chunks, zero end)."""
    import socket
    import struct
    import threading

    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    received = []

    def serve():
        connection, _ = server.accept()
        with connection:
            stream = b""
            while not stream.endswith(b"\x00\x00\x00\x00"):
                stream += connection.recv(65536)
            assert stream.startswith(b"zINSTREAM\x00")
            body, position = b"", len(b"zINSTREAM\x00")
            while True:
                (length,) = struct.unpack("!L", stream[position:position + 4])
                position += 4
                if not length:
                    break
                body += stream[position:position + length]
                position += length
            received.append(body)
            connection.sendall(b"stream: OK\x00")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = path
    data = b"a" * (scanning.CHUNK * 2 + 17)

    result = scanning.scan_bytes(data)

    thread.join(timeout=5)
    server.close()
    assert result.verdict == scanning.CLEAN
    assert received == [data]
