"""The web UI: server-rendered pages over the same library calls as the JSON API (no front-end build).

Pages live under ``/ui``: search with scores and explanations, an entity page (every listing, the
dated timeline chart, court events, citations), a party page (every entry of one party across
lists), what changed per source and date range, the status question answered in plain words, and
batch uploads of a CSV/XLSX/JSONL file: screening (a downloadable result) and status checks (the
verdict per row on the page, and CSV/XLSX/JSONL downloads). Every page carries a freshness banner:
which official lists are loaded, as of when, or a warning that none is.
Every template is rendered with autoescaping on, so nothing a user types reaches the page as markup;
the timeline chart is embedded as an ``<img>`` data URI so no SVG markup is inlined either.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from redlist.api.deps import ApiError, Auth, Facade, facade
from redlist.errors import RedlistError
from redlist.model import LISTS, PURPOSE_TEXT
from redlist.render.timeline import render_chart
from redlist.service import ACTIVITY_TEXT, Query, Timeline

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).parent
_CHUNK = 64 * 1024
UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".parquet")
DOWNLOAD_FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
MAX_CHANGES = 2000  # rows shown on the changes page
MAX_CHECK_ROWS = 1000  # answers shown on the batch check page (the downloads have them all)
RESULTS_KEPT = 3600  # seconds a batch check's downloads are kept on the server
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
)
_env.globals["LISTS"] = LISTS

VERDICT_WORDS = {
    "prohibited": "No. On {on}, this activity ({what}) with {party} is prohibited for US persons.",
    "restricted": "Only with a licence or condition. On {on}, this activity ({what}) with {party} "
    "is restricted.",
    "review": "Look closer. On {on}, this activity ({what}) with {party} depends on what the findings "
    "below name (the purpose the equipment is used for, or an owner's share).",
    "allowed": "Yes. On {on}, no restriction was found on this activity ({what}) with {party}.",
    "unknown": "Cannot tell. On {on}, the data does not settle whether this activity ({what}) "
    "with {party} is allowed.",
}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/``, with the freshness banner; every value is escaped by the
    template engine."""
    context.setdefault("freshness", freshness(request))
    html = _env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


