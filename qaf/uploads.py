"""
Checks on an uploaded CSV file, before anything reads it as a table: its name, its size and that
it is text. Each refusal names the problem, so the person can fix the file and try again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

# The first bytes of files people often pick by mistake instead of a CSV export.
_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls) or Word document",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
_SNIFF_BYTES = 8192


def binary_kind(head: bytes) -> str | None:
    """What the file is, in words, if its first bytes show it is not text; else None."""
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    # UTF-16 text (Excel's "Unicode Text") has NUL bytes but is text: the UTF-8 check names it.
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file (it contains NUL bytes)"
    return None


def max_upload_megabytes() -> str:
    return f"{settings.QAF_MAX_UPLOAD_BYTES / (1024 * 1024):g} MB"


def csv_upload_text(upload) -> str:
    """The text of an uploaded CSV file, or a ValidationError naming what is wrong with it."""
    if not upload.name.lower().endswith(".csv"):
        raise ValidationError(
            "The file must be a CSV file whose name ends in .csv. In Excel, use Save As and "
            "choose 'CSV UTF-8 (Comma delimited)'."
        )
    if upload.size > settings.QAF_MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is larger than {max_upload_megabytes()}. "
            "Split it into smaller files and import each."
        )
    upload.seek(0)
    content = upload.read()
    kind = binary_kind(content[:_SNIFF_BYTES])
    if kind:
        raise ValidationError(
            f"The file is not a CSV text file: it looks like {kind}. In Excel, use Save As and "
            "choose 'CSV UTF-8 (Comma delimited)'."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (Comma delimited)'."
        ) from None
