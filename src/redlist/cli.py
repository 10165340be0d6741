"""The ``redlist`` command line: a thin shell over the library (parse arguments, call, render)."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, cast

import typer
from rich.console import Console
from rich.markup import escape

from redlist import __version__
from redlist.errors import InvalidInput, RedlistError

if TYPE_CHECKING:
    from rich.table import Table

    from redlist.service import CheckResult, Redlist


class _App(typer.Typer):
    """The ``redlist`` command: typer's, with a short way in for one question.

    Building the whole command line (every command's parameters converted through pydantic, which
    typer imports to do it) costs more than answering ``redlist screen NAME``. When the arguments
    are one of the plain forms :func:`_quick_call` knows (``screen``/``check``, a name and simple
    options), the command's function is called directly; anything else (help, a file, an option
    it does not know, a value to validate: a usage error) goes through typer, so answers, messages
    and exit codes are typer's. Tests invoke ``app`` through typer's runner, which builds the
    command line as before.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _arrow_system_allocator()
        # a library error raised outside a command's own handler (_errors) is said in one line
        # too: an import that reads the environment (REDLIST_MATCH_CACHES) happens before it
        with _errors_to_exit():
            if not args and set(kwargs) <= {"prog_name"}:
                call = _quick_call(sys.argv[1:])
                if call is not None:
                    _run_quick(call)
            return super().__call__(*args, **kwargs)


def _arrow_system_allocator() -> None:
    """Arrow (the Parquet reader and writer) allocates with the C library's malloc in this process
    unless the user chose otherwise: its default, mimalloc, kept the memory of every batch it had
    decoded (a million-row input read by ``screen --input``: 121 MB anonymous memory instead of
    55, the same CPU time; docs/benchmarks.md). Read by pyarrow when it is first imported, and by
    the processes ``--workers`` and ``--engine dask`` start."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


app = _App(
    name="redlist",
    help="US restriction lists: which list, what it forbids, in force on which day, and why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


#: Exit codes of `redlist check` (documented in the README and in `redlist check --help`).
EXIT_CODES: dict[str, int] = {
    "allowed": 0,
    "runtime error": 1,
    "usage error": 2,
    "no match": 3,
    "ambiguous": 4,
    "unknown": 5,
    "review": 6,
    "restricted": 7,
    "prohibited": 8,
    "rows failed": 9,
}
_EXIT_HELP = (
    "Exit codes: 0 allowed, 3 no match (nothing on the loaded lists), 4 ambiguous name, 5 unknown, "
    "6 review, 7 restricted, 8 prohibited; 2 usage error, 1 runtime error; with --input, 9 when "
    "rows failed (unless --allow-errors)."
)


def esc(value: object) -> str:
    """``value`` as text shown literally: published names, citations and messages may hold
    brackets that Rich would read as markup (``pip install 'redlist[charts]'``)."""
    return escape(str(value))


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"redlist {__version__}")
        raise typer.Exit()


_HOME: dict[str, Path | None] = {"home": None}


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="The data directory (default: REDLIST_HOME or the user data directory)."),
    ] = None,
) -> None:
    """redlist: screen parties against US restriction lists, with their history over time."""
    _HOME["home"] = home


@contextmanager
def _errors() -> Iterator[None]:
    """Print library errors as one clear line on stderr and exit non-zero (no traceback)."""
    try:
        yield
    except InvalidInput as exc:  # a bad activity, date, list id...: the invocation is wrong
        err.print(f"[bold red]error:[/] {esc(exc)}", highlight=False)
        raise typer.Exit(EXIT_CODES["usage error"]) from None
    except RedlistError as exc:
        err.print(f"[bold red]error:[/] {esc(exc)}", highlight=False)
        raise typer.Exit(EXIT_CODES["runtime error"]) from None


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    """:func:`_errors` outside typer: its exit as the process's exit code."""
    try:
        with _errors():
            yield
    except typer.Exit as exc:
        sys.exit(exc.exit_code)


# --- the short way in (see _App) ----------------------------------------------------------------

#: The options each command may have on the short way: option -> (keyword, kind); "flag" takes no
#: value, "list" may repeat; values are used as given (typer does the same for these str options).
_QUICK_OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "screen": {
        "--json": ("as_json", "flag"),
        "--type": ("type", "str"),
        "--country": ("country", "str"),
        "--nationality": ("nationality", "str"),
        "--dob": ("dob", "str"),
        "--list": ("lists", "list"),
        "--on": ("on", "str"),
    },
    "check": {
        "--json": ("as_json", "flag"),
        "--activity": ("activity", "str"),
        "--on": ("on", "str"),
        "--purpose": ("purpose", "str"),
        "--id": ("entity_id", "str"),
        "--isin": ("isin", "str"),
    },
}


def _quick_call(argv: list[str]) -> tuple[str, dict[str, Any], Path | None] | None:
    """(command, its keyword arguments, --home) for a plain ``screen``/``check`` invocation, or
    None: anything this does not recognise exactly is left to typer."""
    home: Path | None = None
    args = list(argv)
    while args and args[0].startswith("--home"):
        option = args.pop(0)
        if option.startswith("--home="):
            value = option.removeprefix("--home=")
        elif option == "--home" and args and not args[0].startswith("-"):
            value = args.pop(0)
        else:
            return None
        if not value:
            return None
        home = Path(value)
    if not args or args[0] not in _QUICK_OPTIONS:
        return None
    command, options = args[0], _QUICK_OPTIONS[args[0]]
    kwargs: dict[str, Any] = {}
    rest = args[1:]
    while rest:
        item = rest.pop(0)
        if not item.startswith("-"):
            if "name" in kwargs or not item:
                return None
            kwargs["name"] = item
            continue
        option, eq, value = item.partition("=")
        spec = options.get(option)
        if spec is None:
            return None  # --help, --input, a short option, "--", an unknown option: typer's
        keyword, kind = spec
        if kind == "flag":
            if eq or keyword in kwargs:
                return None
            kwargs[keyword] = True
            continue
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        if not value:
            return None
        if kind == "list":
            kwargs.setdefault(keyword, []).append(value)
        elif keyword in kwargs:
            return None
        else:
            kwargs[keyword] = value
    if command == "screen" and "on" in kwargs and not _is_date(kwargs["on"]):
        return None  # screen says so after loading the lists (and warning about them): typer's
    return command, kwargs, home


