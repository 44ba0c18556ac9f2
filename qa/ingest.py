"""Incremental, atomic writes to the index: add, replace, remove, rebuild.

One write is one SQLite transaction. The new FAISS file is published under a
new name (temp + fsync + rename) before the transaction that points the
manifest at it commits, so a crash at any moment leaves the previous or the
new complete state, never a mix. Embeddings are computed before the write lock
is taken and deduplicated by content hash, so unchanged text is never re-encoded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from embeddings.encoder import as_settings
from embeddings.index import VectorIndex
from qa import lexical_files
from qa.errors import IndexBusy, IndexCorrupt, IndexMismatch, IndexReadOnly, QAError, StorageError
from qa.manifest import describe, generation_of, library_versions, settings_changes
from qa.pipeline import Pipeline, Prepared, content_hash
from qa.sources import (IngestReport, SourceText, collect_sources, id_of, is_moved, named_paths,
                        source_problem, staying, stored_id, taken_by_another_file)
from qa.sqlite_errors import READ_ONLY, is_busy, sqlite_error, storage_advice
from qa.store import Store, index_exists

FAISS_PREFIX = "vectors."
RACE_RETRIES = 5  # a write whose decisions another write overtook starts over, this many times at most


class _Raced(Exception):
    """Another write committed between this write's reading of the index and its own commit."""


