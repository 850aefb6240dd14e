"""EUC-TW (CNS 11643), which Python has no codec for, through the C library's iconv.

glibc and GNU libiconv both convert EUC-TW.  The codec is registered under the name ``euc-tw``
when this module is imported (``normalize.encoding`` imports it), and found wherever the C library
has a working converter; without one, EUC-TW simply stays out of the candidates (detection then
behaves as before).  Decoding converts the longest valid prefix at a time, so an invalid sequence
is reported at its byte offset, as Python's own codecs do.
"""

from __future__ import annotations

import codecs
import ctypes
import ctypes.util
import errno
from functools import cache

NAME = "euc-tw"
_CHUNK = 1 << 16


class _Iconv:
    def __init__(self) -> None:
        # the symbols the interpreter is linked with first: glibc's iconv is there, and
        # ``find_library`` runs ``ldconfig -p`` in a child process (a fork of a pool worker)
        lib = ctypes.CDLL(None, use_errno=True)
        if not hasattr(lib, "iconv_open"):
            lib = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        if not hasattr(lib, "iconv_open"):  # macOS keeps it in libiconv
            lib = ctypes.CDLL(ctypes.util.find_library("iconv"), use_errno=True)
        self.open = lib.iconv_open
        self.open.restype = ctypes.c_void_p
        self.open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.conv = lib.iconv
        self.conv.restype = ctypes.c_size_t
        pp = ctypes.POINTER(ctypes.c_char_p)
        ps = ctypes.POINTER(ctypes.c_size_t)
        self.conv.argtypes = [ctypes.c_void_p, pp, ps, pp, ps]
        self.close = lib.iconv_close
        self.close.argtypes = [ctypes.c_void_p]

    def convert(self, data: bytes, src: str, dst: str) -> tuple[bytes, int, int]:
        """(converted bytes, bytes of ``data`` consumed, errno or 0): stops at the first invalid or
        incomplete sequence.

        No object this makes refers to another: iconv is handed plain addresses (``data`` itself,
        never written, and one output buffer), where ``ctypes.cast`` ties its result and the buffer
        into a reference cycle that only the cyclic collector frees (a 64 KiB buffer and an array
        type left to it per call: detection tries EUC-TW on most legacy-encoded documents)."""
        cd = self.open(dst.encode(), src.encode())
        if cd in (None, ctypes.c_void_p(-1).value):
            raise LookupError(f"iconv cannot convert {src} to {dst}")
        try:
            out = bytearray()
            outbuf = _Buffer()
            start = ctypes.addressof(outbuf)
            inptr = ctypes.c_char_p(data)
            inleft = ctypes.c_size_t(len(data))
            err = 0
            while inleft.value:
                outptr = ctypes.c_char_p(start)
                outleft = ctypes.c_size_t(_CHUNK)
                r = self.conv(
                    cd, ctypes.byref(inptr), ctypes.byref(inleft), ctypes.byref(outptr), ctypes.byref(outleft)
                )
                out += ctypes.string_at(start, _CHUNK - outleft.value)
                if r == ctypes.c_size_t(-1).value:
                    e = ctypes.get_errno()
                    if e == errno.E2BIG:
                        continue
                    err = e or errno.EILSEQ
                    break
            return bytes(out), len(data) - inleft.value, err
        finally:
            self.close(cd)


_Buffer = ctypes.c_char * _CHUNK
"""The output buffer's type (made once: ctypes makes a new array type for each length asked)."""


@cache
def _iconv() -> _Iconv | None:
    try:
        conv = _Iconv()
        text, used, err = conv.convert(b"\xc4\xa1", "EUC-TW", "UTF-8")  # CNS 11643 plane 1: 一
    except (OSError, AttributeError, LookupError, TypeError):  # TypeError: no CDLL(None) (Windows)
        return None
    return conv if (text, used, err) == ("一".encode(), 2, 0) else None


def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
    conv = _iconv()
    if conv is None:
        raise LookupError("no EUC-TW converter (iconv) on this system")
    parts: list[str] = []
    pos = 0
    while pos < len(data):
        out, used, err = conv.convert(bytes(data[pos:]), "EUC-TW", "UTF-8")
        parts.append(out.decode("utf-8"))
        pos += used
        if not err:
            break
        reason = "incomplete multibyte sequence" if err == errno.EINVAL else "illegal multibyte sequence"
        if errors == "strict":
            raise UnicodeDecodeError(NAME, bytes(data), pos, pos + 1, reason)
        if errors == "replace":
            parts.append("\ufffd")
        elif errors != "ignore":
            raise ValueError(f"unsupported error handler {errors!r} for {NAME}")
        pos += 1
    return "".join(parts), len(data)


def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    conv = _iconv()
    if conv is None:
        raise LookupError("no EUC-TW converter (iconv) on this system")
    data = text.encode("utf-8")
    out, used, err = conv.convert(data, "UTF-8", "EUC-TW")
    if err:
        start = len(data[:used].decode("utf-8"))
        raise UnicodeEncodeError(NAME, text, start, start + 1, "character not in CNS 11643 (EUC-TW)")
    return out, len(text)


class _IncrementalDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:  # type: ignore[override]
        if final:
            return decode(data, errors)
        # keep a possibly incomplete character (up to 4 bytes) for the next call
        keep = 0
        while keep < min(4, len(data)) and data[len(data) - 1 - keep] >= 0x80:
            keep += 1
        text, _ = decode(data[: len(data) - keep], errors)
        return text, len(data) - keep


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-").lower() not in (NAME, "euctw", "x-euc-tw", "cns11643"):
        return None
    if _iconv() is None:
        return None
    return codecs.CodecInfo(
        encode=encode,
        decode=decode,  # type: ignore[arg-type]
        incrementaldecoder=_IncrementalDecoder,
        name=NAME,
    )


codecs.register(_search)  # finds nothing where the C library has no EUC-TW converter


def available() -> bool:
    """Whether EUC-TW can be decoded here (then ``bytes.decode("euc-tw")`` works)."""
    return _iconv() is not None
