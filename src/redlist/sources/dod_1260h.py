"""DoD's list of Chinese military companies under s.1260H of the FY2021 NDAA.

Two official forms of an edition are read:

* the PDF DoD releases on media.defense.gov ("Entities Identified as Chinese Military Companies
  Operating in the United States in Accordance with Section 1260H ..."): a numbered list of
  company names, some with "(formerly ...)", acronyms in brackets, or subsidiaries (bulleted
  lines under an entry, or "and its subsidiaries: ..." in words). Its text is read with
  pdfplumber; numbers must run 1..N without a gap, else the PDF is refused as misread;
* the Federal Register "Notice of Availability of Designation of Chinese Military Companies"
  (:mod:`.federal_register`), whose SUPPLEMENTARY INFORMATION lists the names. It dates the
  edition: ``listed_on`` is the notice's effective date, else its publication date. Given with
  the PDF (same folder), it dates the PDF's entries and the two lists are compared (names in only
  one of them are warnings).

Each edition designates its companies anew, so each record's listing is dated by the edition
that published it; the status engine joins consecutive snapshots into one listing span.
Records: :func:`~redlist.sources.listed_names.build_entities` (stable ids from the list id and
the name; subsidiaries as records of their own).
"""

from __future__ import annotations

import io
import re

from redlist.errors import SourceError
from redlist.model import Entity, Listing
from redlist.sources.base import Files, ParseResult
from redlist.sources.common import norm_key
from redlist.sources.federal_register import (
    API,
    FrDocument,
    dates_in,
    newest,
    read_notice,
    read_search_json,
    search_url,
)
from redlist.sources.listed_names import ListedName, build_entities, read_listed_name

SOURCE = "us_dod_1260h"
LIST_ID = "us_dod_1260h"
PROGRAM = "NDAA FY2021 s.1260H"
FR_URL = "https://www.federalregister.gov/d/{number}"

_TITLE = re.compile(r"Designation\s+of\s+Chinese\s+Military\s+Compan", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.)]\s+(\S.*)$")
_BULLET = re.compile(r"^\s*(?:[•▪◦●\-–—o]|\(?[a-z]\)|[a-z]\.)\s+(\S.*)$")
_NOISE = re.compile(r"^\s*(?:UNCLASSIFIED|CUI|Page \d+(?: of \d+)?|\d{1,3})\s*$", re.IGNORECASE)
_SENTENCE = re.compile(
    r"\b(?:is|are|was|were|has|have|will|may|shall|pursuant|accordance|hereby|following)\b"
)


# --- the PDF -------------------------------------------------------------------------------------


def parse_1260h_pdf(files: Files) -> ParseResult:
    """Parse DoD's PDF of an edition (optionally with the edition's FR notice, which dates it)."""
    pdfs = sorted(n for n in files if n.endswith(".pdf"))
    if len(pdfs) != 1:
        raise SourceError(f"give one edition's PDF at a time; got {pdfs}", source=SOURCE)
    file = pdfs[0]
    lines = pdf_lines(files[file], file=file)
    if not any("1260H" in line for line in lines):
        raise SourceError(
            "not the s.1260H list: the PDF never mentions section 1260H", source=SOURCE, file=file
        )
    entries, ignored = _numbered_entries(lines, file=file)
    result = ParseResult(records=[], format="pdf")
    if ignored:
        result.warnings.append(
            f"{file}: {len(ignored)} line(s) outside the numbered list ignored: {ignored[:3]}"
        )
    notice = _notice_with(files)
    if notice is not None:
        listed_on, effective = _edition_dates(notice, result)
        result.as_of = notice.publication_date or listed_on
        citation, url = [notice.label], notice.html_url or FR_URL.format(number=notice.document_number)
        _compare(entries, _notice_names(notice, file), result, notice.document_number or "the notice")
    else:
        printed = [d for line in lines[:15] for d in dates_in(line)]
        listed_on = effective = printed[0] if printed else None
        result.as_of = listed_on
        citation, url = [], None
        if listed_on is None:
            result.warnings.append(
                f"{file} carries no date: its entries are undated; load it with its Federal Register notice "
                "(the notice's XML and JSON in the same folder) or give --as-of"
            )
    result.records = _records(entries, listed_on, effective, citation, url)
    return result


