"""Checks on files users upload: type by extension and content, size, and a SHA-256 digest."""

import hashlib
from pathlib import PurePath

from django.utils.translation import gettext as _

from anhuan.core.errors import ValidationFailed

# The first bytes each accepted type starts with; a renamed program or text file fails here.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xlsx", ".jpg", ".jpeg", ".png")


def check_upload(uploaded_file, *, extensions=DOCUMENT_EXTENSIONS, max_bytes, field="file"):
    """Return the SHA-256 of an accepted upload, or raise ValidationFailed naming the file.

    The extension must be one of ``extensions`` and the content must start like
    that type; empty files and files over ``max_bytes`` are rejected.
    """
    name = uploaded_file.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in extensions:
        raise ValidationFailed(
            _("File %(name)s: only PDF, Word, Excel, JPG and PNG files are accepted.") % {"name": name}, field=field
        )
    if uploaded_file.size == 0:
        raise ValidationFailed(_("File %(name)s is empty.") % {"name": name}, field=field)
    if uploaded_file.size > max_bytes:
        raise ValidationFailed(
            _("File %(name)s is larger than %(limit)s MB.") % {"name": name, "limit": max_bytes // (1024 * 1024)},
            field=field,
        )
    digest = hashlib.sha256()
    head = b""
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        if not head:
            head = chunk[:8]
        digest.update(chunk)
    uploaded_file.seek(0)
    if not head.startswith(SIGNATURES[extension]):
        raise ValidationFailed(
            _("File %(name)s is not a valid %(extension)s file.") % {"name": name, "extension": extension}, field=field
        )
    return digest.hexdigest()
