"""`qa eval`: retrieval quality on a JSONL question set, per language.

A passage answers a question when it comes from one of the right articles and
contains one of the answer strings (case-insensitive, after NFC). Retrieval
metrics are computed on the ranked passages whether or not the service
abstained; abstentions are counted separately (on unanswerable questions they
are right, on answerable ones wrong).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from qa.answers import Answer
from qa.config import Mode, Settings, cache_dir
from qa.errors import QAError
from qa.service import QAService
from qa.sources import IngestReport, collect_sources
from qa.limits import question_problem
from qa.text import nfc


def _lines(path: Path) -> list[str]:
    """The lines of a JSONL file in UTF-8, a byte-order mark dropped (Windows editors write one, and articles
    with one are read); a file that is not UTF-8: QAError naming the line of the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QAError(f"{path}: cannot read questions ({exc.strerror})") from exc
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise QAError(f"{path}:{line}: not UTF-8 (invalid byte 0x{exc.object[exc.start]:02x}); save the file as "
                      "UTF-8") from None


def _records(path: Path) -> Iterator[tuple[str, dict]]:
    """``path:line`` and the JSON object of every non-blank line (a line that is not an object: QAError)."""
    for n, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise QAError(f"{path}:{n}: expected a JSON object, not {type(record).__name__}")
        yield f"{path}:{n}", record


