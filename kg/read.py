"""Files → decoded text. The only module that opens inputs.

Gazettes arrive as UTF-8 (with or without BOM), GB18030/GBK from government
websites, or UTF-16 from Windows tools. Byte-order marks decide first; then
strict UTF-8; then charset-normalizer, accepted only when the result is
plausibly Chinese text. Anything else is an InputError naming the file.

Damaged text is decoded, not dropped: UTF-8 with a few broken sequences (a file cut inside a
character, a stray byte) or GB18030 cut inside its last character decode with U+FFFD in place
of the bad bytes, and `Source.warnings` says where (the build prints it). Devices and FIFOs
are refused before reading; no read takes more than MAX_BYTES.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from pathlib import Path

from .errors import InputError
from .model import Source

MAX_BYTES = 200 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Magic numbers of formats people drop into a corpus folder by mistake.
_BINARY_MAGIC = {
    b"%PDF": "a PDF file (extract its text first, e.g. with pdftotext)",
    b"PK\x03\x04": "a ZIP container (docx/xlsx?), not plain text",
    b"\xd0\xcf\x11\xe0": "an OLE document (doc/xls?), not plain text",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x7fELF": "an executable",
}


def _decode(path: Path, raw: bytes) -> tuple[str, str] | tuple[str, str, str]:
    """(text, encoding) or (text, encoding, warning) when the bytes needed repair."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as err:
                raise InputError(path, f"starts with a {enc} byte-order mark but does not decode: {err.reason} at byte {err.start}") from err
    for magic, what in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise InputError(path, f"binary file: {what}")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if len(raw) % 2 == 0:
        # UTF-16 without BOM: Chinese text has few NUL bytes, so judge the decoded characters
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_utf16(raw) and _plausible(text) or _mostly_cjk(text):
                return text, enc
    salvaged = _utf8_salvage(raw)
    if salvaged is not None:
        return salvaged
    if raw.count(0) > len(raw) // 100:
        raise InputError(path, "binary file: contains NUL bytes and no text encoding fits")
    try:
        text = raw.decode("gb18030")
        if _plausible(text):
            return text, "gb18030"
    except UnicodeDecodeError as err:
        # a GB18030 file cut inside its last character: keep everything before the cut
        if err.start >= len(raw) - 3 and err.start > 0:
            try:
                text = raw[:err.start].decode("gb18030") + "\ufffd"
            except UnicodeDecodeError:
                text = ""
            if text and _plausible(text[:-1]) and _mostly_cjk(text[:-1] + "\n"):
                return text, "gb18030", f"file cut inside a GB18030 character at byte {err.start:,}; replaced by U+FFFD"
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None:
        text = str(best)
        if _plausible(text):
            return text, best.encoding
    raise InputError(path, "cannot decode: not UTF-8, UTF-16 or GB18030, and no other encoding gives readable text")


UTF8_MAX_BAD = 16  # at most this many broken sequences…
UTF8_GOOD_PER_BAD = 50  # …each outweighed by this many well-formed non-ASCII characters


def _utf8_salvage(raw: bytes) -> tuple[str, str, str] | None:
    """UTF-8 with a few broken sequences (a file cut inside a character, a stray byte from a
    concatenation): decode with U+FFFD for each and say where, rather than drop the whole file
    or misread it as GB18030 mojibake. None when the bytes are not mostly UTF-8."""
    parts, bad, pos = [], [], 0
    while True:
        try:
            parts.append(raw[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            parts.append(raw[pos:pos + err.start].decode("utf-8"))
            parts.append("\ufffd")
            bad.append(pos + err.start)
            pos += err.end
            if len(bad) > UTF8_MAX_BAD:
                return None
    text = "".join(parts)
    good = sum(1 for c in text if ord(c) > 0x7F) - text.count("\ufffd")
    if good < UTF8_GOOD_PER_BAD * len(bad):
        return None
    where = ", ".join(f"byte {b:,}" for b in bad[:3]) + (" …" if len(bad) > 3 else "")
    cut = " (file cut inside a character)" if bad[-1] >= len(raw) - 3 else ""
    return text, "utf-8", f"{len(bad)} invalid UTF-8 sequence(s) replaced by U+FFFD at {where}{cut}"


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:4000]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 8 or sample[0::2].count(0) > len(sample) // 8)


_TEXT_CHAR = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\x20-\x7e\n\r\t\u00b7\u25cb\u2460-\u24ff]")


def _mostly_cjk(text: str) -> bool:
    """Decoded text made almost only of Han characters, CJK punctuation and ASCII, with line breaks."""
    sample = text[:20000]
    if len(sample) < 4 or ("\n" not in sample and len(sample) > 200):
        return False
    good = len(_TEXT_CHAR.findall(sample))
    han = len(re.findall(r"[\u4e00-\u9fff]", sample))
    return good >= 0.97 * len(sample) and han >= 0.2 * len(sample)


def _plausible(text: str) -> bool:
    """Readable text: few control or private-use characters, some letters."""
    if not text.strip():
        return True
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd")
    return bad <= len(sample) // 200


def read_bytes(path: str | Path, raw: bytes) -> Source:
    """Decode raw bytes of `path` into a Source; raises InputError."""
    path = Path(path)
    if not raw:
        raise InputError(path, "empty file")
    if len(raw) > MAX_BYTES:
        raise InputError(path, f"too large: {len(raw):,} bytes (limit {MAX_BYTES:,})")
    text, encoding, *warnings = _decode(path, raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)")
    return Source(path=str(path), text=text, encoding=encoding, sha256=hashlib.sha256(raw).hexdigest(),
                  warnings=tuple(warnings), bom=int(raw.startswith(codecs.BOM_UTF8)))


def read_file(path: str | Path) -> Source:
    """Read one file; raises InputError (missing, folder, device/FIFO, too large, not text)."""
    path = Path(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(path, "is a folder; use read_corpus for folders")
        if not stat.S_ISREG(st.st_mode):  # /dev/zero never ends, a FIFO blocks until someone writes
            raise InputError(path, "not a regular file (a device, FIFO or socket)")
        if st.st_size > MAX_BYTES:
            raise InputError(path, f"too large: {st.st_size:,} bytes (limit {MAX_BYTES:,})")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # a file that grows while read is still refused, not loaded
    except OSError as err:
        raise InputError(path, f"cannot open: {err.strerror or err}") from err
    return read_bytes(path, raw)


def expand_inputs(paths) -> list[Path]:
    """Files named directly, plus the entries of any folder named (sorted; hidden ones and
    sub-folders reached by symlink skipped). Entries that are no regular files (broken links,
    FIFOs, devices) are kept so that reading reports them. A path named twice is read once."""
    out: list[Path] = []
    seen: set[str] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if not q.is_dir()
                           and not any(part.startswith(".") for part in q.relative_to(p).parts))
        else:
            found = [p]
        for q in found:
            key = os.path.realpath(q)
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


def read_corpus(paths) -> tuple[list[Source], list[InputError]]:
    """Read every file; a bad file is reported, never stops the others."""
    sources, errors = [], []
    for p in expand_inputs(paths):
        try:
            sources.append(read_file(p))
        except InputError as err:
            errors.append(err)
    return sources, errors


def bundled_gazette() -> Path:
    """The gazette shipped with kg (晋城市人民政府公报 2022 年第 6 期)."""
    return Path(__file__).resolve().parent.parent / "data" / "jincheng-gazette-2022-06.txt"
