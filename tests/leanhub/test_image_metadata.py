"""No metadata of any kind survives the photo pipeline (leanhub.images.process), proven per
segment type: each input carries one segment or chunk holding a unique marker, and both outputs
(display and thumbnail) must hold neither the marker nor any segment beyond what the pixels need."""

from __future__ import annotations

import functools
import io
import struct
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from ideas.models import IdeaPhoto
from leanhub import images
from leanhub.models import Team, User

# --- JPEG -------------------------------------------------------------------------------------

SOI, EOI, SOS, COM, APP0, APP1, APP2, APP13, APP15 = (
    0xD8,
    0xD9,
    0xDA,
    0xFE,
    0xE0,
    0xE1,
    0xE2,
    0xED,
    0xEF,
)
# What a baseline or progressive JPEG needs to show its pixels; APP0 only as the JFIF header.
JPEG_NEEDED = {SOI, APP0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, SOS, EOI}  # DQT SOFn DHT DRI
STANDALONE = {SOI, EOI, 0x01, *range(0xD0, 0xD8)}  # markers without a length field


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The marker segments of a JPEG, in order, with their payloads (entropy-coded data skipped).
    Fails if anything but a segment is found between segments, or anything follows EOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments: list[tuple[int, bytes]] = [(SOI, b"")]
    at = 2
    while True:
        assert data[at] == 0xFF, f"stray byte {data[at]:#x} at {at}"
        while data[at] == 0xFF:  # fill bytes may precede a marker
            at += 1
        marker = data[at]
        at += 1
        if marker == EOI:
            segments.append((EOI, data[at:]))  # whatever follows EOI is a trailer
            return segments
        if marker in STANDALONE:
            segments.append((marker, b""))
            continue
        (length,) = struct.unpack_from(">H", data, at)
        segments.append((marker, data[at + 2 : at + length]))
        at += length
        if marker == SOS:  # skip the scan: up to the next marker that is not a stuffed 0 or RSTn
            while not (data[at] == 0xFF and data[at + 1] not in {0x00, *range(0xD0, 0xD8)}):
                at += 1


def segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def plain_jpeg(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG", quality=95)
    return out.getvalue()


def jpeg_with(*segments: bytes, base: bytes | None = None) -> bytes:
    """A real JPEG with raw segments spliced in straight after its JFIF header."""
    data = base or plain_jpeg()
    assert data[2:4] == b"\xff\xe0"
    after_jfif = 4 + struct.unpack_from(">H", data, 4)[0]
    return data[:after_jfif] + b"".join(segments) + data[after_jfif:]


def exif_with_gps(marker: bytes) -> bytes:
    """TIFF-structured EXIF (without the APP1 'Exif' prefix) with a GPS position and the marker
    as the camera maker and the GPS area name."""
    exif = Image.Exif()
    exif[0x010F] = marker.decode()  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0), 28: marker}
    tiff = exif.tobytes()
    assert tiff.startswith(b"Exif\x00\x00")
    return tiff[6:]


def xmp_packet(marker: bytes) -> bytes:
    return (
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.0N">'
        b"<dc:description>" + marker + b"</dc:description>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
        b'<?xpacket end="w"?>'
    )


def iptc_in_photoshop(marker: bytes) -> bytes:
    """An APP13 payload: a Photoshop image resource block 0x0404 holding an IPTC caption."""
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(marker)) + marker  # 2:120 caption
    iptc += b"\x00" * (len(iptc) % 2)
    return (
        b"Photoshop 3.0\x00"
        + b"8BIM"
        + b"\x04\x04"
        + b"\x00\x00"  # empty name, padded to even length
        + struct.pack(">I", len(iptc))
        + iptc
    )