class Writer:
    """All writes to one data dir go through here (one writer at a time: SQLite's lock)."""

    def __init__(self, data_dir: Path, pipeline: Pipeline, *, rebuild_stale: bool = True) -> None:
        """``rebuild_stale``: a write to an index built with other settings (model, chunking) rebuilds every
        document under the current ones, as `qa ingest` says it does; False (a document written over HTTP)
        refuses instead, with IndexMismatch naming `qa reindex`."""
        self.data_dir = data_dir
        self.pipeline = pipeline
        self.rebuild_stale = rebuild_stale
        self._carried: dict[str, np.ndarray] = {}  # vectors computed by an attempt another write overtook

    def ingest(self, sources: list[SourceText], *, prune: bool = False, progress: bool = False,
               report: IngestReport | None = None) -> IngestReport:
        """Add, update (and with ``prune`` remove) documents in one atomic write. What is added, refused or
        unchanged is decided on the index as read before the (slow) chunking and embedding; the commit checks
        that no other write changed the documents meanwhile, and starts over if one did: two ingests at once
        never replace each other's articles (a file whose id another file took is refused as usual)."""
        report = report or IngestReport()
        before = replace(report, errors=list(report.errors), notices=list(report.notices))
        for _ in range(RACE_RETRIES):
            try:
                done = self._ingest(sources, prune, progress, report)
                self._carried.clear()
                return done
            except _Raced:
                for name in before.__dataclass_fields__:
                    value = getattr(before, name)
                    setattr(report, name, list(value) if isinstance(value, list) else value)
        raise IndexBusy(f"{self.data_dir}: other writes changed the index {RACE_RETRIES} times while this one was "
                        "being prepared; nothing was changed: run the same command again")

    def _ingest(self, sources: list[SourceText], prune: bool, progress: bool, report: IngestReport) -> IngestReport:
        store = Store(self.data_dir)
        try:
            existing = store.document_hashes()
            stale = self._stale(store, existing)
            upserts: list[Prepared] = []
            paths = store.document_paths() if any(s.doc_id in existing and s.path for s in sources) else {}
            accepted: set[str] = set()
            refused_ids: set[str] = set()  # kept as they are: never pruned, rebuilt when the index is stale
            # --prune: a stored file PATHS do not name (read, or refused) is leaving; an article of its id takes its place
            named = named_paths(sources, report.errors) if prune else None
            for src in sources:
                if src.doc_id not in existing and (stored := stored_id(src.doc_id, existing)) is not None:
                    src = replace(src, doc_id=stored)  # a decomposed id an older version stored: the same document
                holder = paths.get(src.doc_id)
                refused = source_problem(src) or taken_by_another_file(src, holder if named is None or holder in named else None)
                if not refused and src.doc_id in accepted:
                    refused = f"duplicate document id {src.doc_id!r} in this write (the first one went in)"
                if refused:
                    report.errors.append({"path": src.path or str(src.doc_id), "reason": refused})
                    refused_ids.add(src.doc_id)
                    continue
                accepted.add(src.doc_id)
                old = existing.get(src.doc_id)
                same = old == content_hash(src.raw, src.meta)
                moved = same and is_moved(src, paths.get(src.doc_id))
                if same and not stale and not moved:
                    report.documents_unchanged += 1
                    continue
                upserts.append(self.pipeline.prepare(src.doc_id, src.raw, src.path, meta=src.meta))
                if old is None:
                    report.documents_added += 1
                elif same and not moved:
                    report.documents_unchanged += 1
                else:
                    report.documents_updated += 1
            # --prune removes what was read from files PATHS no longer hold (a document posted over HTTP has none); a
            # file named but rejected (empty, not UTF-8, refused above: its stem is the id) is not "absent"
            kept = accepted | refused_ids | {id_of(Path(e["path"])) for e in report.errors if e.get("path")}
            filed = store.files() if prune else set()
            deletes = [d for d in existing if d not in kept and d in filed]
            if stale:  # rebuild every other stored document under the current pipeline (except those pruned)
                report.notices.append(f"index was built with {settings_changes(stale, self.pipeline.signature())}; rebuilding it")
                upserts += [self.pipeline.prepare(d.doc_id, d.raw, d.path, meta=d.meta) for d in store.documents()
                            if d.doc_id not in accepted and d.doc_id not in deletes]
            report.documents_removed += len(deletes)
            report.notices += staying(sources, report.errors, existing, deletes, store.document_paths)

            # what this write was decided on: the documents it names, adds, updates or removes (every one when
            # it rebuilds a stale index); a write to another document meanwhile does not concern it
            touched = None if stale else {s.doc_id for s in sources} | {p.document.doc_id for p in upserts} | set(deletes)

            def unchanged_since_read(current: Store) -> None:
                now = current.document_hashes()
                if touched is None:
                    moved_on = now != existing
                else:
                    moved_on = any(now.get(d) != existing.get(d) for d in touched)
                    if paths and not moved_on:
                        now_paths = current.document_paths()
                        moved_on = any(now_paths.get(d) != paths.get(d) for d in touched)
                if moved_on:
                    raise _Raced

            report.chunks_embedded += self._commit(store, upserts, deletes, progress, expect=unchanged_since_read)
        finally:
            store.close()
        return report

    def remove(self, doc_ids: str | list[str]) -> list[str]:
        """Delete these documents (one id or a list); returns the ids that were in the index (the others
        were not found)."""
        doc_ids = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
        if not index_exists(self.data_dir):  # nothing to remove, and no index made for nothing
            return []
        store = Store(self.data_dir)
        try:
            existing = store.document_hashes()
            # an id given twice is removed once; a composed id finds its decomposed twin (older indexes)
            present = [d for d in dict.fromkeys(stored_id(d, existing) for d in doc_ids) if d is not None]
            stale = self._stale(store, existing)  # never drop or mix vectors of another model
            upserts = [self.pipeline.prepare(d.doc_id, d.raw, d.path, meta=d.meta) for d in store.documents()
                       if d.doc_id not in present] if stale else []
            self._commit(store, upserts, present, progress=False)
            return present
        finally:
            store.close()

    def reindex(self, *, progress: bool = False) -> IngestReport:
        """Rebuild chunks, vectors and FAISS from the stored raw documents. No index there: a QAError (a
        mistyped QA_DATA_DIR would otherwise get a new, empty index and "reindexed 0 document(s)")."""
        if not index_exists(self.data_dir):
            raise QAError(f"{self.data_dir}: no index to rebuild (is QA_DATA_DIR right?); `qa ingest PATH` builds one")
        store = Store(self.data_dir)
        try:
            self._stale(store, store.document_hashes())  # refuse to drop the vectors of a model not loaded
            docs = store.documents()
            report = IngestReport(documents_updated=len(docs))
            upserts = [self.pipeline.prepare(d.doc_id, d.raw, d.path, meta=d.meta) for d in docs]
            report.chunks_embedded = self._commit(store, upserts, [], progress, rebuild=True)
            return report
        finally:
            store.close()

    def _stale(self, store: Store, existing: dict[str, str]) -> str | None:
        """What the index was built with when that is not the current pipeline (its recorded signature, as
        JSON, or a description), else None."""
        manifest = store.manifest()
        recorded = manifest.get("signature")
        if not existing or recorded is None:
            return None
        if manifest.get("model") and self.pipeline.encoder is None:
            raise IndexMismatch(
                f"{self.data_dir}: the index holds vectors made with {as_settings(manifest['model'])}, which cannot "
                "be loaded now; fix QA_MODEL (or the model cache) before writing or removing, or use another QA_DATA_DIR"
            )
        if self._dim_changed(manifest):  # the same model name, another model (a folder replaced in place)
            stale = f"{manifest['model']} with {manifest['dim']}-dimensional vectors"
        else:
            stale = None if json.loads(recorded) == self.pipeline.signature() else recorded
        if stale and not self.rebuild_stale:
            raise IndexMismatch(f"{self.data_dir}: the index was built with other settings "
                                f"({settings_changes(stale, self.pipeline.signature())}); this write would re-encode every "
                                "document: run `qa reindex` first (or set those settings back)")
        return stale

    def _dim_changed(self, manifest: dict[str, str]) -> bool:
        """The stored vectors have another dimension than the loaded model's: none of them can be reused."""
        encoder = self.pipeline.encoder
        try:
            dim = json.loads(manifest.get("dim") or "null")
        except ValueError:
            return True
        return encoder is not None and dim is not None and dim != encoder.dim

    def _embed(self, store: Store, upserts: list[Prepared], progress: bool, *, fresh: bool = False) -> dict[str, np.ndarray]:
        encoder = self.pipeline.encoder
        if encoder is None:
            return {}
        texts = {c.embed_hash: c.embed_text for p in upserts for c in p.chunks}
        missing = sorted(texts) if fresh else sorted(store.missing_embeddings(texts))
        if not missing:
            return {}
        todo = [h for h in missing if h not in self._carried]  # a restarted write does not encode again
        vectors = encoder.encode_passages([texts[h] for h in todo], show_progress=progress,
                                          batch_size=self.pipeline.settings.batch_size) if todo else []
        self._carried.update(zip(todo, vectors))
        return {h: self._carried[h] for h in missing}

    def _commit(self, store: Store, upserts: list[Prepared], deletes: list[str], progress: bool,
                *, rebuild: bool = False, expect: Callable[[Store], None] | None = None) -> int:
        """One atomic write: SQLite rows and a new FAISS file, published by the manifest in the same transaction.

        A failure at any step (disk full, I/O error, a lock held too long) rolls
        the transaction back, removes the FAISS file it may have written and
        raises StorageError: the previous state is untouched and keeps serving.
        """
        if not (upserts or deletes or rebuild) and self._published(store.manifest()):
            self._collect_garbage(store)  # files a crashed or failed write left behind
            return 0  # nothing changed: no new generation (at a million chunks a BM25 rebuild alone takes minutes)
        fresh = self._dim_changed(store.manifest())
        new_vectors = self._embed(store, upserts, progress, fresh=fresh)
        encoder = self.pipeline.encoder
        db = store.path
        published: Path | None = None
        lexical: Path | None = None
        step = f"starting a write transaction on {db}"
        try:
            with store.transaction():
                if expect is not None:  # under the write lock: what the write was decided on still holds
                    expect(store)
                step = f"writing documents, chunks and vectors to {db}"
                manifest = store.manifest()
                removed: list[int] = []
                added: list[int] = []
                for doc_id in deletes:
                    removed += store.delete_document(doc_id)
                for prep in upserts:
                    removed += store.delete_document(prep.document.doc_id)
                    store.put_document(prep.document)
                    added += store.add_chunks(prep.document.doc_id, [(c.start, c.end, c.text, c.embed_hash) for c in prep.chunks])
                if fresh:
                    store.conn.execute("DELETE FROM embeddings")
                store.put_embeddings(new_vectors.items())
                store.prune_embeddings()
                generation = generation_of(manifest) + 1
                values = self._manifest_values(manifest, generation)
                if encoder is not None:
                    full = rebuild or fresh or manifest.get("model") != encoder.name
                    index = self._updated_index(store, manifest, removed, added, full)
                    # a name never used before: an orphan of a crashed write can never be taken for this one
                    name = f"{FAISS_PREFIX}{generation}.{secrets.token_hex(4)}.faiss"
                    published = self.data_dir / name
                    step = f"writing {published}"
                    values |= {"faiss_file": name, "faiss_sha256": index.save(published),
                               "faiss_ntotal": str(index.ntotal)}
                else:
                    values |= {"faiss_file": "", "faiss_sha256": "", "faiss_ntotal": "0"}
                step = f"writing the BM25 index of generation {generation} to {self.data_dir}"
                written = self._write_lexical(store, manifest, generation, rebuild)
                lexical = written.path
                values |= {"bm25_file": lexical.name, "bm25_sha256": written.sha256}
                step = f"committing the new index generation to {db}"
                store.set_manifest(values)
        except (OSError, sqlite3.Error) as exc:
            self._discard(published, lexical)
            if is_busy(exc):
                raise sqlite_error(db, exc, step) from exc  # IndexBusy: another writer held the lock too long
            advice = storage_advice(exc)
            read_only = advice == READ_ONLY
            raise (IndexReadOnly if read_only else StorageError)(
                f"cannot write the index: {describe(exc)} while {step}; nothing was changed, the previous index "
                f"still answers. Fix: {advice if read_only else 'free disk space (or fix the I/O error)'}, and run the "
                "same command again"
            ) from exc
        except BaseException:
            self._discard(published, lexical)
            raise
        self._collect_garbage(store)
        return len(new_vectors)

    def _published(self, manifest: dict[str, str]) -> bool:
        """A sound generation is published for the model loaded now: its BM25 file and its FAISS file (if
        any) are there and match their checksums. A write with nothing to change then publishes nothing;
        otherwise it goes ahead and so repairs a damaged file."""
        encoder = self.pipeline.encoder
        if generation_of(manifest) <= 0 or (manifest.get("model") or "") != (encoder.name if encoder else ""):
            return False
        files = [(manifest.get("bm25_file"), manifest.get("bm25_sha256"))]
        if encoder is not None:
            files.append((manifest.get("faiss_file"), manifest.get("faiss_sha256")))
        try:
            return all(name and lexical_files.file_sha256(self.data_dir / name) == sha for name, sha in files)
        except OSError:
            return False

    def _updated_index(self, store: Store, manifest: dict[str, str], removed: list[int], added: list[int],
                       rebuild: bool) -> VectorIndex:
        """The previous FAISS index with this write's removals and additions, or a new one built from SQLite.

        A new one is built when asked, when the old file cannot be used, and when
        the new size calls for another index kind or nlist: an IVF index is then
        trained on the exact float32 vectors SQLite holds, not on 8-bit decoded ones.
        """
        dim = self.pipeline.encoder.dim
        expected = store.count("chunks")
        if not rebuild and manifest.get("faiss_file"):
            try:
                index = VectorIndex.load(self.data_dir / manifest["faiss_file"], sha256=manifest.get("faiss_sha256"), dim=dim)
            except IndexCorrupt:
                index = None  # rebuild below from the vectors SQLite holds
            if index is not None and not index.rebuild_due(expected):
                index.remove(removed)
                index.add(added, store.vectors_for(added, dim))
                if index.ntotal == expected:
                    return index
        ids = [c.chunk_id for c in store.chunks()]
        return VectorIndex.build(dim, ids, store.vectors_for(ids, dim))

    def _manifest_values(self, manifest: dict[str, str], generation: int) -> dict[str, object]:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        encoder = self.pipeline.encoder
        return {
            "generation": str(generation),
            "signature": json.dumps(self.pipeline.signature(), sort_keys=True),
            "model": encoder.name if encoder else "",
            "dim": json.dumps(encoder.dim if encoder else None),
            "metric": "inner_product",
            "normalized": "true",
            "versions": json.dumps(library_versions(), sort_keys=True),
            "created_at": manifest.get("created_at", now),
            "updated_at": now,
        }

    def _write_lexical(self, store: Store, manifest: dict[str, str], generation: int,
                       rebuild: bool) -> lexical_files.Written:
        """The new generation's BM25 file, carried over from the published one unless rebuilding (or it is
        missing or damaged): only new chunks are tokenised (a full build at a million chunks takes minutes)."""
        chunks = store.chunks()
        titles = store.titles()
        previous = None
        if not rebuild:
            try:
                previous = lexical_files.verified(self.data_dir, manifest)
            except (OSError, ValueError):
                previous = None  # missing or damaged: built from the chunks
        return lexical_files.write(self.data_dir, generation, [c.text for c in chunks], [c.doc_id for c in chunks],
                                   [titles.get(c.doc_id, "") for c in chunks], [c.chunk_id for c in chunks], previous,
                                   lexical_files.own_text(((c.doc_id, c.start, c.end) for c in chunks), store.page_text()))

    def _discard(self, published: Path | None, lexical: Path | None = None) -> None:
        """Remove the FAISS and BM25 files of a write that failed, unless its commit went through after all."""
        if published is None and lexical is None:
            return
        try:
            with contextlib.closing(Store(self.data_dir)) as check:
                manifest = check.manifest()
        except (QAError, sqlite3.Error):
            return  # cannot tell: leave it to the next write's collection
        try:
            if published is not None and manifest.get("faiss_file") != published.name:
                published.unlink(missing_ok=True)
            if lexical is not None and manifest.get("bm25_file") != lexical.name:
                lexical.unlink(missing_ok=True)
        except OSError:
            pass

    def _collect_garbage(self, store: Store) -> None:
        """Delete FAISS files the committed manifest does not name: older generations, orphans of crashed writes.

        Runs under the write lock (BEGIN IMMEDIATE), so another writer's file in
        the making is never touched. Best effort: a failure leaves them to the next write.
        """
        try:
            with store.transaction():
                keep = store.manifest().get("faiss_file") or ""
                for path in self.data_dir.glob(f"{FAISS_PREFIX}*.faiss"):
                    if path.name != keep:
                        path.unlink(missing_ok=True)
                for path in self.data_dir.glob(f".{FAISS_PREFIX}*.tmp"):
                    path.unlink(missing_ok=True)
                lexical_files.collect(self.data_dir, keep=store.manifest().get("bm25_file") or "")
        except (OSError, sqlite3.Error):
            pass


__all__ = ["IngestReport", "SourceText", "Writer", "collect_sources", "QAError"]
