"""Files → decoded text. The only module that opens inputs.

Gazettes arrive as UTF-8 (with or without BOM), GB18030/GBK from government
websites, or UTF-16 from Windows tools. Byte-order marks decide first; then
strict UTF-8; then charset-normalizer, accepted only when the result is
plausibly Chinese text. Anything else is an InputError naming the file.

Damaged text is decoded, not dropped: UTF-8 or GB18030 whose broken sequences (a file cut inside
a character, stray bytes) are at most MAX_BAD_SHARE of its non-ASCII bytes decode with U+FFFD in
place of the bad bytes, and `Source.warnings` says where (the build prints it). The share, not a
count, decides: seventeen stray bytes in a 545 KB gazette are damage, a third of the bytes broken
is another encoding. A file no encoding fits is refused naming the one that came closest.

Devices and FIFOs are refused before reading, and so is a file over MAX_BYTES: the build holds
about 50 bytes of memory per input byte (a 50 MB text peaked at 2.4 GB), so larger files are
refused with that figure rather than exhaust the machine. Unreadable folders (the top one or a
sub-folder) are reported like unreadable files.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import threading
from pathlib import Path

from .errors import InputError
from .model import Source

MAX_BYTES = 64 * 1024 * 1024  # ≈ 3 GB of memory for the build (MEMORY_PER_BYTE)
MEMORY_PER_BYTE = 50  # peak build memory per byte of UTF-8 input, measured (README: Input)

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
    tried = []
    salvaged = _salvage(raw, "utf-8", tried)
    if salvaged is not None:
        return salvaged
    if raw.count(0) > len(raw) // 100:
        raise InputError(path, "binary file: contains NUL bytes and no text encoding fits")
    try:
        text = raw.decode("gb18030")
        if _plausible(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        salvaged = _salvage(raw, "gb18030", tried)
        if salvaged is not None:
            return salvaged
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None:
        text = str(best)
        if _plausible(text):
            return text, best.encoding
    raise InputError(path, "cannot decode: " + _closest(tried))


MAX_BAD_SHARE = 0.01  # broken sequences per non-ASCII byte repaired at most (≈3 % of UTF-8 Han characters)
_ASCII = bytes(range(0x80))
_SHOWN = 3  # positions of bad bytes quoted in the warning
_count = threading.local()


class _TooDamaged(Exception):
    pass


def _count_bad(err: UnicodeDecodeError):
    """codecs error handler: U+FFFD for each bad sequence, its position noted; stops past the limit."""
    _count.positions.append(err.start)
    if len(_count.positions) > _count.limit:
        raise _TooDamaged
    return "\ufffd", err.end


codecs.register_error("kg-count-bad", _count_bad)


def _salvage(raw: bytes, encoding: str, tried: list) -> tuple[str, str, str] | None:
    """`raw` decoded as `encoding` with U+FFFD for each broken sequence, when those are at most
    MAX_BAD_SHARE of the non-ASCII bytes (a sequence in the last 3 bytes, a cut, is always
    allowed) and the rest reads as Chinese text; else None, noting (encoding, bad, share) in
    `tried` for the error message. One C-speed pass; it stops once past the limit."""
    high = len(raw.translate(None, _ASCII))
    limit = int(high * MAX_BAD_SHARE) + 1
    _count.positions, _count.limit = [], limit
    try:
        text = raw.decode(encoding, errors="kg-count-bad")
        complete = True
    except _TooDamaged:
        text, complete = "", False
    bad = _count.positions
    counted = [b for b in bad if b < len(raw) - 3]
    share = len(counted) / max(1, high)
    tried.append((encoding, len(bad), share, complete))
    if not complete or not bad or len(counted) > high * MAX_BAD_SHARE:
        return None
    clean = text.replace("\ufffd", "")
    if not (_plausible(clean) and _mostly_cjk(clean + "\n")):
        tried[-1] = (encoding, len(bad), share, False)
        return None
    where = ", ".join(f"byte {b:,}" for b in bad[:_SHOWN]) + (" …" if len(bad) > _SHOWN else "")
    cut = " (file cut inside a character)" if bad[-1] >= len(raw) - 3 else ""
    name = {"utf-8": "UTF-8", "gb18030": "GB18030"}[encoding]
    return (text, encoding, f"{len(bad)} invalid {name} sequence(s) ({share:.3%} of the non-ASCII bytes) "
                            f"replaced by U+FFFD at {where}{cut}")


def _closest(tried) -> str:
    """Why no encoding fits, naming the one that came closest (fewest broken sequences)."""
    names = {"utf-8": "UTF-8", "gb18030": "GB18030"}
    reasons = []
    for enc, bad, share, complete in sorted(tried, key=lambda t: (t[2], not t[3])):
        if complete and share <= MAX_BAD_SHARE:  # few bad bytes, but the rest is no Chinese text
            reasons.append(f"as {names[enc]} it has {bad:,} invalid sequence(s) but does not read as Chinese text")
        else:
            more = "" if complete else "over "
            reasons.append(f"as {names[enc]} {more}{share:.1%} of its non-ASCII bytes are invalid "
                           f"({more}{bad:,} sequence(s); up to {MAX_BAD_SHARE:.0%} are repaired)")
    closest = f"closest is {reasons[0]}; " if reasons else ""
    return f"{closest}not UTF-8, UTF-16 or GB18030, and no other encoding gives readable text"


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
        raise InputError(path, _too_large(len(raw)))
    text, encoding, *warnings = _decode(path, raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)")
    return Source(path=str(path), text=text, encoding=encoding, sha256=hashlib.sha256(raw).hexdigest(),
                  warnings=tuple(warnings), bom=int(raw.startswith(codecs.BOM_UTF8)))


def _too_large(size: int) -> str:
    return (f"too large: {size:,} bytes (limit {MAX_BYTES:,}); building it would take about "
            f"{size * MEMORY_PER_BYTE / 2**30:.1f} GB of memory — split it into issues or documents")


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
            raise InputError(path, _too_large(st.st_size))
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # a file that grows while read is still refused, not loaded
    except OSError as err:
        raise InputError(path, f"cannot open: {err.strerror or err}") from err
    return read_bytes(path, raw)


def expand_inputs(paths) -> list[Path]:
    """Files named directly, plus the entries of any folder named (sorted; hidden ones and
    sub-folders reached by symlink skipped). Entries that are no regular files (broken links,
    FIFOs, devices) are kept so that reading reports them. A path named twice is read once."""
    return _expand(paths)[0]


def _expand(paths) -> tuple[list[Path], list[InputError]]:
    """expand_inputs, plus an InputError for each folder that could not be listed."""
    out: list[Path] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    for p in map(Path, paths):
        found = _walk(p, errors) if p.is_dir() else [p]
        for q in found:
            key = os.path.realpath(q)
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out, errors


def _walk(top: Path, errors: list) -> list[Path]:
    """Files under `top`, sorted; a folder that cannot be listed (no permission, vanished) becomes
    an InputError in `errors` instead of being skipped in silence."""
    def unreadable(err: OSError):
        errors.append(InputError(err.filename or top, f"cannot open folder: {err.strerror or err}"))

    found = []
    for folder, dirs, files in os.walk(top, onerror=unreadable):  # symlinked folders are not entered
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(folder) / f for f in files if not f.startswith("."))
    return sorted(found)


def read_corpus(paths) -> tuple[list[Source], list[InputError]]:
    """Read every file; a bad file or folder is reported, never stops the others."""
    files, errors = _expand(paths)
    sources = []
    for p in files:
        try:
            sources.append(read_file(p))
        except InputError as err:
            errors.append(err)
    return sources, errors


def bundled_gazette() -> Path:
    """The gazette shipped with kg (晋城市人民政府公报 2022 年第 6 期)."""
    return Path(__file__).resolve().parent.parent / "data" / "jincheng-gazette-2022-06.txt"
