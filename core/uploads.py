"""Uploaded documents (.pdf, .docx, .pptx): checked by content, stored under generated names
outside ``static/``, served only as attachments by views that check permission first.

- ``inspect`` decides what a file is from its bytes, never from the name or the browser's
  content type: a PDF starts with ``%PDF-``; a .docx or .pptx is a ZIP holding
  ``[Content_Types].xml`` and its main part. The ZIP directory is checked *before* anything is
  unpacked (entry count, declared unpacked size, compression ratio), and macro-enabled
  documents are refused. The name's extension must agree with the content.
- ``store`` writes the bytes to ``UPLOAD_FOLDER/<yyyy>/<random>`` through a temporary file and
  ``os.replace`` and adds a ``StoredFile`` row; the original (Vietnamese) name is kept as data.
- ``send`` answers with the file as an attachment under its original name, with ``nosniff``
  and a sandboxing CSP, so a document can never run in Lectern's origin.

Every refusal is a ``DomainError`` on the field ``file`` with a translated message.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app, send_file
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from core.errors import DomainError
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.models import utcnow

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ACCEPT = ".docx,.pdf,.pptx," + ",".join(CONTENT_TYPES.values())  # for <input type=file accept=…>
_MAIN_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml"}
_MACRO_EXTENSIONS = {".docm", ".dotm", ".pptm", ".potm", ".ppsm", ".ppam", ".xlsm"}
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_CONTENT_TYPES_LIMIT = 1024 * 1024  # [Content_Types].xml is a few kilobytes in real documents
_STORED_NAME = re.compile(r"\d{4}/[0-9a-f]{32}")


@dataclass(frozen=True)
class Limits:
    """What a document may be. ``max_bytes`` comes from the ``MAX_UPLOAD_BYTES`` setting."""

    max_bytes: int = 20 * 1024 * 1024
    max_entries: int = 3000  # a 200-slide presentation with media has about 1,000
    max_unpacked: int = 300 * 1024 * 1024  # declared, summed over the ZIP's entries
    max_ratio: int = 200  # declared size ÷ compressed size, for entries over 1 MiB unpacked


@dataclass(frozen=True)
class Upload:
    """An uploaded file as read from the request (at most ``max_bytes + 1`` bytes)."""

    data: bytes
    filename: str


class StoredFile(db.Model):
    """A checked document on disk. Rows are never changed (the database refuses UPDATE and
    DELETE); a replaced attachment is a new row."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)  # "<yyyy>/<32 hex digits>"
    kind: Mapped[str] = mapped_column(sa.String(8))  # pdf | docx | pptx
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def size_kb(self) -> int:
        return max(1, round(self.size / 1024))


def _refuse(message, status: int = 422) -> DomainError:
    return DomainError(message, field="file", status=status, code="too_large" if status == 413 else "invalid")


def limits_from_config() -> Limits:
    return Limits(max_bytes=current_app.config["MAX_UPLOAD_BYTES"])


def read_upload(storage: object, *, max_bytes: int | None = None) -> Upload | None:
    """The file of a form field, or None when none was chosen. Reads one byte more than the
    limit, so an oversized file is recognised without holding all of it."""
    if not isinstance(storage, FileStorage) or not storage.filename:
        return None
    limit = max_bytes if max_bytes is not None else current_app.config["MAX_UPLOAD_BYTES"]
    return Upload(storage.stream.read(limit + 1), storage.filename)


