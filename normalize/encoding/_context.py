"""A word trigram model of Chinese in context: which character a lost byte most plausibly made.

The search of :mod:`._holes` ranks the values of lost bytes with a unigram word model (jieba's
dictionary) and a character bigram model: good at telling Chinese from garbage, weak at telling
``局`` from ``居`` after ``国务院``.  This model re-ranks, one lost byte at a time, the characters
that the search's best reading leaves possible there, by how a word trigram model likes the text
around them (six characters each side), and says how sure it is (the gap to the runner-up, in nats).

The model is libime's ``zh_CN.lm`` (fcitx5's pinyin engine: a KenLM trigram model over 165k words,
trained on simplified text; LGPL-2.1+, see ``normalize/data/zh_CN.lm.LICENSE``), shipped with the
package and read by KenLM (the ``ufal.kenlm`` wheel) through a memory map: loading costs about
2 ms, and the pages are shared by every worker of a machine.  Traditional text is scored after
OpenCC's t2s (the model knows simplified words only); the caller adds its own penalty for a
character written in the other script than the text around it.

Without KenLM or the model file the search's own ranking stands (the choices measured worse, and
doubtful ones are not flagged): :func:`available` is False and a warning says so once per process.
"""

from __future__ import annotations

import math
import re
import warnings
from functools import cache
from typing import Any

from .. import _memo
from . import _cjkscore
from ._tablefile import DATA_DIR

MODEL_FILE = DATA_DIR / "zh_CN.lm"
"""The shipped model (libime-data-language-model 1.0.16, ``/usr/lib/*/libime/zh_CN.lm``)."""
MODEL_SHA256 = "e4097ca9ca1082928c2ea7d5e368080a696611efa0714dfe563c769f26a415d2"
"""sha256 of :data:`MODEL_FILE` as shipped (checked by the tests, not at load time)."""
MAX_WORD = 4
"""Longest word tried when splitting text into the model's words (its vocabulary holds 96% of its
words at up to four characters)."""
LN10 = math.log(10.0)
WINDOW = 6
"""Characters of context each side of a re-ranked character."""

_HAN_RUN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_CLAUSE_END = frozenset("。！？；，、：!?;,:")


@cache
def _kenlm() -> Any:
    try:
        import kenlm  # type: ignore[import-not-found]  # the ufal.kenlm wheel
    except ImportError:
        return None
    return kenlm


@cache
def _model() -> Any:
    kenlm = _kenlm()
    if kenlm is None:
        _warn("KenLM (the ufal.kenlm package) is not installed")
        return None
    if not MODEL_FILE.is_file():
        _warn(f"the model file {MODEL_FILE} is missing")
        return None
    try:
        return kenlm.Model(str(MODEL_FILE))
    except (OSError, RuntimeError) as exc:  # a damaged file
        _warn(f"the model file {MODEL_FILE} cannot be read ({exc})")
        return None


def _warn(why: str) -> None:
    warnings.warn(
        f"normalize: {why}; characters whose bytes mojibake lost are chosen without the context "
        "model (less accurately, and without flagging the doubtful ones); reinstall normalize",
        RuntimeWarning,
        stacklevel=3,
    )


def available() -> bool:
    """Whether the context model is loaded (or can be)."""
    return _model() is not None


KNOWN_MEMO = 1 << 16
"""Entries of the memo below (each a short string: a few MB at most)."""
_KNOWN: dict[str, bool] = _memo.memo({})
"""Whether a string is one of the model's words (memo)."""


def _known(word: str) -> bool:
    got = _KNOWN.get(word)
    if got is None:
        got = word in _model()
        if len(_KNOWN) >= KNOWN_MEMO:
            _KNOWN.clear()
        _KNOWN[word] = got
    return got