def _is_date(value: str) -> bool:
    from redlist.model import iso_date

    try:
        iso_date(value)
    except ValueError:
        return False
    return True


def _run_quick(call: tuple[str, dict[str, Any], Path | None]) -> None:
    """Run a command found by :func:`_quick_call` as typer would, and exit with its code; a usage
    error raised by the command goes back to typer (returns), which says it as typer says it."""
    # typer's own copy of click: the exceptions its commands raise, handled as typer's main does
    from typer._click.exceptions import UsageError
    from typer._click.utils import PacifyFlushWrapper

    from redlist.util import limit_thread_pools

    # before numpy is imported: OpenBLAS would start a thread per core (20-30 ms of CPU) for an
    # answer that does no linear algebra
    limit_thread_pools()
    command, kwargs, home = call
    function: Any = {"screen": screen, "check": check}[command]
    _HOME["home"] = home
    try:
        function(**kwargs)
    except UsageError:
        _HOME["home"] = None
        return  # typer parses the same arguments again and reports the error
    except typer.Exit as exc:
        _exit_now(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = cast(TextIO, PacifyFlushWrapper(sys.stdout))
        sys.stderr = cast(TextIO, PacifyFlushWrapper(sys.stderr))
        sys.exit(1)
    _exit_now(0)


def _exit_now(code: int | None) -> NoReturn:
    """Exit with ``code`` once the answer is out, skipping the interpreter's teardown (freeing
    every module and object one by one: 30-40 ms, a tenth of a one-shot answer). What the teardown
    would do that matters is done first: the exit handlers run and the output is flushed. A
    thread still running, or output that cannot be flushed, takes the ordinary way out."""
    import atexit
    import threading

    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    if not _flushed():
        sys.exit(code)  # a closed pipe: Python says so on the way out, as before
    atexit._run_exitfuncs()
    if not _flushed():
        sys.exit(code)
    os._exit(code or 0)


def _flushed() -> bool:
    """Whether stdout and stderr (when there are any) took what they held."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


def _settings(**overrides: Any):  # noqa: ANN202 - redlist.settings is imported lazily (start-up time)
    from redlist.settings import Settings

    return Settings.load(home=_HOME["home"], **overrides)


def _redlist(**overrides: Any) -> Redlist:
    """The facade over the settings of this run (``--home``, the environment, ``redlist.toml``)."""
    from redlist.service import Redlist, load_settings

    return Redlist(load_settings(home=_HOME["home"], **overrides))


def _date_option(value: str | None, name: str) -> str | None:
    """An ISO date option, or a usage error naming the option."""
    from redlist.model import iso_date

    if value is None:
        return None
    try:
        return iso_date(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def _status(what: str) -> AbstractContextManager[Any]:
    """A spinner saying ``what`` on stderr while it is done, when stderr is a terminal (elsewhere
    rich shows nothing: its spinner, live display and refresh thread are then not started)."""
    if not err.is_terminal:
        return nullcontext()
    return err.status(what)


def _table(*columns: str) -> Table:
    """A table whose short id and date columns never wrap (wide columns can be unset)."""
    from rich.table import Table  # imported when a table is printed (start-up time)

    table = Table()
    for column in columns:
        table.add_column(column, no_wrap=True)
    return table


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --- update ------------------------------------------------------------------------------------


@app.command()
def update(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    origin: Annotated[
        str | None,
        typer.Option("--from", help="A file, a folder of the official file names, or a URL."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the snapshot (YYYY-MM-DD); for the eCFR, the date to fetch."),
    ] = None,
    allow_shrink: Annotated[
        str | None,
        typer.Option(
            "--allow-shrink",
            metavar="REASON",
            help="Store a publication that lost more records than its source allows (OFAC 3%, others 5%); "
            "the reason is kept with the snapshot.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Download or load publications and store them as new snapshots (all-or-nothing per source)."""
    as_of = _date_option(as_of, "--as-of")
    with _errors(), _progress(enabled=not as_json) as progress:
        redlist = _redlist()
        results = redlist.update(
            sources or [], origin=origin, as_of=as_of, allow_shrink=allow_shrink, progress=progress
        )
    watched = redlist.last_watch_report
    if as_json:
        _print_json([r.to_dict() for r in results])
    else:
        table = _table("source", "status", "as of", "records", "added", "removed", "amended")
        for r in results:
            colour = {"stored": "green", "unchanged": "cyan"}.get(r.status, "red")
            snap = r.snapshot
            table.add_row(
                r.source,
                f"[{colour}]{r.status}[/]",
                snap.as_of if snap else "",
                str(snap.record_count) if snap else "",
                *(str(r.changes.get(k, "")) for k in ("added", "removed", "amended")),
            )
        out.print(table)
        for r in results:
            if r.ok:
                out.print(f"{r.source}: {esc(r.message)}", highlight=False)
        for r in results:
            for warning in r.warnings:
                err.print(f"[yellow]warning:[/] {r.source}: {esc(warning)}", highlight=False)
        if watched is not None:
            out.print(
                f"watchlists re-checked: {watched.rows_screened} rows screened against "
                f"{watched.changed_entries} changed entries, {len(watched.raised)} alerts raised",
                highlight=False,
            )
    for r in results:
        if not r.ok:
            err.print(f"[bold red]error:[/] {esc(r.message)}", highlight=False)
    if redlist.watch_error:
        err.print(f"[bold red]error:[/] {esc(redlist.watch_error)}", highlight=False)
    if any(not r.ok for r in results) or redlist.watch_error:
        raise typer.Exit(1)


@contextmanager
def _progress(enabled: bool):
    """A Rich progress display fed by the library's progress(stage, done, total) callback."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


# --- sources -----------------------------------------------------------------------------------


@app.command("sources")
def sources_cmd(as_json: JsonFlag = False) -> None:
    """Every list redlist answers from: official sources (newest snapshot, age, history, status)
    and the bundled curated lists (newest edition, entries, how many confirmed)."""
    with _errors():
        rows = _redlist().sources()
    if as_json:
        _print_json(rows)
        return
    official = [r for r in rows if r.get("kind") != "curated"]
    curated = [r for r in rows if r.get("kind") == "curated"]
    out.print("[bold]Official publications[/] (redlist update SOURCE)", highlight=False)
    for r in official:
        if not r["as_of"]:
            out.print(f"  [magenta]{esc(r['source'])}[/]: not loaded", highlight=False)
            continue
        age = f"{r['age_days']} days old" + (" [yellow](stale)[/]" if r.get("stale") else "")
        out.print(
            f"  [bold]{esc(r['source'])}[/]: as of {r['as_of']} ({age}); {r['records']:,} records; "
            f"history from {r.get('history_from') or r['as_of']} ({r['snapshots']} snapshot(s)); "
            f"sha256 {esc((r['sha256'] or '')[:12])}; {esc(r['status'])}",
            highlight=False,
        )
    out.print("[bold]Curated lists[/] (bundled reviewed data)", highlight=False)
    for r in curated:
        age = f", {r['age_days']} days ago" if r.get("age_days") is not None else ""
        out.print(
            f"  [bold]{esc(r['source'])}[/]: newest edition {esc(r.get('newest_edition') or '-')} "
            f"({r['as_of'] or 'undated'}{age}); {r['entries']} entries, {r['confirmed']} confirmed from "
            f"government text, {r['secondary']} secondary",
            highlight=False,
        )
    if not any(r["as_of"] for r in official):
        out.print(
            "[yellow]note:[/] no official list is loaded: answers that need OFAC or BIS data say unknown. "
            "Run `redlist update` (or `redlist update --from FILE`).",
            highlight=False,
        )


# --- changes -----------------------------------------------------------------------------------


@app.command()
def changes(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD), inclusive.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD), inclusive.")] = None,
    list_id: Annotated[str | None, typer.Option("--list", help="Only entries of this list.")] = None,
    change: Annotated[str | None, typer.Option(help="Only added, removed or amended.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only this entity id.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List changes between consecutive snapshots: entries added, removed and amended, by date."""
    since = _date_option(since, "--since")
    until = _date_option(until, "--until")
    with _errors():
        events = _redlist().changes(
            source=source, since=since, until=until, entity_id=entity, list_id=list_id, change=change
        )
    if as_json:
        _print_json([e.to_dict() for e in events])
        return
    table = _table("date", "source", "list", "id", "change", "name", "fields")
    for column in table.columns[-2:]:
        column.no_wrap = False
    colours = {"added": "green", "removed": "red", "amended": "yellow"}
    for e in events:
        table.add_row(
            e.date,
            e.source,
            e.list,
            esc(e.source_id),
            f"[{colours[e.change.value]}]{e.change.value}[/]",
            esc(e.name),
            esc(", ".join(e.fields)),
        )
    out.print(table)
    out.print(f"{len(events)} change(s)")


# --- reparse ----------------------------------------------------------------------------------


@app.command()
def reparse(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Also snapshots already read by the current parser.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Re-read stored snapshots from their archived raw bytes with the current parsers."""
    with _errors(), _progress(enabled=not as_json) as progress:
        results = _redlist().reparse(sources or [], every=every, progress=progress)
    if as_json:
        _print_json([r.to_dict() for r in results])
    else:
        for r in results:
            out.print(f"{r.source} {r.snapshot.as_of if r.snapshot else ''}: {esc(r.message)}")
        out.print(f"{len(results)} snapshot(s) re-parsed")


# --- show --------------------------------------------------------------------------------------


@app.command()
def show(
    entity_id: Annotated[str, typer.Argument(help="An entity id, e.g. ofac-36.")],
    as_json: JsonFlag = False,
) -> None:
    """One entry as currently published, with its change history."""
    with _errors():
        record = _redlist().entity(entity_id)
        if record is None:
            raise RedlistError(f"no entity {entity_id!r} in the store or the curated lists")
    current, events = record.current, record.history
    if as_json:
        _print_json(record.to_dict())
        return
    if current is None:
        out.print(f"{esc(entity_id)}: not in the latest publication of any source (removed)")
    else:
        out.print(f"[bold]{esc(current.name)}[/]  ({current.type.value}, {esc(entity_id)})")
        for name in current.names[1:]:
            out.print(f"  {name.type.value}: {esc(name.value)}")
        for ident in current.identifiers:
            out.print(
                f"  {ident.type.value}: {esc(ident.value)}"
                + ("" if ident.valid is not False else " (invalid)")
            )
        for listing in current.listings:
            out.print(
                f"  listed: {listing.list_id} {esc(listing.source_id or '')} {esc(', '.join(listing.programs))}"
            )
    for e in events:
        out.print(f"  {e.date} {e.source}: {e.change.value} {esc(', '.join(e.fields))}")


# --- screen ------------------------------------------------------------------------------------


def _loaded(redlist: Redlist, what: str) -> None:
    """Build the indexes under a spinner, and warn when no official list was ever loaded."""
    with _status(what):
        official = redlist.has_official_data()
    if not official:
        err.print(
            "[yellow]warning:[/] no official list loaded yet (run `redlist update`); "
            "screening against the bundled curated lists only",
            highlight=False,
        )


def _parse_ids(values: list[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for value in values:
        kind, sep, code = value.partition(":")
        if not sep or not kind.strip() or not code.strip():
            raise typer.BadParameter(
                f"{value!r} is not TYPE:VALUE (e.g. isin:US0378331005)", param_hint="--id"
            )
        ids[kind.strip().lower()] = code.strip()
    return ids


@app.command()
def screen(
    name: Annotated[str | None, typer.Argument(help="The name to screen (any script).")] = None,
    type: Annotated[str, typer.Option("--type", help="person, company, vessel, aircraft or any.")] = "any",
    country: Annotated[str | None, typer.Option(help="ISO-2 country code of the party.")] = None,
    dob: Annotated[
        str | None, typer.Option("--dob", help="A person's date of birth (YYYY-MM-DD or YYYY-MM).")
    ] = None,
    birth_year: Annotated[
        int | None, typer.Option("--birth-year", min=1850, max=2100, help="A person's year of birth.")
    ] = None,
    nationality: Annotated[
        str | None, typer.Option(help="A person's nationality (ISO-2); clears namesakes with --dob.")
    ] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="An identifier TYPE:VALUE (isin, lei, uscc, imo...).")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Minimum score (default: MATCH_THRESHOLD).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most matches per query.")] = 10,
    lists: Annotated[list[str] | None, typer.Option("--list", help="Only these list ids.")] = None,
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="Screen a CSV, XLSX, Parquet or JSONL file.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Result file: .jsonl, .csv or .xlsx (default stdout JSONL)."),
    ] = None,
    name_column: Annotated[str, typer.Option(help="The input column holding names.")] = "name",
    id_column: Annotated[str, typer.Option(help="The input column holding row ids.")] = "id",
    on: Annotated[
        str | None,
        typer.Option("--on", help="Screen against the lists as they stood on this date (YYYY-MM-DD)."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The encoding of a CSV input not in UTF-8 (e.g. cp1252).")
    ] = None,
    allow_errors: Annotated[
        bool, typer.Option("--allow-errors", help="With --input: exit 0 even when rows failed.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            help="With --input: processes sharing the index (0: one per core; dask: workers).",
        ),
    ] = 1,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="With --input: local (this machine) or dask (pip install 'redlist[dask]')."
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="With --engine dask: the scheduler's address (default: a local cluster)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen a name (or a file of names and identifiers) against every list, with explained scores."""
    from redlist.model import LIST_IDS
    from redlist.service import Query, validate_query_type

    with _errors():
        validate_query_type(type)
        for list_id in lists or []:
            if list_id not in LIST_IDS:
                raise typer.BadParameter(
                    f"unknown list {list_id!r}; known: {', '.join(LIST_IDS)}", param_hint="--list"
                )
        if input is None and name is None and not ids:
            raise typer.BadParameter("give a NAME, --id TYPE:VALUE or --input FILE")
        redlist = _redlist()
        if input is not None:
            _loaded(redlist, "loading the lists")
            with _progress(True) as progress:
                summary = redlist.screen_file(
                    str(input),
                    output or "-",
                    name_column=name_column,
                    id_column=id_column,
                    threshold=threshold,
                    limit=limit,
                    lists=lists or None,
                    progress=progress,
                    encoding=encoding,
                    workers=workers,
                    engine=engine,
                    scheduler=scheduler,
                )
            err.print(
                f"screened {summary.rows:,} row(s): {summary.matched:,} with matches, {summary.errors:,} with errors"
                + (f" -> {esc(output)}" if output else "")
            )
            if summary.errors and not allow_errors:
                raise typer.Exit(EXIT_CODES["rows failed"])
            return
        if dob and birth_year and not dob.startswith(str(birth_year)):
            raise typer.BadParameter(
                f"--dob {dob} and --birth-year {birth_year} disagree", param_hint="--dob"
            )
        query = Query(
            name=name,
            type=type,
            country=country,
            identifiers=_parse_ids(ids or []),
            lists=lists or None,
            birth_date=dob or (str(birth_year) if birth_year else None),
            nationality=nationality,
        )
        _loaded(redlist, "loading the lists")
        on = _date_option(on, "--on")
        with _status("loading the lists"):
            result = redlist.screen(query, threshold=threshold, limit=limit, on=on)
        _record(redlist, "screen", {**query.to_dict(), "on": on}, result)
    if as_json:
        _print_json(result.to_dict())
        return
    if result.error:
        err.print(f"[bold red]error:[/] {esc(result.error)}", highlight=False)
        raise typer.Exit(EXIT_CODES["runtime error"])
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {esc(warning)}", highlight=False)
    for cleared in result.cleared:
        out.print(
            f"cleared: {esc(cleared['name'])} ({esc(cleared['entity_id'])}), name score "
            f"{cleared['name_score']:.2f} -> {cleared['score']:.2f}: {esc(cleared['reason'])}",
            highlight=False,
        )
    if not result.matches:
        out.print(f"no match at or above {threshold if threshold is not None else 'the default threshold'}")
        return
    _print_matches(result.matches)


def _list_refs(lists: list[dict[str, Any]]) -> str:
    """``us_ofac_sdn 36, us_trade_csl`` (the list, and the entry number when it has one)."""
    return ", ".join(f"{x['list']} {x['source_id']}" if x.get("source_id") else str(x["list"]) for x in lists)


def _print_matches(matches: list[Any]) -> None:
    """A table on a wide terminal; stacked lines (nothing cut off) below 100 columns."""
    if out.width >= 100:
        table = _table("#", "score", "entity", "lists")
        table.add_column("name", overflow="fold")
        table.columns[3].no_wrap = False
        table.columns[3].overflow = "fold"
        for n, m in enumerate(matches, 1):
            table.add_row(str(n), f"{m.score:.2f}", esc(m.entity_id), esc(_list_refs(m.lists)), esc(m.name))
        out.print(table)
        for n, m in enumerate(matches, 1):
            out.print(f"[dim]{n}. {esc(m.explanation['summary'])}[/]", highlight=False)
        return
    for n, m in enumerate(matches, 1):
        out.print(f"[bold]{n}. {m.score:.2f}  {esc(m.name)}[/]", highlight=False)
        out.print(f"   {esc(m.entity_id)}; {esc(_list_refs(m.lists))}", highlight=False)
        out.print(f"   [dim]{esc(m.explanation['summary'])}[/]", highlight=False)


# --- check and timeline ------------------------------------------------------------------------

_VERDICT_STYLE = {
    "prohibited": "bold red",
    "restricted": "bold yellow",
    "review": "bold yellow",
    "allowed": "bold green",
    "unknown": "bold magenta",
}


def check_exit_code(result: CheckResult) -> int:
    """The exit code of one answer (see :data:`EXIT_CODES`)."""
    if result.candidates:
        return EXIT_CODES["ambiguous"]
    if result.verdict == "allowed" and result.party is None:
        return EXIT_CODES["no match"]
    return EXIT_CODES.get(str(result.verdict or ""), EXIT_CODES["runtime error"])


@app.command(epilog=_EXIT_HELP)
def check(
    name: Annotated[str | None, typer.Argument(help="The party's name (any script).")] = None,
    entity_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="A party or entry id (ofac-36, us_dod_ccmc:xiaomi) or an identifier TYPE:VALUE "
            "(isin:CNE100000PM8, lei:...).",
        ),
    ] = None,
    isin: Annotated[str | None, typer.Option("--isin", help="The security's ISIN.")] = None,
    activity: Annotated[
        str,
        typer.Option(help="invest, divest, transact, export, import, procure or telecom."),
    ] = "transact",
    on: Annotated[
        str | None, typer.Option("--on", help="The date asked about, YYYY-MM-DD (default today).")
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            help="What the party's equipment is used for: public_safety, government_facilities, "
            "critical_infrastructure, national_security or other. Lists that cover some equipment only "
            "for those purposes (s.889, FCC Covered List: Hytera, Hikvision, Dahua) answer review without it."
        ),
    ] = None,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="A CSV/XLSX/Parquet/JSONL file: id, name (or entity_id, isin), activity, date, purpose.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Result file: .jsonl, .json, .csv, .xlsx or .parquet (default stdout JSONL).",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The encoding of a CSV input not in UTF-8 (e.g. cp1252).")
    ] = None,
    allow_errors: Annotated[
        bool, typer.Option("--allow-errors", help="Exit 0 even when input rows failed.")
    ] = False,
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay",
            help="A receipt (an earlier answer's --json output, or its 'data'): answer again from "
            "exactly the snapshots it names.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """May a US person do ACTIVITY with this party on this date? Verdict, findings and citations."""
    from redlist.service import validate_activity, validate_date, validate_purpose

    with _errors():
        validate_activity(activity)
        validate_purpose(purpose)
        if on is not None:
            validate_date(on, "--on")
        if input is not None:
            redlist = _redlist()
            with _status("loading the lists, their history and the curated data"):
                redlist.warm_checker()
            with _progress(True) as progress:
                counts = redlist.check_file(
                    str(input),
                    output or "-",
                    activity=activity,
                    on=on,
                    purpose=purpose,
                    progress=progress,
                    encoding=encoding,
                )
            err.print(
                f"checked {counts['rows']:,} row(s), {counts['errors']:,} with errors"
                + (f" -> {esc(output)}" if output else "")
            )
            if counts["errors"] and not allow_errors:
                raise typer.Exit(EXIT_CODES["rows failed"])
            return
        identifiers = {"isin": isin.strip()} if isin else None
        if not name and not entity_id and not identifiers:
            raise typer.BadParameter("give a NAME, --id ID or --isin ISIN")
        receipt = _read_json_file(replay, "--replay") if replay is not None else None
        redlist = _redlist()
        with _status("loading the lists, their history and the curated data"):
            redlist.warm_checker()
            result = redlist.check(
                name,
                entity_id=entity_id,
                identifiers=identifiers,
                activity=activity,
                on=on,
                purpose=purpose,
                replay=receipt,
            )
        _record(redlist, "check", result.query, result)
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_check(result)
    code = check_exit_code(result)
    if code:
        raise typer.Exit(code)


def _record(redlist: Redlist, action: str, given: dict[str, Any], result: Any) -> None:
    """Put the answer in the audit trail (the ``audit`` setting); a home that cannot be written
    to does not stop the answer, it is said on stderr."""
    from redlist.service import check_summary, screen_summary

    summary = screen_summary(result) if action == "screen" else check_summary(result)
    try:
        redlist.record(action, given, summary, receipt=result.data, wait=True)
    except RedlistError as exc:
        err.print(f"[yellow]warning:[/] not recorded in the audit trail: {esc(exc)}", highlight=False)


def _read_json_file(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise typer.BadParameter(f"{path}: cannot read ({exc.strerror or exc})", param_hint=option) from None
    except (ValueError, RecursionError) as exc:
        raise typer.BadParameter(f"{path}: not JSON ({exc})", param_hint=option) from None


def _print_check(result: CheckResult) -> None:
    party = result.party
    if result.candidates:
        out.print(f"[bold]{esc(result.error)}[/]", highlight=False)
        for c in result.candidates:
            out.print(
                f"  [bold]{esc(c['name'])}[/]  {esc(c['entity_id'])}  score {c['score']:.2f}", highlight=False
            )
            facts = [c.get("type", ""), ", ".join(c.get("countries", [])), ", ".join(c["lists"])]
            out.print(f"      {esc('; '.join(x for x in facts if x))}", highlight=False)
        return
    style = _VERDICT_STYLE.get(result.verdict or "", "bold")
    who = f"{party['name']} (party {party['id']})" if party else repr(result.query.get("name") or "")
    used = f" (used for {result.purpose.replace('_', ' ')})" if result.purpose else ""
    out.print(
        f"[{style}]{(result.verdict or '').upper()}[/]: {esc(result.activity)} with {esc(who)} on {result.on}{used}",
        highlight=False,
    )
    if party and party.get("found_by") in ("name", "identifier"):
        out.print(
            f"[dim]found by {party['found_by']}: {esc(party['explanation'])} (score {party['score']:.2f})[/]",
            highlight=False,
        )
    if party and len(party["entity_ids"]) > 1:
        out.print(f"[dim]entries: {esc(', '.join(party['entity_ids']))}[/]", highlight=False)
    for f in result.findings:
        effect = {"none": "does not restrict this activity"}.get(f["effect"], f["effect"])
        through = " (through ownership)" if f.get("via") else ""
        out.print(
            f"\n[bold]{esc(f['list_title'] or f['list'])}{through}[/]: {esc(f['state'].replace('_', ' '))}; "
            f"{esc(result.activity)}: {esc(effect)}",
            highlight=False,
        )
        out.print(f"  {esc(f['explanation'])}", highlight=False)
        dates = [
            f"{k.replace('_on', '')} {f[k]}"
            + (f" ({f['listed_on_basis']})" if k == "listed_on" and f.get("listed_on_basis") else "")
            for k in ("listed_on", "effective_on", "divestment_on", "removed_on")
            if f.get(k)
        ]
        if f.get("first_seen") and f.get("first_seen") != f.get("listed_on"):
            dates.append(f"first seen in the data {f['first_seen']} (a snapshot date, not a legal date)")
        if dates:
            out.print(f"  dates: {esc(', '.join(dates))}", highlight=False)
        if f.get("scope"):
            covers = ", ".join(p.replace("_", " ") for p in f["scope"]["purposes"])
            status = (f.get("scope_status") or "").replace("_", " ")
            out.print(f"  scope: covers {esc(covers)} only ({esc(status)})", highlight=False)
        if f.get("case"):
            c = f["case"]
            out.print(
                f"  court: {esc(c['title'])}, {esc(c.get('docket') or '')} ({esc(c.get('court') or '')})",
                highlight=False,
            )
        for cite in f["citations"]:
            out.print(f"  [dim]cite: {esc(cite)}[/]", highlight=False)
    if result.related:
        out.print("\n[bold]Related parties[/] (context; not part of the verdict):", highlight=False)
        for r in result.related:
            out.print(f"  {esc(r['text'])} \\[{esc(r['party_id'])}; {esc(r['evidence'])}]", highlight=False)
    for notice in result.notices:
        out.print(f"[yellow]note:[/] {esc(notice)}", highlight=False)
    if result.data:
        used = ", ".join(f"{s['source']} {s['as_of']}" for s in result.data.get("sources", [])) or "none"
        out.print(
            f"[dim]data: {esc(used)}; curated {esc(result.data.get('curated', ''))} "
            "(--json for the full receipt; --replay it to answer again from the same data)[/]",
            highlight=False,
        )


@app.command()
def timeline(
    name: Annotated[str | None, typer.Argument(help="The party's name, or an entity id with --id.")] = None,
    entity_id: Annotated[str | None, typer.Option("--id", help="An entity id instead of a name.")] = None,
    format: Annotated[str, typer.Option("--format", help="text, json, svg or png.")] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File for svg/png (default timeline.<format>).")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="A date to mark on the chart (YYYY-MM-DD), e.g. the asked date."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The party's dated history across all lists and courts, as text, JSON or a chart."""
    from redlist.render.timeline import render_chart, render_text

    if as_json:
        format = "json"
    if format not in ("text", "json", "svg", "png"):
        raise typer.BadParameter("format must be text, json, svg or png", param_hint="--format")
    asked = _date_option(on, "--on")
    with _errors():
        if not name and not entity_id:
            raise typer.BadParameter("give a NAME or --id ENTITY_ID")
        redlist = _redlist()
        with _status("loading the lists, their history and the curated data"):
            redlist.warm_checker()
        line = redlist.timeline(name, entity_id=entity_id)
        if format == "json":
            _print_json(line.to_dict())
        elif format == "text":
            out.print(render_text(line), highlight=False, markup=False)
        else:
            path = output or Path(f"timeline.{format}")
            render_chart(line, str(path), format, on=asked)
            err.print(f"wrote {esc(path)}")


