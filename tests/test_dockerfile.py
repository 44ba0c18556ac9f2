"""The Dockerfile, checked without Docker: what it copies exists, what it runs is real, and it is safe to run."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from qa.cli import app as cli_app
from qa.config import Settings
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    name: str
    args: str
    line: int


def parse(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    out: list[Instruction] = []
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        name, _, args = buffer.partition(" ")
        out.append(Instruction(name.upper(), args.strip(), start))
        buffer = ""
    assert not buffer, "the Dockerfile ends inside a continued line"
    return out


def words(args: str) -> list[str]:
    """Exec form (JSON array) or shell form."""
    if args.startswith("["):
        return json.loads(args)
    return shlex.split(args)


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse(DOCKERFILE.read_text(encoding="utf-8"))


def named(instructions: list[Instruction], name: str) -> list[Instruction]:
    return [i for i in instructions if i.name == name]


def test_every_copy_source_exists(instructions: list[Instruction]) -> None:
    copies = named(instructions, "COPY") + named(instructions, "ADD")
    assert copies
    for ins in copies:
        parts = [w for w in words(ins.args) if not w.startswith("--")]
        assert not any(w.startswith("--from") for w in words(ins.args)), "no multi-stage copies expected"
        *sources, _dest = parts
        assert sources, ins
        for source in sources:
            matches = list(ROOT.glob(source))
            assert matches, f"line {ins.line}: COPY source {source!r} is not in the repository"


def test_copied_package_dirs_cover_the_installed_packages(instructions: list[Instruction]) -> None:
    copied = {Path(w).parts[0] for ins in named(instructions, "COPY") for w in words(ins.args)[:-1]}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    assert set(packages) <= copied, f"packages not copied into the image: {set(packages) - copied}"
    assert {"pyproject.toml", "constraints.txt", "README.md"} <= copied  # pip install . needs the readme too


def test_torch_is_pinned_to_the_cpu_build(instructions: list[Instruction]) -> None:
    runs = " ".join(i.args for i in named(instructions, "RUN"))
    pins = re.findall(r"torch==([\w.+-]+)", runs)
    assert pins == ["2.13.0"], pins
    assert "download.pytorch.org/whl/cpu" in runs
    assert "torch==2.13.0" in (ROOT / "constraints.txt").read_text()


def test_the_model_is_a_build_arg_baked_in_and_used(instructions: list[Instruction]) -> None:
    args = {i.args.split("=")[0] for i in named(instructions, "ARG")}
    assert "QA_MODEL" in args
    envs = " ".join(i.args for i in named(instructions, "ENV"))
    assert re.search(r"QA_MODEL=\$\{?QA_MODEL\}?", envs), "the build arg must become the runtime QA_MODEL"
    assert "HF_HUB_OFFLINE=1" in envs  # the container never reaches for the network


def test_runs_as_a_non_root_user(instructions: list[Instruction]) -> None:
    users = named(instructions, "USER")
    assert users, "no USER: the server would run as root"
    last = users[-1].args.split(":")[0]
    assert last not in ("root", "0")
    assert users[-1].line > max(i.line for i in named(instructions, "RUN")), "USER must come after the last RUN"
    runs = " ".join(i.args for i in named(instructions, "RUN"))
    assert re.search(rf"useradd\b.*\b{re.escape(last)}\b", runs), f"user {last!r} is never created"


def test_the_data_dir_is_a_volume_owned_by_the_user(instructions: list[Instruction]) -> None:
    envs = dict(w.split("=", 1) for i in named(instructions, "ENV") for w in shlex.split(i.args) if "=" in w)
    data_dir = envs["QA_DATA_DIR"]
    volumes = [v for i in named(instructions, "VOLUME") for v in words(i.args)]
    assert data_dir in volumes
    user = named(instructions, "USER")[-1].args
    runs = " ".join(i.args for i in named(instructions, "RUN"))
    assert re.search(rf"chown\s+(-R\s+)?{re.escape(user)}(:\S+)?\s+.*{re.escape(data_dir)}", runs)


def _commands() -> set[str]:
    return set(typer.main.get_command(cli_app).commands)


def test_cmd_runs_real_qa_commands(instructions: list[Instruction]) -> None:
    cmd = named(instructions, "CMD")[-1]
    argv = words(cmd.args)
    line = argv[-1] if argv[:2] == ["sh", "-c"] else " ".join(argv)
    invoked = re.findall(r"\bqa\s+([a-z-]+)", line)
    assert "serve" in invoked and set(invoked) <= _commands(), invoked
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["qa"] == "qa.cli:app"
    port = re.search(r"--port\s+(\d+)", line)
    assert port and port.group(1) in " ".join(i.args for i in named(instructions, "EXPOSE"))
    assert "--host 0.0.0.0" in line  # reachable from outside the container
    assert "exec qa serve" in line  # the server is PID 1's child replaced: it gets SIGTERM
    for ingest in re.findall(r"qa ingest\s+(\S+)", line):
        assert any(ingest in w for i in named(instructions, "COPY") for w in words(i.args)), ingest


def test_healthcheck_probes_a_real_route(instructions: list[Instruction], tmp_path: Path) -> None:
    checks = named(instructions, "HEALTHCHECK")
    assert checks and "CMD" in checks[-1].args
    url = re.search(r"https?://[^'\" ]+", checks[-1].args)
    assert url, checks[-1].args
    path = "/" + url.group(0).split("/", 3)[3]
    port = url.group(0).split(":")[2].split("/")[0]
    assert port in " ".join(i.args for i in named(instructions, "EXPOSE"))
    routes = {getattr(r, "path", None) for r in create_app(Settings(data_dir=tmp_path)).routes}
    assert path in routes, f"HEALTHCHECK probes {path}, which the app does not serve"
    assert "python" in checks[-1].args  # the slim image has no curl


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".venv", ".git", "data", "__pycache__"):
        assert any(entry in line for line in ignored), entry


def test_make_takes_the_torch_index_the_readme_names() -> None:
    """README, "Two commands": TORCH_INDEX=... makes the install take torch from that index (the CPU build)."""
    if shutil.which("make") is None:
        pytest.skip("no make")
    root = Path(__file__).resolve().parent.parent
    plan = subprocess.run(["make", "-n", "-B", "install", "VENV=/nonexistent-venv",
                           "TORCH_INDEX=https://download.pytorch.org/whl/cpu"],
                          cwd=root, capture_output=True, text=True, timeout=30).stdout
    torch_line = next(line for line in plan.splitlines() if "torch==" in line)
    assert "--index-url https://download.pytorch.org/whl/cpu torch==2.13.0" in torch_line
    default = subprocess.run(["make", "-n", "-B", "install", "VENV=/nonexistent-venv"], cwd=root,
                             capture_output=True, text=True, timeout=30).stdout
    assert "--index-url" not in next(line for line in default.splitlines() if "torch==" in line)
