"""The `qa` command line: ingest, ask, chat, show, eval, serve."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError
from rich.console import Console

from qa import __version__
from qa.config import Mode, Settings, unknown_variables
from qa.errors import InvalidQuestion, QAError
from qa.ingest import IngestReport
from qa.limits import K_MAX, question_problem
from qa.render import TerminalConsole, print_answer, styled
from qa.service import EMPTY_INDEX, QAService
from qa.sources import stored_id

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Question answering over news articles, with citations.",
                  context_settings={"help_option_names": ["-h", "--help"]})


def _consoles() -> tuple[Console, Console]:
    """Made for each command, for the stdout and stderr it then has (a terminal gets colour and wrapping;
    piped or redirected output keeps each line whole, so answers can be grepped as sentences). ":smile:"
    in a title stays as written; error lines stay whole (paths are long)."""
    return (TerminalConsole(highlight=False, emoji=False, soft_wrap=not sys.stdout.isatty()),
            TerminalConsole(stderr=True, highlight=False, soft_wrap=True, emoji=False))


out, err = _consoles()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text")]
ModeOpt = Annotated[Optional[str], typer.Option("--mode", help="hybrid | dense | lexical (default from QA_MODE)")]
KOpt = Annotated[Optional[int], typer.Option("--k", "-k", min=1, max=K_MAX, help="Passages to return")]


def _version(shown: bool) -> None:
    if shown:
        print(f"qa {__version__}")
        raise typer.Exit()


@app.callback()
def _check_settings(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit")] = False,
) -> None:
    """Question answering over news articles, with citations."""
    global out, err
    out, err = _consoles()
    for line in unknown_variables():
        err.print(f"warning: {line}", markup=False)
    try:
        Settings()
    except ValidationError as exc:  # a bad QA_* variable: say which, in one line each, no traceback
        for e in exc.errors():
            name = "QA_" + "_".join(str(p) for p in e["loc"]).upper()
            err.print(f"error: invalid setting {name}: {e['msg'].removeprefix('Value error, ')}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _service(*, quiet: bool = False) -> QAService:
    """``quiet``: the caller shows the model's fallback notice itself (in the rendered answer); every
    other warning (a damaged BM25 file rebuilt, a reranker that does not load) still goes to stderr."""
    return QAService(Settings(), warn=_warn, encoder_warn=(lambda line: None) if quiet else None)


def _folder(service: QAService) -> Path:
    """The index folder, absolute: the one to check when an index looks empty (QA_DATA_DIR mistyped?)."""
    return service.settings.data_dir.absolute()


def _warn(line: str) -> None:
    """One unwrapped line on stderr (a person or a log reader sees it whole)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _mode(value: str | None) -> Mode | None:
    if value is None:
        return None
    if value not in ("hybrid", "dense", "lexical"):
        raise typer.BadParameter(f"mode must be hybrid, dense or lexical, not {value!r}", param_hint="--mode")
    return value  # type: ignore[return-value]


def _fail(exc: QAError) -> None:
    err.print(f"error: {exc}", markup=False)
    raise typer.Exit(2)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _one_line(text: str) -> str:
    """A report line as one line: a file name's line break or carriage return shows as ␊ / ␍."""
    return text.replace("\n", "\u240a").replace("\r", "\u240d")