# --- serve and keys ------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default 8000).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default 1).")] = None,
    auth: Annotated[
        bool | None,
        typer.Option("--auth/--no-auth", help="Require API keys (default: on unless the host is loopback)."),
    ] = None,
    cors: Annotated[list[str] | None, typer.Option(help="An origin allowed by CORS (repeatable).")] = None,
    access_log: Annotated[
        bool | None, typer.Option("--access-log/--no-access-log", help="Log every request (keys redacted).")
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="The public base URL for published links (default http://HOST:PORT)."),
    ] = None,
) -> None:
    """Run the HTTP API (and its OpenAPI docs at /docs); with --workers N, N processes forked after
    the data is loaded, sharing it."""
    from redlist.api.prefork import limit_thread_pools, worker_caches

    limit_thread_pools()  # before numpy is imported: one BLAS/OpenMP thread per worker
    worker_caches()  # before redlist.match is imported: its cache sizes are read then
    with _errors():
        settings = _settings(
            host=host,
            port=port,
            workers=workers,
            api_auth=auth,
            api_cors=cors or None,
            access_log=access_log,
            public_url=public_url,
        )
        from redlist.service import Redlist

        if settings.auth_required() and not Redlist(settings).keys.any_active():
            raise RedlistError(
                "API keys are required on this address: create one with `redlist keys create NAME`"
            )
    need_auth = settings.auth_required()
    err.print(
        f"serving on http://{settings.host}:{settings.port} (API keys {'required' if need_auth else 'not required'})"
    )
    from redlist.api.server import run

    with _errors():  # a worker parent loads the data first: a store it cannot read is reported
        run(settings)


