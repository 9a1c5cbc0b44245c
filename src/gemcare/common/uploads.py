"""Photos and documents, checked and stored through Django's storage API.

`upload_store(file, kind="photo", folder="claims/C-123")` returns the stored name; keep it
on the row (a FileField, or a CharField read through `default_storage`). Storage is
whatever STORAGES["default"] says: local files under MEDIA_ROOT by default, any
S3-compatible store in production (docs/decisions/0020-email-and-uploads.md). Files are
never served from a public URL: a page that shows one reads it through a view that checks
the caller may see the record it belongs to.

What is checked, before anything is written:
- the size, against GEMCARE_UPLOAD_PHOTO_MAX_BYTES / GEMCARE_UPLOAD_DOCUMENT_MAX_BYTES,
  read from the file itself, not from what the browser said;
- the type, from the content only (the name and the browser's type are ignored): photos
  are JPEG, PNG or WebP (an HEIC photo is refused with words saying how to send it);
  documents are PDF;
- a photo must open as the image it claims to be, with at most
  GEMCARE_UPLOAD_PHOTO_MAX_PIXELS pixels (a small file that unpacks into a huge image is
  refused before it is unpacked).

A photo is then drawn again into a new image, turned the way its camera said, and saved
without any of its metadata: no EXIF (the GPS position of the holder's home among it, the
camera, the time), no XMP, no comments; only its colour profile is kept. A PDF is kept as
sent. The stored name is random: nothing of the sender's file name is kept.

Refusals are InvalidInput naming the field, with the codes of `UploadError`. A service that
takes several files for one record checks their number first (`uploads_count_check`) and
stores them all or none (`uploads_store`).
"""

import io
import os
import re
import secrets
import warnings
from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from gemcare.common.errors import ErrorCode, InvalidInput

PHOTO = "photo"
DOCUMENT = "document"
KINDS = (PHOTO, DOCUMENT)


class UploadError(ErrorCode):
    TOO_LARGE = "upload_too_large", "The file is larger than this upload takes."
    TYPE_NOT_ALLOWED = "upload_type_not_allowed", "The file is not of a type this upload takes."


# Magic numbers of the types taken, and how each is saved.
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_PDF = b"%PDF-"
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")
_PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
_FOLDER = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}){0,5}", re.IGNORECASE)
# How far from its end a PDF's end marker may lie (trailing newlines, incremental saves).
_PDF_TAIL = 2048


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def _limit(kind: str) -> int:
    if kind == PHOTO:
        return settings.GEMCARE_UPLOAD_PHOTO_MAX_BYTES
    return settings.GEMCARE_UPLOAD_DOCUMENT_MAX_BYTES


def _read(file: BinaryIO, *, limit: int, field: str) -> bytes:
    """The file's bytes, reading no further than one byte past the limit."""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        raise _too_large(field, limit)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if not isinstance(data, bytes):
        raise _not_allowed(field, "is not a file")
    if len(data) > limit:
        raise _too_large(field, limit)
    if not data:
        raise _not_allowed(field, "is empty")
    return data


def _too_large(field: str, limit: int) -> InvalidInput:
    return InvalidInput(
        field, None, f"is larger than {_megabytes(limit)}", code=UploadError.TOO_LARGE
    )


def _not_allowed(field: str, message: str) -> InvalidInput:
    return InvalidInput(field, None, message, code=UploadError.TYPE_NOT_ALLOWED)


