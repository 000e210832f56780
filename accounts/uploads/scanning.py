"""Virus scanning through clamd's INSTREAM command, over TCP or a unix socket.

A scan has three outcomes that matter: clean, infected (with the signature name) and unavailable. The callers
treat unavailable as "not scanned": the file is held, never passed as clean. Without clamd configured the scanner
is off, which MegiLance says loudly at start-up (see checks.py)."""

import logging
import socket
import struct
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024

CLEAN = "clean"
INFECTED = "infected"
UNAVAILABLE = "unavailable"
OFF = "off"


@dataclass(frozen=True)
class ScanResult:
    verdict: str
    signature: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict in (CLEAN, OFF)


class ClamdError(OSError):
    pass


class ClamdClient:
    """The few clamd commands MegiLance needs, with null-terminated ("z") commands and replies."""

    def __init__(self, *, host: str = "", port: int = 3310, unix_socket: str = "", timeout: float = 30.0):
        self.host, self.port, self.unix_socket, self.timeout = host, port, unix_socket, timeout

    def _connect(self) -> socket.socket:
        if self.unix_socket:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.unix_socket)
            return sock
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        reply = b""
        while not reply.endswith(b"\x00"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
        return reply.rstrip(b"\x00").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        with self._connect() as sock:
            sock.sendall(b"zPING\x00")
            return self._read_reply(sock) == "PONG"

    def instream(self, data: bytes) -> str:
        with self._connect() as sock:
            sock.sendall(b"zINSTREAM\x00")
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            return self._read_reply(sock)


def parse_reply(reply: str) -> ScanResult:
    # "stream: OK", "stream: Eicar-Test.UNOFFICIAL FOUND", "INSTREAM size limit exceeded. ERROR"
    if reply.endswith("FOUND"):
        signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        return ScanResult(INFECTED, signature[:200])
    if reply.endswith(": OK") or reply == "OK":
        return ScanResult(CLEAN)
    raise ClamdError(f"clamd answered {reply!r}")


def scanner_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def client() -> ClamdClient:
    return ClamdClient(host=settings.CLAMD_HOST, port=settings.CLAMD_PORT, unix_socket=settings.CLAMD_SOCKET,
                       timeout=settings.CLAMD_TIMEOUT)


def scan_bytes(data: bytes) -> ScanResult:
    """Scan `data`. Off without clamd (or unavailable when UPLOAD_SCAN_REQUIRED); unavailable on any failure."""
    if not scanner_configured():
        return ScanResult(UNAVAILABLE if settings.UPLOAD_SCAN_REQUIRED else OFF)
    try:
        return parse_reply(client().instream(data))
    except OSError as error:
        logger.error("Virus scanner unreachable or failing (%s): the upload is held", error)
        return ScanResult(UNAVAILABLE)
