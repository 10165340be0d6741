"""The publications redlist updates from: one module per publication, registered here.

Each parser module is imported when its publication is parsed (the functions below), so that the
CLI starts fast; an import error in a parser surfaces when that publication is loaded, and in its
tests.
"""

from __future__ import annotations

from redlist.sources.base import Files, Format, ParseResult, SourceSpec

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
#: A Federal Register document as downloaded: its number, then .xml (full text) or .json (API).
FR_XML = "[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9].xml"
FR_JSON = "[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9].json"


def _parse_dpl(files: Files) -> ParseResult:
    from redlist.sources.bis_dpl import parse_dpl

    return parse_dpl(files)


def _parse_ecfr_xml(files: Files) -> ParseResult:
    from redlist.sources.bis_el import parse_ecfr_xml

    return parse_ecfr_xml(files)


def _parse_cons_advanced(files: Files) -> ParseResult:
    from redlist.sources.ofac_advanced import parse_cons_advanced

    return parse_cons_advanced(files)


def _parse_sdn_advanced(files: Files) -> ParseResult:
    from redlist.sources.ofac_advanced import parse_sdn_advanced

    return parse_sdn_advanced(files)


def _parse_cons_csv(files: Files) -> ParseResult:
    from redlist.sources.ofac_csv import parse_cons_csv

    return parse_cons_csv(files)


def _parse_sdn_csv(files: Files) -> ParseResult:
    from redlist.sources.ofac_csv import parse_sdn_csv

    return parse_sdn_csv(files)


def _parse_cons_xml(files: Files) -> ParseResult:
    from redlist.sources.ofac_xml import parse_cons_xml

    return parse_cons_xml(files)


def _parse_sdn_xml(files: Files) -> ParseResult:
    from redlist.sources.ofac_xml import parse_sdn_xml

    return parse_sdn_xml(files)


def _parse_csl_csv(files: Files) -> ParseResult:
    from redlist.sources.trade_csl import parse_csl_csv

    return parse_csl_csv(files)


def _parse_csl_json(files: Files) -> ParseResult:
    from redlist.sources.trade_csl import parse_csl_json

    return parse_csl_json(files)


def _parse_uflpa_page(files: Files) -> ParseResult:
    from redlist.sources.dhs_uflpa import parse_uflpa_page

    return parse_uflpa_page(files)


def _parse_uflpa_notice(files: Files) -> ParseResult:
    from redlist.sources.dhs_uflpa import parse_uflpa_notice

    return parse_uflpa_notice(files)


def _parse_covered_page(files: Files) -> ParseResult:
    from redlist.sources.fcc_covered import parse_covered_page

    return parse_covered_page(files)


def _parse_1260h_pdf(files: Files) -> ParseResult:
    from redlist.sources.dod_1260h import parse_1260h_pdf

    return parse_1260h_pdf(files)


def _parse_1260h_notice(files: Files) -> ParseResult:
    from redlist.sources.dod_1260h import parse_1260h_notice

    return parse_1260h_notice(files)


def _locate_1260h(day: str) -> dict[str, str]:
    from redlist.sources.dod_1260h import locate_notice

    return locate_notice(day)


