"""The server keeps the garbage collector off the model's libraries, never off an index a write replaces, and a
service embedded in another program leaves that program's heap alone (``qa.heap``).

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
from server.runtime import Runtime

model, data, how = sys.argv[1:]
settings = Settings(data_dir=Path(data), model=model)
if how == "server":  # what `qa serve` does before its first request
    runtime = Runtime(settings)
    runtime.warm_up()
    service = runtime.service
else:
    service = QAService(settings, warn=lambda _: None)
    if how == "index-first":
        service.snapshot()
        assert not service.freeze_libraries()
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


@pytest.mark.parametrize(("how", "frozen"), [
    ("server", True),  # torch and transformers, imported to load the model: over 100,000 objects
    ("embedded", False),  # a program that only asks questions keeps its garbage collector as it was
    ("index-first", False),  # an index open before the freeze would outlive the write that replaces it
])
def test_the_server_freezes_the_model_s_libraries_never_an_index_a_write_replaces(
        tmp_path: Path, dense_index: Path, tiny_model_dir: Path, how: str, frozen: bool) -> None:
    data = tmp_path / "data"
    shutil.copytree(dense_index, data)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _ASK_WRITE_ASK, str(tiny_model_dir), str(data), how],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["mode"] == "hybrid"
    assert (seen["frozen"] > 100_000) if frozen else seen["frozen"] == 0
    assert seen["replaced_index_freed"]
