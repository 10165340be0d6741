"""The Federal Register: a document's API JSON, search results, and its full-text XML.

Two official forms of one document are read:

* the FR API's JSON (``https://www.federalregister.gov/api/v1/documents/<number>.json``): the
  document's number, citation (``90 FR 1105``), publication and effective dates, agencies, title
  and the URLs of its texts; and the API's search results (``/api/v1/documents.json?...``), a
  ``results`` list of the same objects, used to find the newest notice of a kind;
* the full-text XML (``.../documents/full_text/xml/<yyyy>/<mm>/<dd>/<number>.xml``), in GPO's
  markup: a ``NOTICE`` or ``RULE`` with its preamble (``AGENCY``, ``SUBJECT``, ``DATES``...),
  ``SUPLINF`` (SUPPLEMENTARY INFORMATION, with ``HD`` headings and ``P`` paragraphs) and tables
  as ``GPOTABLE`` (``BOXHD``/``CHED`` headings, ``ROW``/``ENT`` cells), and the ``FRDOC`` line
  (``[FR Doc. 2025-00070 Filed 1-6-25; 8:45 am]``).

The list parsers (:mod:`.dhs_uflpa`, :mod:`.dod_1260h`) read a notice through
:func:`read_notice`; it knows nothing of any list. The XML is parsed with DTDs and entities
refused (:func:`~redlist.sources.common.parse_xml`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from redlist.errors import SourceError
from redlist.sources.base import Files
from redlist.sources.common import check_bytes, parse_date, parse_xml

API = "https://www.federalregister.gov/api/v1"
_DOCUMENT_TAGS = ("NOTICE", "RULE", "PRORULE", "PRESDOCU")
_FRDOC = re.compile(
    r"FR\s+Doc\.?\s*(?:No\.?:?\s*)?(\d{4}-\d{4,6})(?:.*?Filed\s+(\d{1,2})-(\d{1,2})-(\d{2,4}))?", re.I
)
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class FrTable:
    """One GPOTABLE: the text above it (headings, paragraphs, its title) and its rows."""

    line: int | None
    context: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class FrParagraph:
    heading: str  # the nearest HD above it ("SUPPLEMENTARY INFORMATION:", "Appendix", ...)
    text: str


@dataclass(slots=True)
class FrDocument:
    """What the JSON and the full-text XML say about one document (either may be missing)."""

    document_number: str | None = None
    citation: str | None = None  # "90 FR 1105"
    publication_date: str | None = None  # ISO
    effective_on: str | None = None
    filed_on: str | None = None  # from the XML's FR Doc line
    title: str | None = None
    type: str | None = None  # "Notice", "Rule"
    agencies: list[str] = field(default_factory=list)
    html_url: str | None = None
    full_text_xml_url: str | None = None
    raw_text_url: str | None = None
    dates_text: str = ""  # the DATES paragraph(s)
    summary: str = ""
    paragraphs: list[FrParagraph] = field(default_factory=list)  # SUPPLEMENTARY INFORMATION on
    tables: list[FrTable] = field(default_factory=list)
    has_text: bool = False  # whether the full text (XML) was read

    @property
    def label(self) -> str:
        """How the document is cited in remarks: ``90 FR 1105, FR Doc 2025-00070 (2025-01-07)``."""
        parts = [
            p
            for p in (self.citation, f"FR Doc {self.document_number}" if self.document_number else None)
            if p
        ]
        day = self.publication_date or (f"filed {self.filed_on}" if self.filed_on else None)
        return ", ".join(parts) + (f" ({day})" if day else "")


# --- JSON ----------------------------------------------------------------------------------------


def read_document_json(data: bytes, *, source: str, file: str) -> FrDocument:
    """One document's metadata from the FR API's JSON."""
    obj = _json(data, source=source, file=file)
    if not isinstance(obj, dict) or not obj.get("document_number"):
        raise SourceError(
            "not a Federal Register document (no document_number); a search result list?",
            source=source,
            file=file,
        )
    return _from_json(obj)


def read_search_json(data: bytes, *, source: str, file: str) -> list[FrDocument]:
    """The documents of an FR API search (``documents.json``), in the order given."""
    obj = _json(data, source=source, file=file)
    if not isinstance(obj, dict) or not isinstance(obj.get("results", []), list) or "count" not in obj:
        raise SourceError("not Federal Register search results (no count/results)", source=source, file=file)
    return [_from_json(r) for r in obj.get("results", []) if isinstance(r, dict) and r.get("document_number")]


def newest(
    documents: list[FrDocument], title: re.Pattern[str], on_or_before: str | None = None
) -> FrDocument | None:
    """The latest-published document whose title matches (published on or before a day)."""
    found = [
        d
        for d in documents
        if d.title
        and title.search(d.title)
        and d.publication_date
        and (on_or_before is None or d.publication_date <= on_or_before)
    ]
    return max(found, key=lambda d: (d.publication_date or "", d.document_number or ""), default=None)


def search_url(term: str, agency: str, on_or_before: str, *, api: str = API) -> str:
    """An FR API search for notices of an agency with a phrase, newest first."""
    from urllib.parse import urlencode

    query = urlencode(
        [
            ("conditions[term]", f'"{term}"'),
            ("conditions[agencies][]", agency),
            ("conditions[type][]", "NOTICE"),
            ("conditions[publication_date][lte]", on_or_before),
            ("order", "newest"),
            ("per_page", "20"),
        ]
    )
    return f"{api}/documents.json?{query}"


def _json(data: bytes, *, source: str, file: str) -> Any:
    check_bytes(data, source=source, file=file)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"not UTF-8 JSON: {exc.reason} at byte {exc.start}", source=source, file=file
        ) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"invalid or truncated JSON: {exc.msg}", source=source, file=file, line=exc.lineno
        ) from None
    except RecursionError:
        raise SourceError(
            "JSON nested too deeply to be a Federal Register answer", source=source, file=file
        ) from None


def _from_json(obj: dict[str, Any]) -> FrDocument:
    agencies = []
    for a in obj.get("agencies") or []:
        name = (a.get("name") or a.get("raw_name")) if isinstance(a, dict) else a
        if name and str(name) not in agencies:
            agencies.append(str(name))
    return FrDocument(
        document_number=_text(obj.get("document_number")),
        citation=_text(obj.get("citation")),
        publication_date=parse_date(_text(obj.get("publication_date"))),
        effective_on=parse_date(_text(obj.get("effective_on"))),
        title=_text(obj.get("title")),
        type=_text(obj.get("type")),
        agencies=agencies,
        html_url=_text(obj.get("html_url")),
        full_text_xml_url=_text(obj.get("full_text_xml_url")),
        raw_text_url=_text(obj.get("raw_text_url")),
        summary=_text(obj.get("abstract")) or "",
        dates_text=_text(obj.get("dates")) or "",
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


# --- full-text XML -------------------------------------------------------------------------------


def read_full_text_xml(data: bytes, *, source: str, file: str) -> FrDocument:
    """A document's text from its FR full-text XML: preamble, paragraphs and tables."""
    check_bytes(data, source=source, file=file)
    root = parse_xml(data, source=source, file=file)
    doc_el = _document_element(root, source=source, file=file)
    doc = FrDocument(has_text=True, type=doc_el.tag.title())
    preamble = _child(doc_el, "PREAMB")
    if preamble is not None:
        doc.title = _joined(_child(preamble, "SUBJECT"))
        doc.agencies = [t for t in (_joined(a) for a in preamble.iter("AGENCY")) if t]
        doc.summary = " ".join(_paragraphs(_child(preamble, "SUM")))
        doc.dates_text = " ".join(
            _paragraphs(_child(preamble, "DATES")) or _paragraphs(_child(preamble, "EFFDATE"))
        )
    frdoc = " ".join(_joined(el) for el in doc_el.iter("FRDOC"))
    m = _FRDOC.search(frdoc)
    if m:
        doc.document_number = m[1]
        if m[2]:
            year = int(m[4]) + (2000 if len(m[4]) == 2 else 0)
            doc.filed_on = parse_date(f"{int(m[2])}/{int(m[3])}/{year}")
    body = _child(doc_el, "SUPLINF")
    if body is None:
        raise SourceError(
            "the document has no SUPPLEMENTARY INFORMATION (SUPLINF): not a notice's full text",
            source=source,
            file=file,
        )
    _read_body(body, doc)
    return doc