def _run_score(text: str, bos: bool, eos: bool) -> float:
    """log10 P of ``text`` (Han characters) under the trigram model, over its best split into the
    model's words: a Viterbi pass that keeps the best model state at each position (a word of up to
    MAX_WORD characters, or a single character the model does not know).  Splitting by word
    frequency first and scoring after does worse: ``一个`` is a word, yet ``三 个`` can then beat it."""
    kenlm = _kenlm()
    model = _model()
    n = len(text)
    start = kenlm.State()
    if bos:
        model.BeginSentenceWrite(start)
    else:
        model.NullContextWrite(start)
    best: list[float] = [0.0] + [-math.inf] * n
    states: list[Any] = [start] + [None] * n
    for i in range(n):
        here = best[i]
        if here == -math.inf:
            continue
        state = states[i]
        for j in range(i + 1, min(n, i + MAX_WORD) + 1):
            word = text[i:j]
            if j > i + 1 and not _known(word):
                continue
            out = kenlm.State()
            s = here + model.BaseScore(state, word, out)
            if s > best[j]:
                best[j] = s
                states[j] = out
    total = best[n]
    if eos:
        total += model.BaseScore(states[n], "</s>", kenlm.State())
    return total


CONTINUATIONS = 16
"""At an open end, how many of the words that start with the last character (the cheapest by the word
model of :mod:`._cjkscore`) are tried as its continuation (:func:`cost`)."""


def cost(text: str, *, open_end: bool = False) -> float:
    """How unlikely ``text`` is under the model, in nats: the sum over its runs of Han characters,
    each split into words (the best split) and scored by the trigram model (a run starts or ends a
    sentence where clause punctuation stands next to it inside ``text``).  Traditional characters
    are scored as their simplified forms, and numbers as they are said (:func:`_numeral`: the model
    was trained on text typed as pinyin, where ``于2017年`` is ``于二〇一七年``, and a character next to
    a number is otherwise judged without it).  Only when :func:`available`.

    ``open_end``: the text was cut after its last character, which may begin a word that the cut
    took the rest of (``…必须把稳`` of ``把稳定``): a final Han run is also scored with each of the
    :data:`CONTINUATIONS` likeliest words that start with its last character in that character's place,
    and the best of these readings counts.  Each is a lower bound on the likelihood of the text as
    the beginning of a longer one; scored only as written, a character that ends a word (``握`` of
    ``把握``) beats any that begins one, and a text cut inside a word gets the wrong one."""
    simple = _cjkscore.to_simplified(text)
    simple = _DIGITS_RE.sub(_numeral, simple)
    total = 0.0
    for m in _HAN_RUN_RE.finditer(simple):
        s, e = m.span()
        bos = s > 0 and simple[s - 1] in _CLAUSE_END
        eos = e < len(simple) and simple[e] in _CLAUSE_END
        run = m.group(0)
        score = _run_score(run, bos, eos)
        if open_end and e == len(simple):
            for word in _continuations(run[-1]):
                score = max(score, _run_score(run[:-1] + word, bos, False))
        total += score
    return -LN10 * total


_DIGITS_RE = re.compile("[0-9]+")
_DIGIT_NAMES = "〇一二三四五六七八九"


def _numeral(m: re.Match[str]) -> str:
    """A run of digits as a reader says it: a year digit by digit (``2017年`` -> ``二〇一七年``), a
    number of up to four digits in words (``135`` -> ``一百三十五``), longer ones digit by digit."""
    digits = m.group(0)
    year = m.string.startswith("年", m.end())
    if year or len(digits) > 4 or (len(digits) > 1 and digits[0] == "0"):
        return "".join(_DIGIT_NAMES[int(d)] for d in digits)
    n = int(digits)
    if n == 0:
        return "零"
    out: list[str] = []
    for value, name in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out.append(("" if (value == 10 and q == 1 and not out) else _DIGIT_NAMES[q]) + name)
        elif out and n and not out[-1].endswith("零"):
            out.append("零")
    if n:
        out.append(_DIGIT_NAMES[n])
    return "".join(out)


def _continuations(ch: str) -> list[str]:
    """The model's words that start with ``ch`` (simplified), the likeliest first (at most
    :data:`CONTINUATIONS`)."""
    got = _CONTINUED.get(ch)
    if got is None:
        words = sorted(_cjkscore.words_from(ch).items(), key=lambda w: (w[1], w[0]))
        got = [w for w, _c in words if _known(w)][:CONTINUATIONS]
        if len(_CONTINUED) >= KNOWN_MEMO // 16:
            _CONTINUED.clear()
        _CONTINUED[ch] = got
    return got


_CONTINUED: dict[str, list[str]] = _memo.memo({})
"""Memo of :func:`_continuations`."""