def freshness(request: Request, today: date | None = None) -> dict[str, Any] | None:
    """What the banner says (``templates/_freshness.html``): the official sources loaded, each
    with its as-of date, age and records, those not loaded, and whether any is stale (None when
    the store cannot be read)."""
    today = today or date.today()
    try:
        rows = facade(request).sources(today=today)
    except Exception:  # noqa: BLE001 - the banner must never break a page
        return None
    loaded, missing = [], []
    for row in rows:
        if row.get("kind") == "curated":
            continue  # bundled: always there (their editions are on the sources page)
        short = str(row.get("title") or row["source"]).split(" (")[0]
        if not row.get("as_of"):
            missing.append({"source": row["source"], "title": short})
            continue
        age = (today - date.fromisoformat(row["as_of"])).days
        loaded.append(
            {
                "source": row["source"],
                "title": short,
                "as_of": row["as_of"],
                "age_days": age,
                "records": row.get("records"),
                "status": row.get("status"),
                "stale": bool(row.get("stale")),  # older than its source's own rhythm allows
            }
        )
    return {"loaded": loaded, "missing": missing, "stale": any(r["stale"] for r in loaded)}


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A plain page saying what was wrong with the request."""
    return render(request, "error.html", status=status, status_code=status, message=message)


# --- pages ----------------------------------------------------------------------------------------


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/ui", status_code=307)


@router.get("/ui/static/style.css")
def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "style.css", media_type="text/css")


@router.get("/ui", response_class=HTMLResponse)
def search_page(
    request: Request,
    _: Auth,
    q: str = "",
    country: str = "",
    type: str = "",  # noqa: A002 - the query parameter's name
    threshold: str = "",
    scope: str = "all",
) -> HTMLResponse:
    """The search form and, when a name was given, its matches with scores and explanations."""
    form = {"q": q, "country": country, "type": type, "threshold": threshold, "scope": scope}
    if not q.strip():
        return render(request, "search.html", form=form, result=None, error=None)
    try:
        level = float(threshold) if threshold.strip() else None
        if level is not None and not 0 <= level <= 1:
            raise ValueError
    except ValueError:
        return render(
            request, "search.html", 400, form=form, result=None, error="threshold must be between 0 and 1"
        )
    query = Query(name=q, country=country.strip().upper() or None, type=type.strip() or None)
    redlist = facade(request)
    # The "all" scope also holds entries no longer listed (Xiaomi's vacated designation), so a
    # search shows a party's past as well as its present; each match says which it is.
    result = redlist.screen(
        query, threshold=level, limit=25, scope="current" if scope == "current" else "all"
    )
    current = {m.entity_id for m in result.matches if redlist.listed(m.entity_id) is not None}
    status = 400 if result.error else 200
    return render(
        request, "search.html", status, form=form, result=result, error=result.error, current=current
    )


@router.get("/ui/party/{party_id}", response_class=HTMLResponse)
def party_page(party_id: str, request: Request, redlist: Facade, _: Auth, on: str = "") -> HTMLResponse:
    """One party merged across lists (by its id or any entry id): its entries, every listing of
    each, its timeline (chart and states, ``on`` marked), why the entries are one party, related
    parties."""
    try:
        asked = _iso(on.strip(), "on") if on.strip() else None
    except ApiError as exc:
        return error_page(request, exc.status, exc.message)
    party = redlist.party_of(party_id)
    if party is None:
        return error_page(request, 404, f"No party or entry {party_id!r} in the store or the curated lists.")
    entries = []
    for member in party.members:
        record = redlist.entity(member.entry_id)
        current = record.current.to_dict() if record and record.current else {}
        entries.append(
            {"member": member, "listings": current.get("listings") or [], "source": current.get("source")}
        )
    timeline: Timeline | None
    try:
        timeline = redlist.timeline(entity_id=party.id)
    except RedlistError:
        timeline = None
    return render(
        request,
        "party.html",
        party=party,
        entries=entries,
        timeline=timeline,
        chart=_chart(timeline, asked) if timeline and (timeline.entries or timeline.states) else None,
        asked=asked,
    )


@router.get("/ui/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(entity_id: str, request: Request, redlist: Facade, _: Auth) -> HTMLResponse:
    """Every listing of one entry, its dated timeline (chart and table), court events and citations."""
    record = redlist.entity(entity_id)
    if record is None:
        return error_page(request, 404, f"No entity {entity_id!r} in the store or the curated lists.")
    found = record.to_dict()
    timeline: Timeline | None
    try:
        timeline = redlist.timeline(entity_id=entity_id)
    except RedlistError:
        timeline = None  # an id the store knows but the checker does not: show the record alone
    court = [e for e in timeline.entries if e.case] if timeline else []
    return render(
        request,
        "entity.html",
        entity=found,
        party=redlist.party_of(entity_id),
        primary=_primary_name(found),
        timeline=timeline,
        court=court,
        chart=_chart(timeline) if timeline and (timeline.entries or timeline.periods) else None,
    )


@router.get("/ui/changes", response_class=HTMLResponse)
def changes_page(
    request: Request, redlist: Facade, _: Auth, source: str = "", since: str = "", until: str = ""
) -> HTMLResponse:
    """What was added, removed and amended per source in a date range, oldest first."""
    sources = redlist.stored_sources()
    form = {"source": source, "since": since, "until": until}
    try:
        for label, value in (("since", since), ("until", until)):
            if value.strip():
                _iso(value.strip(), label)
        if source and source not in sources:
            raise ApiError(
                400, f"unknown source {source!r}: stored sources are {', '.join(sources) or 'none'}"
            )
    except ApiError as exc:
        return render(
            request, "changes.html", exc.status, form=form, sources=sources, events=[], error=exc.message
        )
    events = redlist.changes(source=source or None, since=since.strip() or None, until=until.strip() or None)
    counts = {c: sum(1 for e in events if e.change == c) for c in ("added", "removed", "amended")}
    return render(
        request,
        "changes.html",
        form=form,
        sources=sources,
        events=events[:MAX_CHANGES],
        total=len(events),
        counts=counts,
        error=None,
    )


@router.get("/ui/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request, redlist: Facade, _: Auth, status: str = "open", message: str = ""
) -> HTMLResponse:
    """The alerts queue: what each alert rests on, and a decision form per alert."""
    status = status if status in ("open", "all") else "open"
    alerts = redlist.alerts(open_only=status == "open")
    return render(request, "alerts.html", alerts=alerts, show=status, message=message[:200], error=None)


@router.post("/ui/alerts/{alert_id}/decision", response_model=None)
def alert_decision(
    request: Request,
    alert_id: str,
    redlist: Facade,
    _: Auth,
    decision: str = Form(...),
    reason: str = Form(...),
) -> Response:
    """Record a decision from the queue's form, then back to the queue."""
    from redlist.api.watch import who

    try:
        redlist.decide(alert_id, decision, reason, who=who(request, redlist))
    except RedlistError as exc:
        alerts = redlist.alerts(open_only=True)
        return render(request, "alerts.html", 422, alerts=alerts, show="open", message="", error=str(exc))
    return RedirectResponse(f"/ui/alerts?message=decided+{alert_id}", status_code=303)


