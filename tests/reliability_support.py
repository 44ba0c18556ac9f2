"""Helpers for tests/test_reliability_*.py: corpora, index fingerprints, invariants, a fork server.

The fork server ("zygote") is a separate Python process that imports `qa.cli` (and,
for dense runs, torch and sentence-transformers) once, then forks one child per
command. Each child is an ordinary OS process running the real CLI entry point
(`qa.cli.app([...])`, what `python -m qa.cli ...` runs) and can be killed with
SIGKILL at any moment; forking skips the 1-3 s of imports, so a test can kill
dozens of ingests in seconds. A child can also be told to SIGKILL itself at a
named step of a write (``crash_at``) to hit the narrow windows deterministically.

Run as a script, this module *is* the zygote (see ``Zygote``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
XQUAD_DOCS = ROOT.parent / "shared" / "eval" / "xquad-vi-dev" / "docs"

# ------------------------------------------------------------------ corpora
SYLLABLES = ("an ba ca da em gia hai khi la ma na o pha qua ra sa ta the tro uy va xa yen bien cong dan "
             "duong giang hanh khanh lien minh nguyen phong quang son thanh trung viet xuan").split()
TOPICS = ["kinh tế", "giáo dục", "y tế", "thể thao", "môi trường", "giao thông", "văn hóa", "công nghệ"]


def _proc_read(path: Path) -> bytes:
    """A /proc file, or b"" when its thread or process has gone meanwhile (threads come and go)."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux /proc), e.g. `qa serve --workers N`'s workers."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # the process itself has gone
        return []
    return [int(c) for task in tasks for c in _proc_read(task / "children").split()]


def is_worker(pid: int) -> bool:
    """Whether ``pid`` is a process multiprocessing spawned to run code (a uvicorn worker), not its helper."""
    return b"spawn_main" in _proc_read(Path(f"/proc/{pid}/cmdline"))


def article(rng: random.Random, n: int, version: int = 0, paragraphs: int = 5) -> str:
    """A generated Vietnamese-looking news article (title, dateline, paragraphs, a sidebar)."""
    topic = TOPICS[n % len(TOPICS)]
    title = f"Tin {topic} số {n} phiên bản {version}: {' '.join(rng.choices(SYLLABLES, k=6)).capitalize()}"
    lines = [title, f"Thứ hai, 0{1 + n % 9}/03/2024 08:{n % 60:02d} (GMT+7)"]
    for p in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = " ".join(rng.choices(SYLLABLES, k=rng.randint(8, 20)))
            sentences.append(f"{words.capitalize()} về {topic} năm {2000 + (n + p) % 25}, mã {n}-{version}-{p}.")
        lines.append(" ".join(sentences))
    lines += ["Tin liên quan", f"Tin {topic} khác số {n + 1}", "(Theo VnExpress)"]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for doc_id, text in docs.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


def base_docs(n: int, seed: int = 1) -> dict[str, str]:
    """``n`` documents: the XQuAD articles when ../shared has them, topped up with generated ones."""
    docs: dict[str, str] = {}
    if XQUAD_DOCS.is_dir():
        for path in sorted(XQUAD_DOCS.glob("*.txt"))[:n]:
            docs[path.stem] = path.read_bytes().decode("utf-8")
    rng = random.Random(seed)
    i = 0
    while len(docs) < n:
        docs[f"gen-{i:04d}"] = article(rng, i)
        i += 1
    return docs


