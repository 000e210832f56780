"""Fixtures of the uploads tests: private and public roots in a temporary folder, a real clamd started from the
project's own config (.ci/clamd/) and moto's S3 server on 127.0.0.1."""

import io
import shutil
import socket
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import skip_or_fail

REPO = Path(__file__).resolve().parents[3]
CLAMD_DIR = REPO / ".ci" / "clamd"
# The EICAR test string, split so that no file of this repository is itself detected by a scanner.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"zPING\x00")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(autouse=True)
def upload_roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.UPLOAD_PRIVATE_ROOT = str(tmp_path / "private")
    settings.CLAMD_HOST = ""
    settings.CLAMD_SOCKET = ""
    settings.UPLOAD_SCAN_REQUIRED = False
    return tmp_path


@pytest.fixture(scope="session")
def clamd_server():
    """(host, port) of a clamd with the project's EICAR body signature: the one .ci/run started on 3310, or
    one started here with `clamd -c` on a free port."""
    if _answers_ping(3310):
        yield "127.0.0.1", 3310
        return
    binary = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if binary is None:
        skip_or_fail("clamd is not installed: apt-get install clamav-daemon")
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="megilance-clamd-"))
    config = (CLAMD_DIR / "clamd.conf").read_text()
    config = (config.replace("@DATABASE_DIR@", str(CLAMD_DIR)).replace("@PORT@", str(port))
              .replace("@RUN_DIR@", str(run_dir)))
    (run_dir / "clamd.conf").write_text(config)
    process = subprocess.Popen([binary, "-c", str(run_dir / "clamd.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if _answers_ping(port):
                break
            if process.poll() is not None:
                break
            time.sleep(0.1)
        else:
            pass
        if not _answers_ping(port):
            log = (run_dir / "clamd.log").read_text() if (run_dir / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not start:\n{log[-2000:]}")
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def clamd(settings, clamd_server):
    settings.CLAMD_HOST, settings.CLAMD_PORT = clamd_server
    return clamd_server


@pytest.fixture
def clamd_stopped(settings):
    """The scanner configured but not answering: a port nobody listens on."""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", free_port()
    settings.CLAMD_TIMEOUT = 2.0


def png_bytes(size=(64, 48), color=(200, 30, 30), exif: bool = False, fmt: str = "PNG") -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def jpeg_bytes(**kwargs) -> bytes:
    return png_bytes(fmt="JPEG", **kwargs)


def pdf_bytes(extra: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + extra)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="session")
def moto_endpoint():
    """URL of moto's S3 server: the one .ci/run started on 5055, or a ThreadedMotoServer on a free port."""
    try:
        with socket.create_connection(("127.0.0.1", 5055), timeout=1):
            yield "http://127.0.0.1:5055"
            return
    except OSError:
        pass
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        skip_or_fail("moto[server] is not installed: pip install -r requirements-dev.txt")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(settings, moto_endpoint, monkeypatch):
    """The default storage switched to S3 on moto, in a bucket of this test's own."""
    import uuid

    import boto3

    bucket = f"megilance-test-{uuid.uuid4().hex[:12]}"
    # moto accepts any credentials; these are placeholders, not keys of any account.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "moto")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "moto")
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_S3_CUSTOM_DOMAIN = None
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    client.bucket = bucket
    return client