def pdf_lines(data: bytes | None, *, file: str) -> list[str]:
    """The text lines of a PDF, page after page (pdfplumber); SourceError for what is no PDF,
    a truncated one, or one pdfplumber cannot read."""
    if data is None:
        raise SourceError("file missing from the publication", source=SOURCE, file=file)
    if not data.lstrip().startswith(b"%PDF-"):
        what = "an HTML page" if data.lstrip()[:1] == b"<" else "not a PDF"
        raise SourceError(f"{what} in place of the list's PDF", source=SOURCE, file=file)
    if b"%%EOF" not in data[-2048:]:
        raise SourceError("the PDF has no end-of-file marker (truncated download?)", source=SOURCE, file=file)
    import pdfplumber  # imported here: it loads pdfminer, slow to start
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    lines: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                text = page.extract_text() or ""
                lines += [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"unreadable PDF: {type(exc).__name__}: {exc}", source=SOURCE, file=file) from None
    if not lines:
        raise SourceError("the PDF has no text (a scanned image?)", source=SOURCE, file=file)
    return lines


def _numbered_entries(lines: list[str], *, file: str) -> tuple[list[ListedName], list[str]]:
    """The numbered entries (with their continuation and bulleted subsidiary lines)."""
    texts: list[str] = []
    subsidiaries: list[list[str]] = []
    ignored: list[str] = []
    for line in lines:
        if _NOISE.match(line):
            continue
        numbered = _NUMBERED.match(line)
        if numbered and int(numbered[1]) == len(texts) + 1:
            texts.append(numbered[2])
            subsidiaries.append([])
            continue
        if numbered:
            raise SourceError(
                f"entry {numbered[1]} follows entry {len(texts)}: numbers do not run in order (misread PDF?)",
                source=SOURCE,
                file=file,
            )
        if not texts:
            continue  # the title above the list
        bullet = _BULLET.match(line)
        if bullet:
            subsidiaries[-1].append(bullet[1])
        elif subsidiaries[-1] and _continues(subsidiaries[-1][-1], line):
            subsidiaries[-1][-1] += " " + line
        elif _continues(texts[-1], line):
            texts[-1] += " " + line
        else:
            ignored.append(line)
    if not texts:
        raise SourceError("no numbered list of companies found (1. ..., 2. ...)", source=SOURCE, file=file)
    entries = []
    for text, subs in zip(texts, subsidiaries, strict=True):
        listed = read_listed_name(text)
        listed.subsidiaries += [s for sub in subs for s in _subsidiary_names(sub)]
        entries.append(listed)
    return entries, ignored


def _continues(text: str, line: str) -> bool:
    """Whether ``line`` carries on a name wrapped from ``text`` (an open bracket, a trailing
    connector, or a line starting in lower case or with a closing bracket)."""
    if text.count("(") > text.count(")"):
        return True
    if re.search(r"(?:,|&|\band|\bof|\bthe|-)$", text, re.IGNORECASE):
        return True
    return bool(re.match(r"^(?:[a-z(]|\))", line)) and not _SENTENCE.search(line)


def _subsidiary_names(text: str) -> list[str]:
    listed = read_listed_name(text)
    return [listed.name, *listed.subsidiaries]


# --- the Federal Register notice -----------------------------------------------------------------


def parse_1260h_notice(files: Files) -> ParseResult:
    """Parse the FR notice of an edition (full-text XML, optionally with the API JSON)."""
    doc = read_notice(files, source=SOURCE)
    file = next(n for n in sorted(files) if n.endswith(".xml"))
    if not doc.title or not _TITLE.search(doc.title):
        raise SourceError(
            f"not a notice of designation of Chinese military companies: {doc.title or 'no title'!r}",
            source=SOURCE,
            file=file,
        )
    result = ParseResult(records=[], format="federal_register")
    listed_on, effective = _edition_dates(doc, result)
    result.as_of = doc.publication_date or listed_on
    entries = [read_listed_name(n) for n in _notice_names(doc, file)]
    url = doc.html_url or FR_URL.format(number=doc.document_number)
    result.records = _records(entries, listed_on, effective, [doc.label], url)
    return result


def _notice_with(files: Files) -> FrDocument | None:
    notice_files = {n: d for n, d in files.items() if n.endswith((".xml", ".json"))}
    if not notice_files:
        return None
    doc = read_notice(notice_files, source=SOURCE)
    if not doc.title or not _TITLE.search(doc.title):
        raise SourceError(
            f"the notice given with the PDF is not a s.1260H designation notice: {doc.title or 'no title'!r}",
            source=SOURCE,
        )
    return doc


