"""Markdown without front matter: notes and articles kept as ``.md`` (the body of a post, alone).

The text is rendered by markdown-it-py (CommonMark, tables, strikethrough; inline HTML kept) and cut
into blocks as a front matter post's HTML body is (:meth:`.frontmatter.FrontMatterFormat.html_blocks`);
a heading that opens it is the headline, and the news lines under it (``来源``, bylines, ``责任编辑``)
become fields.  Sniffed by its headings (``# 标题`` at a line's start) with another Markdown construct
(emphasis, a link, a fence, a quote): below the policy template, whose headers are Markdown headings too.
"""

from __future__ import annotations

import re

import lxml.etree

from .._document import Article, Document
from . import _newsbody

_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MARKS = re.compile(r"\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)|^```|^>[ \t]|^[-*+][ \t]+\S", re.M)
SNIFF_SCORE = 0.6
"""Above plain text (0.3), below the policy template (0.95) and every markup format."""


class MarkdownFormat:
    name = "markdown"
    ceiling = SNIFF_SCORE  # the most sniff() answers: see normalize.formats.sniff

    def sniff(self, text: str) -> float:
        head = text[:20000]
        headings = len(_HEADING.findall(head))
        if headings >= 2 or (headings and _MARKS.search(head)):
            return SNIFF_SCORE
        return 0.0

    def parse(self, doc: Document) -> None:
        from .frontmatter import FORMAT as FRONTMATTER
        from .frontmatter import markdown_html, markdown_version

        blocks, _promo = FRONTMATTER.html_blocks(doc, markdown_html(doc.text))
        art = Article(fields={"type": "NewsArticle"})
        if blocks and blocks[0].kind == "h":
            head = blocks.pop(0)
            art.fields["headline"] = head.text
            _newsbody.log_removal(doc, head, "metadata.lifted", "headline")
        _newsbody.clean_article(doc, art, blocks)
        if not art.blocks:
            art.warnings.append("the Markdown holds no article text")
        doc.articles.append(art)
        doc.converters["markdown-it-py"] = markdown_version()
        doc.converters["lxml"] = ".".join(map(str, lxml.etree.LXML_VERSION[:3]))


FORMAT = MarkdownFormat()