def icc_profile(text: bytes, *, swap_red_and_blue: bool = False) -> bytes:
    """A valid sRGB ICC profile whose copyright tag reads `text`; with swap_red_and_blue its red
    and blue primaries trade places, so a pixel tagged with it means a different colour in sRGB."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack_from(">I", profile, 128)
    entry = {bytes(profile[132 + 12 * i : 136 + 12 * i]): 136 + 12 * i for i in range(count)}
    copyright_tag = b"text" + b"\x00" * 4 + text + b"\x00"
    struct.pack_into(">II", profile, entry[b"cprt"], len(profile), len(copyright_tag))
    profile += copyright_tag + b"\x00" * (-len(copyright_tag) % 4)
    if swap_red_and_blue:
        red, blue = entry[b"rXYZ"], entry[b"bXYZ"]
        profile[red : red + 8], profile[blue : blue + 8] = (
            profile[blue : blue + 8],
            profile[red : red + 8],
        )
    struct.pack_into(">I", profile, 0, len(profile))
    profile[84:100] = bytes(16)  # profile ID: zero means "not computed", as the MD5 is now stale
    return bytes(profile)


def icc_in_app2(profile: bytes) -> bytes:
    return segment(APP2, b"ICC_PROFILE\x00\x01\x01" + profile)


def marker_for(case: str) -> bytes:
    return f"LEAK-{case}-{uuid.uuid4().hex[:12]}".encode()


def jpeg_cases() -> list[tuple[str, int, bytes, bytes]]:
    """(case, the segment it carries, input, marker) for each kind of JPEG segment."""
    cases = []

    def add(case: str, kind: int, build: Callable[[bytes], bytes]) -> None:
        marker = marker_for(case)
        cases.append((case, kind, build(marker), marker))

    add("COM", COM, lambda m: jpeg_with(segment(COM, m)))
    add(
        "APP1-EXIF-GPS",
        APP1,
        lambda m: jpeg_with(segment(APP1, b"Exif\x00\x00" + exif_with_gps(m))),
    )
    add(
        "APP1-XMP",
        APP1,
        lambda m: jpeg_with(segment(APP1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp_packet(m))),
    )
    add("APP13-IPTC", APP13, lambda m: jpeg_with(segment(APP13, iptc_in_photoshop(m))))
    add("APP2-ICC", APP2, lambda m: jpeg_with(icc_in_app2(icc_profile(m))))
    add("APP15-unknown", APP15, lambda m: jpeg_with(segment(APP15, m)))
    add("APP0-not-JFIF", APP0, lambda m: jpeg_with(segment(APP0, b"JFXX\x00\x10" + m)))
    for n in range(1, 16):  # any application segment, whatever it claims to be
        add(f"APP{n}-any", 0xE0 + n, functools.partial(any_app_segment, 0xE0 + n))
    add("trailer-after-EOI", EOI, lambda m: plain_jpeg() + m)
    return cases


def any_app_segment(marker_code: int, marker: bytes) -> bytes:
    return jpeg_with(segment(marker_code, marker))


def pillow_jpeg_with_everything(marker: bytes) -> bytes:
    """A JPEG in which Pillow itself wrote every kind of metadata it can."""
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = marker.decode()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    Image.new("RGB", (64, 48), (200, 30, 30)).save(
        out,
        "JPEG",
        comment=marker,
        exif=exif,
        icc_profile=icc_profile(marker),
        xmp=xmp_packet(marker),
        dpi=(300, 300),
    )
    return out.getvalue()


# --- PNG --------------------------------------------------------------------------------------

# What a PNG needs to show its pixels, plus the colour chunks that hold no text.
PNG_NEEDED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"sRGB", b"gAMA", b"cHRM", b"pHYs"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG with their data, in order; fails on a bad CRC or bytes after IEND."""
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    chunks = []
    at = len(PNG_SIGNATURE)
    while at < len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack_from(">I", data, at + 8 + length)
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        at += 12 + length
        if kind == b"IEND":
            chunks.append((b"trailer", data[at:]))
            break
    return chunks


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def plain_png(mode: str, colour: tuple[int, ...] = (200, 30, 30, 128)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (64, 48), colour[: len(mode)]).save(out, "PNG")
    return out.getvalue()


