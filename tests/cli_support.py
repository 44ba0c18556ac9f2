"""Helpers for the command-line tests: `qa` through typer's CliRunner (the `indexed` fixture is in conftest)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qa.cli import app

VOV = "001_789a47a7f02fc303"


def run(*args: str, input: str | None = None):  # noqa: A002
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run_json(*args: str) -> object:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]
