"""Photo uploads made safe: decoded to prove they are images, bounded in size, turned upright,
brought into sRGB, and re-encoded from their pixels alone in two sizes, so no metadata of any kind
survives (EXIF and GPS, XMP, IPTC, ICC profiles, comments, text chunks, application segments,
trailing bytes). No ORM here."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_BYTES = 8 * 1024 * 1024
# Larger than any phone camera; a decompression bomb claims far more pixels than this.
MAX_PIXELS = 40_000_000
DISPLAY_SIZE = (1600, 1600)
THUMB_SIZE = (320, 320)
# What browsers assume of an image without a profile, so what every photo we keep is in.
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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
        mode, fmt, content_type = "RGBA", "PNG", "image/png"
    else:
        mode, fmt, content_type = "RGB", "JPEG", "image/jpeg"
    image = _in_srgb(image, mode)

    def encode(size: tuple[int, int]) -> tuple[bytes, int, int]:
        copy = image.copy()
        copy.thumbnail(size)
        # Pillow's savers write metadata from the image as well as from their arguments (the JPEG
        # saver its `info["comment"]`, the PNG saver `info["icc_profile"]`, any saver what is in
        # `encoderinfo`), and the decoded upload carries all of it. So the image saved is a new
        # one made from the pixel bytes alone: its `info` is empty and it has no `encoderinfo`,
        # and the save names only encoder settings, none of exif=, icc_profile=, xmp=, comment=,
        # pnginfo= or dpi=.
        pixels = Image.frombytes(mode, copy.size, copy.tobytes())
        out = io.BytesIO()
        if fmt == "JPEG":
            pixels.save(out, fmt, quality=85, optimize=True)
        else:
            pixels.save(out, fmt)
        return out.getvalue(), pixels.width, pixels.height

    display, width, height = encode(display_size)
    thumbnail, _, _ = encode(THUMB_SIZE)
    return ProcessedImage(display, thumbnail, content_type, width, height)


def _in_srgb(image: Image.Image, mode: str) -> Image.Image:
    """The image's pixels in `mode` ("RGB" or "RGBA") and in sRGB. The profile itself is never
    kept (it is metadata, and its description and copyright tags are free text), so the colours
    it describes are converted into sRGB first; an image without one is taken to be sRGB already.
    """
    profile = image.info.get("icc_profile")
    if not profile:
        return image.convert(mode)
    # Little CMS converts from these modes; a palette or grey-with-alpha image is expanded first,
    # which keeps its colours in the profile's space.
    source = image if image.mode in {"RGB", "RGBA", "CMYK", "L"} else image.convert(mode)
    try:
        converted = ImageCms.profileToProfile(
            source, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        converted = None
    if converted is None:
        # A damaged profile, or one that does not fit the pixels (a grey profile on a colour
        # image): the photo is still worth keeping, so its pixels are taken as sRGB, as a
        # browser would take them, and the profile is dropped.
        return source.convert(mode)
    return converted


def _too_large(filename: str) -> str:
    return gettext("%(file)s is too large to process safely.") % {"file": filename}
