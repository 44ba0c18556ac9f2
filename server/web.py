"""The chat page (GET /) and the embeddable widget (GET /widget.js): static files shipped in the package."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index() -> str:
    return "<!doctype html><title>qa</title><p>qa is running. The chat page is coming.</p>"
