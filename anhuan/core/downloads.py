"""Headers of file downloads."""

from urllib.parse import quote


def attachment_header(file_name, ascii_name):
    """Return a Content-Disposition value with an ASCII name and the RFC 5987 UTF-8 name."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
