"""The publications redlist updates from: one module per publication, registered here.

Each parser module is imported when its publication is parsed (the functions below), so that the
CLI starts fast; an import error in a parser surfaces when that publication is loaded, and in its
tests.
"""

from __future__ import annotations

from redlist.sources.base import Files, Format, ParseResult, SourceSpec

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


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
    )
}


def get(source_id: str) -> SourceSpec:
    """The spec of a source, or a clear error listing the known ones."""
    from redlist.errors import RedlistError

    try:
        return SOURCES[source_id]
    except KeyError:
        raise RedlistError(f"unknown source {source_id!r}; known: {', '.join(SOURCES)}") from None
