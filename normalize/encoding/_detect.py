"""Encoding detection for Chinese text files.

Order of evidence: byte-order mark; UTF-16/32 by the pattern of NUL bytes; a
declared charset (``-*- coding -*-``, ``<meta charset>``, XML ``encoding=``)
checked against the bytes; HZ (ASCII-only files); strict UTF-8, weighed against
the legacy codecs when they decode the bytes too (short bytes are valid UTF-8 by
chance: :func:`_with_utf8`); then the candidates (gb18030, big5hkscs/cp950,
EUC-TW where the C library's iconv has it, UTF-16 without BOM) decoded strictly
and scored with the Chinese plausibility model of :mod:`._cjkscore`, with chardet's
guess as one more piece of evidence where the model is unsure.  Stray C0 control bytes
are ignored (they are stripped by :func:`normalize.encoding.decode`).  A file that no single codec decodes is
analysed line by line and reported as regions.
"""

from __future__ import annotations

import math
import re
import unicodedata

from .._document import Detection
from . import _cjkscore, _euctw
from ._labels import codec_for_label

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_BOM_NAMES = {
    b"\xef\xbb\xbf": "utf-8",
    b"\xff\xfe\x00\x00": "utf-32-le",
    b"\x00\x00\xfe\xff": "utf-32-be",
    b"\xff\xfe": "utf-16-le",
    b"\xfe\xff": "utf-16-be",
}
CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]+")
"""C0 control bytes other than tab, LF, CR and FF (stray in text files)."""
_DECL_RES = (
    ("xml", re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']\s*([A-Za-z0-9_.:-]{2,40})", re.I)),
    ("meta", re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.I)),
    ("coding", re.compile(rb"coding[:=]\s*([A-Za-z0-9_.-]{2,40})")),
)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20)])
_HIGH_RE = re.compile(rb"[\x80-\xff]")
SAMPLE_BYTES = 6000
LEGACY = ("gb18030", "big5hkscs", "cp950")


