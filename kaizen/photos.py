"""Evidence photos: verified with Pillow, re-encoded so no metadata (EXIF, GPS) survives."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}


def storage_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "kaizen"


def path_of(name: str) -> Path:
    # Names are generated here (uuid + extension), never taken from the upload.
    return storage_dir() / Path(name).name


def store(upload) -> tuple[str, str]:
    """Check ``upload`` is a JPEG or PNG within limits, re-encode it and save it.
    Returns the stored file name and its content type; raises ValidationError otherwise."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"photo": "The photo is larger than 5 MB."})
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        kind = image.format
        if kind not in FORMATS or image.width * image.height > MAX_PIXELS:
            raise ValidationError({"photo": "Upload a JPEG or PNG photo."})
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "RGBA", "L"):
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError({"photo": "That file is not a photo we can read."}) from error
    extension, content_type = FORMATS[kind]
    name = f"{uuid.uuid4().hex}.{extension}"
    storage_dir().mkdir(parents=True, exist_ok=True)
    # A fresh image from the pixels alone carries no EXIF, XMP or text chunks.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if extension == "jpg":
        clean.convert("RGB").save(path_of(name), "JPEG", quality=88)
    else:
        clean.save(path_of(name), "PNG")
    return name, content_type
