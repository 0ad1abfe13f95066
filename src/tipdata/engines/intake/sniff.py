"""What is this file? Its kind (text table, XLSX workbook, ZIP of CSVs) and, for text, its
encoding - decided from the bytes, never from the name.

A file named ``.csv`` that holds a workbook, a PDF, an old ``.xls`` or random bytes gets a
``FileFormatError`` that says what the file really is and what to do. Text encodings are
tried in the order spreadsheet programs write them: a byte-order mark (UTF-8, UTF-16,
UTF-32), then UTF-8 checked over the whole file, then the Windows code page (1252 for
Western text; 874 when the high bytes run together the way Thai letters do).
"""

from __future__ import annotations

import codecs
import contextlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import FileFormatError

CHUNK = 1 << 20
# Control characters that never occur in a table a person typed (tab, CR, LF, FF excepted).
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls) or another old Office file; "
     "open it in a spreadsheet program and save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document; export the table from the program that made it as CSV or .xlsx"),
    (b"\x89PNG", "a PNG image, not a table"),
    (b"\xff\xd8\xff", "a JPEG image, not a table"),
    (b"GIF8", "a GIF image, not a table"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"SQLite format 3", "an SQLite database, not a table"),
)


@dataclass(frozen=True)
class ByteSource:
    """A file, or one member of a ZIP archive, opened afresh for each pass."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.member is None else f"{self.path.name}:{self.member}"

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        if self.member is None:
            with self.path.open("rb") as fh:
                yield fh
        else:
            with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
                yield fh  # type: ignore[misc]

    def size(self) -> int:
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.member).file_size


def as_source(source: str | Path | ByteSource) -> ByteSource:
    return source if isinstance(source, ByteSource) else ByteSource(Path(source))


@dataclass(frozen=True)
class TextInfo:
    """How a text file is encoded. ``codec`` is Python's name for it, ``label`` what a user
    is told (``UTF-8 with BOM``), ``newlines`` the number of line breaks (an upper bound on
    the number of rows, used for progress and limits)."""

    codec: str
    label: str
    newlines: int
    size: int
    guessed: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"encoding": self.label, "codec": self.codec, "guessed": self.guessed}


def file_kind(path: str | Path) -> str:
    """``csv`` (a text table), ``xlsx`` or ``csv-zip`` (a ZIP of CSV files, as ODK Central
    exports forms with repeat groups). Raises ``FileFormatError`` for anything else."""
    p = Path(path)
    if not p.exists():
        raise FileFormatError(f"{p}: file not found")
    if p.is_dir():
        raise FileFormatError(f"{p}: is a folder, not a file")
    size = p.stat().st_size
    if size == 0:
        raise FileFormatError(f"{p.name}: the file is empty (0 bytes)")
    with p.open("rb") as fh:
        head = fh.read(16)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FileFormatError(f"{p.name}: this file is {what}")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(p)
    return "csv"


def _zip_kind(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(f"{p.name}: a damaged ZIP/XLSX file ({exc})") from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        raise FileFormatError(
            f"{p.name}: this is an OpenDocument file (.ods/.odt); save it as .xlsx or CSV"
        )
    if any(n.startswith("word/") for n in names):
        raise FileFormatError(f"{p.name}: this is a Word document, not a table")
    if any(n.startswith("ppt/") for n in names):
        raise FileFormatError(f"{p.name}: this is a PowerPoint file, not a table")
    if any(n.lower().endswith(".csv") for n in names):
        return "csv-zip"
    raise FileFormatError(f"{p.name}: a ZIP archive holding no workbook and no CSV file")


def detect_encoding(source: str | Path | ByteSource, *, encoding: str | None = None) -> TextInfo:
    """Find the encoding of a text table by reading it once in chunks (bounded memory).

    ``encoding`` forces a codec (the whole file is still checked against it). Raises
    ``FileFormatError`` when the bytes are binary or decode in none of the candidates.
    """
    p = as_source(source)
    size = p.size()
    with p.open() as fh:
        head = fh.read(CHUNK)
    if not head:
        raise FileFormatError(f"{p.name}: the file is empty (0 bytes)")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FileFormatError(f"unknown encoding {encoding!r}") from None
        return _check_codec(p, encoding, encoding, size, forced=True)
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return _check_codec(p, "utf-32", "UTF-32 (BOM)", size)
    if head.startswith(codecs.BOM_UTF8):
        return _check_codec(p, "utf-8-sig", "UTF-8 with BOM", size)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return _check_codec(p, "utf-16", "UTF-16 (BOM)", size)
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: ASCII characters leave every other byte zero.
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        half = max(1, len(head) // 2)
        if odd > 0.3 * half and even < 0.05 * half:
            return _check_codec(p, "utf-16-le", "UTF-16 LE (no BOM)", size, guessed=True)
        if even > 0.3 * half and odd < 0.05 * half:
            return _check_codec(p, "utf-16-be", "UTF-16 BE (no BOM)", size, guessed=True)
        raise FileFormatError(
            f"{p.name}: holds binary data (NUL bytes), not a text table; "
            "if it is a spreadsheet, save it as .xlsx or CSV"
        )
    controls = sum(1 for b in head[:65536] if b in _CONTROL)
    if controls > max(3, len(head[:65536]) // 200):
        raise FileFormatError(
            f"{p.name}: holds binary data (control bytes), not a text table; "
            "if it is a spreadsheet, save it as .xlsx or CSV"
        )
    try:
        return _check_codec(p, "utf-8", "UTF-8", size)
    except FileFormatError:
        pass
    # Not UTF-8: a Windows code page. Thai text in Windows-874 puts high bytes next to each
    # other (whole words of Thai letters); Western text in 1252 has isolated accented letters.
    high = [i for i, b in enumerate(head) if b >= 0x80]
    adjacent = sum(1 for i in high if i + 1 < len(head) and head[i + 1] >= 0x80)
    thai_like = bool(high) and adjacent / len(high) > 0.5 and not (set(head) & {0x81, 0x8D})
    order = (("cp874", "Windows-874 (Thai)"), ("cp1252", "Windows-1252")) if thai_like else (
        ("cp1252", "Windows-1252"), ("cp874", "Windows-874 (Thai)"))
    for codec, label in order:
        try:
            return _check_codec(p, codec, label, size, guessed=True)
        except FileFormatError:
            continue
    raise FileFormatError(
        f"{p.name}: the text is not UTF-8, UTF-16 or Windows-1252/874; save it from the "
        "spreadsheet program as 'CSV UTF-8', or give the encoding (--encoding)"
    )


def _check_codec(
    p: ByteSource, codec: str, label: str, size: int, *, guessed: bool = False, forced: bool = False
) -> TextInfo:
    """Decode the whole file incrementally; count line breaks; fail on the first bad byte."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    newlines = 0
    offset = 0
    with p.open() as fh:
        while True:
            chunk = fh.read(CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                where = offset + exc.start
                raise FileFormatError(
                    f"{p.name}: byte {where} (0x{chunk[exc.start] if exc.start < len(chunk) else 0:02x}) "
                    f"is not valid {label}"
                    + ("" if not forced else "; the file is not in the encoding given")
                ) from None
            newlines += text.count("\n")
            if final:
                break
            offset += len(chunk)
    return TextInfo(codec, label, newlines, size, guessed)