def png_with(*chunks: bytes, mode: str, base: bytes | None = None) -> bytes:
    """A real PNG with raw chunks spliced in straight after IHDR (where iCCP must be)."""
    data = base or plain_png(mode)
    after_ihdr = len(PNG_SIGNATURE) + 12 + 13
    assert data[len(PNG_SIGNATURE) + 4 : len(PNG_SIGNATURE) + 8] == b"IHDR"
    return data[:after_ihdr] + b"".join(chunks) + data[after_ihdr:]


def png_cases(mode: str) -> list[tuple[str, bytes, bytes, bytes]]:
    """(case, the chunk it carries, input, marker) for each kind of PNG chunk; with alpha the
    output is a PNG too, which is where a chunk would be most easily carried across."""
    cases = []

    def add(
        case: str, kind: bytes, build: Callable[[bytes], bytes], marker: bytes | None = None
    ) -> None:
        marker = marker or marker_for(case)
        cases.append((f"{case}-{mode}", kind, build(marker), marker))

    add("tEXt", b"tEXt", lambda m: png_with(chunk(b"tEXt", b"Comment\x00" + m), mode=mode))
    add(
        "zTXt",
        b"zTXt",
        lambda m: png_with(chunk(b"zTXt", b"Description\x00\x00" + zlib.compress(m)), mode=mode),
    )
    add(
        "iTXt",
        b"iTXt",
        lambda m: png_with(chunk(b"iTXt", b"Author\x00\x00\x00en\x00Author\x00" + m), mode=mode),
    )
    add(
        "iTXt-XMP",
        b"iTXt",
        lambda m: png_with(
            chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp_packet(m)), mode=mode
        ),
    )
    add("eXIf-GPS", b"eXIf", lambda m: png_with(chunk(b"eXIf", exif_with_gps(m)), mode=mode))
    add(
        "iCCP",
        b"iCCP",
        lambda m: png_with(
            chunk(b"iCCP", b"leak\x00\x00" + zlib.compress(icc_profile(m))), mode=mode
        ),
    )
    # tIME holds only a date: the seven bytes of an unlikely one are its marker.
    when = struct.pack(">HBBBBB", 1987, 6, 5, 4, 3, 2)
    add("tIME", b"tIME", lambda m: png_with(chunk(b"tIME", m), mode=mode), marker=when)
    add("private-chunk", b"prVt", lambda m: png_with(chunk(b"prVt", m), mode=mode))
    add("trailer-after-IEND", b"trailer", lambda m: plain_png(mode) + m)
    return cases


# --- WebP -------------------------------------------------------------------------------------


def webp_cases(mode: str) -> list[tuple[str, bytes, bytes, bytes]]:
    """WebP is accepted, so each metadata chunk it can carry (written by Pillow) is tried."""
    cases = []
    for case, kind, option in [
        ("EXIF", b"EXIF", "exif"),
        ("XMP", b"XMP ", "xmp"),
        ("ICCP", b"ICCP", "icc_profile"),
    ]:
        marker = marker_for(f"webp-{case}")
        metadata = {
            "exif": b"Exif\x00\x00" + exif_with_gps(marker),
            "xmp": xmp_packet(marker),
            "icc_profile": icc_profile(marker),
        }[option]
        out = io.BytesIO()
        Image.new(mode, (64, 48), (200, 30, 30, 128)[: len(mode)]).save(
            out, "WEBP", lossless=mode == "RGBA", **{option: metadata}
        )
        cases.append((f"webp-{case}-{mode}", kind, out.getvalue(), marker))
    return cases