@router.get("/ui/check", response_class=HTMLResponse)
def check_page(
    request: Request,
    redlist: Facade,
    _: Auth,
    name: str = "",
    entity_id: str = "",
    activity: str = "transact",
    on: str = "",
    purpose: str = "",
) -> HTMLResponse:
    """The status question (party, activity, date, purpose) answered in plain words, with its evidence."""
    form = {"name": name, "entity_id": entity_id, "activity": activity, "on": on, "purpose": purpose}
    context: dict[str, Any] = {
        "form": form,
        "activities": ACTIVITY_TEXT,
        "purposes": PURPOSE_TEXT,
        "result": None,
        "error": None,
    }
    if not name.strip() and not entity_id.strip():
        return render(request, "check.html", **context)
    try:
        result = redlist.check(
            name.strip() or None,
            entity_id=entity_id.strip() or None,
            activity=activity,
            on=on.strip() or None,
            purpose=purpose.strip() or None,
        )
    except RedlistError as exc:
        return render(request, "check.html", 400, **(context | {"error": str(exc)}))
    context["result"] = result
    context["sentence"] = plain_words(result)
    return render(request, "check.html", **context)


def plain_words(result: Any) -> str:
    """One sentence answering the status question, from the verdict."""
    if result.verdict is None or result.party is None:
        return result.error or (result.notices[0] if result.notices else "No single party was found.")
    template = VERDICT_WORDS.get(result.verdict, VERDICT_WORDS["unknown"])
    what = ACTIVITY_TEXT.get(result.activity, result.activity)
    return template.format(on=result.on, what=what, party=result.party.get("name") or "this party")


@router.get("/ui/batch", response_class=HTMLResponse)
def batch_form(request: Request, redlist: Facade, _: Auth) -> HTMLResponse:
    """The upload form for batch screening."""
    max_mb = redlist.settings.max_upload // 2**20
    return render(request, "batch.html", formats=DOWNLOAD_FORMATS, error=None, max_mb=max_mb)