party_app = typer.Typer(
    help="Parties: the entries of every list that are one legal person.", no_args_is_help=True
)
app.add_typer(party_app, name="party")


@party_app.command("show")
def party_show(
    name_or_id: Annotated[str, typer.Argument(help="A name, a party id or any entry id of the party.")],
    as_json: JsonFlag = False,
) -> None:
    """One party: its entries per source, the evidence of every link, its related parties."""
    with _errors():
        redlist = _redlist()
        with _status("loading the parties"):
            party, result = redlist.party(name_or_id)
        notes = redlist.party_notes()
    if party is None:
        if result.candidates:
            _print_check(result)  # lists the candidates and exits 2
        err.print(f"[bold red]error:[/] {esc(result.error or result.notices[0])}", highlight=False)
        raise typer.Exit(1)
    if as_json:
        _print_json(party.to_dict() | {"notes": [n for n in notes if any(e in n for e in party.entry_ids)]})
        return
    out.print(f"[bold]{esc(party.name)}[/]  (party {esc(party.id)}, {party.type})", highlight=False)
    if party.countries:
        out.print(f"  countries: {esc(', '.join(party.countries))}", highlight=False)
    out.print("[bold]Entries[/] (entry id, published by, lists, listed today):", highlight=False)
    for m in party.members:
        now = "listed" if m.current else "no longer listed"
        out.print(f"  {m.entry_id}  {m.name}", highlight=False, markup=False)
        out.print(
            f"      {', '.join(m.sources)}; {', '.join(m.lists) or 'no list'}; {now}",
            highlight=False,
            markup=False,
        )
    out.print("[bold]Why these are one party[/]:", highlight=False)
    for link in party.links:
        kind = "not the same" if link.kind == "not_same" else link.evidence
        pair = link.a if link.a == link.b else f"{link.a} = {link.b}"
        out.print(f"  [{kind}] {pair}: {link.reason}", highlight=False, markup=False)
    if party.related:
        out.print("[bold]Related parties[/] (never merged):", highlight=False)
        for r in party.related:
            share = f" {r.share:.0%}" if r.share is not None else ""
            out.print(
                f"  {r.relation}{share}: {r.name} ({r.party_id}) [{r.evidence}: {r.reason}]",
                highlight=False,
                markup=False,
            )
    for note in notes:
        if any(e in note for e in party.entry_ids):
            out.print(f"[yellow]note:[/] {esc(note)}", highlight=False)


