"""What a file really is, read from its first bytes, and whether its name's extension agrees.

A name is a claim by the uploader; the magic bytes are what a browser or an office program will act on. A file
passes only when its extension is allowed for the kind of upload and its content is of that extension's type."""

import codecs
import io
import os
import zipfile

# Content type names -> MIME type answered to clients and stored with the file.
MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ole": "application/octet-stream",
    "text": "text/plain",
}

# Extension -> the content types a file with that name may have.
EXTENSION_TYPES = {
    ".pdf": {"pdf"},
    ".png": {"png"},
    ".jpg": {"jpeg"},
    ".jpeg": {"jpeg"},
    ".gif": {"gif"},
    ".webp": {"webp"},
    ".zip": {"zip", "docx", "xlsx"},
    ".docx": {"docx"},
    ".xlsx": {"xlsx"},
    ".doc": {"ole"},
    ".xls": {"ole"},
    ".txt": {"text"},
    ".csv": {"text"},
    ".md": {"text"},
    ".log": {"text"},
    ".json": {"text"},
}

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
DOCUMENT_EXTENSIONS = {".pdf", ".doc", ".docx", ".txt", ".md"}
SHEET_EXTENSIONS = {".xls", ".xlsx", ".csv"}

# Kind of upload -> extensions accepted.
ALLOWED_EXTENSIONS = {
    "profile_image": IMAGE_EXTENSIONS,
    "portfolio_image": IMAGE_EXTENSIONS,
    "proposal_attachment": DOCUMENT_EXTENSIONS | IMAGE_EXTENSIONS | {".zip"},
    "project_file": DOCUMENT_EXTENSIONS | SHEET_EXTENSIONS | IMAGE_EXTENSIONS | {".zip"},
    "message_attachment": DOCUMENT_EXTENSIONS | SHEET_EXTENSIONS | IMAGE_EXTENSIONS | {".zip"},
    "support_attachment": DOCUMENT_EXTENSIONS | SHEET_EXTENSIONS | IMAGE_EXTENSIONS | {".zip", ".log", ".json"},
}

# Preferred extension for a detected type, for objects uploaded without a usable name.
TYPE_EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp", "zip": ".zip",
                   "docx": ".docx", "xlsx": ".xlsx", "ole": ".doc", "text": ".txt"}


class ContentRefused(ValueError):
    pass


def _zip_flavour(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        # The local-file header alone (a truncated or streamed archive) is still a ZIP to the scanner and to users.
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _is_text(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(data) <= len(head))
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes) -> str | None:
    """The content type name of `data`, or None when it is none of the types MegiLance accepts."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_flavour(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data and _is_text(data):
        return "text"
    return None


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def check_content(*, kind: str, name: str, data: bytes) -> tuple[str, str]:
    """Answer (extension, MIME type) when the file may be kept as `kind`; raise ContentRefused otherwise."""
    allowed = ALLOWED_EXTENSIONS[kind]
    if not data:
        raise ContentRefused("The file is empty.")
    detected = sniff(data)
    extension = extension_of(name)
    if not extension and detected:
        extension = TYPE_EXTENSIONS[detected]
    if extension not in allowed:
        raise ContentRefused(f"Files of type {extension or '(none)'} are not accepted here.")
    if detected not in EXTENSION_TYPES[extension]:
        raise ContentRefused(f"The content of the file is not a {extension} file.")
    return extension, MIME_TYPES[detected]
