"""The least any answer can cost, for ``bench_ceiling.py``: encode the question, search the vectors, return ids.

No BM25, no fusion, no sentence rerank, no citations, no admission: what is left of ``POST /v1/ask`` when
everything but the encoder and one FAISS search is taken away. Served by uvicorn as ``qa serve`` is
(httptools and uvloop, a ``def`` endpoint on the thread pool), from the index in ``QA_DATA_DIR`` with
``QA_MODEL``:

    uvicorn benchmarks.ceiling_app:create --factory --port 8001 [--workers 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.conversation import contextualize  # noqa: E402
from qa.retrieval import analyze  # noqa: E402
from qa.service import QAService  # noqa: E402

POOL = 50  # the dense pool the service searches for fusion


class Ask(BaseModel):
    question: str = Field(max_length=2000)
    k: int = Field(5, ge=1, le=50)


def least_answer(service: QAService, question: str, k: int) -> list[int]:
    """The same encoder call as ``QAService.ask`` (the analysed question's text), one vector search, the
    top ``k`` chunk ids."""
    text = analyze(question, contextualize(question, [])).combined.text
    vector = service.encoder().encode_queries([text])
    _, ids = service.snapshot().vectors.search(vector, POOL)
    return ids[0][:k].tolist()


def make_app(service: QAService) -> FastAPI:
    app = FastAPI()

    @app.get("/readyz")
    def readyz() -> dict:
        return {"ready": True}

    @app.post("/v1/ask")
    def ask(body: Ask) -> dict:
        return {"chunk_ids": least_answer(service, body.question, body.k)}

    return app


def create() -> FastAPI:
    """uvicorn's factory: the service from the QA_* environment, loaded and warmed up before it listens."""
    service = QAService(Settings(), warn=lambda line: print(line, file=sys.stderr))
    if service.encoder() is None or service.snapshot().vectors is None:
        raise SystemExit("ceiling_app: needs a loadable QA_MODEL and an index with vectors in QA_DATA_DIR")
    least_answer(service, "warm up", 5)
    return make_app(service)
