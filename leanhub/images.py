"""Photo uploads made safe: decoded to prove they are images, bounded in size, re-encoded so
no metadata (EXIF, GPS) survives, turned upright, and produced in two sizes. No ORM here."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_BYTES = 8 * 1024 * 1024
# Larger than any phone camera; a decompression bomb claims far more pixels than this.
MAX_PIXELS = 40_000_000
DISPLAY_SIZE = (1600, 1600)
THUMB_SIZE = (320, 320)


class ImageRefused(ValueError):
    """The upload is not a photo we accept; the message says why, for the person uploading."""


@dataclass(frozen=True)
class ProcessedImage:
    display: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int


def process(
    data: bytes,
    *,
    filename: str = "photo",
    max_bytes: int = MAX_BYTES,
    display_size: tuple[int, int] = DISPLAY_SIZE,
) -> ProcessedImage:
    """Verify and re-encode one upload, or raise ImageRefused with the reason. Every photo
    LeanHub keeps (idea photos, PDCA evidence, savings evidence) comes through here."""
    if len(data) > max_bytes:
        raise ImageRefused(
            gettext("%(file)s is %(size)s MB; photos can be at most %(limit)s MB.")
            % {
                "file": filename,
                "size": f"{len(data) / 1024 / 1024:.1f}",
                "limit": max_bytes // 1024 // 1024,
            }
        )
    image: Image.Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise ImageRefused(
                    gettext("%(file)s is not a JPEG, PNG or WebP photo.") % {"file": filename}
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRefused(_too_large(filename))
            probe.verify()
            # verify() leaves the image unusable: open again to decode the pixels for real.
            image = Image.open(io.BytesIO(data))
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(_too_large(filename)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused(
            gettext(
                "%(file)s could not be read as a photo: it may be damaged, or not a "
                "JPEG, PNG or WebP file."
            )
            % {"file": filename}
        ) from None

    image = ImageOps.exif_transpose(image)
    keep_alpha = "A" in image.getbands() or (image.mode == "P" and "transparency" in image.info)
    if keep_alpha:
        image = image.convert("RGBA")
        fmt, content_type = "PNG", "image/png"
    else:
        image = image.convert("RGB")
        fmt, content_type = "JPEG", "image/jpeg"

    def encode(size: tuple[int, int]) -> tuple[bytes, int, int]:
        copy = image.copy()
        copy.thumbnail(size)
        out = io.BytesIO()
        # A fresh image written without exif=/pnginfo= carries no metadata from the upload.
        copy.save(out, fmt, **({"quality": 85, "optimize": True} if fmt == "JPEG" else {}))
        return out.getvalue(), copy.width, copy.height

    display, width, height = encode(display_size)
    thumbnail, _, _ = encode(THUMB_SIZE)
    return ProcessedImage(display, thumbnail, content_type, width, height)


def _too_large(filename: str) -> str:
    return gettext("%(file)s is too large to process safely.") % {"file": filename}


@contextmanager
def removed_on_failure() -> Iterator[list[Path]]:
    """Collect the paths of files written inside the block (append them); if the block raises —
    so its transaction rolls back — delete them, so no file outlives the row that named it."""
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