@party_app.command("link")
def party_link(
    a: Annotated[
        str, typer.Argument(help="An entry id, or the name of a party on no list (with --country).")
    ],
    b: Annotated[str, typer.Argument(help="An entry id.")],
    same: Annotated[bool, typer.Option("--same", help="They are one party.")] = False,
    not_same: Annotated[bool, typer.Option("--not-same", help="They are not one party.")] = False,
    related: Annotated[
        str | None,
        typer.Option(
            "--related",
            help="A is RELATION of B: owned_by, parent, subsidiary, affiliate, branch, linked_to.",
        ),
    ] = None,
    share: Annotated[
        float | None,
        typer.Option("--share", min=0.01, max=100, help="For owned_by: B's share of A, in percent."),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO-2 country of A when A is a party on no list.")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the judgement).")] = "",
) -> None:
    """Record your judgement about two entries; it overrides the bundled ones and is shown by `party show`."""
    chosen = [x for x in (same, not_same, related is not None) if x]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --same, --not-same, --related RELATION")
    judgement = "same" if same else "not_same" if not_same else "related"
    with _errors():
        redlist = _redlist()
        side: str | dict[str, Any] = a
        if country or (" " in a and redlist.entity(a) is None):
            side = {"name": a} | ({"country": country.upper()} if country else {})
        row = redlist.link(
            side, b, judgement, reason, relation=related, share=share / 100 if share is not None else None
        )
    out.print(
        f"recorded: {row['judgement']} {row['a']} / {row['b']} ({row['reason']})",
        highlight=False,
        markup=False,
    )


