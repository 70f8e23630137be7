"""The encoding of an input file: UTF-8 (with or without a byte-order mark), else valid Shift_JIS, or as forced.

Japanese Excel saves "CSV (comma delimited)" in Shift_JIS (Windows code page 932). The file's
first non-ASCII text decides: when it is UTF-8 (a few characters of it before any byte that is
not, or no non-ASCII text at all), the file is read as UTF-8; otherwise, when the whole file is
valid cp932 Japanese text, it is read as cp932 and the caller is told (a notice on standard
error). Anything else is read as UTF-8, so that each line that is not becomes an error of its own
with a hint naming `--encoding cp932` (a UTF-8 file with a damaged byte further on is never read
as Shift_JIS). `--encoding NAME` skips the guess. Reading is by chunks, ASCII ones skipped without
decoding: memory stays bounded, and a UTF-8 file is read only up to its first Japanese text.
"""
from __future__ import annotations

import codecs
import os
import re
from typing import IO, Callable

from ..i18n import N_

CHUNK = 1 << 20  # bytes read at a time while looking
# What Python's cp932 decodes but no Japanese text holds: NUL, the C1 controls (single bytes 0x80,
# 0xA0, 0xFD–0xFF map to U+0080 and to private-use U+F8F0–U+F8F3): bytes of another kind of file.
_NOT_TEXT = re.compile("[\x00\x80-\x9f\uf8f0-\uf8f3]")


def check_encoding(name: str) -> str:
    """The codec name for `--encoding NAME`; ValueError when unknown or not ASCII-compatible."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(N_("unknown encoding {name} (try cp932, shift_jis, euc_jp or utf-8)", name=repr(name))) from None
    if "\n,\"".encode(info.name, "replace") != b"\n,\"":
        raise ValueError(N_("the encoding {name} cannot be read line by line (use an ASCII-compatible one)",
                            name=repr(name)))
    return info.name


EVIDENCE = 16  # bytes of valid multi-byte UTF-8 (8 kana or kanji) that make a file UTF-8 despite a bad byte


def _first_text_is_utf8(stream: IO[bytes]) -> bool:
    """Whether the stream's text is UTF-8, judged on its first megabyte of non-ASCII text (all ASCII
    counts as UTF-8): true when that decodes, or when at least EVIDENCE bytes of UTF-8 text come before
    the first byte that does not (a damaged UTF-8 file, not Shift_JIS, whose characters rarely form
    even one valid UTF-8 sequence). ASCII chunks before it are skipped without decoding."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    evidence = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return evidence >= EVIDENCE
            return True
        if chunk.isascii() and not decoder.getstate()[0] and not evidence:
            continue
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            before = chunk[: max(0, exc.start - pending)].decode("utf-8", "ignore")
            return evidence + len(before.encode("utf-8")) - len(before) >= EVIDENCE
        evidence += len(text.encode("utf-8")) - len(text)
        if evidence >= EVIDENCE:
            return True


def _valid_cp932(stream: IO[bytes]) -> bool:
    """Whether the whole stream is Japanese text in cp932."""
    decoder = codecs.getincrementaldecoder("cp932")()
    while True:
        chunk = stream.read(CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            return False
        if _NOT_TEXT.search(text):
            return False
        if not chunk:
            return True


def sniff(stream: IO[bytes]) -> str:
    """"utf-8" or "cp932" for a seekable byte stream (left at its start); ValueError for UTF-16.

    >>> import io
    >>> sniff(io.BytesIO("事案番号,受付日時\\n".encode("cp932"))), sniff(io.BytesIO("事案番号\\n".encode()))
    ('cp932', 'utf-8')
    """
    start = stream.tell()
    try:
        if stream.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise ValueError(N_("the file is UTF-16 text (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" "
                                "and read that file"))
        stream.seek(start)
        if _first_text_is_utf8(stream):
            return "utf-8"
        stream.seek(start)
        return "cp932" if _valid_cp932(stream) else "utf-8"
    finally:
        stream.seek(start)


def resolve(path: str, forced: str | None, notice: Callable[[str], None] | None = None) -> str:
    """The encoding to read the file at `path` in: `forced` (from --encoding) if given, else the
    guess above (standard input, `-`, and other files that are not regular — pipes — are UTF-8 unless
    forced); a Shift_JIS guess is told to `notice`.
    ValueError (a marked message naming the file) for a file in UTF-16."""
    if forced is not None:
        return forced
    if path == "-" or path.lower().endswith((".xlsx", ".xlsm")) or not os.path.isfile(path):
        return "utf-8"  # standard input, a pipe (/dev/stdin, <(…)): read once, so not looked at first
    with open(path, "rb") as stream:
        try:
            found = sniff(stream)
        except ValueError as exc:
            raise ValueError(N_("{path}: {problem}", path=path, problem=exc.args[0])) from None
    if found != "utf-8" and notice is not None:
        notice(N_("{path} is not UTF-8 but is valid Shift_JIS (cp932), as Japanese Excel saves CSV: "
                  "read as Shift_JIS (--encoding NAME chooses another encoding)", path=path))
    return found
