"""FastAPI app: the same answers as `qa ask --json`, over HTTP.

Endpoints are plain `def`: FastAPI runs them in its thread pool, so the model
never blocks the event loop.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, Field

from qa import __version__
from qa.config import Settings
from qa.service import QAService
from server.web import router as web_router


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    k: int = Field(5, ge=1, le=50)
    mode: Literal["hybrid", "dense", "lexical"] | None = None


def get_service(request: Request) -> QAService:
    return request.app.state.service


ServiceDep = Annotated[QAService, Depends(get_service)]


def healthz() -> dict[str, str]:
    return {"status": "ok"}


def ask(body: AskRequest, svc: ServiceDep) -> dict:
    return svc.ask(body.question, k=body.k, mode=body.mode).to_dict()


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="qa", version=__version__, description="Question answering over news articles with citations")
    app.state.service = QAService(settings or Settings())
    app.get("/healthz")(healthz)
    app.include_router(web_router)
    app.post("/v1/ask")(ask)
    return app