def variant(docs: dict[str, str], seed: int = 2) -> dict[str, str]:
    """The next version of a corpus: a third modified, a tenth removed, a tenth new."""
    rng = random.Random(seed)
    ids = sorted(docs)
    out = dict(docs)
    for doc_id in ids[::3]:
        out[doc_id] = docs[doc_id] + f"\nĐoạn bổ sung {rng.randint(0, 10**6)}: cập nhật mới về sự kiện này đã được xác nhận.\n"
    for doc_id in ids[1::10]:
        del out[doc_id]
    for i in range(max(1, len(ids) // 10)):
        out[f"new-{i:03d}"] = article(rng, 1000 + i, version=1)
    return out


# ------------------------------------------------------------------ the state of an index
def fingerprint(data_dir: Path) -> tuple:
    """Everything that defines an index's content, independent of history (ids, generation, timestamps)."""
    from qa.store import DB_NAME, Store

    if not (data_dir / DB_NAME).exists():
        return ((), (), (), ())
    store = Store(data_dir)
    try:
        with store.transaction(write=False):
            docs = tuple(store.conn.execute(
                "SELECT doc_id, content_hash, title, path, paragraphs, dropped FROM documents ORDER BY doc_id"))
            chunks = tuple(store.conn.execute(
                "SELECT doc_id, seq, start, end, text, embed_hash FROM chunks ORDER BY doc_id, seq"))
            # hashes only: the same text encoded in another batch may differ in the last bits (see vectors_close)
            vectors = tuple(r[0] for r in store.conn.execute("SELECT embed_hash FROM embeddings ORDER BY embed_hash"))
            manifest = store.manifest()
    finally:
        store.close()
    keys = ("signature", "model", "dim", "faiss_ntotal", "metric")
    return docs, chunks, vectors, tuple((k, manifest.get(k)) for k in keys if k in manifest)


def vectors_close(a: Path, b: Path) -> bool:
    """The stored vectors of two indexes agree (to float32 rounding across batch shapes)."""
    import numpy as np

    from qa.store import Store

    def load(d: Path) -> dict[str, np.ndarray]:
        store = Store(d)
        try:
            return {h: np.frombuffer(v, dtype=np.float32) for h, v in store.conn.execute("SELECT * FROM embeddings")}
        finally:
            store.close()

    va, vb = load(a), load(b)
    return va.keys() == vb.keys() and all(np.allclose(va[h], vb[h], atol=1e-5) for h in va)


def check_invariants(data_dir: Path) -> dict[str, object]:
    """What a reader may rely on after any crash; returns the verified summary."""
    import faiss

    from embeddings.index import VectorIndex
    from qa.snapshot import _load
    from qa.store import Store

    # what Snapshot.open reads and verifies, without building BM25; nothing is writing: the first read must be right
    manifest, chunks, rows, vectors = _load(data_dir, attempts=0)
    raws = {d.doc_id: d.raw for d in rows}
    if chunks:
        assert int(manifest["faiss_ntotal"]) == (len(chunks) if manifest.get("faiss_file") else 0)
    for c in chunks:
        assert raws[c.doc_id][c.start : c.end] == c.text
    if manifest.get("faiss_file"):
        assert vectors is not None and vectors.ntotal == len(chunks)
        ids = sorted(faiss.vector_to_array(vectors.index.id_map).tolist())
        assert ids == sorted(c.chunk_id for c in chunks)
        store = Store(data_dir)
        try:  # FAISS holds exactly the vectors SQLite stores for those chunks
            stored = store.vectors_for(ids, vectors.dim)
        finally:
            store.close()
        assert (vectors.index.reconstruct_batch(ids) == stored).all()
        # the published file is the one the manifest names and checksums
        VectorIndex.load(data_dir / manifest["faiss_file"], sha256=manifest["faiss_sha256"],
                         dim=json.loads(manifest["dim"]))
    store = Store(data_dir)
    try:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()
    return {"generation": int(manifest.get("generation", 0)), "documents": len(rows), "chunks": len(chunks),
            "faiss_file": manifest.get("faiss_file") or None}


def stray_files(data_dir: Path) -> list[str]:
    """Temp files, and FAISS files the manifest does not name (orphans a later write must remove)."""
    from qa.store import Store

    keep = ""
    if data_dir.exists() and any(data_dir.iterdir()):
        store = Store(data_dir)
        try:
            keep = store.manifest().get("faiss_file") or ""
        finally:
            store.close()
    tmp = [p.name for p in data_dir.glob("*.tmp")] + [p.name for p in data_dir.glob(".*.tmp")]
    faiss_files = [p.name for p in data_dir.glob("*.faiss") if p.name != keep]
    return sorted(set(tmp + faiss_files))


# ------------------------------------------------------------------ the fork server
@dataclass
class Outcome:
    pid: int
    status: int  # waitpid status
    seconds: float
    output: str

    @property
    def killed(self) -> bool:
        return os.WIFSIGNALED(self.status) and os.WTERMSIG(self.status) == signal.SIGKILL

    @property
    def exit_code(self) -> int | None:
        return os.WEXITSTATUS(self.status) if os.WIFEXITED(self.status) else None


class Zygote:
    """Client side: ``run(args, env, kill_after=...)`` forks a CLI child and optionally SIGKILLs it."""

    def __init__(self, log_dir: Path, *, dense: bool = False) -> None:
        self.log_dir = log_dir
        env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false",
                   PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "dense" if dense else "lexical"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        )
        ready = self.proc.stdout.readline()
        assert ready.strip() == "ready", f"zygote failed to start: {ready!r}"
        self.count = 0

    def run(self, args: list[str], env: dict[str, str], *, kill_after: float | None = None,
            crash_at: str | None = None) -> Outcome:
        self.count += 1
        log = self.log_dir / f"child-{self.count}.log"
        request = {"args": args, "env": env, "crash_at": crash_at, "log": str(log)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        started = json.loads(self.proc.stdout.readline())
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(started["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass  # it finished first
        done = json.loads(self.proc.stdout.readline())
        output = log.read_text(errors="replace") if log.exists() else ""  # killed before it opened its log
        return Outcome(done["pid"], done["status"], done["seconds"], output)

    def close(self) -> None:
        """Stop the fork server (it holds no state worth an orderly interpreter shutdown)."""
        self.proc.stdin.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


def _install_crash(point: str) -> None:
    """Make this process SIGKILL itself at ``point`` of the next write."""
    import qa.fsutil
    from qa.ingest import Writer
    from qa.store import Store

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "faiss-temp-written":  # the FAISS temp file is complete, not yet renamed
        qa.fsutil.os.replace = lambda *a, **k: die()
    elif point == "faiss-published":  # the new FAISS file is in place; the manifest still names the old one
        Store.set_manifest = lambda self, values: die()
    elif point == "before-commit":  # the manifest row is written inside the open transaction
        original = Store.set_manifest

        def set_then_die(self, values):  # noqa: ANN001, ANN202
            original(self, values)
            die()
        Store.set_manifest = set_then_die
    elif point == "after-commit":  # committed; the previous FAISS file not yet removed
        Writer._collect_garbage = lambda self, store: die()
    else:
        raise ValueError(point)


def _serve(mode: str) -> None:
    import qa.cli  # noqa: F401 - the imports every child would otherwise pay for

    if mode == "dense":
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: a CLI process
            try:
                fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.environ.update(request["env"])
                if request["crash_at"]:
                    _install_crash(request["crash_at"])
                from qa.cli import app

                app(request["args"], prog_name="qa")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001
                import traceback

                traceback.print_exc()
                code = 99
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"pid": pid, "status": status, "seconds": time.monotonic() - started}), flush=True)


if __name__ == "__main__":
    _serve(sys.argv[1])
