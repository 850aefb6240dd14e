"""The adversarial inputs of the hostile-input tests, as a folder: small ones are kept in
tests/data/hostile/, large ones are made here at run time (a 50 MB line, a sparse 200 MB file …),
and so are those the file system must make (a FIFO, symbolic links, an unreadable file).

``python tests/data/hostile/corpus.py DIR`` builds the folder (to measure the command over it by hand,
e.g. its peak memory); tests/test_hostile_inputs.py builds it in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DATA = Path(__file__).parent

HEAD = (
    '<!DOCTYPE html><html><head><meta charset="utf-8">'
    "<title>国务院关于做好稳就业工作的通知</title></head><body>"
)
PARA = "<p>　　国务院常务会议部署进一步做好稳就业工作，要求各地区各部门狠抓落实，确保各项政策落到实处。</p>"
SENTENCE = "国务院常务会议部署进一步做好稳就业工作，要求各地区各部门狠抓落实，确保各项政策落到实处。"
MB = 1_000_000

EXPECTED: dict[str, str] = {
    # name -> what the command must say about it (a substring of its error; "" = a record, maybe degraded)
    "empty.txt": "empty file",
    "bin_image.png": "binary file (PNG image)",
    "bin_archive.zip": "binary file (ZIP archive",
    "bin_program": "binary file (executable)",
    "bin_document.pdf": "binary file (PDF)",
    "text_nul_riddled.txt": "binary file (control bytes throughout)",
    "text_some_nuls.txt": "",
    "text_invalid_utf8.txt": "",
    "text_mixed_encodings.txt": "",
    "yaml_bomb.md": "front matter expands to more than 100,000 values",
    "yaml_python_tag.md": "could not determine a constructor for the tag",
    "yaml_impossible_date.md": "",
    "yaml_title_list.md": "",
    "yaml_unclosed.md": "front matter is never closed",
    "fm_path_traversal.md": "",
    "html_deep.html": "the page nests elements 255 levels, over the limit of 255 levels (--max-html-depth)",
    "html_entities.html": "a paragraph of article 1 has a line of 200,000 characters",
    "title_1mb.md": "line 2 is 333,348 characters, over the limit of 100,000 characters (--max-line-length)",
    "one_line_50mb.txt": "the file is 50,000,001 bytes, over the limit of 33,554,432 bytes",
    "one_line_30mb.txt": "line 1 is 10,000,000 characters, over the limit of 100,000 characters",
    "huge_200mb.txt": "the file is 200,000,000 bytes, over the limit of 33,554,432 bytes",
    "fifo.txt": "a FIFO (named pipe), not a regular file; not read",
    "link_outside.txt": "outside the input folder; not read",
    "link_broken.txt": "broken symbolic link",
    "link_dir": "symbolic link to a directory",
    "unreadable.txt": "Permission denied",
}
"""What each case must give, by name under the corpus folder."""


def build(where: Path, outside: Path) -> Path:
    """Make the corpus in ``where`` (a new folder); ``outside`` is a folder beside it that the
    symbolic links point into.  Returns ``where``."""
    where.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    for name in EXPECTED:
        if (DATA / name).is_file():
            shutil.copy(DATA / name, where / name)
    (where / "empty.txt").write_bytes(b"")
    # 100,000 nested elements, and 200,000 entities in one paragraph
    (where / "html_deep.html").write_text(
        HEAD + "<div>" * 100_000 + PARA * 3 + "</div>" * 100_000 + "</body></html>", encoding="utf-8"
    )
    (where / "html_entities.html").write_text(
        HEAD + PARA + "<p>" + "&amp;&#x4e2d;&nbsp;&lt;" * 50_000 + "</p>" + PARA * 3 + "</body></html>",
        encoding="utf-8",
    )
    # a 1 MB title (333,341 characters of three bytes)
    title = ("国务院" * 111_114)[:333_341]
    (where / "title_1mb.md").write_text(f"---\ntitle: {title}\n---\n{PARA}\n", encoding="utf-8")
    line = SENTENCE.encode()
    # 50 MB in one line, cut on a character boundary: 16,666,667 characters of three bytes
    (where / "one_line_50mb.txt").write_bytes((line * (50 * MB // len(line) + 1))[: 50 * MB + 1])
    # 30 MB in 10,000,000 characters: under the size limit, so the line limit refuses it
    (where / "one_line_30mb.txt").write_bytes(("国" * 10 * MB).encode())
    with open(where / "huge_200mb.txt", "wb") as fh:  # sparse: refused from its size, never read
        fh.truncate(200 * MB)
    os.mkfifo(where / "fifo.txt")
    secret = outside / "secret.txt"
    secret.write_text(SENTENCE * 3, encoding="utf-8")
    (where / "link_outside.txt").symlink_to(secret)
    (where / "link_broken.txt").symlink_to(outside / "nothing-here.txt")
    (where / "link_dir").symlink_to(outside)
    unreadable = where / "unreadable.txt"
    unreadable.write_text(SENTENCE, encoding="utf-8")
    unreadable.chmod(0)
    return where


if __name__ == "__main__":
    target = Path(sys.argv[1])
    build(target, target.with_name(target.name + "-outside"))
    print(target)