def _edition_dates(doc: FrDocument, result: ParseResult) -> tuple[str | None, str | None]:
    """The edition's listing date and effective date: the notice's effective date, else its
    publication date, else (XML alone) the date its DATES paragraph gives, else its filing date."""
    if doc.effective_on or doc.publication_date:
        day = doc.effective_on or doc.publication_date
        return day, day
    stated = dates_in(doc.dates_text)
    day = stated[0] if stated else doc.filed_on
    what = "the date in its DATES paragraph" if stated else "its filing date"
    result.warnings.append(
        f"FR Doc {doc.document_number}: no publication date without the API JSON; entries dated by {what} ({day})"
    )
    return day, day


def _notice_names(doc: FrDocument, file: str) -> list[str]:
    """The company names a notice lists: a table's first column, else the paragraphs after the
    one that introduces them (ending in a colon), else that paragraph's own semicolon list."""
    for table in doc.tables:
        if table.header and re.search(r"name|compan|entit", table.header[0], re.IGNORECASE):
            names = [row[0] for row in table.rows if row and row[0]]
            if names:
                return names
    paragraphs = [p.text for p in doc.paragraphs]
    for i, text in enumerate(paragraphs):
        if not text.rstrip().endswith(":"):
            continue
        names = []
        for following in paragraphs[i + 1 :]:
            if not _is_name(following):
                break
            names.append(re.sub(r"^\(?\d{1,3}[.)]\s*", "", following) or following)
        if names:
            return [_tidy(n) for n in names]
    for text in paragraphs:
        if ":" in text and text.count(";") >= 2:
            return [_tidy(n) for n in re.split(r"\s*;\s*(?:and\s+)?", text.split(":", 1)[1]) if n.strip()]
    raise SourceError(
        "no list of company names found in the notice's SUPPLEMENTARY INFORMATION "
        "(a paragraph ending in ':' followed by one name a paragraph)",
        source=SOURCE,
        file=file,
    )


def _is_name(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 25 and not _SENTENCE.search(text) and not text.startswith(("Dated", "Section"))


def _tidy(name: str) -> str:
    name = name.strip().rstrip(";,")
    return name[:-1] if name.endswith(".") and not re.search(r"\b(?:Ltd|Inc|Co|Corp)\.$", name) else name


def _compare(entries: list[ListedName], notice_names: list[str], result: ParseResult, number: str) -> None:
    in_pdf = {norm_key(e.name) for e in entries}
    in_notice = {norm_key(read_listed_name(n).name) for n in notice_names}
    for name in sorted(in_pdf - in_notice):
        result.warnings.append(f"{name!r} is in the PDF but not in FR Doc {number}")
    for name in sorted(in_notice - in_pdf):
        result.warnings.append(f"{name!r} is in FR Doc {number} but not in the PDF")


def _records(
    entries: list[ListedName],
    listed_on: str | None,
    effective: str | None,
    citation: list[str],
    url: str | None,
) -> list[Entity]:
    pairs = [
        (
            listed,
            Listing(
                list_id=LIST_ID,
                programs=[PROGRAM],
                listed_on=listed_on,
                effective_on=effective,
                federal_register=list(citation),
                source_url=url,
                remarks="; ".join(listed.notes) or None,
            ),
        )
        for listed in entries
    ]
    return build_entities(SOURCE, LIST_ID, pairs)


# --- finding the newest notice -------------------------------------------------------------------


def locate_notice(day: str, *, api: str = API) -> dict[str, str]:
    """The API JSON and full-text XML URLs of the newest s.1260H designation notice published on
    or before ``day``, found by a Federal Register API search (downloads the search results)."""
    from redlist.sources.fetch import download

    url = search_url("Designation of Chinese Military Companies", "defense-department", day, api=api)
    docs = read_search_json(download(url, source=SOURCE), source=SOURCE, file="documents.json")
    doc = newest(docs, _TITLE, day)
    if doc is None or not doc.document_number or not doc.full_text_xml_url:
        raise SourceError(
            f"the Federal Register search found no s.1260H designation notice published by {day}",
            source=SOURCE,
            file=url,
        )
    number = doc.document_number
    return {f"{number}.json": f"{api}/documents/{number}.json", f"{number}.xml": doc.full_text_xml_url}
