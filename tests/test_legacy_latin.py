"""GBK/GB18030 and Big5 read as Latin-1 / Windows-1252 (``ÖÐÎÄ``): restored, and Western text untouched."""

from __future__ import annotations

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252: cp1252 as browsers decode it)
import pytest

from normalize.encoding import repair
from normalize.encoding._legacylatin import readings, web_bytes

SIMPLIFIED = [
    "关于印发数据管理办法的通知",
    "国务院办公厅关于进一步做好稳就业工作的意见，各省、自治区、直辖市人民政府。",
    "2019年第3季度GDP增长6.0%，好于预期。",
    "到2020年，全国人口达到13亿人。",
]
TRADITIONAL = ["國務院辦公廳關於進一步做好穩就業工作的意見", "臺灣的經濟發展與社會變遷"]


def _browser(data: bytes) -> str:
    return data.decode("sloppy-windows-1252")  # the five undefined bytes become C1 controls


@pytest.mark.parametrize("text", SIMPLIFIED)
@pytest.mark.parametrize("reader", ["latin-1", "browser-1252"])
def test_gbk_read_as_latin_is_restored(text: str, reader: str) -> None:
    data = text.encode("gbk")
    bad = data.decode("latin-1") if reader == "latin-1" else _browser(data)
    fixed, changes = repair(bad)
    assert fixed == text
    assert {c.kind for c in changes} <= {"mojibake.gbk-as-latin1", "mojibake.gbk-as-cp1252"}


@pytest.mark.parametrize("text", TRADITIONAL)
def test_big5_read_as_cp1252_is_restored(text: str) -> None:
    fixed, changes = repair(_browser(text.encode("big5")))
    assert fixed == text
    assert changes and all(c.kind.startswith("mojibake.big5-as-") for c in changes)


def test_no_cyrillic_damage() -> None:
    # ftfy alone reads this as UTF-8 in cp1252 and inserts Cyrillic and Armenian letters
    fixed, changes = repair("ÅäÖÃ¸Ä¸ïµÄÍ¨Öª")
    assert fixed == "配置改革的通知"
    assert [c.kind for c in changes] == ["mojibake.gbk-as-latin1"]


def test_a_line_in_a_clean_file() -> None:
    clean = "第一段文字保持不变。\n" + SIMPLIFIED[1] + "\n最后一段。"
    bad = "第一段文字保持不变。\n" + SIMPLIFIED[1].encode("gbk").decode("latin-1") + "\n最后一段。"
    assert repair(bad)[0] == clean


@pytest.mark.parametrize(
    "text",
    [
        "Müller und Söhne GmbH, Größe 42",
        "café crème brûlée à la française",
        "€100 × 3 = €300; 5 ÷ 2",
        "«Bonjour», dit-il. Øresund, Straße, Æther, þorn",
        "São Paulo e Bogotá; naïve Zoë façade",
        "北京（Müller & Söhne）报道：café 与 crème",
    ],
)
def test_western_european_text_is_never_touched(text: str) -> None:
    assert readings(text) == []
    assert repair(text) == (text, [])


def test_utf8_latin_mojibake_still_goes_to_ftfy() -> None:
    # a single Han reading inside a Latin word (H|Ã´|tel) is not Chinese
    fixed, changes = repair("HÃ´tel de Police")
    assert fixed == "Hôtel de Police"
    assert changes[0].kind.startswith("mojibake.utf8-as-")


def test_web_bytes_undoes_both_readings() -> None:
    data = bytes(range(0x80, 0x100))
    assert web_bytes(data.decode("latin-1")) == data
    assert web_bytes(_browser(data)) == data
    assert web_bytes("中") is None


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("支持VoIP、IM軟件，也支持網頁瀏覽", "big5"),
        ("《N．P》裡的阿根廷，是吉本芭娜娜筆下的世界", "big5"),
        ("而且他做E—mail，每天回复几十封信", "gbk"),
        ("韵母的“g，k，h”声母已经腭化", "gbk"),
    ],
)
def test_full_width_punctuation_between_latin_letters_is_restored(text: str, codec: str) -> None:
    """A lone double-byte punctuation mark between two Latin letters (VoIP|¡¢|IM) is no Latin word's
    letter: in a line read through the same wrong decoder it is re-read with the rest."""
    bad = text.encode(codec).decode("latin-1")
    fixed, _changes = repair(bad)
    assert fixed == text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("拥有一块集合了存储以及WLAN的SD卡，用户就不仅仅是能够存储数据。", "gbk"),
        ("我们支持WLAN的SD卡和USB的接口。", "gbk"),
        ("唔識睇o個d就唔好講啦，大家都係咁。", "big5hkscs"),
    ],
)
@pytest.mark.parametrize("reader", ["latin-1", "browser-1252"])
def test_one_character_between_latin_letters_follows_its_line(text: str, codec: str, reader: str) -> None:
    """A lone Han character between two Latin letters (WLAN|µÄ|SD) is not read alone (it may be a Latin
    word's letter, H|Ã´|tel); in a line whose codec the other runs establish, it went through the same
    decoder and is re-read when it reads clearly better so."""
    data = text.encode(codec)
    bad = data.decode("latin-1") if reader == "latin-1" else _browser(data)
    fixed, changes = repair(bad)
    assert fixed == text
    assert all(c.applied for c in changes)
