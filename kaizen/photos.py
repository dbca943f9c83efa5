"""Evidence photos on PDCA cycles: checked and re-encoded by :mod:`leanhub.images` (no EXIF or
GPS survives), stored under generated names."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from leanhub import images

MAX_BYTES = 5 * 1024 * 1024


def storage_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "kaizen"


def path_of(name: str) -> Path:
    # Names are generated here (uuid + extension), never taken from the upload.
    return storage_dir() / Path(name).name


def store(upload: UploadedFile) -> tuple[str, str]:
    """Check ``upload`` is a photo within limits, re-encode it and save it.
    Returns the stored file name and its content type; raises ValidationError otherwise."""
    try:
        processed = images.process(
            upload.read(), filename=Path(upload.name or "").name, max_bytes=MAX_BYTES
        )
    except images.ImageRefused as refusal:
        raise ValidationError({"photo": str(refusal)}) from None
    extension = "png" if processed.content_type == "image/png" else "jpg"
    name = f"{uuid.uuid4().hex}.{extension}"
    storage_dir().mkdir(parents=True, exist_ok=True)
    path_of(name).write_bytes(processed.display)
    return name, processed.content_type