def strip_controls(data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """``data`` without stray C0 control bytes, and the removed (start, end) byte ranges."""
    if len(data.translate(None, _CONTROL_BYTES)) == len(data):  # the common case, at C speed
        return data, []
    spans = [m.span() for m in CONTROL_RE.finditer(data)]
    return CONTROL_RE.sub(b"", data), spans


def decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _sample(data: bytes, limit: int = SAMPLE_BYTES) -> bytes:
    """A prefix of about ``limit`` bytes cut after a byte that cannot be inside a character."""
    if len(data) <= limit:
        return data
    cut = limit
    floor = max(0, limit - 400)
    while cut > floor and data[cut - 1] >= 0x40:
        cut -= 1
    return data[: cut if cut > floor else limit]


def score(data: bytes, codec: str) -> float:
    """Model cost of the (sampled) bytes decoded with ``codec``; replacement characters cost extra."""
    text = data.decode(codec, errors="replace")
    return _cjkscore.cost(_weighted(text))


def _weighted(text: str) -> str:
    # Long ASCII runs (markup) carry no information about the CJK codec: keep at most 8 chars of each.
    return re.sub(r"[\x00-\x7f]{9,}", lambda m: m.group(0)[:8], text)


def _declaration(head: bytes) -> tuple[str, str] | None:
    for _kind, rx in _DECL_RES:
        m = rx.search(head)
        if m:
            label = m.group(1).decode("ascii", "replace")
            return label, codec_for_label(label) or ""
    return None


def _nul_pattern(data: bytes) -> Detection | None:
    """UTF-16/32 without BOM, recognised by where the NUL bytes are."""
    n = len(data)
    nuls = data.count(0)
    if n < 4 or nuls == 0 or nuls < n // 8:
        return None
    if n % 4 == 0:
        for enc, pos in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
            if all(data[p::4].count(0) >= 0.9 * (n // 4) for p in pos) and decodes(data, enc):
                return Detection(enc, 0.99, [f"nul-pattern:{enc}", "verified:strict"])
    if n % 2 == 0:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        for enc, hit, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if hit and hit >= n // 8 and other * 4 <= hit and decodes(data, enc):
                return Detection(enc, 0.98, [f"nul-pattern:{enc}", "verified:strict"])
    return None


UTF8_CHANCE = 0.17
"""How often a character of legacy Chinese text happens to be valid UTF-8 as well: 17% of GB18030
characters weighted by use (a lead byte C2-DF followed by a trail 80-BF; Big5: 0.8%), counted over
the characters of jieba's dictionary.  Bytes that are valid UTF-8 by chance are short: each further
multi-byte sequence makes it rarer."""
UTF8_STRUCTURE = math.log(1.0 / UTF8_CHANCE)
"""Evidence (nats) for UTF-8 in each multi-byte sequence of bytes that decode as strict UTF-8."""
UTF8_PRIOR = 3.0
"""Evidence (nats) for UTF-8 before the bytes are read: it is the common encoding of files today, and
the model prices letters of other scripts (accented Latin, Greek, Cyrillic) as rare in *Chinese* text,
so a word such as ``café`` must not become ``caf茅`` on a small difference of cost."""


def _confidence(margin: float) -> float:
    """Map a cost margin (nats) between the best and second-best candidate to 0..1."""
    return round(1.0 / (1.0 + math.exp(-(margin - 4.0) / 3.0)), 3)


CHARDET_BELOW = 0.9
"""chardet's guess is recorded as evidence only when the model's confidence is below this: it never
decides, and a pure-Python pass over 4 KB costs about 20 ms, more than the rest of the pipeline on
a typical document (bench/RESULTS.md)."""


def _chardet_evidence(sample: bytes) -> str | None:
    try:
        import chardet
    except ImportError:  # pragma: no cover - chardet is a dependency
        return None
    res = chardet.detect(sample)
    enc = res.get("encoding")
    if not enc:
        return "chardet:none"
    return f"chardet:{str(enc).lower()} {float(res.get('confidence') or 0):.2f}"


def _candidates(
    raw: bytes, clean: bytes, *, utf16: bool = True, rank_one: bool = True, settle: bool = False
) -> list[tuple[float, str, bytes]]:
    """(cost, codec, bytes) for each candidate that decodes the whole input strictly, best first
    (without ``utf16``: only the codecs that read ASCII as ASCII).  Without ``rank_one`` a lone
    candidate is not scored (its cost is 0.0): there is nothing to rank it against, and scoring
    a sample costs about 6 ms.  With ``settle`` (for callers that only rank the candidates and take
    the margin's confidence) the candidates are first scored on :data:`SETTLE_BYTES`; when one
    leads every other there by :data:`SETTLED` nats, those costs are returned."""
    found: list[tuple[str, bytes]] = []
    for codec in LEGACY:
        if codec == "cp950" and any(c == "big5hkscs" for c, _b in found):
            continue
        if decodes(clean, codec):
            found.append((codec, clean))
    if _euctw.available() and decodes(clean, _euctw.NAME):  # through iconv, where the C library has it
        found.append((_euctw.NAME, clean))
    if utf16 and len(raw) % 2 == 0:
        found += [(codec, raw) for codec in ("utf-16-le", "utf-16-be") if decodes(raw, codec)]
    if len(found) == 1 and not rank_one:
        return [(0.0, found[0][0], found[0][1])]
    if settle and len(found) > 1 and len(clean) > SETTLE_BYTES:
        out = _scored(found, SETTLE_BYTES)
        if out[1][0] - out[0][0] >= SETTLED:
            return out
    return _scored(found, SAMPLE_BYTES)


def _scored(found: list[tuple[str, bytes]], limit: int) -> list[tuple[float, str, bytes]]:
    out = [
        (score(b[: limit & ~1] if codec.startswith("utf-16") else _sample(b, limit), codec), codec, b)
        for codec, b in found
    ]
    out.sort(key=lambda t: t[0])
    return out


SETTLE_BYTES = 1500
SETTLED = 300.0
"""A lead (nats) on the first :data:`SETTLE_BYTES` that the rest of the sample is not scored for: ten
times the margin at which :func:`_confidence` reaches 1.0 (27 nats).  A legacy file that decodes strictly
in another legacy codec too reads as garbage there: on the 40 Big5 files of the bench corpus the Big5
reading led by 4,398-7,975 nats at 1,500 bytes and by 8,946-31,525 on the whole sample, and scoring
both readings of the whole sample took some 20 ms a file."""


def _utf8_structure(clean: bytes) -> float:
    """What strict UTF-8 validity of the (sampled) bytes is worth against a legacy reading: the
    prior plus :data:`UTF8_STRUCTURE` per multi-byte sequence."""
    text = _sample(clean).decode("utf-8")
    return UTF8_PRIOR + UTF8_STRUCTURE * sum(1 for ch in text if ch >= "\x80")


def _script(ch: str) -> str:
    """The script of a letter, as the first word of its Unicode name (``LATIN``, ``GREEK``, ``CYRILLIC``)."""
    return unicodedata.name(ch, "").partition(" ")[0]


MIN_WORD = 3
"""Letters of one script in a row that make a word.  Two legacy characters that happen to be valid
UTF-8 spell two letters, as often as not of one script (neighbouring lead bytes fall in one Unicode
block: ``一一`` in GB18030 reads ``һһ``); three in a row are rarer by another factor of
:data:`UTF8_CHANCE`, and a real word of another script is seldom shorter."""


def _utf8_cost(text: str) -> float:
    """Model cost of a UTF-8 reading, a letter inside a word of its own script priced as an ASCII letter.

    The model prices a letter of another script as rare in Chinese text, and a stray one is.  Inside a
    word of its script (the ``é`` of ``café``, the ``ривет`` of ``Привет``) a letter is ordinary: pricing
    each as a stray would let whatever Chinese characters two bytes of the word happen to spell in a
    legacy codec outbid it.  Letters that make no word (``ѧϰ``: a Cyrillic, then a Greek letter) keep
    their price."""
    discount = 0.0
    run: list[str] = []
    for ch in text + " ":
        if ch.isalpha() and run and _script(ch) == _script(run[-1]):
            run.append(ch)
            continue
        if len(run) >= MIN_WORD:
            for letter in run:
                if letter >= "\x80" and not _cjkscore.is_han(letter):
                    discount += max(0.0, _cjkscore.char_class_cost(letter) - _cjkscore.OTHER_COST["ascii"])
        run = [ch] if ch.isalpha() else []
    return _cjkscore.cost(_weighted(text)) - discount


def _with_utf8(clean: bytes, rivals: list[tuple[float, str, bytes]]) -> list[tuple[float, str, bytes]]:
    """Bytes valid as UTF-8 and as other codecs: every reading on one scale, best first.

    The model cost of each reading, plus for the other codecs what the UTF-8 structure says against
    them (:func:`_utf8_structure`): a long text is valid UTF-8 by chance almost never, so strict UTF-8
    stands whatever the model thinks; four bytes are, often (``学习`` in GB18030 reads ``ѧϰ``), and
    then a Cyrillic and a Greek letter lose to a common Chinese word."""
    against = _utf8_structure(clean)
    out = [(_utf8_cost(_sample(clean).decode("utf-8")), "utf-8", clean)]
    out += [(cost + against, codec, b) for cost, codec, b in rivals]
    out.sort(key=lambda t: t[0])
    return out


def detect(data: bytes) -> Detection:
    """Detect the encoding of ``data`` (see the module docstring for the order of evidence).

    Returns a :class:`~normalize._document.Detection` whose ``encoding`` Python can decode
    with (never gb2312/gbk/big5), a confidence in 0..1, the evidence in order of use, the
    declared label if any, and for mixed files the (byte start, byte end, encoding) regions.
    """
    if not data:
        return Detection("utf-8", 0.0, ["empty"])
    for bom, codec in BOMS:
        if data.startswith(bom):
            name = _BOM_NAMES[bom]
            ok = decodes(data, codec)
            return Detection(codec, 1.0 if ok else 0.9, [f"bom:{name}"] + ([] if ok else ["invalid-bytes"]))
    nul = _nul_pattern(data)
    if nul is not None:
        return nul
    clean, removed = strip_controls(data)
    evidence: list[str] = [f"control-bytes:{sum(e - s for s, e in removed)}"] if removed else []
    high = _HIGH_RE.search(clean) is not None
    decl = _declaration(clean[:4096])
    declared = decl[0] if decl else None
    utf8_ok = decodes(clean, "utf-8")

    if decl is not None:
        label, codec = decl
        if not codec:
            evidence.append(f"declaration:{label} unknown")
        elif codec in ("utf-8", "cp1252") and utf8_ok:
            # an ASCII-compatible single-byte or UTF-8 label on bytes that are valid UTF-8: UTF-8
            note = "verified:strict" if codec == "utf-8" else "contradicted:valid utf-8"
            evidence += [f"declaration:{label} -> {codec}", note]
            return Detection("utf-8", 0.99, evidence, declared=declared)
        elif codec in LEGACY or codec in ("hz", _euctw.NAME):
            if decodes(clean, codec) and (high or codec == "hz"):
                evidence += [f"declaration:{label} -> {codec}", "verified:strict"]
                # check the declaration against the alternatives: accept unless clearly implausible
                cands = _candidates(data, clean, rank_one=False)
                own = next((s for s, c, _b in cands if c == codec), None)
                if codec == "hz" or own is None or not cands or own - cands[0][0] < 40.0:
                    return Detection(codec, 0.99, evidence, declared=declared)
                evidence.append(f"contradicted:cjk-score prefers {cands[0][1]}")
            elif not high:
                evidence += [f"declaration:{label} -> {codec}", "ascii-only"]
            else:
                evidence.append(f"declaration:{label} -> {codec} contradicted:invalid bytes")
        elif codec not in ("utf-8",) and decodes(clean, codec) and not high:
            evidence.append(f"declaration:{label} -> {codec}")
        else:
            evidence.append(f"declaration:{label} -> {codec} unverified")

    if not high:
        if b"~{" in clean and decodes(clean, "hz"):
            text = clean.decode("hz")
            if any("\u4e00" <= ch <= "\u9fff" for ch in text):
                evidence += ["hz-escapes", "verified:strict"]
                return Detection("hz", 0.95, evidence, declared=declared)
        if len(data) % 2 == 0 and len(data) >= 4:
            cands = [c for c in _candidates(data, clean) if c[1].startswith("utf-16")]
            if cands:
                ascii_cost = score(_sample(clean), "ascii")
                if cands[0][0] + 10.0 < ascii_cost:
                    evidence += [f"cjk-score:{cands[0][1]}", "verified:strict"]
                    return Detection(cands[0][1], _confidence(ascii_cost - cands[0][0]), evidence, declared)
        evidence.append("ascii")
        return Detection("utf-8", 1.0 if not removed else 0.95, evidence, declared=declared)

    if utf8_ok:
        evidence.append("utf-8:strict")
        # the rivals are the codecs that read ASCII as ASCII: they differ from UTF-8 just where the high
        # bytes are (UTF-16 pairs ASCII bytes up into ideographs, which would outprice any Latin text)
        rivals = _candidates(data, clean, utf16=False)
        if not rivals:  # no other reading: nothing to weigh
            return Detection("utf-8", 0.99, evidence, declared=declared)
        cands = _with_utf8(clean, rivals)
    else:
        cands = _candidates(data, clean, rank_one=False, settle=True)
    if cands:
        best_cost, best, _b = cands[0]
        margin = (cands[1][0] - best_cost) if len(cands) > 1 else 40.0
        evidence += [f"strict:{'/'.join(c for _s, c, _b in cands)}", f"cjk-score:{best}"]
        confidence = _confidence(margin)
        if confidence < CHARDET_BELOW:  # a second opinion where ours is unsure (it costs ~20 ms)
            cd = _chardet_evidence(_sample(clean, 4096))
            if cd:
                evidence.append(cd)
        det = Detection(best, min(confidence, 0.99) if best == "utf-8" else confidence, evidence, declared)
        if best in LEGACY:
            _utf8_lines(clean, data, removed, det)
        return det
    return _mixed(data, evidence, declared)


def _line_spans(data: bytes) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(data)
    while start < n:
        nl = data.find(b"\n", start)
        end = n if nl < 0 else nl + 1
        spans.append((start, end))
        start = end
    return spans


def _best_line_codec(line: bytes) -> str | None:
    clean, _ = strip_controls(line)
    if not _HIGH_RE.search(clean):
        return None
    if decodes(clean, "utf-8"):
        rivals = [(score(clean, codec), codec, clean) for codec in LEGACY if decodes(clean, codec)]
        if not rivals or _with_utf8(clean, rivals)[0][1] == "utf-8":  # weighed as a whole file is
            return "utf-8"
    best: tuple[int, float, str] | None = None
    for codec in LEGACY:
        text = clean.decode(codec, errors="replace")
        key = (text.count("\ufffd"), score(clean, codec), codec)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def _merge(spans: list[tuple[int, int, str | None]], default: str) -> list[tuple[int, int, str]]:
    regions: list[tuple[int, int, str]] = []
    for s, e, enc in spans:
        code = enc or (regions[-1][2] if regions else None)
        if code is None:
            code = next((c for _s, _e, c in spans if c), default)
        if regions and regions[-1][2] == code and regions[-1][1] == s:
            regions[-1] = (regions[-1][0], e, code)
        else:
            regions.append((s, e, code))
    return regions


def _mixed(data: bytes, evidence: list[str], declared: str | None) -> Detection:
    """No codec decodes the whole file: decide line by line."""
    spans = [(s, e, _best_line_codec(data[s:e])) for s, e in _line_spans(data)]
    sizes: dict[str, int] = {}
    for s, e, enc in spans:
        if enc:
            sizes[enc] = sizes.get(enc, 0) + e - s
    main = max(sizes, key=lambda k: sizes[k]) if sizes else "utf-8"
    regions = _merge(spans, main)
    evidence.append("per-line")
    if len(sizes) <= 1:
        evidence.append(f"invalid-bytes:{main}")
        return Detection(main, 0.6, evidence, declared=declared)
    evidence.append("mixed:" + "+".join(sorted(sizes, key=lambda k: -sizes[k])))
    return Detection(main, 0.7, evidence, declared=declared, regions=regions)


def _utf8_lines(clean: bytes, data: bytes, removed: list[tuple[int, int]], det: Detection) -> None:
    """A legacy file that decodes as a whole may still hold lines in UTF-8: record them as regions."""
    spans: list[tuple[int, int, str | None]] = []
    found = False
    for s, e in _line_spans(data):
        line, _ = strip_controls(data[s:e])
        if not _HIGH_RE.search(line):
            spans.append((s, e, None))
            continue
        if (
            len(line) >= 6
            and decodes(line, "utf-8")
            and score(line, "utf-8") + 5.0 < score(line, det.encoding)
        ):
            found = True
            spans.append((s, e, "utf-8"))
        else:
            spans.append((s, e, det.encoding))
    if found:
        det.regions = _merge(spans, det.encoding)
        det.evidence.append("mixed:" + det.encoding + "+utf-8")
        det.confidence = min(det.confidence, 0.8)