def _photo_format(data: bytes) -> str | None:
    if data.startswith(_JPEG):
        return "JPEG"
    if data.startswith(_PNG):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def photo_clean(data: bytes, *, field: str = "photo") -> tuple[bytes, str]:
    """A photo drawn again without its metadata, and the extension of its format."""
    kind = _photo_format(data)
    if kind is None:
        if _is_heif(data):
            raise _not_allowed(
                field,
                "is an HEIC photo, which is not taken: send it as JPEG (on an iPhone, "
                "Settings > Camera > Formats > Most Compatible, or share it by email)",
            )
        raise _not_allowed(field, "is not a photo (JPEG, PNG or WebP)")
    limit = settings.GEMCARE_UPLOAD_PHOTO_MAX_PIXELS
    too_many_pixels = InvalidInput(
        field, None, f"has more than {limit:,} pixels in all", code=UploadError.TOO_LARGE
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own alarm for a huge image; ours below is lower and says it in words.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
        width, height = image.size
        if width * height > limit:
            raise InvalidInput(
                field,
                None,
                f"has {width} by {height} pixels, more than {limit:,} in all",
                code=UploadError.TOO_LARGE,
            )
        image.load()
        profile = image.info.get("icc_profile")
        image = ImageOps.exif_transpose(image)
        clean = _redrawn(image, kind)
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError):
        raise _not_allowed(field, f"is not a {kind} photo that can be read") from None
    out = io.BytesIO()
    options: dict = {"icc_profile": profile} if profile else {}
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=88, optimize=True, **options)
    elif kind == "PNG":
        clean.save(out, "PNG", optimize=True, **options)
    else:
        clean.save(out, "WEBP", quality=85, **options)
    return out.getvalue(), _PHOTO_FORMATS[kind]


def _redrawn(image: Image.Image, kind: str) -> Image.Image:
    """The pixels alone, in a new image that carries no `info` (the metadata) at all."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    if kind == "JPEG":
        mode = "L" if image.mode == "L" else "RGB"
    elif image.mode in {"L", "LA", "RGB", "RGBA"}:
        mode = image.mode
    else:
        mode = "RGBA" if has_alpha else "RGB"
    pixels = image if image.mode == mode else image.convert(mode)
    return Image.frombytes(mode, pixels.size, pixels.tobytes())


def document_check(data: bytes, *, field: str = "document") -> str:
    """The extension of a document that is what it says it is (a PDF)."""
    if not data.startswith(_PDF) or b"%%EOF" not in data[-_PDF_TAIL:]:
        raise _not_allowed(field, "is not a PDF document")
    return ".pdf"


def upload_store(file: BinaryIO, *, kind: str, folder: str, field: str | None = None) -> str:
    """Check an uploaded file, clean a photo, and store it under a random name in `folder`
    (letters, digits, dashes, underscores and slashes: a record's place, such as
    `claims/C-123`). Returns the stored name. `field` names the form's input in a refusal
    (by default the upload's own field name)."""
    if kind not in KINDS:
        raise ValueError(f"kind is one of {KINDS}, not {kind!r}")
    if not _FOLDER.fullmatch(folder or ""):
        raise ValueError(f"{folder!r} is not a folder name uploads are stored under")
    field = field or getattr(file, "field_name", None) or kind
    data = _read(file, limit=_limit(kind), field=field)
    if kind == PHOTO:
        data, extension = photo_clean(data, field=field)
    else:
        extension = document_check(data, field=field)
    name = f"{folder.strip('/')}/{secrets.token_hex(16)}{extension}"
    return default_storage.save(name, ContentFile(data))


# The content type of a stored file, from the extension `upload_store` gave its name.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def uploads_count_check(
    *, field: str, adding: int, held: int, most: int, noun: str, record: str, code
) -> None:
    """Refuse (InvalidInput naming `field`, with `code`) files that would take a record past
    the most it carries, before any is stored: "holds 3 photos: a claim carries at most 10
    and this one has 8"."""
    if held + adding > most:
        raise InvalidInput(
            field,
            None,
            f"holds {adding} {noun}{'s' if adding != 1 else ''}: a {record} carries at most "
            f"{most} and this one has {held}",
            code=code,
        )


def uploads_store[R](
    files: Iterable[BinaryIO],
    *,
    kind: str,
    folder: str,
    field: str,
    row: Callable[[str, str, int], R],
) -> list[R]:
    """Store every file (`upload_store`) and write the row of each: `row(stored_name,
    content_type, size)`. All or nothing: a refused file, or a row that fails, leaves none of
    the call's files in the storage (and the caller's transaction takes the rows back)."""
    stored: list[str] = []
    try:
        for file in files:
            stored.append(upload_store(file, kind=kind, folder=folder, field=field))
        return [
            row(name, CONTENT_TYPES[os.path.splitext(name)[1]], default_storage.size(name))
            for name in stored
        ]
    except BaseException:
        # Nothing of a refused call stays behind, in the database or in the storage.
        for name in stored:
            default_storage.delete(name)
        raise
