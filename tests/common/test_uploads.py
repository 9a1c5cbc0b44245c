"""Uploads: size and type checked from the content, photos stored without the metadata that
could locate the holder, under a random name, through Django's storage."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from gemcare.common.errors import InvalidInput
from gemcare.common.uploads import upload_store

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.0),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (79.0, 58.0, 56.0),
}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


def _image(kind: str, *, size=(64, 48), mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "L" else 128).save(out, kind, **options)
    return out.getvalue()


def _stored(name: str) -> bytes:
    with default_storage.open(name) as stored:
        return stored.read()


def _upload(data: bytes, name: str = "IMG_0001.jpg", kind: str = "photo", **options):
    file = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return upload_store(file, kind=kind, folder="claims/C-1", field="photo", **options)


def test_a_jpeg_with_gps_exif_is_stored_without_any_of_it(media):
    original = _image("JPEG", exif=_exif(), comment=b"our home, 12 Elm Street")
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    name = _upload(original)

    data = _stored(name)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and stored.size == (64, 48)
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in data and b"PhoneMaker" not in data and b"Elm Street" not in data
    assert "comment" not in stored.info


def test_the_photo_is_turned_the_way_the_camera_said_before_its_metadata_goes():
    name = _upload(_image("JPEG", exif=_exif(orientation=6)))

    assert Image.open(io.BytesIO(_stored(name))).size == (48, 64)


@pytest.mark.parametrize(
    ("kind", "extension", "options"),
    [
        ("PNG", ".png", {}),
        ("WEBP", ".webp", {}),
    ],
)
def test_png_and_webp_lose_their_exif_too(kind, extension, options):
    original = _image(kind, exif=_exif(), **options)
    assert Image.open(io.BytesIO(original)).getexif()

    name = _upload(original, name="photo.bin")

    data = _stored(name)
    assert name.endswith(extension)
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"PhoneMaker" not in data


def test_a_transparent_palette_png_keeps_its_transparency():
    original = _image("PNG", mode="P", transparency=0)

    stored = Image.open(io.BytesIO(_stored(_upload(original))))

    assert stored.mode == "RGBA"


def test_the_name_is_random_and_nothing_of_the_senders_is_kept():
    first = _upload(_image("JPEG"), name="Ada Holder home address.jpg")
    second = _upload(_image("JPEG"), name="Ada Holder home address.jpg")

    assert first != second
    assert first.startswith("claims/C-1/") and first.endswith(".jpg")
    assert "Ada" not in first and "address" not in first


def test_a_document_is_a_pdf_kept_as_sent():
    name = upload_store(
        SimpleUploadedFile("receipt.jpg", PDF, content_type="image/jpeg"),
        kind="document",
        folder="claims/C-1",
    )

    assert name.endswith(".pdf") and _stored(name) == PDF


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (PDF, "photo", "is not a photo"),
        (b"GIF89a" + b"\x00" * 40, "photo", "is not a photo"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "photo", "is not a photo"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "photo", "HEIC"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "photo", "is not a JPEG photo that can be read"),
        (_image("JPEG"), "document", "is not a PDF"),
        (b"%PDF-1.7 but cut short", "document", "is not a PDF"),
        (b"MZ\x90\x00 an executable", "document", "is not a PDF"),
    ],
)
def test_the_type_is_read_from_the_content_not_the_name(media, data, kind, words):
    file = SimpleUploadedFile("looks-fine.pdf" if kind == "document" else "photo.jpg", data)

    with pytest.raises(InvalidInput) as error:
        upload_store(file, kind=kind, folder="claims/C-1", field="attachment")

    assert error.value.code == "upload_type_not_allowed"
    assert error.value.field == "attachment"
    assert words in error.value.message
    assert not any(media.rglob("*.*"))  # nothing written


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput) as error:
        _upload(b"")

    assert error.value.code == "upload_type_not_allowed" and "is empty" in error.value.message


def test_a_file_over_the_limit_is_refused_before_it_is_read_through(settings, media):
    settings.GEMCARE_UPLOAD_PHOTO_MAX_BYTES = 1000
    big = _image("PNG", size=(400, 400), mode="RGB")
    noisy = io.BytesIO()
    Image.effect_noise((200, 200), 64).save(noisy, "PNG")
    assert len(noisy.getvalue()) > 1000 or len(big) > 1000

    with pytest.raises(InvalidInput) as error:
        _upload(noisy.getvalue())

    assert error.value.code == "upload_too_large"
    assert error.value.field == "photo"
    assert error.value.message == "is larger than 0.001 MB"
    assert not any(media.rglob("*.*"))


def test_the_size_limit_holds_even_when_the_file_does_not_say_its_size(settings):
    settings.GEMCARE_UPLOAD_DOCUMENT_MAX_BYTES = 50

    with pytest.raises(InvalidInput) as error:
        upload_store(io.BytesIO(PDF), kind="document", folder="docs", field="document")

    assert error.value.code == "upload_too_large"


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says it is `width` by `height` pixels."""
    data = bytearray(_image("PNG", size=(1, 1), mode="L"))
    ihdr = bytearray(data[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)))
    return bytes(data)


@pytest.mark.parametrize(
    ("width", "height", "words"),
    [
        (10000, 10000, "has 10000 by 10000 pixels, more than 40,000,000 in all"),
        (60000, 60000, "has more than 40,000,000 pixels in all"),  # Pillow's own alarm first
    ],
)
def test_a_small_file_that_unpacks_into_a_huge_image_is_refused_unpacked(
    media, width, height, words
):
    with pytest.raises(InvalidInput) as error:
        _upload(_png_claiming(width, height))

    assert error.value.code == "upload_too_large"
    assert error.value.message == words
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize("folder", ["", "../etc", "/abs", "a/../b", "a b", "x" * 70])
def test_a_folder_that_is_not_a_plain_path_is_a_programming_error(folder):
    with pytest.raises(ValueError):
        upload_store(io.BytesIO(PDF), kind="document", folder=folder)


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        upload_store(io.BytesIO(PDF), kind="video", folder="claims")