def _document_element(root: Element, *, source: str, file: str) -> Element:
    if root.tag in _DOCUMENT_TAGS:
        return root
    found = [el for el in root.iter() if el.tag in _DOCUMENT_TAGS]
    if len(found) == 1:
        return found[0]  # GPO's issue XML wraps documents in FEDREG/NOTICES
    if not found:
        raise SourceError(
            f"not Federal Register document XML: root <{root.tag}>, no NOTICE or RULE",
            source=source,
            file=file,
        )
    raise SourceError(
        f"{len(found)} documents in one file; give the one document's full-text XML", source=source, file=file
    )


def _read_body(body: Element, doc: FrDocument) -> None:
    heading = ""
    context: list[str] = []
    for el in _walk(body):
        if el.tag == "HD":
            heading = _joined(el)
            context = [heading]
        elif el.tag in ("P", "FP"):
            text = _joined(el)
            if text:
                doc.paragraphs.append(FrParagraph(heading, text))
                context.append(text)
        elif el.tag == "GPOTABLE":
            title = _joined(_child(el, "TTITLE"))
            table = FrTable(None, "\n".join([*context, title] if title else context), _table_header(el))
            for row in el.iter("ROW"):
                cells = [_joined(ent) for ent in row if ent.tag == "ENT"]
                if any(cells):
                    table.rows.append(cells)
            doc.tables.append(table)
            context = [heading] if heading else []