@router.post("/ui/batch")
async def batch_upload(
    request: Request,
    _: Auth,
    file: UploadFile = File(...),  # noqa: B008 - FastAPI's way to declare an upload
    output: str = Form("csv"),
    threshold: str = Form(""),
) -> Response:
    """Screen every row of an uploaded CSV/XLSX; the result comes back as a CSV, XLSX or JSONL download."""
    suffix = Path(file.filename or "").suffix.lower()
    max_upload = facade(request).settings.max_upload

    def refuse(status: int, message: str) -> HTMLResponse:
        page = render(
            request, "batch.html", status, formats=DOWNLOAD_FORMATS, error=message, max_mb=max_upload // 2**20
        )
        return page

    if output not in DOWNLOAD_FORMATS:
        return refuse(400, f"unknown output format {output!r}: choose {', '.join(DOWNLOAD_FORMATS)}")
    if suffix not in UPLOAD_SUFFIXES:
        return refuse(
            400, f"unsupported file type {suffix or '(no extension)'!r}: upload {', '.join(UPLOAD_SUFFIXES)}"
        )
    try:
        level = float(threshold) if threshold.strip() else None
        if level is not None and not 0 <= level <= 1:
            raise ValueError
    except ValueError:
        return refuse(400, "threshold must be between 0 and 1")
    work = Path(tempfile.mkdtemp(prefix="redlist-ui-"))
    source = work / f"upload{suffix}"
    if not await _save(file, source, max_upload):
        shutil.rmtree(work, ignore_errors=True)
        return refuse(413, f"the file is over {max_upload // 2**20} MB; split it or use the CLI")
    target = work / f"result.{output}"
    try:
        summary = await run_in_threadpool(
            facade(request).screen_file, str(source), str(target), threshold=level
        )
    except RedlistError as exc:
        shutil.rmtree(work, ignore_errors=True)
        # the library names the temp path; the user knows the file by the name they uploaded
        return refuse(400, str(exc).replace(str(source), file.filename or "upload"))
    name = f"redlist-{_safe_stem(file.filename)}.{output}"
    return FileResponse(
        target,
        media_type=DOWNLOAD_FORMATS[output],
        filename=name,
        headers={"X-Redlist-Rows": str(summary.rows), "X-Redlist-Matched": str(summary.matched)},
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )


@router.get("/ui/batch/check", response_class=HTMLResponse)
def batch_check_form(request: Request, redlist: Facade, _: Auth) -> HTMLResponse:
    """The upload form for batch status checks."""
    return render(request, "batch_check.html", **_check_form_context(redlist.settings.max_upload))


@router.post("/ui/batch/check", response_class=HTMLResponse)
async def batch_check_upload(
    request: Request,
    _: Auth,
    file: UploadFile = File(...),  # noqa: B008 - FastAPI's way to declare an upload
    activity: str = Form("transact"),
    on: str = Form(""),
) -> HTMLResponse:
    """One status question per row of an uploaded CSV/XLSX/JSONL: the counts and the answers on
    the page, and the whole result as CSV, XLSX and JSON lines downloads."""
    redlist = facade(request)
    max_upload = redlist.settings.max_upload
    form = {"activity": activity, "on": on}

    def refuse(status: int, message: str) -> HTMLResponse:
        context = _check_form_context(max_upload) | {"form": form, "error": message}
        return render(request, "batch_check.html", status, **context)

    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        return refuse(
            400, f"unsupported file type {suffix or '(no extension)'!r}: upload {', '.join(UPLOAD_SUFFIXES)}"
        )
    if activity not in ACTIVITY_TEXT:
        return refuse(400, f"unknown activity {activity!r}: choose one of {', '.join(ACTIVITY_TEXT)}")
    try:
        day = _iso(on.strip(), "date") if on.strip() else None
    except ApiError as exc:
        return refuse(exc.status, exc.message)
    folder = _results_folder(redlist.settings.cache_dir)
    token = secrets.token_urlsafe(18)
    work = folder / token
    work.mkdir(parents=True)
    source = work / f"upload{suffix}"
    try:
        if not await _save(file, source, max_upload):
            shutil.rmtree(work, ignore_errors=True)
            return refuse(413, f"the file is over {max_upload // 2**20} MB; split it or use the CLI")
        answers = work / "answers.jsonl"
        try:
            counts = await run_in_threadpool(
                redlist.check_file, str(source), str(answers), activity=activity, on=day
            )
        except RedlistError as exc:
            shutil.rmtree(work, ignore_errors=True)
            return refuse(400, str(exc).replace(str(source), file.filename or "upload"))
        records = [json.loads(line) for line in answers.read_text(encoding="utf-8").splitlines() if line]
        for fmt in ("csv", "xlsx"):
            await run_in_threadpool(redlist.write_results, records, work / f"answers.{fmt}", layout="check")
    finally:
        source.unlink(missing_ok=True)  # the upload itself is not kept
    (work / "name").write_text(_safe_stem(file.filename), encoding="utf-8")
    verdicts: dict[str, int] = {}
    for r in records:
        key = "error" if r.get("error") else str(r.get("verdict") or "no single party")
        verdicts[key] = verdicts.get(key, 0) + 1
    result = {
        "form": form,
        "token": token,
        "counts": counts,
        "verdicts": verdicts,
        "answers": records[:MAX_CHECK_ROWS],
        "total": len(records),
    }
    return render(request, "batch_check.html", **(_check_form_context(max_upload) | result))


