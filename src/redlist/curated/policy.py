"""The citation policy of the bundled data: which sources may back a ``confirmed`` fact, which never.

``confirmed`` means the fact was read in government text, so its ``source_url`` must be a primary
government address (:func:`is_primary`): the Federal Register and GPO (a verbatim copy of an FR
document found elsewhere is cited by its federalregister.gov address, with the place it was read in
the citation), the eCFR, the agency's own site, congress.gov and the Law Revision Counsel's US Code,
and court records. ``secondary`` rows may cite reputable reporting or law-firm notes, but no row may
cite a blocked source (:func:`is_blocked`): GitHub extractions (other than the FCC's own organisation),
content farms, SEO aggregators, AI summaries, PR wires and blogs.

:func:`problems` applies the policy to a folder of curated files (entries, editions, scopes, events,
related links) and :func:`machine_paths` finds local file-system paths in a text, which data files and docs
must not contain. ``tests/test_citation_policy.py`` enforces both on the packaged data and regimes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from redlist.curated.loader import EVENTS_FILE, data_dir, load_events, load_lists

#: Hosts (and their subdomains) whose pages are government text.
PRIMARY_DOMAINS: tuple[str, ...] = (
    "federalregister.gov",
    "govinfo.gov",
    "gpo.gov",
    "ecfr.gov",
    "regulations.gov",  # GPO text of FR documents on the federal rulemaking portal
    "treasury.gov",  # incl. ofac.treasury.gov, home.treasury.gov
    "treas.gov",  # OFAC's sanctions list service
    "bis.gov",
    "bis.doc.gov",
    "dhs.gov",
    "cbp.gov",
    "defense.gov",  # incl. media.defense.gov
    "fcc.gov",  # incl. docs.fcc.gov
    "state.gov",
    "whitehouse.gov",
    "archives.gov",  # White House archives
    "congress.gov",
    "uscode.house.gov",  # the Office of the Law Revision Counsel
    "acquisition.gov",  # the FAR, as published by the FAR Council
    "ustr.gov",  # a member of the Forced Labor Enforcement Task Force
    "nih.gov",  # NIH's Grants Policy Statement, which quotes the s.889 text it applies
    "courtlistener.com",
    "uscourts.gov",
    "supremecourt.gov",
)
#: Address prefixes that are government text although their host is not.
PRIMARY_PREFIXES: tuple[str, ...] = (
    "https://github.com/FCC/",  # the FCC's own GitHub organisation
    "https://law.justia.com/cases/",  # court opinions (not Justia's copies of codes)
)
#: Hosts (and their subdomains) never to be cited.
BLOCKED_DOMAINS: tuple[str, ...] = (
    "github.com",  # extractions by third parties; github.com/FCC/ is allowed above
    "githubusercontent.com",
    "5y1.org",
    "mrwatchlist.com",
    "urdupoint.com",
    "einpresswire.com",
    "einnews.com",
    "yahoo.com",
    "chinaoppressesmuslims.com",
    "hardwareledger.com",
    "redplanx.com",
    "jotup.co",
    "techdator.net",
    "indiandefensenews.in",
    "notebookcheck.net",
    "slashgear.com",
    "usregs.ai",
    "thefederalnewswire.com",
    "menafn.com",
    "financetom.com",
    "dayfr.com",
    "newsnetdaily.com",
    "tacticalgearnews.com",
    "marketglobalreview.com",
    "uslive.com",
    "pelhamplus.com",
    "gplustimes.net",
    "thenewyorkfinance.com",
    "deftechtimes.com",
    "econotimes.com",
    "visiontimes.com",
    "f1re.de",
    "cdrinfo.com",
    "docslib.org",
    "checkoutapi.com",
    "opensanctions.org",  # a data aggregator: its extractions are leads, never sources
)

#: A local file-system path: /work/..., /tmp/..., /home/..., /Users/..., C:\...
_MACHINE_PATH = re.compile(
    r"(?<![\w.:/%-])/(?:work|tmp|home|Users|root|mnt|private/var)/|\b[A-Za-z]:\\[\w.-]"
)


def host(url: str) -> str:
    """The lower-case host of ``url`` ('' when it has none)."""
    return (urlsplit(url.strip()).hostname or "").lower()


def _on(hostname: str, domains: Iterable[str]) -> bool:
    return any(hostname == d or hostname.endswith("." + d) for d in domains)


def is_primary(url: str) -> bool:
    """Whether ``url`` is a primary government source (see the module docstring)."""
    url = url.strip()
    if url.startswith(PRIMARY_PREFIXES):
        return True
    return urlsplit(url).scheme in ("http", "https") and _on(host(url), PRIMARY_DOMAINS)


def is_blocked(url: str) -> bool:
    """Whether ``url`` is a source the policy forbids citing at all."""
    if is_primary(url):
        return False
    return _on(host(url), BLOCKED_DOMAINS)


def row_problem(where: str, source_url: str, verification: str) -> str | None:
    """The policy problem of one row (``where`` names it), or None."""
    if is_blocked(source_url):
        return f"{where}: cites a blocked source: {source_url}"
    if verification == "confirmed" and not is_primary(source_url):
        return f"{where}: confirmed but its source is not a primary government address: {source_url}"
    return None


def machine_paths(text: str) -> list[str]:
    """The lines of ``text`` that hold a local file-system path."""
    return [line.strip() for line in text.splitlines() if _MACHINE_PATH.search(line)]


def problems(folder: Path | None = None) -> list[str]:
    """Every breach of the citation policy in the curated files of ``folder`` (default: the packaged data)."""
    folder = Path(folder) if folder else data_dir()
    out: list[str | None] = []
    for lst in load_lists(folder):
        name = lst.path.name
        for edition in lst.editions:
            out.append(
                row_problem(f"{name}: edition {edition.id!r}", edition.source_url, edition.verification)
            )
        for scope in lst.scopes:
            out.append(
                row_problem(f"{name}: scope {scope.id!r}", scope.source_url or "", scope.verification or "")
            )
        for entry in lst.entries:
            out.append(row_problem(f"{name}: entry {entry.id!r}", entry.source_url, entry.verification))
            for rel in entry.related:
                if is_blocked(rel.source_url):
                    out.append(
                        f"{name}: entry {entry.id!r}: related link cites a blocked source: {rel.source_url}"
                    )
        if is_blocked(lst.source_url):
            out.append(f"{name}: cites a blocked source: {lst.source_url}")
    if (folder / EVENTS_FILE).exists():
        for event in load_events(folder):
            out.append(
                row_problem(f"{EVENTS_FILE}: event {event.id!r}", event.source_url, event.verification)
            )
    for path in sorted(folder.glob("*.yaml")):
        out += [
            f"{path.name}: machine path: {line}" for line in machine_paths(path.read_text(encoding="utf-8"))
        ]
    return [p for p in out if p]