def _strings(value: object, field: str, where: str) -> list[str]:
    """A field that is one string or a list of them (``null``: none), as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise QAError(f"{where}: {field!r} must be a string or a list of strings")


def _answers(value: object, where: str) -> list[str]:
    """The answer strings: an empty (or blank) one is in every passage, so every question would be a hit."""
    answers = _strings(value, "answer", where)
    if any(not a.strip() for a in answers):
        raise QAError(f"{where}: 'answer' holds an empty string, which every passage contains")
    return answers


def _lang(value: object, where: str) -> str:
    """The language a question is scored under: optional (absent or null: "?"), else a non-empty string, which
    the report groups and sorts by."""
    if value is None:
        return "?"
    if not isinstance(value, str) or not value.strip():
        raise QAError(f"{where}: 'lang' must be a non-empty string such as \"vi\" or \"en\" (or left out)")
    return value


KEYS = frozenset({"id", "question", "lang", "article", "answer"})


def _question(record: dict, where: str) -> dict:
    """A question record checked: a non-empty ``question``; ``answer`` and ``article`` as lists
    (a single string is one answer: not a sequence of one-character answers); ``lang`` a string."""
    if not isinstance(record.get("question"), str):
        raise QAError(f"{where}: 'question' must be a non-empty string")
    problem = question_problem(record["question"])  # what QAService.ask would refuse half-way through the run
    if problem:
        raise QAError(f"{where}: {problem}")
    answers, articles = _answers(record.get("answer"), where), _strings(record.get("article"), "article", where)
    if articles and not answers:
        raise QAError(f"{where}: 'article' names where the answer is but 'answer' gives none, so no passage could "
                      "count as answering (a question the corpus cannot answer has \"article\": null)")
    if answers and "article" not in record:  # "articles", "doc": a typo would score it as unanswerable
        others = sorted(set(record) - KEYS)
        raise QAError(f"{where}: 'answer' is given but 'article' is missing, so it would count as a question the corpus "
                      "cannot answer (give \"article\": the document id, a list of them, or null)"
                      + (f"; unknown key(s): {', '.join(map(repr, others))}" if others else ""))
    return record | {"answer": answers, "article": articles or None, "lang": _lang(record.get("lang"), where)}


def load_questions(path: Path) -> list[dict]:
    """The questions of a JSONL file (id, question, lang, article, answer), each line checked; none is an error
    (an empty table would read as a score)."""
    questions = [_question(record, where) for where, record in _records(path)]
    if not questions:
        raise QAError(f"{path}: no questions (one JSON object per line: id, question, lang, article, answer)")
    return questions


def load_conversations(path: Path) -> list[dict]:
    """Conversations ({id, turns: [question, ...]}) of a JSONL file, each turn checked like a question."""
    conversations = []
    for where, record in _records(path):
        if not isinstance(record.get("turns"), list) or not record["turns"]:
            raise QAError(f"{where}: 'turns' must be a non-empty list of questions")
        if not all(isinstance(t, dict) for t in record["turns"]):
            raise QAError(f"{where}: each turn must be an object like a question: "
                          "{\"question\": ..., \"lang\": ..., \"article\": ..., \"answer\": [...]}")
        turns = [_question(t, f"{where} turn {i}") for i, t in enumerate(record["turns"], 1)]
        conversations.append(record | {"turns": turns})
    return conversations


def _warn_unknown_articles(questions: list[dict], service: QAService, warn: Callable[[str], None]) -> None:
    """A gold article that is not in the corpus can never be hit: most likely a typo in the question set."""
    known = set(service.snapshot().docs)
    for i, q in enumerate(questions, start=1):
        for article in gold_articles(q) - known:
            warn(f"warning: question {q.get('id', i)!r}: article {article!r} is not among the indexed documents; "
                 "it counts as a miss")


def gold_articles(q: dict) -> set[str]:
    article = q.get("article")
    if article is None:
        return set()
    return set(article) if isinstance(article, list) else {article}


def answers_in(text: str, q: dict) -> bool:
    hay = nfc(text).lower()
    return any(nfc(a).lower() in hay for a in q.get("answer") or [])


def first_hit_rank(answer: Answer, q: dict) -> int | None:
    gold = gold_articles(q)
    for p in answer.passages:
        if p.doc_id in gold and answers_in(p.text, q):
            return p.rank
    return None


def auroc(positives: list[float], negatives: list[float]) -> float:
    """Probability that an answerable question gets a higher confidence than an unanswerable one."""
    if not positives or not negatives:
        return float("nan")
    pos, neg = np.asarray(positives)[:, None], np.asarray(negatives)[None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def _corpus_key(docs: Path, settings: Settings) -> str:
    h = hashlib.sha256(settings.model.encode())
    for f in sorted(p for p in docs.rglob("*.txt") if p.is_file()):  # a pipe would never end (it is reported later)
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def eval_service(docs: Path, settings: Settings, warn: Callable[[str], None]) -> QAService:
    """A service over an index of ``docs`` in a cache dir keyed by their content (built once).

    The index is built as the product builds it (chunks sized for the configured model), so
    every mode is measured on the same passages."""
    key = _corpus_key(docs, settings)
    service = QAService(settings.model_copy(update={"data_dir": cache_dir() / "eval" / key}), warn=warn)
    report = IngestReport()
    sources = collect_sources([docs], service.settings.max_file_bytes, report)
    if sources:  # the cache index holds exactly this folder's articles
        service.writer().ingest(sources, prune=True, report=report)
    for e in report.errors:
        warn(f"error: {e['path']}: {e['reason']}")
    if not sources:  # said here: `qa ingest --prune` would say it of an option the user never typed
        raise QAError(f"{docs}: no .txt article in this folder could be read; there is nothing to ask questions of")
    return service


def _check_folders(*folders: Path | None) -> None:
    """Each corpus is a folder: said before the questions are read or anything is indexed (the index is
    pruned to the folder, which would otherwise be reported as a `--prune` the user never typed)."""
    for folder in folders:
        if folder is not None and not folder.is_dir():
            raise QAError(f"{folder}: not a folder of .txt articles" + ("" if folder.exists() else " (it does not exist)"))


def evaluate(questions_path: Path, docs: Path, *, mode: Mode | None, k: int = 10,
             warn: Callable[[str], None] = print, settings: Settings | None = None,
             cross_docs: Path | None = None) -> dict:
    """Score a question set over ``docs``; with ``cross_docs``, also ask every question of the
    other corpus, where the right answer is to abstain, and report how well confidence separates."""
    settings = settings or Settings()
    _check_folders(docs, cross_docs)
    questions = load_questions(questions_path)
    service = eval_service(docs, settings, warn)
    _warn_unknown_articles(questions, service, warn)
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    abstention = {"unanswerable": 0, "abstained": 0, "answerable": 0, "answerable_abstained": 0}
    positives: dict[str, list[float]] = defaultdict(list)  # confidence of answerable questions
    negatives: dict[str, list[float]] = defaultdict(list)  # ... of questions the corpus cannot answer
    used_modes = set()
    for q in questions:
        answer = service.ask(q["question"], k=k, mode=mode)
        used_modes.add(answer.mode)
        lang = q.get("lang", "?")
        if not gold_articles(q):
            abstention["unanswerable"] += 1
            abstention["abstained"] += answer.abstained
            negatives[lang].append(answer.confidence)
            continue
        abstention["answerable"] += 1
        abstention["answerable_abstained"] += answer.abstained
        positives[lang].append(answer.confidence)
        s = stats[lang]
        rank = first_hit_rank(answer, q)
        s["n"] += 1
        s["abstained"] += answer.abstained
        s["hit@1"] += rank == 1
        s["recall@5"] += rank is not None and rank <= 5
        s["mrr@10"] += 1 / rank if rank is not None and rank <= 10 else 0
        top = answer.passages[0] if answer.passages else None
        s["answer@1"] += bool(top and top.doc_id in gold_articles(q) and answers_in(top.highlight.text, q))
    by_lang = {
        lang: {"n": int(s["n"])} | {m: _ratio(s[m], s["n"]) for m in ("hit@1", "recall@5", "mrr@10", "answer@1", "abstained")}
        for lang, s in sorted(stats.items())
    }
    report = {
        "mode": "/".join(sorted(used_modes)) or (mode or settings.mode),
        "model": settings.model if used_modes - {"lexical"} else None,
        "questions": str(questions_path),
        "docs": str(docs),
        "by_lang": by_lang,
        "abstention": abstention,
    }
    if cross_docs is not None:
        report["cross"] = _cross(questions, cross_docs, settings, warn, mode, k, negatives)
    report["confidence_auroc"] = {
        lang: round(v, 6) for lang in sorted(positives) if not math.isnan(v := auroc(positives[lang], negatives[lang]))
    }
    return report


def _cross(questions: list[dict], cross_docs: Path, settings: Settings, warn: Callable[[str], None],
           mode: Mode | None, k: int, negatives: dict[str, list[float]]) -> dict:
    """Every question asked of a corpus that cannot answer it: each should abstain."""
    service = eval_service(cross_docs, settings, warn)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for q in questions:
        answer = service.ask(q["question"], k=k, mode=mode)
        by_lang[q.get("lang", "?")].append(int(answer.abstained))
        negatives[q.get("lang", "?")].append(answer.confidence)
    total = sum(len(v) for v in by_lang.values())
    abstained = sum(sum(v) for v in by_lang.values())
    return {
        "docs": str(cross_docs),
        "questions": total,
        "abstained": abstained,
        "rate": _ratio(abstained, total),
        "by_lang": {lang: _ratio(sum(v), len(v)) for lang, v in sorted(by_lang.items())},
    }


def evaluate_chat(conversations_path: Path, docs: Path, *, mode: Mode | None, k: int = 10,
                  warn: Callable[[str], None] = print, settings: Settings | None = None) -> dict:
    """Score conversations turn by turn: each turn is asked with the earlier turns as history. An answerable
    turn scores its rank and whether the answer sentence holds the answer; one the corpus cannot answer
    (``article`` null) scores whether it abstained."""
    settings = settings or Settings()
    _check_folders(docs)
    conversations = load_conversations(conversations_path)
    service = eval_service(docs, settings, warn)
    _warn_unknown_articles([q | {"id": f"{conv.get('id', c)} turn {n}"} for c, conv in enumerate(conversations, 1)
                            for n, q in enumerate(conv["turns"], 1)], service, warn)
    turns = []
    used_modes = set()
    for conv in conversations:
        history: list[str] = []
        for n, q in enumerate(conv["turns"], start=1):
            answer = service.ask(q["question"], k=k, mode=mode, history=history)
            used_modes.add(answer.mode)
            turn = {"id": conv.get("id"), "turn": n, "question": q["question"], "answerable": bool(gold_articles(q)),
                    "rank": None, "answer_sentence": False, "abstained": answer.abstained}
            if turn["answerable"]:
                top = answer.passages[0] if answer.passages else None
                turn["rank"] = first_hit_rank(answer, q)
                turn["answer_sentence"] = bool(top and top.doc_id in gold_articles(q)
                                               and answers_in(top.highlight.text, q))
            turns.append(turn)
            history.append(q["question"])
    answerable = [t for t in turns if t["answerable"]]
    follow_ups = [t for t in answerable if t["turn"] > 1]
    unanswerable = [t for t in turns if not t["answerable"]]
    return {
        "mode": "/".join(sorted(used_modes)) or (mode or settings.mode),
        "conversations": str(conversations_path),
        "docs": str(docs),
        "k": k,
        "turns": len(turns),
        "answerable": len(answerable),
        "hit@1": _share(answerable, "rank", 1),
        "answer@1": _share(answerable, "answer_sentence", True),
        "follow_up_hit@1": _share(follow_ups, "rank", 1),
        "follow_up_answer@1": _share(follow_ups, "answer_sentence", True),
        "abstention": {"unanswerable": len(unanswerable), "abstained": sum(t["abstained"] for t in unanswerable),
                       "answerable": len(answerable), "answerable_abstained": sum(t["abstained"] for t in answerable)},
        "details": turns,
    }


def _share(turns: list[dict], key: str, value: object) -> float:
    return _ratio(sum(t[key] == value for t in turns), len(turns))


def _ratio(part: float, whole: float) -> float:
    """A share to 6 places: printed to 3 it reads as the exact share would (rounded to 4 first, 74/99 printed
    0.748, not 0.747)."""
    return round(part / whole, 6) if whole else 0.0


def _missed(turn: dict, k: int | None) -> str:
    """Where a missed turn's answer was: its rank, or nowhere among the passages returned (rank null)."""
    if turn["rank"] is not None:
        return f"rank {turn['rank']}"
    return f"not in the top {k}" if k else "not among the passages returned"