def _print_errors(report: IngestReport) -> None:
    for e in report.errors:
        err.print(_one_line(f"error: {e['path']}: {e['reason']}"), markup=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".txt files or folders of them", readable=False)],
    as_json: JsonOpt = False,
    prune: Annotated[bool, typer.Option(help="Also remove indexed documents not among PATHS")] = False,
) -> None:
    """Add or update articles (unchanged files are skipped; bad files are reported)."""
    service = _service()
    report = IngestReport()
    try:
        service.ingest(paths, prune=prune, progress=sys.stderr.isatty() and not as_json, report=report)
    except QAError as exc:
        _print_errors(report)  # what was refused while reading, then why nothing was written
        _fail(exc)
    _print_errors(report)
    for note in report.notices:
        err.print(_one_line(f"note: {note}"), markup=False)
    if as_json:
        _print_json(report.to_dict())
    else:
        out.print(
            f"added {report.documents_added}, updated {report.documents_updated}, unchanged {report.documents_unchanged}, "
            f"removed {report.documents_removed}; embedded {report.chunks_embedded} chunks; "
            f"{len(report.errors)} file(s) rejected",
            soft_wrap=True,
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def remove(doc_ids: Annotated[list[str], typer.Argument(help="Document ids (file stems)")], as_json: JsonOpt = False) -> None:
    """Delete documents from the index."""
    try:
        removed = _service().writer().remove(doc_ids)
    except QAError as exc:
        _fail(exc)
    missing = [d for d in dict.fromkeys(doc_ids) if stored_id(d, removed) is None]
    if as_json:
        _print_json({"documents_removed": len(removed), "not_found": missing})
    else:
        out.print(f"removed {len(removed)} document(s)" + (f"; not found: {', '.join(missing)}" if missing else ""),
                  markup=False)
    if missing:
        raise typer.Exit(1)


@app.command()
def reindex(as_json: JsonOpt = False) -> None:
    """Rebuild chunks and vectors from the stored documents (after changing the model)."""
    try:
        report = _service().writer().reindex(progress=sys.stderr.isatty() and not as_json)
    except QAError as exc:
        _fail(exc)
    if as_json:
        _print_json(report.to_dict())
    else:
        out.print(f"reindexed {report.documents_updated} document(s); embedded {report.chunks_embedded} chunks")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in English or Vietnamese")],
    k: KOpt = None,
    mode: ModeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer one question with cited passages."""
    problem = question_problem(question)  # the limits of every entry point (HTTP: a 422)
    if problem:
        _fail(InvalidQuestion(problem))
    service = _service(quiet=not as_json)
    try:
        answer = service.ask(question, k=k, mode=_mode(mode))
    except QAError as exc:
        _fail(exc)
    if answer.notice and EMPTY_INDEX in answer.notice:  # a mistyped QA_DATA_DIR: say which folder was read
        answer.notice = answer.notice.replace(EMPTY_INDEX, f"{EMPTY_INDEX} [index folder: {_folder(service)}]")
    if as_json:
        data = answer.to_dict()
        data.pop("timings")
        _print_json(data)
    else:
        print_answer(out, answer)


@app.command()
def chat(
    k: KOpt = None,
    mode: ModeOpt = None,
    url: Annotated[Optional[str], typer.Option("--url", help="Ask a running `qa serve` (e.g. http://host:8000) instead of the local index")] = None,
    api_key: Annotated[Optional[str], typer.Option("--api-key", envvar="QA_API_KEY", help="Key for --url when the server requires one")] = None,
) -> None:
    """Interactive questions with follow-ups, citations and /sources."""
    from qa.chat import BadOption, ChatLoop, RemoteQA

    if url is None:
        ChatLoop(_service(quiet=True), out, k=k, mode=_mode(mode)).run()
        return
    try:
        remote = RemoteQA(url, api_key=api_key)
    except BadOption as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from None
    try:
        ready = remote.readiness()
    except QAError as exc:
        _fail(exc)
    if ready.get("ready"):
        out.print(styled((f"{remote.url}: {ready.get('documents')} documents, mode {ready.get('mode')}", "dim")))
    else:
        err.print(f"warning: {remote.url} is not ready: {ready.get('reason')}", markup=False)
    ChatLoop(remote, out, k=k, mode=_mode(mode)).run()


@app.command("list")
def list_documents(as_json: JsonOpt = False) -> None:
    """List indexed documents."""
    from qa.docview import document_list

    service = _service()
    try:
        rows = document_list(service.settings.data_dir)
    except QAError as exc:
        _fail(exc)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        err.print(f"no documents in the index at {_folder(service)} yet: add articles with `qa ingest PATH`",
                  markup=False)
    for r in rows:
        out.print(styled((r["doc_id"], "bold"), f"  {r['title']}  ",
                         (f"{r['source'] or '-'} · {r['date'] or '-'} · {r['chunks']} chunks", "dim")))


@app.command()
def show(doc_id: str, as_json: JsonOpt = False) -> None:
    """Show a document: metadata, cleaned body, and the dropped boilerplate."""
    from qa.docview import document_detail, print_document

    try:
        detail = document_detail(_service().settings.data_dir, doc_id)
    except QAError as exc:
        _fail(exc)
    if as_json:
        _print_json(detail)
    else:
        print_document(out, detail)


@app.command("eval")
def evaluate(
    questions: Annotated[Optional[Path], typer.Argument(help="JSONL questions (id, question, lang, article, answer)")] = None,
    docs: Annotated[Path, typer.Option("--docs", help="Folder of .txt articles to index")] = Path("seeds"),
    chat_file: Annotated[Optional[Path], typer.Option("--chat", help="JSONL conversations ({id, turns: [...]}) to score turn by turn")] = None,
    cross: Annotated[Optional[Path], typer.Option("--cross", help="Also ask every question of this other corpus (right answer: abstain)")] = None,
    mode: ModeOpt = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50)] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Score retrieval on a question set (index built in a cache dir keyed by content)."""
    from qa import evaluation

    if (questions is None) == (chat_file is None):
        raise typer.BadParameter("give a QUESTIONS file or --chat FILE (one of them)")
    said: set[str] = set()

    def warn_once(line: str) -> None:  # each corpus (--cross) loads the model: one line about it, not one each
        if line not in said:
            said.add(line)
            _warn(line)

    try:
        if chat_file is not None:
            report = evaluation.evaluate_chat(chat_file, docs, mode=_mode(mode), k=k, warn=warn_once)
        else:
            report = evaluation.evaluate(questions, docs, mode=_mode(mode), k=k, warn=warn_once, cross_docs=cross)
    except QAError as exc:
        _fail(exc)
    if as_json:
        _print_json(report)
    elif chat_file is not None:
        evaluation.print_chat_report(out, report)
    else:
        evaluation.print_report(out, report)


@app.command("snapshot")
def snapshot_command(
    path: Annotated[Path, typer.Argument(help="A new folder for the copy")],
    as_json: JsonOpt = False,
) -> None:
    """Back up the index to PATH: a consistent copy, safe while the index is being served and written."""
    from qa.backup import take_snapshot

    try:
        meta = take_snapshot(Settings().data_dir, path)
    except QAError as exc:
        _fail(exc)
    if as_json:
        _print_json(meta)
    else:
        out.print(f"snapshot of generation {meta['generation']} ({meta['documents']} documents, {meta['chunks']} chunks) "
                  f"written to {path}", soft_wrap=True, markup=False)


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A folder written by `qa snapshot`")],
    as_json: JsonOpt = False,
) -> None:
    """Restore a snapshot into QA_DATA_DIR, which must be empty or absent (an index is never overwritten)."""
    from qa.backup import restore_snapshot

    data_dir = Settings().data_dir
    try:
        meta = restore_snapshot(path, data_dir)
    except QAError as exc:
        _fail(exc)
    if as_json:
        _print_json(meta)
    else:
        out.print(f"restored generation {meta['generation']} ({meta['documents']} documents, {meta['chunks']} chunks) "
                  f"into {data_dir}", soft_wrap=True, markup=False)


