"""What an uploaded file really is, judged by its bytes (``filetype``'s signatures), never by its name or the
Content-Type the client sent; and a display name that is safe to store and send back."""

from __future__ import annotations

import unicodedata

import filetype

from cloud.errors import InvalidRequestError

# Photos and documents a technician attaches; anything a browser might execute (HTML, SVG) is refused.
ALLOWED_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf", "text/plain"}
)
MAX_NAME_CHARS = 200


def sniff(data: bytes) -> str:
    """The content type of ``data``; InvalidRequestError when it is empty or not an allowed type."""
    if not data:
        raise InvalidRequestError("the file is empty", ("body",))
    kind = filetype.guess(data)
    if kind is not None:
        mime = str(kind.mime)
    elif _is_plain_text(data):
        mime = "text/plain"
    else:
        mime = "application/octet-stream"
    if mime not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise InvalidRequestError(f"a file of type {mime} cannot be attached; allowed: {allowed}", ("body",))
    return mime


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 without control characters other than tab and line breaks (what a text file is)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text)


def display_name(name: str) -> str:
    """The last path component of ``name`` without control characters, trimmed; "file" when nothing is left.

    Only shown and sent back in Content-Disposition; the stored object's key never comes from it.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    return clean[:MAX_NAME_CHARS] or "file"