def _chat_mark(turn: dict, k: int | None) -> tuple[str, str]:
    if not turn["answerable"]:  # the right answer is to abstain
        return ("✓ abstained", "green") if turn["abstained"] else ("✗ answered (cannot be answered)", "red")
    if turn["rank"] != 1:
        return f"✗ {_missed(turn, k)}", "red"
    return ("✓", "green") if turn["answer_sentence"] else ("✓ passage, not the sentence", "yellow")


def print_chat_report(console: Console, report: dict) -> None:
    for t in report["details"]:
        console.print(Text.assemble(_chat_mark(t, report.get("k")), f" {t['id']} turn {t['turn']}: {t['question']}"))
    a = report["abstention"]
    console.print(f"turns {report['turns']} · answerable {report['answerable']}: hit@1 {report['hit@1']:.3f}, "
                  f"answer sentence {report['answer@1']:.3f} · follow-ups hit@1 {report['follow_up_hit@1']:.3f}, "
                  f"answer sentence {report['follow_up_answer@1']:.3f} · unanswerable {a['abstained']}/"
                  f"{a['unanswerable']} abstained · mode {report['mode']}", markup=False)


def print_report(console: Console, report: dict) -> None:
    table = Table(title=Text(f"{report['questions']} over {report['docs']} · mode {report['mode']}"))
    cols = ("hit@1", "recall@5", "mrr@10", "answer@1", "abstained")
    for col in ("lang", "n", *cols, "AUROC"):
        # a number too wide for a narrow terminal goes on in the next line, never cut to "0…"
        table.add_column(col, justify="right" if col != "lang" else "left", overflow="fold", min_width=5)
    aurocs = report.get("confidence_auroc", {})
    for lang, m in report["by_lang"].items():
        auc = f"{aurocs[lang]:.3f}" if lang in aurocs else "-"
        table.add_row(lang, str(m["n"]), *(f"{m[c]:.3f}" for c in cols), auc)
    console.print(table)
    a = report["abstention"]
    console.print(
        f"unanswerable: {a['abstained']}/{a['unanswerable']} abstained · "
        f"answerable: {a['answerable_abstained']}/{a['answerable']} wrongly abstained"
    )
    if "cross" in report:
        c = report["cross"]
        langs = ", ".join(f"{lang} {r:.3f}" for lang, r in c["by_lang"].items())
        console.print(f"cross (asked of {c['docs']}): {c['abstained']}/{c['questions']} abstained = {c['rate']:.3f} ({langs})",
                      markup=False)