def _log_config() -> dict:
    """uvicorn's logging, plus the service's own messages ("qa.*": model and index loads, warnings) on the
    same stream in the same format; each worker process applies it too."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["qa"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    for formatter in config["formatters"].values():  # when, to the second, with the offset: logs are read after the fact
        formatter["fmt"] = "%(asctime)s " + formatter["fmt"]
        formatter["datefmt"] = "%Y-%m-%dT%H:%M:%S%z"
    return config


def _loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in ("localhost", "ip6-localhost", "ip6-loopback"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    workers: Annotated[Optional[int], typer.Option(min=1, max=64, help="Server processes (default from QA_WORKERS: 1)")] = None,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    settings = Settings()
    if os.environ.get("QA_API_KEY") and not (settings.api_keys or settings.admin_keys):
        _warn("warning: QA_API_KEY is the key `qa chat --url` sends; the server reads QA_API_KEYS (reads) and "
              "QA_ADMIN_KEYS (writes), and neither is set: every endpoint is open")
    if not (settings.api_keys or settings.admin_keys) and not _loopback(host):
        _warn(f"warning: serving on {host} with neither QA_API_KEYS nor QA_ADMIN_KEYS set: anyone who can reach "
              f"port {port} may ask, and add or remove documents")
    workers = workers or settings.workers
    options = {"host": host, "port": port, "log_level": "info", "access_log": settings.access_log,
               "log_config": _log_config()}
    if workers == 1:
        from server.app import create_app

        uvicorn.run(create_app(settings), **options)
        return
    from server.workers import shared_state

    with shared_state():  # each worker builds the app from the same QA_* environment
        uvicorn.run("server.app:create_app", factory=True, workers=workers, **options)


if __name__ == "__main__":  # pragma: no cover
    app()
