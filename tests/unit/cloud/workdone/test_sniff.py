"""Uploads are judged by their bytes: any bytes give an allowed type or a clear refusal; any name gives a safe
display name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.errors import InvalidRequestError
from cloud.workdone.sniff import ALLOWED_TYPES, MAX_NAME_CHARS, display_name, sniff

pytestmark = pytest.mark.unit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_the_type_comes_from_the_bytes() -> None:
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 32) == "image/jpeg"
    assert sniff(PDF) == "application/pdf"
    assert sniff("Lager gewechselt, 2 Stück 6204, 80 °C\n".encode()) == "text/plain"


@pytest.mark.parametrize(
    "data",
    [b"", b"MZ\x90\x00" + b"\x00" * 60, b"PK\x03\x04" + b"\x00" * 40, b"\x00\x01\x02binary", b"<svg\x00"],
)
def test_executables_archives_and_binary_blobs_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidRequestError):
        sniff(data)


@given(st.binary(max_size=2048))
def test_any_bytes_give_an_allowed_type_or_a_clear_refusal(data: bytes) -> None:
    try:
        mime = sniff(data)
    except InvalidRequestError as exc:
        assert "empty" in str(exc) or "cannot be attached" in str(exc)
        return
    assert mime in ALLOWED_TYPES


@given(st.text(max_size=400))
def test_any_name_gives_a_short_display_name_without_paths_or_control_characters(name: str) -> None:
    shown = display_name(name)
    assert shown and len(shown) <= MAX_NAME_CHARS
    assert "/" not in shown and "\\" not in shown
    assert all(ord(c) >= 32 and c != "\x7f" for c in shown)
    assert shown not in (".", "..")


def test_a_path_keeps_only_its_last_component() -> None:
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\tess\\bearing.jpg") == "bearing.jpg"
    assert display_name("/") == "file"
