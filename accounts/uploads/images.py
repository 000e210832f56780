"""Image re-encoding with Pillow: the bytes MegiLance serves are never the bytes a user sent.

Decoding is where image attacks live, so the pixel count is read from the header and refused before any pixel
data is decoded (Pillow's own MAX_IMAGE_PIXELS guard stays on as a second line). Re-encoding drops EXIF and
every other metadata block (locations in phone photos), bounds the dimensions and adds WebP and thumbnail
variants."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("jpeg", ".jpg", "image/jpeg"), "PNG": ("png", ".png", "image/png"),
           "WEBP": ("webp", ".webp", "image/webp"), "GIF": ("png", ".png", "image/png")}


class ImageRefused(ValueError):
    pass


@dataclass
class ProcessedImage:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    webp: bytes
    thumbnail: bytes


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def reencode(data: bytes) -> ProcessedImage:
    max_pixels = settings.UPLOAD_IMAGE_MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise ImageRefused(f"The image is too large ({width}x{height} pixels).")
            if image.format not in FORMATS:
                raise ImageRefused("Only JPEG, PNG, GIF and WebP images are accepted.")
            fmt, extension, content_type = FORMATS[image.format]
            image.seek(0)  # the first frame of an animation
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused("The image is too large.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, ImageRefused):
            raise
        raise ImageRefused("The image could not be read.") from error

    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    # A fresh image carries pixels only: no EXIF, XMP, ICC comments or PNG text chunks survive.
    clean = image.convert("RGBA" if has_alpha else "RGB")
    bound = settings.UPLOAD_IMAGE_MAX_DIMENSION
    clean.thumbnail((bound, bound), Image.Resampling.LANCZOS)
    if fmt == "jpeg" and has_alpha:
        fmt, extension, content_type = "png", ".png", "image/png"
    thumb = clean.copy()
    side = settings.UPLOAD_THUMBNAIL_SIZE
    thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
    return ProcessedImage(data=_encode(clean, fmt), extension=extension, content_type=content_type,
                          width=clean.width, height=clean.height, webp=_encode(clean, "webp"),
                          thumbnail=_encode(thumb, "webp"))
