"""Fixtures for the ideas tests: an idea of team_a, a factory for many, and real images."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from ideas.models import Idea


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def idea(cast, team_a) -> Idea:
    return Idea.objects.create(
        team=team_a, author=cast["sam"], title="Pre-fill the claim form", problem="Typing twice"
    )


@pytest.fixture
def make_ideas(cast):
    def make(n: int, *, team, author=None, **fields) -> list[Idea]:
        return Idea.objects.bulk_create(
            Idea(
                team=team,
                author=author or cast["sam"],
                title=f"Idea number {i}",
                problem="Something slows us down",
                **fields,
            )
            for i in range(n)
        )

    return make


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255)).save(
        out, fmt, **save
    )
    return out.getvalue()


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims an enormous image: decoding it would exhaust memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
