"""``normalize fix`` on input that is not UTF-8: decoded as what it is, and said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.cli import main

TEXT = "国务院关于进一步做好稳就业工作的通知\n各省、自治区、直辖市人民政府：\n"
TRADITIONAL = "國務院關於進一步做好穩就業工作的通知\n各省、自治區、直轄市人民政府：\n"


@pytest.mark.parametrize("codec", ["gb18030", "big5", "utf-16"])
def test_fix_decodes_legacy_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str) -> None:
    text = (
        TEXT if codec != "big5" else "國務院關於進一步做好穩就業工作的通知\n各省、自治區、直轄市人民政府：\n"
    )
    src = tmp_path / "in.txt"
    src.write_bytes(text.encode(codec))
    assert main(["fix", str(src)]) == 0
    out, err = capsys.readouterr()
    assert out == text  # not U+FFFD: the file was read in its own encoding
    assert err.startswith(f"normalize fix: {src}: not UTF-8; read as ")
    assert "the output is UTF-8" in err


def test_fix_on_utf8_says_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(TEXT.encode())
    assert main(["fix", str(src)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (TEXT, "")
