"""Uploaded files (idea photos, PDCA evidence photos, savings evidence) kept through Django's
storage API, so the same code keeps them in a local folder (``MEDIA_ROOT``) or in an
S3-compatible object store shared by every server process (``S3_BUCKET``, see settings).

Files are named by the code (random names), never by the person uploading, and are never served
straight from the store: views check the policy and stream them (:func:`leanhub.http.protected_file`).
No ORM here."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


def store() -> Storage:
    """The storage that keeps uploads (``STORAGES["default"]``)."""
    return default_storage


def save(name: str, data: bytes) -> str:
    """Keep ``data`` under ``name`` (a path with forward slashes, chosen by the code); returns
    the name it is kept under."""
    return store().save(name, ContentFile(data))


def read(name: str) -> bytes:
    """The bytes kept under ``name``; FileNotFoundError when there are none."""
    with store().open(name, "rb") as file:
        data = file.read()
    return data if isinstance(data, bytes) else data.encode()


def delete(name: str) -> None:
    """Remove the file kept under ``name``, if there is one."""
    try:
        store().delete(name)
    except FileNotFoundError:
        pass
    except Exception:
        # The row that named it is gone already; a file left behind is harmless (its name is
        # random and nothing serves it) and must not turn the person's request into an error.
        logger.exception("Could not delete stored file %s", name)


def exists(name: str) -> bool:
    return store().exists(name)


@contextmanager
def removed_on_failure() -> Iterator[list[str]]:
    """Collect the names of files kept inside the block (append them); if the block raises —
    so its transaction rolls back — delete them, so no file outlives the row that named it."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            delete(name)
        raise


def problem() -> str | None:
    """Why uploads cannot be kept just now (for /readyz and the start-up check), or None when
    the store is ready: the folder exists or can be made and is writable, or the bucket exists
    and can be reached with the configured credentials."""
    storage = store()
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location)
        try:
            location.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return gettext("The upload folder %(folder)s cannot be created: %(error)s") % {
                "folder": location,
                "error": error.strerror or error,
            }
        probe = location / ".leanhub-ready"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            return gettext("The upload folder %(folder)s is not writable: %(error)s") % {
                "folder": location,
                "error": error.strerror or error,
            }
        return None
    bucket_name = getattr(storage, "bucket_name", None)
    if bucket_name is None:
        # Another backend: asking for a name that is never kept proves it answers.
        try:
            storage.exists(".leanhub-ready")
        except Exception as error:
            return gettext("The file store cannot be reached: %(error)s") % {"error": error}
        return None
    return _bucket_problem(storage, str(bucket_name))


def _bucket_problem(storage: Storage, bucket_name: str) -> str | None:
    try:
        client = storage.connection.meta.client  # type: ignore[attr-defined]
        client.head_bucket(Bucket=bucket_name)
    except Exception as error:
        code = ""
        response = getattr(error, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchBucket"):
            return gettext("The storage bucket %(bucket)s does not exist.") % {
                "bucket": bucket_name
            }
        if code in ("403", "AccessDenied"):
            return gettext(
                "The storage bucket %(bucket)s refuses these credentials (access denied)."
            ) % {"bucket": bucket_name}
        return gettext("The storage bucket %(bucket)s cannot be reached: %(error)s") % {
            "bucket": bucket_name,
            "error": error,
        }
    return None
