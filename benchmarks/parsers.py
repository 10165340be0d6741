"""Benchmark: parse times of the publications in the test data, and the FtM export.

Usage: python benchmarks/parsers.py [DATA_DIR] [--repeat N]   (default: $REDLIST_TEST_DATA or ../shared/data)

Prints, per publication, the record count and the best and median of N runs (default 3). The
speed figures once asserted by unit tests live here (tests assert behaviour, not seconds).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from redlist.model import Entity, EntityType, Listing, Name
from redlist.render.ftm import write_ftm
from redlist.sources.bis_dpl import parse_dpl
from redlist.sources.bis_el import parse_ecfr_xml
from redlist.sources.local import read_path
from redlist.sources.ofac_advanced import parse_cons_advanced
from redlist.sources.ofac_csv import parse_cons_csv, parse_sdn_csv
from redlist.sources.ofac_xml import parse_cons_xml
from redlist.sources.trade_csl import parse_csl_json

_ECFR_HEAD = (
    '<?xml version="1.0"?>\n<DIV5 N="744" TYPE="PART"><HEAD>PART 744</HEAD>'
    '<DIV9 N="Supplement No. 4 to Part 744" TYPE="APPENDIX"><HEAD>Supplement No. 4 to Part 744—Entity List</HEAD>'
    "<TABLE><TR><TH>Country</TH><TH>Entity</TH><TH>License requirement</TH><TH>License review policy</TH>"
    "<TH>Federal Register citation</TH></TR>\n"
)
_ECFR_ROW = (
    "<TR><TD>{c}</TD><TD>Entity Number {i} Co., Ltd., a.k.a., the following two aliases:<br/>—Alias {i} A;"
    " and<br/>—Alias {i} B.<br/>No. {i} Example Road, Shenzhen, China.</TD>"
    "<TD>For all items subject to the EAR. (See § 744.11 of the EAR)<sup>1</sup></TD>"
    "<TD>Presumption of denial.</TD><TD>84 FR 22963, 5/21/19. 85 FR 51603, 8/20/20.</TD></TR>\n"
)


def _ecfr(rows: int) -> bytes:
    body = "".join(_ECFR_ROW.format(c="CHINA" if i % 50 == 0 else "", i=i) for i in range(rows))
    return (_ECFR_HEAD + body + "</TABLE></DIV9></DIV5>").encode()


def _people(n: int) -> list[Entity]:
    return [
        Entity(
            "us_ofac_sdn",
            str(i),
            f"ofac-{i}",
            EntityType.PERSON,
            [Name(f"PERSON {i}, Example"), Name(f"EXAMPLE {i}")],
            listings=[Listing("us_ofac_sdn", str(i), ["SDGT"]), Listing("us_trade_csl", str(i), ["SDGT"])],
        )
        for i in range(n)
    ]


def _time(label: str, run: Callable[[], int], repeat: int) -> None:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - start)
    print(f"{label:58} {count:8,}  best {min(times):6.2f} s  median {statistics.median(times):6.2f} s")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    data = Path(args[0] if args else os.environ.get("REDLIST_TEST_DATA", "../shared/data")) / "raw"
    sets: list[tuple[str, Callable[[], int]]] = []
    for label, folder, parse in (
        ("OFAC sdn.csv 2024-05-03", "ofac_sdn/2024-05-03", parse_sdn_csv),
        ("OFAC SDN complete CSV set 2021-07-07", "ofac_sdn/2021-07-07_complete_set", parse_sdn_csv),
        ("OFAC consolidated CSV set 2025-12-19", "ofac_consolidated/2025-12-19", parse_cons_csv),
        ("OFAC consolidated.xml 2018-04-06", "ofac_consolidated/2018-04-06", parse_cons_xml),
        ("OFAC cons_advanced.xml 2020-03-17", "ofac_consolidated/2020-03-17", parse_cons_advanced),
        ("trade.gov CSL consolidated.json 2026-07-31", "trade_csl/2026-07-31_reconstructed", parse_csl_json),
        ("BIS dpl.txt 2022-09-07", "bis_dpl/2022-09-07", parse_dpl),
    ):
        if (data / folder).is_dir():
            files = read_path(data / folder)
            sets.append((label, lambda files=files, parse=parse: len(parse(files).records)))
        else:
            print(f"{label:58} skipped: {data / folder} not found")
    ecfr = _ecfr(3500)
    sets.append(
        (
            "eCFR Entity List table, generated 3,500 rows",
            lambda: len(parse_ecfr_xml({"part-744.xml": ecfr}).records),
        )
    )
    people = _people(2000)
    sets.append(
        ("FtM export of 2,000 records (FtM entities written)", lambda: write_ftm(people, io.StringIO()))
    )
    for label, run in sets:
        _time(label, run, repeat)


if __name__ == "__main__":
    main()
