"""Evidence photos on PDCA cycles: checked and re-encoded by :mod:`leanhub.images` (no EXIF or
GPS survives), kept in the upload storage (:mod:`leanhub.storage`) under generated names."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from leanhub import images, storage

MAX_BYTES = 5 * 1024 * 1024
FOLDER = "kaizen"


def file_name(name: str) -> str:
    """Where the photo ``name`` (as a CyclePhoto keeps it) is kept in the upload storage."""
    # Names are generated here (uuid + extension), never taken from the upload.
    return f"{FOLDER}/{PurePosixPath(name).name}"


def store(upload: UploadedFile) -> tuple[str, str]:
    """Check ``upload`` is a photo within limits, re-encode it and save it.
    Returns the stored file name and its content type; raises ValidationError otherwise."""
    try:
        processed = images.process(
            upload.read(), filename=PurePosixPath(upload.name or "").name, max_bytes=MAX_BYTES
        )
    except images.ImageRefused as refusal:
        raise ValidationError({"photo": str(refusal)}) from None
    extension = "png" if processed.content_type == "image/png" else "jpg"
    name = f"{uuid.uuid4().hex}.{extension}"
    storage.save(file_name(name), processed.display)
    return name, processed.content_type