def webp_chunk_kinds(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    kinds, at = [], 12
    while at < len(data):
        kind, length = struct.unpack_from("<4sI", data, at)
        kinds.append(kind)
        at += 8 + length + length % 2
    return kinds


# --- the proof --------------------------------------------------------------------------------


def assert_only_pixels(output: bytes, marker: bytes, content_type: str) -> None:
    """The marker is nowhere in the output, and the output holds only what its pixels need."""
    assert marker not in output
    if content_type == "image/jpeg":
        segments = jpeg_segments(output)
        assert {kind for kind, _ in segments} <= JPEG_NEEDED, [hex(k) for k, _ in segments]
        assert all(body.startswith(b"JFIF\x00") for kind, body in segments if kind == APP0)
        assert segments[-1] == (EOI, b""), "bytes after EOI"
    else:
        assert content_type == "image/png"
        chunks = png_chunks(output)
        assert {kind for kind, _ in chunks} - {b"trailer"} <= PNG_NEEDED, [k for k, _ in chunks]
        assert chunks[-1] == (b"trailer", b""), "bytes after IEND"
    decoded = Image.open(io.BytesIO(output))
    decoded.load()
    assert not decoded.getexif()
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop", "XML:com.adobe.xmp"} & set(
        decoded.info
    )


def assert_process_cleans(data: bytes, marker: bytes) -> images.ProcessedImage:
    processed = images.process(data)
    for output in (processed.display, processed.thumbnail):
        assert_only_pixels(output, marker, processed.content_type)
    return processed


@pytest.mark.parametrize(
    ("kind", "data", "marker"),
    [pytest.param(kind, data, marker, id=case) for case, kind, data, marker in jpeg_cases()],
)
def test_no_jpeg_segment_survives(kind: int, data: bytes, marker: bytes) -> None:
    # The input really carries the segment, and Pillow reads it as a photo.
    carried = jpeg_segments(data)
    if kind == EOI:
        assert carried[-1] == (EOI, marker)
    else:
        assert any(k == kind and marker in body for k, body in carried)
    processed = assert_process_cleans(data, marker)
    assert processed.content_type == "image/jpeg" and (processed.width, processed.height) == (
        64,
        48,
    )


def test_no_metadata_pillow_writes_into_a_jpeg_survives() -> None:
    marker = marker_for("pillow-jpeg")
    data = pillow_jpeg_with_everything(marker)
    assert {COM, APP1, APP2} <= {kind for kind, _ in jpeg_segments(data)}
    assert_process_cleans(data, marker)


@pytest.mark.parametrize(
    ("kind", "data", "marker"),
    [
        pytest.param(kind, data, marker, id=case)
        for mode in ("RGB", "RGBA")
        for case, kind, data, marker in png_cases(mode)
    ],
)
def test_no_png_chunk_survives(kind: bytes, data: bytes, marker: bytes) -> None:
    carried = png_chunks(data)
    if kind == b"trailer":
        assert carried[-1] == (b"trailer", marker)
    else:
        assert kind in {k for k, _ in carried}
    assert_process_cleans(data, marker)


def test_no_text_pillow_writes_into_a_png_survives() -> None:
    marker = marker_for("pillow-png")
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", marker.decode())
    info.add_text("Description", marker.decode(), zip=True)
    info.add_itxt("Author", marker.decode(), lang="en", tkey="Author")
    out = io.BytesIO()
    Image.new("RGBA", (64, 48), (200, 30, 30, 128)).save(
        out, "PNG", pnginfo=info, exif=b"Exif\x00\x00" + exif_with_gps(marker), dpi=(300, 300)
    )
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"pHYs"} <= {
        k for k, _ in png_chunks(out.getvalue())
    }
    assert_process_cleans(out.getvalue(), marker)


@pytest.mark.parametrize(
    ("kind", "data", "marker"),
    [
        pytest.param(kind, data, marker, id=case)
        for mode in ("RGB", "RGBA")
        for case, kind, data, marker in webp_cases(mode)
    ],
)
def test_no_webp_chunk_survives(kind: bytes, data: bytes, marker: bytes) -> None:
    assert kind in webp_chunk_kinds(data)
    assert_process_cleans(data, marker)


