"""The garbage collector is kept off the model's libraries, never off an index a write replaces (``qa.heap``).

Each case runs in a fresh interpreter: the freeze happens once per process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import Settings
from qa.service import QAService

ROOT = Path(__file__).resolve().parent.parent

_ASK_WRITE_ASK = """
import gc, json, sys, weakref
from pathlib import Path
from qa.config import Settings
from qa.service import QAService

model, data, order = sys.argv[1:]
service = QAService(Settings(data_dir=Path(data), model=model), warn=lambda _: None)
if order == "index-first":
    service.snapshot()
first = service.ask("Who met in Rome?")
frozen = gc.get_freeze_count()
opened = weakref.ref(service.snapshot())
service.add_text("extra", "Hội nghị thượng đỉnh diễn ra tại Hà Nội vào tuần trước với sự tham gia của nhiều nước.")
service.ask("Who met in Rome?")  # opens the new generation
gc.collect()
print(json.dumps({"mode": first.mode, "frozen": frozen, "replaced_index_freed": opened() is None}))
"""


@pytest.fixture(scope="module")
def dense_index(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> Path:
    data = tmp_path_factory.mktemp("heap-data")
    with QAService(Settings(data_dir=data, model=str(tiny_model_dir)), warn=lambda _: None) as service:
        report = service.ingest(ROOT / "seeds")
    assert not report.errors
    return data


def _run(model: Path, data: Path, order: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _ASK_WRITE_ASK, str(model), str(data), order],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("order", "frozen"), [
    ("model-first", True),  # torch and transformers, imported to load the model: over 100,000 objects
    ("index-first", False),  # an index open before the model would outlive the write that replaces it
])
def test_the_model_s_libraries_are_frozen_never_an_index_a_write_replaces(
        tmp_path: Path, dense_index: Path, tiny_model_dir: Path, order: str, frozen: bool) -> None:
    data = tmp_path / "data"
    shutil.copytree(dense_index, data)
    seen = _run(tiny_model_dir, data, order)
    assert seen["mode"] == "hybrid"
    assert (seen["frozen"] > 100_000) if frozen else seen["frozen"] == 0
    assert seen["replaced_index_freed"]