def clean_name(filename: str) -> str:
    """The name to keep and offer on download: the last path segment, NFC, without control
    characters, at most 200 characters (extension kept). ``../../x.pdf`` becomes ``x.pdf``;
    Vietnamese letters stay as typed."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").split("/")[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if len(name) > 200:
        stem, extension = os.path.splitext(name)
        name = stem[:200 - len(extension[:20])] + extension[:20]
    return name


def inspect(data: bytes, filename: str, limits: Limits = Limits()) -> str:
    """The kind of an uploaded document (``pdf``, ``docx`` or ``pptx``), decided from its
    bytes; raise ``DomainError`` (field ``file``) for anything else."""
    extension = os.path.splitext(clean_name(filename))[1].lower()
    if extension in _MACRO_EXTENSIONS:
        raise _refuse(_l("Documents with macros are not accepted. Save the file as .docx or .pptx."))
    kind = extension.removeprefix(".")
    if kind not in CONTENT_TYPES:
        raise _refuse(_l("Attach a .docx, .pdf or .pptx file."))
    if len(data) > limits.max_bytes:
        raise _refuse(_l("The file is larger than %(size)s MB.", size=limits.max_bytes // (1024 * 1024)), 413)
    if not data:
        raise _refuse(_l("The file is empty."))
    actual = _kind_of(data, limits)
    if actual != kind:
        raise _refuse(_l("The file's content is not a %(kind)s document, whatever its name says.",
                         kind="." + kind))
    return kind


def _kind_of(data: bytes, limits: Limits) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return None
    _check_directory(entries, limits)
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        return None
    _check_macros(archive, names)
    return next((kind for kind, part in _MAIN_PART.items() if part in names), None)


def _check_directory(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse ZIP bombs from the directory alone, before any entry is unpacked."""
    if len(entries) > limits.max_entries:
        raise _refuse(_l("The document has too many parts to be checked safely."))
    if sum(entry.file_size for entry in entries) > limits.max_unpacked:
        raise _refuse(_l("The document would unpack to more than %(size)s MB.",
                         size=limits.max_unpacked // (1024 * 1024)))
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise _refuse(_l("The document is compressed suspiciously well; it may be a ZIP bomb."))
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or entry.flag_bits & 0x1:
            raise _refuse(_l("The file is not a valid document."))


def _check_macros(archive: zipfile.ZipFile, names: set[str]) -> None:
    if any(name.lower().endswith(_MACRO_PARTS) for name in names):
        raise _refuse(_l("Documents with macros are not accepted. Save the file as .docx or .pptx."))
    try:
        with archive.open("[Content_Types].xml") as part:
            content_types = part.read(_CONTENT_TYPES_LIMIT + 1)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError):
        raise _refuse(_l("The file is not a valid document.")) from None
    if len(content_types) > _CONTENT_TYPES_LIMIT:
        raise _refuse(_l("The file is not a valid document."))
    if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
        raise _refuse(_l("Documents with macros are not accepted. Save the file as .docx or .pptx."))


def store(upload: Upload, *, kind: str, unit_id: int, uploaded_by_id: int | None, now: datetime,
          folder: str | None = None) -> StoredFile:
    """Write a checked upload under a generated name and add its row (not committed).

    The bytes go to a temporary file in the target folder, are flushed to disk, then renamed:
    a crash leaves either nothing or a whole file, never a partial one under the final name.
    A file whose transaction is rolled back stays on disk without a row (harmless: nothing
    links to it, and nobody can guess its name)."""
    folder = folder or current_app.config["UPLOAD_FOLDER"]
    stored_name = f"{now.year:04d}/{secrets.token_hex(16)}"
    path = _path(folder, stored_name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{secrets.token_hex(4)}.part"
    try:
        with open(temporary, "xb") as handle:
            handle.write(upload.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise DomainError(_l("The server has no room left to store this file, so nothing was saved. "
                             "Your input is kept: please tell the administrator, then send it again."),
                          field="file", status=507, code="storage_full") from error
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    stored = StoredFile(unit_id=unit_id, original_name=clean_name(upload.filename) or f"document.{kind}",
                        stored_name=stored_name, kind=kind, content_type=CONTENT_TYPES[kind], size=len(upload.data),
                        sha256=hashlib.sha256(upload.data).hexdigest(), uploaded_by_id=uploaded_by_id, created_at=now)
    db.session.add(stored)
    return stored


def _path(folder: str, stored_name: str) -> str:
    if not _STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a generated name: {stored_name!r}")
    return os.path.join(os.path.abspath(folder), *stored_name.split("/"))


def path_of(stored: StoredFile, folder: str | None = None) -> str:
    return _path(folder or current_app.config["UPLOAD_FOLDER"], stored.stored_name)


def send(stored: StoredFile):
    """The file as a download (never shown inline), named as it was uploaded. Call only after
    the permission check; a file missing from disk is a 404."""
    try:
        with open(path_of(stored), "rb") as handle:  # at most MAX_UPLOAD_BYTES; no handle outlives the request
            data = handle.read()
    except FileNotFoundError:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.original_name, etag=stored.sha256, last_modified=stored.created_at,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
