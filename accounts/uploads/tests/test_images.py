import io
import struct
import zlib

import pytest
from PIL import Image

from accounts.uploads.images import ImageRefused, reencode

from .conftest import jpeg_bytes, png_bytes


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions: a decompression bomb as far as the header goes."""
    data = bytearray(png_bytes(size=(1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_exif_and_location_are_stripped():
    processed = reencode(jpeg_bytes(exif=True))

    image = Image.open(io.BytesIO(processed.data))
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"SpyCam" not in processed.data and b"SpyCam" not in processed.webp


def test_dimensions_are_bounded_and_variants_made(settings):
    settings.UPLOAD_IMAGE_MAX_DIMENSION = 100
    settings.UPLOAD_THUMBNAIL_SIZE = 20

    processed = reencode(png_bytes(size=(400, 200)))

    assert (processed.width, processed.height) == (100, 50)
    assert Image.open(io.BytesIO(processed.webp)).format == "WEBP"
    thumb = Image.open(io.BytesIO(processed.thumbnail))
    assert thumb.format == "WEBP" and max(thumb.size) == 20


def test_a_header_claiming_too_many_pixels_is_refused_before_decoding(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 1_000_000

    with pytest.raises(ImageRefused, match="too large"):
        reencode(_png_claiming(50_000, 50_000))


def test_pillows_bomb_guard_is_set_from_the_settings(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10_000
    reencode(png_bytes(size=(10, 10)))

    assert Image.MAX_IMAGE_PIXELS == 10_000


def test_a_broken_image_is_refused():
    with pytest.raises(ImageRefused):
        reencode(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
