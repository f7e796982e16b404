"""What a part that is not body text becomes: an Attachment, under a file name that is safe to
use, with a content type and an extension that go together. Pure: no I/O (not even mimetypes)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    inline: bool
    content_id: str | None
    data: bytes | None
    truncated: bool


_UNSAFE_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f]")


def _safe_filename(name: str) -> str:
    """The last path component, without control characters: some mailers send C:\\Users\\…\\x.doc."""
    name = _UNSAFE_IN_FILENAME.sub("", name)
    name = re.split(r"[\\/]", name)[-1].strip()
    return "" if name in ("", ".", "..") else name


# No mimetypes: it reads /etc/mime.types at first use, and this module does no I/O.
_EXTENSIONS = {
    "text/plain": "txt",
    "text/html": "html",
    "text/calendar": "ics",
    "text/csv": "csv",
    "text/rfc822-headers": "txt",
    "text/x-vcard": "vcf",
    "text/vcard": "vcf",
    "message/rfc822": "eml",
    "message/delivery-status": "txt",
    "message/disposition-notification": "txt",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tif",
    "image/svg+xml": "svg",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/pkcs7-signature": "p7s",
    "application/x-pkcs7-signature": "p7s",
    "application/pkcs7-mime": "p7m",
    "application/x-pkcs7-mime": "p7m",
    "application/pgp-signature": "asc",
    "application/pgp-encrypted": "asc",
    "application/ms-tnef": "dat",
    "application/json": "json",
    "application/xml": "xml",
}
_FILENAME_TYPES = {extension: content_type for content_type, extension in _EXTENSIONS.items()}
_FILENAME_TYPES.update({"jpeg": "image/jpeg", "txt": "text/plain", "htm": "text/html"})


def _extension_for(content_type: str) -> str:
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    subtype = content_type.split("/", 1)[-1].split("+", 1)[0]
    if re.fullmatch(r"[a-z0-9]{1,8}", subtype):
        return subtype
    return "bin"


def _type_for_filename(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _FILENAME_TYPES.get(extension, "application/octet-stream")