def test_a_gif_with_a_comment_is_refused() -> None:
    # GIF is not a format LeanHub keeps, so its comment extension never reaches the encoder.
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF", comment=b"LEAK-gif-comment")
    with pytest.raises(images.ImageRefused):
        images.process(out.getvalue())


# --- colour stays right when the profile goes -------------------------------------------------


def middle_pixel(data: bytes, mode: str = "RGB") -> tuple[int, ...]:
    pixel = Image.open(io.BytesIO(data)).convert(mode).getpixel((32, 24))
    assert isinstance(pixel, tuple)
    return pixel


def test_a_tagged_photo_is_converted_to_srgb_before_its_profile_is_dropped() -> None:
    marker = marker_for("colour")
    # Pure red in a space whose red and blue primaries are swapped is sRGB blue.
    data = jpeg_with(
        icc_in_app2(icc_profile(marker, swap_red_and_blue=True)), base=plain_jpeg((255, 0, 0))
    )
    processed = assert_process_cleans(data, marker)
    red, green, blue = middle_pixel(processed.display)
    assert blue > 200 and red < 60 and green < 60


def test_a_tagged_transparent_png_keeps_its_alpha_through_the_conversion() -> None:
    marker = marker_for("colour-alpha")
    data = png_with(
        chunk(
            b"iCCP", b"swap\x00\x00" + zlib.compress(icc_profile(marker, swap_red_and_blue=True))
        ),
        mode="RGBA",
        base=plain_png("RGBA", (255, 0, 0, 128)),
    )
    processed = assert_process_cleans(data, marker)
    assert processed.content_type == "image/png"
    red, green, blue, alpha = middle_pixel(processed.display, "RGBA")
    assert blue > 200 and red < 60 and green < 60 and alpha == 128


def test_an_untagged_photo_keeps_its_colours() -> None:
    processed = assert_process_cleans(plain_jpeg((255, 0, 0)), b"no marker")
    red, green, blue = middle_pixel(processed.display)
    assert red > 240 and green < 15 and blue < 15


def test_a_damaged_profile_is_dropped_and_the_photo_kept() -> None:
    marker = marker_for("bad-icc")
    data = jpeg_with(segment(APP2, b"ICC_PROFILE\x00\x01\x01" + b"not a profile " + marker))
    assert Image.open(io.BytesIO(data)).info["icc_profile"]
    processed = assert_process_cleans(data, marker)
    red, _, _ = middle_pixel(processed.display)
    assert red > 180


# --- and through an upload --------------------------------------------------------------------


def test_an_uploaded_idea_photo_is_served_without_any_of_its_metadata(
    client: Client,
    cast: dict[str, User],
    team_a: Team,
    tmp_path: Path,
) -> None:
    marker = marker_for("upload")
    data = jpeg_with(
        segment(COM, marker),
        segment(APP1, b"Exif\x00\x00" + exif_with_gps(marker)),
        segment(APP1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp_packet(marker)),
        segment(APP13, iptc_in_photoshop(marker)),
        icc_in_app2(icc_profile(marker)),
        segment(APP15, marker),
    )
    client.force_login(cast["sam"])
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        response = client.post(
            reverse("ideas:new"),
            {
                "title": "Broken queue ticket machine",
                "problem": "It jams every morning",
                "team": team_a.pk,
                "kind": "improvement",
                "token": str(uuid.uuid4()),
                "photos": [SimpleUploadedFile("door.jpg", data, content_type="image/jpeg")],
            },
        )
        assert response.status_code == 302
        photo = IdeaPhoto.objects.get()
        for size in ("display", "thumb"):
            served = client.get(reverse("ideas:photo", args=[photo.idea_id, photo.pk, size]))
            assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
            assert_only_pixels(b"".join(served), marker, "image/jpeg")
