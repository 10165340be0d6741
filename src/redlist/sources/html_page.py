"""Official web pages (the DHS UFLPA Entity List, the FCC Covered List): strict decoding, safe
parsing, and their tables with the headings written above them.

A page is decoded with the charset it declares (byte-order mark, ``<meta charset>`` or
``http-equiv`` in its first 4 KiB), else as UTF-8, and refused when it does not decode: a page
misread in the wrong charset would change names silently. A page without its closing ``</html>``
is refused as truncated. lxml's HTML parser reads it with network access off; HTML has no entity
declarations of its own, and a page that carries a DTD internal subset (``<!ENTITY``) is refused.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from redlist.errors import SourceError

_BLOCK = frozenset({"p", "div", "li", "br", "tr", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "caption"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2002\u2003\u2009]+")


@dataclass(slots=True)
class HtmlTable:
    """One ``<table>`` of a page: the text above it, its header cells and its data rows."""

    line: int  # source line of the <table> tag
    context: str  # the caption and the headings and paragraphs between the previous table and this one
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (source line, cell texts)
    notes: str = ""  # text after the table, up to the next table or heading (footnotes)


def decode_page(data: bytes | None, *, source: str, file: str) -> str:
    """The page's text in the charset it declares (else UTF-8); SourceError when it cannot be read."""
    if data is None:
        raise SourceError("file missing from the publication", source=source, file=file)
    if not data.strip():
        raise SourceError("the page is empty", source=source, file=file)
    charset, bom = _declared_charset(data)
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        raise SourceError(
            f"the page declares an unknown charset {charset!r}", source=source, file=file
        ) from None
    try:
        text = data[len(bom) :].decode(codec.name)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"the page is not valid {charset} (byte {exc.start}: {exc.reason}); refused rather than misread",
            source=source,
            file=file,
            line=line,
        ) from None
    if re.search(r"<!ENTITY", text, re.IGNORECASE):
        raise SourceError("the page declares entities (<!ENTITY); refused", source=source, file=file)
    if not re.search(r"</html\s*>", text[-4096:], re.IGNORECASE):
        raise SourceError(
            "the page ends before </html> (truncated download?)",
            source=source,
            file=file,
            line=text.count("\n") + 1,
        )
    return text


def _declared_charset(data: bytes) -> tuple[str, bytes]:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return name, bom
    m = _META_CHARSET.search(data[:4096])
    if m:
        return m[1].decode("ascii").lower(), b""
    return "utf-8", b""


def parse_page(text: str, *, source: str, file: str) -> etree._Element:
    """The page's element tree (lxml, network off, comments and processing instructions dropped)."""
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"unreadable HTML: {exc}", source=source, file=file) from None
    return root


def cell_text(el: etree._Element) -> str:
    """An element's text with line breaks where the page breaks lines (``<br>``, paragraphs,
    list items) and spaces normalised within each line."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            if node.tail:
                parts.append(node.tail)
            return
        if tag in _BLOCK:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCK:
            parts.append("\n")
        if node.tail and node is not el:
            parts.append(node.tail)

    walk(el)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def flat(text: str) -> str:
    """Text on one line (a cell's line breaks become spaces)."""
    return " ".join(text.split())


def page_tables(root: etree._Element) -> list[HtmlTable]:
    """Every table of the page (nested tables aside), with the text above and below it."""
    tables: list[HtmlTable] = []
    context: list[str] = []
    after_table = False  # paragraphs right after a table, before any heading, are its notes
    for el in root.iter("table", "h1", "h2", "h3", "h4", "h5", "h6", "p"):
        if _inside_table(el):
            continue
        if el.tag == "table":
            caption = el.find("caption")
            if caption is not None:
                context.append(cell_text(caption))
            tables.append(_table(el, "\n".join(context)))
            context, after_table = [], True
            continue
        text = cell_text(el)
        if not text:
            continue
        if el.tag in _HEADINGS:
            context, after_table = [text], False  # a new heading starts the next table's context
            continue
        context.append(text)
        if after_table:
            tables[-1].notes = "\n".join(p for p in (tables[-1].notes, text) if p)
    return tables


def _inside_table(el: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == "table":
            return True
        parent = parent.getparent()
    return False


def _table(el: etree._Element, context: str) -> HtmlTable:
    rows = [tr for tr in el.iter("tr") if _own_row(tr, el)]
    header: list[str] = []
    body = rows
    head_rows = [tr for tr in rows if tr.getparent() is not None and tr.getparent().tag == "thead"]
    if head_rows:
        header = [flat(cell_text(c)) for c in head_rows[-1] if c.tag in ("th", "td")]
        body = [tr for tr in rows if tr not in head_rows]
    elif rows and all(c.tag == "th" for c in rows[0] if isinstance(c.tag, str)):
        header = [flat(cell_text(c)) for c in rows[0] if c.tag in ("th", "td")]
        body = rows[1:]
    table = HtmlTable(line=el.sourceline or 0, context=context, header=header)
    for tr in body:
        cells = [cell_text(c) for c in tr if c.tag in ("th", "td")]
        if any(cells):
            table.rows.append((tr.sourceline or 0, cells))
    return table


def _own_row(tr: etree._Element, table: etree._Element) -> bool:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table