keys_app = typer.Typer(help="Create, list and revoke API keys (stored hashed).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(name: Annotated[str, typer.Argument(help="Who or what uses the key.")]) -> None:
    """Create a key; it is shown once."""
    with _errors():
        record, secret = _redlist().keys.create(name)
    err.print(f"created key {record.id} ({esc(record.name)}); store it now, it is not shown again:")
    out.print(secret, highlight=False, markup=False)


@keys_app.command("list")
def keys_list(as_json: JsonFlag = False) -> None:
    """The keys: id, name, created, revoked (never the secret)."""
    with _errors():
        rows = [k.public() for k in _redlist().keys.list()]
    if as_json:
        _print_json(rows)
        return
    table = _table("id", "name", "created", "revoked")
    for r in rows:
        table.add_row(r["id"], esc(r["name"]), r["created"], r["revoked"] or "")
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (see `keys list`).")]) -> None:
    """Revoke a key; requests with it are refused from then on."""
    with _errors():
        key = _redlist().keys.revoke(key_id)
    out.print(f"revoked {key.id} ({esc(key.name)}) at {key.revoked}")


db_app = typer.Typer(
    help="The store's database (SQLite, or PostgreSQL with database_url).", no_args_is_help=True
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(as_json: JsonFlag = False) -> None:
    """Bring the database's schema to this version of redlist (opening the store does it too)."""
    with _errors():
        row = _redlist().upgrade_store()
    if as_json:
        _print_json(row)
        return
    done = "already at" if row["was"] == row["revision"] else f"upgraded from {row['was'] or 'none'} to"
    out.print(
        f"{esc(row['database'])} ({row['backend']}): schema {done} revision {row['revision']}",
        highlight=False,
        soft_wrap=True,
    )


# --- export ------------------------------------------------------------------------------------


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="ftm (FollowTheMoney JSON lines) or json.")] = "ftm",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    delta: Annotated[
        bool,
        typer.Option("--delta", help="What changed instead (OpenSanctions delta format: ADD/MOD/DEL lines)."),
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="With --delta: changes published on or after this date.")
    ] = None,
) -> None:
    """Export the current entries of every list (merged across sources), or with --delta what changed."""
    since = _date_option(since, "--since")
    if since and not delta:
        raise typer.BadParameter("--since goes with --delta", param_hint="--since")
    if format not in ("ftm", "json"):
        raise typer.BadParameter("format must be ftm or json", param_hint="--format")
    with _errors(), _status("exporting the current lists"):
        handle = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            count = _redlist().delta(handle, since=since) if delta else _redlist().export(handle, format)
        finally:
            if output:
                handle.close()
    if output:
        err.print(f"wrote {count} {'delta' if delta else format} records to {esc(output)}")