SOURCES: dict[str, SourceSpec] = {
    spec.id: spec
    for spec in (
        SourceSpec(
            id="us_ofac_sdn",
            title="OFAC Specially Designated Nationals (SDN) list",
            formats=(
                Format("advanced_xml", ("sdn_advanced.xml",), (), _parse_sdn_advanced),
                Format("xml", ("sdn.xml",), (), _parse_sdn_xml),
                Format(
                    "csv",
                    ("sdn.csv",),
                    ("add.csv", "alt.csv", "sdn_comments.csv"),
                    _parse_sdn_csv,
                ),
            ),
            urls={
                name: OFAC_EXPORTS + name.upper()
                for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
            },
            parser_version="1",
            homepage="https://sanctionslist.ofac.treas.gov/Home/SdnList",
            max_shrink=0.03,
            stale_after_days=7,  # OFAC publishes most weekdays
        ),
        SourceSpec(
            id="us_ofac_cons",
            title="OFAC Consolidated Sanctions List (non-SDN lists: CMIC, SSI, FSE, PLC, CAPTA, NS-MBS)",
            formats=(
                Format("advanced_xml", ("cons_advanced.xml",), (), _parse_cons_advanced),
                Format("xml", ("consolidated.xml",), (), _parse_cons_xml),
                Format(
                    "csv",
                    ("cons_prim.csv",),
                    ("cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
                    _parse_cons_csv,
                ),
            ),
            urls={
                name: OFAC_EXPORTS + name.upper()
                for name in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
            },
            parser_version="1",
            homepage="https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList",
            max_shrink=0.03,
            stale_after_days=7,  # OFAC publishes most weekdays
        ),
        SourceSpec(
            id="us_trade_csl",
            title="trade.gov Consolidated Screening List",
            formats=(
                Format("json", ("consolidated.json",), (), _parse_csl_json),
                Format("csv", ("consolidated.csv",), (), _parse_csl_csv),
                Format("csv", ("csl.csv",), (), _parse_csl_csv),
            ),
            urls={
                "consolidated.json": "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json"
            },
            parser_version="1",
            homepage="https://www.trade.gov/consolidated-screening-list",
            stale_after_days=7,  # trade.gov refreshes the CSL daily
        ),
        SourceSpec(
            id="us_bis_dpl",
            title="BIS Denied Persons List",
            formats=(Format("txt", ("dpl.txt",), (), _parse_dpl),),
            urls={"dpl.txt": "https://www.bis.doc.gov/dpl/dpl.txt"},
            parser_version="1",
            homepage="https://www.bis.gov/licensing/guidance-on-end-user-and-end-use-controls-and-us-person-controls/denied-persons-list",
        ),
        SourceSpec(
            id="us_bis_el",
            title="BIS Entity List (eCFR, 15 CFR Part 744 Supplement No. 4)",
            formats=(
                Format("ecfr_xml", ("part-744.xml",), (), _parse_ecfr_xml),
                # the versioner's own file name, for `--from <eCFR URL or saved file>`
                Format("ecfr_xml", ("title-15.xml",), (), _parse_ecfr_xml),
            ),
            urls={"part-744.xml": "https://www.ecfr.gov/api/versioner/v1/full/{date}/title-15.xml?part=744"},
            parser_version="1",
            homepage="https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/appendix-Supplement%20No.%204%20to%20Part%20744",
        ),
        SourceSpec(
            id="us_dhs_uflpa",
            title="DHS UFLPA Entity List (dhs.gov page, or a Federal Register notice with the list as appendix)",
            formats=(
                Format("html", ("*uflpa*.htm*",), (), _parse_uflpa_page),
                # the URL's own file name, for `--from https://www.dhs.gov/uflpa-entity-list`
                Format("html", ("uflpa-entity-list",), (), _parse_uflpa_page),
                Format("federal_register", (FR_XML,), (FR_JSON,), _parse_uflpa_notice),
            ),
            urls={"uflpa-entity-list.html": "https://www.dhs.gov/uflpa-entity-list"},
            parser_version="1",
            homepage="https://www.dhs.gov/uflpa-entity-list",
            stale_after_days=120,  # DHS adds entities a few times a year
        ),
        SourceSpec(
            id="us_fcc_covered",
            title="FCC Covered List (fcc.gov page)",
            formats=(
                Format("html", ("*covered*list*.htm*",), (), _parse_covered_page),
                Format("html", ("coveredlist",), (), _parse_covered_page),
            ),
            urls={"coveredlist.html": "https://www.fcc.gov/supplychain/coveredlist"},
            parser_version="2",  # 2: purpose-limited items carry their scope
            homepage="https://www.fcc.gov/supplychain/coveredlist",
            stale_after_days=120,
        ),
        SourceSpec(
            id="us_dod_1260h",
            title="DoD s.1260H Chinese military companies (DoD PDF, or the Federal Register notice)",
            formats=(
                Format("pdf", ("*.pdf",), (FR_XML, FR_JSON), _parse_1260h_pdf),
                Format("federal_register", (FR_XML,), (FR_JSON,), _parse_1260h_notice),
            ),
            # the newest notice is found by an FR API search at download time (see locate)
            urls={
                "2025-00070.json": "https://www.federalregister.gov/api/v1/documents/2025-00070.json",
                "2025-00070.xml": "https://www.federalregister.gov/documents/full_text/xml/2025/01/07/2025-00070.xml",
            },
            parser_version="1",
            homepage="https://www.federalregister.gov/documents/search?conditions%5Bterm%5D=%22Designation+of+Chinese+Military+Companies%22",
            locate=_locate_1260h,
            stale_after_days=400,  # an annual list
        ),
    )
}


def get(source_id: str) -> SourceSpec:
    """The spec of a source, or a clear error listing the known ones."""
    from redlist.errors import RedlistError

    try:
        return SOURCES[source_id]
    except KeyError:
        raise RedlistError(f"unknown source {source_id!r}; known: {', '.join(SOURCES)}") from None
