"""The README's "From Python" example, run as written in a folder holding the seeds."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_block(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_python_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(readme_block("From Python"), "README.md", "exec"), {})  # noqa: S102 - our own README
    lines = printed.getvalue().splitlines()
    assert "5 []" in lines
    rome = "002_57590387f8aa0a75"
    assert any(line.startswith(f"False other {rome} ") for line in lines), lines
    assert any("Rome" in line and "7 tiếng" in line for line in lines), lines  # the follow-up's duration
    assert lines[-1] == "the question is empty"
    assert (tmp_path / "qa-data" / "qa.sqlite3").exists()