def _walk(el: Element) -> Iterator[Element]:
    """Headings, paragraphs and tables in document order (a table's insides are not walked)."""
    for child in el:
        if child.tag in ("HD", "P", "FP", "GPOTABLE"):
            yield child
        elif child.tag not in ("SIG", "FTNT", "PRTPAGE"):
            yield from _walk(child)


def _table_header(table: Element) -> list[str]:
    box = _child(table, "BOXHD")
    if box is None:
        return []
    return [_joined(ched) for ched in box if ched.tag == "CHED"]


def _child(el: Element | None, tag: str) -> Element | None:
    if el is None:
        return None
    return el.find(tag)


def _paragraphs(el: Element | None) -> list[str]:
    if el is None:
        return []
    return [t for t in (_joined(p) for p in el.iter("P")) if t]


def _joined(el: Element | None) -> str:
    """An element's text, footnote marks left out, spaces normalised."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.tag in ("SU", "FTREF"):
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag == "LI":
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node.tail and node is not el:
            parts.append(node.tail)

    walk(el)
    return _SPACES.sub(" ", "".join(parts)).strip()


# --- one notice from its files -------------------------------------------------------------------


def read_notice(files: Files, *, source: str) -> FrDocument:
    """One notice from its files: the full-text XML (required) and the API JSON (optional, for
    the citation and the publication and effective dates), checked to be the same document."""
    xml_names = sorted(n for n in files if n.endswith(".xml"))
    json_names = sorted(n for n in files if n.endswith(".json"))
    if len(xml_names) != 1:
        raise SourceError(
            f"give one Federal Register notice at a time (its full-text XML); got {xml_names or 'none'}",
            source=source,
        )
    doc = read_full_text_xml(files[xml_names[0]], source=source, file=xml_names[0])
    if len(json_names) > 1:
        raise SourceError(f"several API JSON files: {json_names}; give the notice's own", source=source)
    if json_names:
        meta = read_document_json(files[json_names[0]], source=source, file=json_names[0])
        number = doc.document_number or xml_names[0].removesuffix(".xml")
        if meta.document_number != number:
            raise SourceError(
                f"the API JSON is for FR Doc {meta.document_number}, the XML for {number}",
                source=source,
                file=json_names[0],
            )
        _merge(doc, meta)
    doc.document_number = doc.document_number or xml_names[0].removesuffix(".xml")
    return doc


def _merge(doc: FrDocument, meta: FrDocument) -> None:
    doc.citation = meta.citation
    doc.publication_date = meta.publication_date
    doc.effective_on = meta.effective_on
    doc.html_url = meta.html_url
    doc.full_text_xml_url = meta.full_text_xml_url
    doc.raw_text_url = meta.raw_text_url
    doc.title = meta.title or doc.title
    doc.type = meta.type or doc.type
    doc.agencies = meta.agencies or doc.agencies
    doc.dates_text = doc.dates_text or meta.dates_text


def dates_in(text: str) -> list[str]:
    """The ISO dates written out in a text ("January 6, 2025", "Jan. 6, 2025"), in order."""
    out = []
    for m in re.finditer(r"\b([A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})", text):
        day = parse_date(m[1])
        if day and len(day) == 10:
            out.append(day)
    return out
