"""POST /v1/documents against the index's own rules: a refused write is never a 200, and a posted
document replaces its id whatever its url names."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_support import ARTICLE, error_of


def test_a_write_the_index_refuses_is_never_answered_as_unchanged(client: TestClient,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.ingest.source_problem", lambda src: "refused by the index's own rules")
    response = client.post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE})
    assert response.status_code == 422 and error_of(response)["message"] == "refused by the index's own rules"


def test_a_posted_document_replaces_its_id_whatever_its_url_names(client: TestClient, tmp_path: Path) -> None:
    """The url is stored as the document's path; a url that happens to name a local file is not a file
    ingest: the POST replaces the document of its id, as documented."""
    other = tmp_path / "other.txt"
    other.write_text("x", encoding="utf-8")
    first = client.post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE, "url": str(tmp_path / "a.txt")})
    (tmp_path / "a.txt").write_text("y", encoding="utf-8")
    second = client.post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE + "\nThêm một câu.",
                                                 "url": str(other)})
    assert first.status_code == 201 and second.status_code == 200 and second.json()["status"] == "updated"