# --- watchlists, alerts, audit -----------------------------------------------------------------------

watch_app = typer.Typer(
    help="Watchlists and portfolios, re-checked after every update.", no_args_is_help=True
)
app.add_typer(watch_app, name="watch")


@watch_app.command("add")
def watch_add(
    name: Annotated[str, typer.Argument(help="The watchlist's name.")],
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV/XLSX/Parquet/JSONL, batch columns.")],
    portfolio: Annotated[
        bool, typer.Option("--portfolio", help="Holdings by ISIN (columns isin, quantity; name optional).")
    ] = False,
    activity: Annotated[
        str | None,
        typer.Option(help="What is asked for each party (default transact; several comma-separated)."),
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="The CSV's encoding when not UTF-8.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a watchlist (or replace its rows) and screen it once in full."""
    with _errors():
        result = _redlist().watch_add(
            name, input, kind="portfolio" if portfolio else "parties", activity=activity, encoding=encoding
        )
    if as_json:
        _print_json(result)
        return
    run = result["run"]
    out.print(
        f"watchlist {esc(name)}: {result['rows']} rows ({result['kind']}); "
        f"{len(run['raised'])} alerts raised (see `redlist alerts`)",
        highlight=False,
    )


@watch_app.command("list")
def watch_list(as_json: JsonFlag = False) -> None:
    """The watchlists with their row and open alert counts."""
    with _errors():
        rows = _redlist().watchlists()
    if as_json:
        _print_json(rows)
        return
    table = _table("name", "kind", "activity", "rows", "open alerts", "webhook")
    for w in rows:
        table.add_row(
            esc(w["name"]),
            w["kind"],
            w["activity"],
            str(w["row_count"]),
            str(w["open_alerts"]),
            "yes" if w["webhook"] else "",
        )
    out.print(table)


@watch_app.command("show")
def watch_show(name: Annotated[str, typer.Argument()], as_json: JsonFlag = False) -> None:
    """A watchlist's rows and alerts."""
    with _errors():
        found = _redlist().watchlist(name)
    if as_json:
        _print_json(found)
        return
    out.print(f"{esc(found['name'])}: {found['kind']}, asks {found['activity']}", highlight=False)
    table = _table("row", "name", "identifiers", "quantity")
    for row in found["rows"]:
        ids = ", ".join(f"{k}:{v}" for k, v in row["identifiers"].items())
        table.add_row(esc(row["row_id"]), esc(row["name"] or ""), esc(ids), esc(row["quantity"] or ""))
    out.print(table)
    _print_alerts(found["alerts"])


@watch_app.command("remove")
def watch_remove(name: Annotated[str, typer.Argument()]) -> None:
    """Delete a watchlist with its alerts (the audit trail keeps its history)."""
    with _errors():
        _redlist().watch_remove(name)
    out.print(f"removed watchlist {esc(name)}", highlight=False)


@watch_app.command("run")
def watch_run(
    full: Annotated[bool, typer.Option("--full", help="Re-screen every row, not only what changed.")] = False,
    on: Annotated[str | None, typer.Option("--on", help="Run as on this date (default today).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the webhook requests instead of sending them.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Re-check the watchlists against what changed since the last run (or everything, --full)."""
    on = _date_option(on, "--on")
    with _errors():
        r = _redlist()
        report = r.watch_run(full=full, today=on, notify=not dry_run)
        previews = r.webhook_previews(report) if dry_run else []
    if as_json:
        _print_json({**report.to_dict(), **({"webhooks": previews} if dry_run else {})})
        return
    d = report.to_dict()
    out.print(
        f"{d['mode']} run on {d['on']}: {d['changed_entries']} changed and {d['removed_entries']} removed "
        f"entries, {d['rows_screened']} rows screened, {len(d['raised'])} alerts raised, "
        f"{d['suppressed']} excluded as false positives ({d['seconds']} s)",
        highlight=False,
    )
    for preview in previews:
        _print_json(preview)


@watch_app.command("webhook")
def watch_webhook(
    name: Annotated[str, typer.Argument()],
    url: Annotated[str | None, typer.Option("--url", help="https URL to POST alerts to.")] = None,
    secret: Annotated[str | None, typer.Option("--secret", help="The HMAC-SHA256 signing secret.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Stop sending.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what the open alerts would send.")
    ] = False,
) -> None:
    """Configure a watchlist's webhook, or show what it would send (--dry-run)."""
    with _errors():
        r = _redlist()
        if dry_run:
            for preview in r.webhook_preview(name):
                _print_json(preview)
            return
        if not remove and not url:
            raise InvalidInput("give --url and --secret, --remove or --dry-run")
        r.watch_webhook(name, None if remove else url, secret)
    out.print(f"{esc(name)}: webhook {'removed' if remove else 'set'}", highlight=False)


def _print_alerts(alerts: list[dict[str, Any]]) -> None:
    table = _table("id", "status", "watchlist", "row", "party", "verdict", "what changed")
    for a in alerts:
        ev = a["evidence"]
        status = ", ".join(f"{k} {v}" for k, v in ev.get("status", {}).items())
        change = a["changes"][-1]["text"] if a["changes"] else ""
        table.add_row(
            a["id"],
            a["status"],
            esc(a["watchlist"]),
            esc(a["row_id"]),
            esc(f"{ev.get('party_name')} ({a['party_id']})"),
            esc(status),
            esc(change),
        )
    out.print(table)


alerts_app = typer.Typer(help="Alerts raised by the watchlists, and analysts' decisions.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback(invoke_without_command=True)
def alerts_list(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only those waiting for a decision.")] = False,
    watchlist: Annotated[str | None, typer.Option("--watchlist", help="Only this watchlist's.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The alerts (id, status, the watched row, the party, its verdict and what changed)."""
    if ctx.invoked_subcommand is not None:
        return
    with _errors():
        rows = _redlist().alerts(open_only=open_only, watchlist=watchlist)
    if as_json:
        _print_json(rows)
        return
    _print_alerts(rows)


@alerts_app.command("decide")
def alerts_decide(
    alert_id: Annotated[str, typer.Argument(help="The alert's id (see `redlist alerts`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
    true_match: Annotated[bool, typer.Option("--true-match")] = False,
    false_positive: Annotated[
        bool, typer.Option("--false-positive", help="Not this party: excluded for this row from now on.")
    ] = False,
    escalate: Annotated[bool, typer.Option("--escalate")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Decide an alert: --true-match, --false-positive or --escalate, with --reason."""
    chosen = [
        d
        for d, on in (("true_match", true_match), ("false_positive", false_positive), ("escalate", escalate))
        if on
    ]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --true-match, --false-positive, --escalate")
    with _errors():
        alert = _redlist().decide(alert_id, chosen[0], reason)
    if as_json:
        _print_json(alert)
        return
    out.print(f"{alert['id']}: {alert['decision']} ({alert['status']})", highlight=False)


audit_app = typer.Typer(help="The audit trail (append-only, hash-chained).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    file: Annotated[
        Path | None, typer.Option("--file", help="Verify an export (JSON lines or CSV) instead.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check the hash chain; exit 1 when a row was changed, removed or reordered."""
    with _errors():
        text = file.read_text(encoding="utf-8") if file else None
        result = _redlist().audit_verify(text)
    if as_json:
        _print_json(result)
    elif result["ok"]:
        out.print(f"audit trail intact: {result['rows']} rows")
    else:
        err.print(f"[bold red]audit trail broken[/] at row {result['first_bad']}: {esc(result['problem'])}")
    if not result["ok"]:
        raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    since: Annotated[str | None, typer.Option("--since", help="Rows written on or after this date.")] = None,
    format: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout).")] = None,
) -> None:
    """Export the audit trail (every field, so the export verifies on its own)."""
    since = _date_option(since, "--since")
    if format not in ("jsonl", "csv"):
        raise typer.BadParameter("format must be jsonl or csv", param_hint="--format")
    with _errors():
        handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            count = _redlist().audit_export(handle, since=since, format=format)
        finally:
            if output:
                handle.close()
    if output:
        err.print(f"wrote {count} audit rows to {esc(output)}")


if __name__ == "__main__":  # pragma: no cover
    app()