@router.get("/ui/batch/check/{token}/answers.{fmt}")
def batch_check_download(token: str, fmt: str, request: Request, redlist: Facade, _: Auth) -> Response:
    """A batch check's answers as CSV, XLSX or JSON lines (kept for an hour after the upload)."""
    if not _TOKEN.fullmatch(token) or fmt not in ("csv", "xlsx", "jsonl"):
        return error_page(request, 404, "No such result.")
    work = _results_folder(redlist.settings.cache_dir, prune=False) / token
    path = work / f"answers.{fmt}"
    if not path.is_file():
        return error_page(
            request, 404, "This result has expired (results are kept for an hour); upload the file again."
        )
    name = (work / "name").read_text(encoding="utf-8") if (work / "name").is_file() else "batch"
    return FileResponse(path, media_type=DOWNLOAD_FORMATS[fmt], filename=f"redlist-check-{name}.{fmt}")


# --- helpers --------------------------------------------------------------------------------------


def _check_form_context(max_upload: int) -> dict[str, Any]:
    return {
        "activities": ACTIVITY_TEXT,
        "form": {"activity": "transact", "on": ""},
        "max_mb": max_upload // 2**20,
        "error": None,
        "token": None,
        "answers": None,
    }


def _results_folder(cache_dir: Path, *, prune: bool = True) -> Path:
    """Where batch check results wait for their download; results older than an hour are removed."""
    folder = Path(cache_dir) / "ui-results"
    if prune and folder.is_dir():
        cutoff = time.time() - RESULTS_KEPT
        for old in folder.iterdir():
            try:
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                continue  # removed meanwhile by another worker
    return folder


async def _save(upload: UploadFile, path: Path, limit: int) -> bool:
    """Copy the upload to ``path``; False (and a partial file) once it is over ``limit`` bytes."""
    size = 0
    with open(path, "wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                return False
            out.write(chunk)
    return True


def _safe_stem(filename: str | None) -> str:
    """The uploaded file's name reduced to safe characters for a download name (no header tricks)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(filename or "").stem).strip("_")
    return stem[:60] or "batch"


def _primary_name(found: dict[str, Any]) -> str:
    names = (found.get("current") or {}).get("names") or []
    return str(names[0]["value"]) if names else found["entity_id"]


def _iso(value: str, label: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ApiError(400, f"{label} must be a date as YYYY-MM-DD, not {value!r}") from exc


def _chart(timeline: Timeline, on: str | None = None) -> str | None:
    """The timeline chart as a ``data:`` URI of an SVG, with the asked date ``on`` marked (None
    when matplotlib is missing)."""
    with tempfile.TemporaryDirectory(prefix="redlist-chart-") as folder:
        path = Path(folder) / "timeline.svg"
        try:
            render_chart(timeline, str(path), "svg", on=on)
        except RedlistError:
            return None
        return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
