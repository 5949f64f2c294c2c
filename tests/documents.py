"""Documents built in memory for upload tests: real ones, and hostile ones."""
from __future__ import annotations

import io
import struct
import zipfile

import docx

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
       + b"This program cannot be run in DOS mode.")
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"

_PPTX_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
               b'content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.'
               b'openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>')


def docx_bytes(text: str = "Giáo án: Điều lệ Đảng") -> bytes:
    """A real .docx written by python-docx."""
    document = docx.Document()
    document.add_heading(text, level=1)
    document.add_paragraph("I. Mở đầu — 15 phút")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pptx_bytes() -> bytes:
    """The two parts a .pptx must have (enough for a content check)."""
    return zip_bytes({"[Content_Types].xml": _PPTX_TYPES, "ppt/presentation.xml": b"<p:presentation/>"})


def with_entries(document: bytes, entries: dict[str, bytes]) -> bytes:
    """``document`` (a ZIP) with ``entries`` added or replaced."""
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    return zip_bytes({**parts, **entries})


def macro_docx() -> bytes:
    """A .docx carrying a VBA project, as Word saves a .docm."""
    return with_entries(docx_bytes(), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 60})


def macro_content_type_docx() -> bytes:
    """A .docx whose main part is declared macro-enabled (a renamed .docm)."""
    document = docx_bytes()
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        types = source.read("[Content_Types].xml")
    types = types.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    return with_entries(document, {"[Content_Types].xml": types})


def many_entries_docx(count: int = 3100) -> bytes:
    """A .docx of more parts than allowed (3,000). About 430 KB: under the 500 KB above which
    Werkzeug's test client spools a request to a temporary file it never closes."""
    return with_entries(docx_bytes(), {f"word/media/part{index}.xml": b"<x/>" for index in range(count)})


def ratio_bomb_docx(megabytes: int = 20) -> bytes:
    """A .docx with one entry that unpacks ~1000 times larger than it is stored."""
    return with_entries(docx_bytes(), {"word/media/zeros.bin": b"\0" * (megabytes * 1024 * 1024)})


def declared_size_bomb_docx(size: int = 3_000_000_000) -> bytes:
    """A .docx whose ZIP directory declares a 3 GB entry (the bytes stored are tiny)."""
    data = bytearray(with_entries(docx_bytes(), {"word/media/huge.bin": b"x" * 100}))
    offset = data.find(b"PK\x01\x02")
    while offset != -1:  # walk the central directory
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, offset + 28)
        name = bytes(data[offset + 46:offset + 46 + name_length])
        if name == b"word/media/huge.bin":
            struct.pack_into("<I", data, offset + 24, size)
        offset = data.find(b"PK\x01\x02", offset + 46 + name_length + extra_length + comment_length)
    return bytes(data)
