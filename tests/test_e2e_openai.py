"""End to end: `qa serve` as a real process, asked through the official `openai` client and `qa chat --url`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openai
import pytest

from api_support import ROME, free_port, seed_text, seeded_data_dir, stop, wait_until_answering

pytestmark = pytest.mark.slow

READ_KEY = "e2e-read-key"
ADMIN_KEY = "e2e-admin-key"
START_TIMEOUT = 90.0


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path




def _qa_command() -> list[str]:
    script = Path(sys.executable).with_name("qa")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qa.cli"]


def _env(base: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QA_", "HF_", "HUGGINGFACE_", "SENTENCE_TRANSFORMERS_"))}
    env.update(QA_DATA_DIR=str(data), QA_MODEL=str(base / "no-such-model"), HF_HOME=str(base / "hf"),
               HF_HUB_OFFLINE="1", QA_API_KEYS=READ_KEY, QA_ADMIN_KEYS=ADMIN_KEY, QA_RATE_LIMIT_PER_MINUTE="0")
    return env


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("e2e")
    data = seeded_data_dir(base / "data")
    port = free_port()
    log = base / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([*_qa_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   env=_env(base, data), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, url, log, timeout=START_TIMEOUT)  # /readyz: 200 once ready
        yield Server(url, process, log)
    finally:
        stop(process, timeout=15)


def client(server: Server, key: str = READ_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0, timeout=60)


def check_citations(citations: list[dict]) -> None:
    assert citations, "no citations"
    for c in citations:
        raw = seed_text(c["doc_id"])
        assert raw[c["start"] : c["end"]] == c["text"]
        assert raw[c["highlight"]["start"] : c["highlight"]["end"]] == c["highlight"]["text"]


def test_readyz_reports_the_served_index(server: Server) -> None:
    status, body = _get(server.url + "/readyz")
    assert status == 200 and body["documents"] == 5 and body["mode"] == "lexical"
    assert _get(server.url + "/healthz") == (200, {"status": "ok"})


def test_openai_client_non_streaming(server: Server) -> None:
    response = client(server).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Who met in Rome?"}])
    content = response.choices[0].message.content
    citations = response.model_extra["citations"]
    assert citations[0]["doc_id"] == ROME
    check_citations(citations)
    assert "[1]" in content and f"{ROME} {citations[0]['start']}:{citations[0]['end']}" in content
    assert response.model == "qa-lexical" and response.choices[0].finish_reason == "stop"
    assert response.usage.total_tokens == 0  # no tokenizer in the lexical fallback (documented)


def test_openai_client_answer_sentence_carries_the_marker(server: Server) -> None:
    response = client(server).chat.completions.create(
        model="qa", messages=[{"role": "user", "content": "Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?"}])
    first_line = response.choices[0].message.content.splitlines()[0]
    citations = response.model_extra["citations"]
    assert response.model_extra["qa"]["abstained"] is False
    assert first_line.startswith(citations[0]["highlight"]["text"]) and first_line.endswith("[1]")


def test_openai_client_streaming(server: Server) -> None:
    messages = [{"role": "user", "content": "Who met in Rome?"}]
    whole = client(server).chat.completions.create(model="m", messages=messages)
    stream = client(server).chat.completions.create(model="m", messages=messages, stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content and "[1]" in text
    last = chunks[-1]
    assert last.object == "chat.completion.chunk" and last.choices[0].finish_reason == "stop"
    citations = last.model_extra["citations"]
    assert citations[0]["doc_id"] == ROME
    check_citations(citations)
    assert all(c.usage is None for c in chunks)
    # OpenAI's documented way to get usage from a stream: the chunk without choices
    stream = client(server).chat.completions.create(model="m", messages=messages, stream=True,
                                                    stream_options={"include_usage": True})
    usage = [c.usage for c in stream if not c.choices]
    assert len(usage) == 1 and usage[0].total_tokens == 0


def test_openai_client_follow_up(server: Server) -> None:
    response = client(server).chat.completions.create(model="m", messages=[
        {"role": "user", "content": "Who met in Rome?"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": "How long did the meeting last?"},
    ])
    assert response.model_extra["citations"][0]["doc_id"] == ROME


def test_openai_client_keys_and_models(server: Server) -> None:
    with pytest.raises(openai.AuthenticationError, match="unknown API key"):
        client(server, key="wrong").models.list()
    assert [m.id for m in client(server).models.list().data] == ["qa", "qa-lexical"]
    assert client(server).models.retrieve("qa").id == "qa"
    with pytest.raises(openai.UnprocessableEntityError, match="last message must be the user"):
        client(server).chat.completions.create(model="m", messages=[{"role": "assistant", "content": "hi"}])


CITATION = re.compile(r"\[(\d+)\][^\[]*?\[(\d{3}_[0-9a-f]{16}) (\d+):(\d+)\]", re.S)


def test_qa_chat_url_runs_the_chat_loop_against_the_server(server: Server, tmp_path: Path) -> None:
    env = {**os.environ, "QA_API_KEY": READ_KEY, "QA_DATA_DIR": str(tmp_path / "client-data"),
           "QA_MODEL": str(tmp_path / "no-model"), "COLUMNS": "200"}
    script = "Who met in Rome?\nHow long did the meeting last?\n/sources 1\n/k 2\n/quit\n"
    done = subprocess.run([*_qa_command(), "chat", "--url", server.url], input=script, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "5 documents, mode lexical" in out
    turns = re.split(r"^\? ?", out, flags=re.M)
    follow_up, source = turns[2], turns[3]
    top = CITATION.findall(follow_up)[0]
    assert top[0] == "1" and top[1] == ROME
    assert CITATION.findall(source)[0][1:] == top[1:]
    passage = seed_text(ROME)[int(top[2]) : int(top[3])]
    assert " ".join(passage.split()) in " ".join(source.split())
    assert "k = 2" in turns[4]
    assert not (tmp_path / "client-data" / "qa.sqlite3").exists()  # nothing was read or built locally


def test_qa_chat_url_reports_an_unreachable_server(tmp_path: Path) -> None:
    env = {**os.environ, "QA_DATA_DIR": str(tmp_path / "d")}
    done = subprocess.run([*_qa_command(), "chat", "--url", f"http://127.0.0.1:{free_port()}"], input="/quit\n",
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "cannot reach" in done.stderr


def test_qa_chat_url_with_a_wrong_key_says_so(server: Server, tmp_path: Path) -> None:
    env = {**os.environ, "QA_API_KEY": "wrong", "QA_DATA_DIR": str(tmp_path / "d")}
    done = subprocess.run([*_qa_command(), "chat", "--url", server.url], input="Who met in Rome?\n/quit\n",
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "401" in done.stdout and "unknown API key" in done.stdout


def test_server_logs_and_metrics(server: Server) -> None:
    status, _ = _get(server.url + "/readyz")
    with urllib.request.urlopen(server.url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    assert 'route="/v1/chat/completions",status="200"' in text and "qa_index_documents 5.0" in text
    assert "Traceback" not in server.log.read_text(errors="replace")


def test_the_server_log_says_when(server: Server) -> None:
    """Every line of the server's log (startup, the service's own messages, access) starts with its time."""
    _get(server.url + "/readyz")
    lines = [line for line in server.log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    assert any('"GET /readyz' in line for line in lines) and any("Uvicorn running" in line for line in lines)
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} ")
    assert all(stamp.match(line) for line in lines), [line for line in lines if not stamp.match(line)]
