"""The OpenAI-compatible routes through FastAPI's TestClient (the real openai client: test_e2e_openai.py)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt

from api_support import ROME, SEEDS, check_passages, client_for, error_of
from server.openai_api import NO_ANSWER

ROME_VI = "Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?"


# ------------------------------------------------------------------ OpenAI-compatible


def chat(client: TestClient, *messages: dict, **extra: object):  # noqa: ANN201
    return client.post("/v1/chat/completions", json={"model": "gpt-4o-mini", "messages": list(messages), **extra})


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def test_chat_completion_answer_markers_sources_and_citations(client: TestClient) -> None:
    response = chat(client, {"role": "system", "content": "You are helpful."}, user(ROME_VI))
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == "qa-lexical"  # any name is accepted; the lexical fallback answered
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert body["qa"]["abstained"] is False
    first, sources = body["citations"][0], body["citations"]
    assert first["doc_id"] == ROME
    answer_line, _, rest = content.partition("\n\n")
    assert answer_line.startswith(first["highlight"]["text"]) and answer_line.endswith("[1]")
    listed, _, note = rest.partition("\n\n")
    lines = listed.splitlines()
    assert lines[0] == "Sources:" and len(lines) == 1 + len(sources)
    assert lines[1].startswith("- [1] " + first["title"]) and lines[1].endswith(f"{ROME} {first['start']}:{first['end']}")
    html = MarkdownIt("commonmark").render(content)  # as a chatbot frontend shows it: one source per line
    assert html.count("<li>") == len(sources)
    # the model could not be loaded: the message says it answered with keywords only (frontends drop "qa")
    assert note.startswith("Note: lexical retrieval only") and body["qa"]["notice"] in note.replace("\\", "")
    check_passages(sources)
    assert body["usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}  # no tokenizer loaded


def test_chat_completion_abstains_honestly(client: TestClient) -> None:
    body = chat(client, user("What is the population of Brazil?")).json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith(NO_ANSWER) and body["qa"]["abstained"] is True
    assert all(c["low_confidence"] for c in body["citations"])
    if body["citations"]:
        assert "Nearest passages (low confidence):" in content


def test_chat_completion_uses_earlier_user_messages_as_history(client: TestClient) -> None:
    body = chat(client, user("Who met in Rome?"), {"role": "assistant", "content": "..."},
                user("How long did the meeting last?"), k=2).json()
    assert [c["doc_id"] for c in body["citations"]][:1] == [ROME] and len(body["citations"]) <= 2
    parts = chat(client, {"role": "user", "content": [{"type": "text", "text": ROME_VI}]}).json()
    assert parts["citations"][0]["doc_id"] == ROME


def test_chat_completion_stream(client: TestClient) -> None:
    plain = chat(client, user(ROME_VI)).json()
    with client.stream("POST", "/v1/chat/completions",
                       json={"model": "x", "stream": True, "messages": [user(ROME_VI)]}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line[len("data: "):] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == chunks[0]["id"] for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == plain["choices"][0]["message"]["content"]
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["choices"][0]["delta"] == {}
    assert [c["chunk_id"] for c in last["citations"]] == [c["chunk_id"] for c in plain["citations"]]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert all("usage" not in c for c in chunks)  # not asked for (stream_options.include_usage)


def test_chat_completion_stream_usage_as_openai_sends_it(client: TestClient) -> None:
    """include_usage: every chunk says "usage": null, and one last chunk without choices carries it."""
    request = {"model": "x", "stream": True, "messages": [user(ROME_VI)], "stream_options": {"include_usage": True}}
    with client.stream("POST", "/v1/chat/completions", json=request) as response:
        events = [line[len("data: "):] for line in response.iter_lines() if line.startswith("data: ")]
    chunks = [json.loads(e) for e in events[:-1]]
    *answer, usage = chunks
    assert usage["choices"] == [] and usage["usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    assert all(c["usage"] is None and c["choices"] for c in answer)
    assert answer[-1]["choices"][0]["finish_reason"] == "stop" and answer[-1]["citations"]


@pytest.mark.parametrize(
    ("messages", "needle"),
    [
        ([], "messages"),
        ([{"role": "assistant", "content": "hi"}], "last message must be the user's"),
        ([user("")], "empty"),
        ([user("x" * 2001)], "at most 2000"),
        ([user("\u200b\u200b")], "the last user message (the question) is empty"),
        ([user("x" * 4001)], "4000"),
        ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://x"}}]}], "only text"),
        ([{"role": "robot", "content": "hi"}], "role"),
        ([user("hi")] * 51, "messages"),
        ([{"role": "system", "content": "x" * 100_001}, user("hi")], "100000"),
        ([{"role": "assistant", "content": [{"type": "text", "text": "x" * 60_000}] * 2}, user("hi")], "100000"),
        ([{"role": "assistant", "content": "x" * 90_000}] * 3 + [user("hi")], "200000 characters in all"),
    ],
)
def test_chat_completion_rejects_bad_messages(client: TestClient, messages: list, needle: str) -> None:
    response = client.post("/v1/chat/completions", json={"model": "m", "messages": messages})
    assert response.status_code == 422, response.text
    assert needle in error_of(response)["message"]


def test_what_a_client_sends_back_is_accepted(client: TestClient) -> None:
    """The usual loop appends each reply to the messages: a reply citing many sources (over 4000
    characters: 50 sources of a big corpus; here the seeds' 20 twice), an assistant refusal part, a
    long system prompt. None of them is read."""
    first = chat(client, user(ROME_VI), k=50).json()["choices"][0]["message"]
    long_reply = first | {"content": (first["content"] + "\n") * 2}
    assert len(long_reply["content"]) > 4000
    follow_up = chat(client, {"role": "system", "content": "Answer briefly. " * 400}, user(ROME_VI), long_reply,
                     {"role": "assistant", "content": [{"type": "refusal", "refusal": "I cannot say."}]},
                     user("Cuộc gặp kéo dài bao lâu?"))
    assert follow_up.status_code == 200, follow_up.text
    assert follow_up.json()["citations"][0]["doc_id"] == ROME
    # the same on /v1/ask: an assistant turn is not read, a user turn is (and stays bounded)
    history = [user(ROME_VI), {"role": "assistant", "content": long_reply["content"]}]
    assert client.post("/v1/ask", json={"question": ROME_VI, "history": history}).status_code == 200
    too_long = client.post("/v1/ask", json={"question": ROME_VI, "history": [user("x" * 4001)]})
    assert too_long.status_code == 422 and error_of(too_long)["param"] == "history.0.content"


@pytest.mark.parametrize(("extra", "param"), [
    ({"n": 2}, "n"), ({"tool_choice": "required"}, "tool_choice"),
    ({"tool_choice": {"type": "function", "function": {"name": "f"}}}, "tool_choice"),
    ({"tool_choice": "bogus"}, "tool_choice"), ({"tool_choice": "Auto"}, "tool_choice"),
    ({"function_call": {"name": "f"}}, "function_call"), ({"function_call": "required"}, "function_call"),
    ({"response_format": {"type": "json_object"}}, "response_format"),
    ({"response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": {}}}}, "response_format"),
    ({"logprobs": True}, "logprobs"), ({"logprobs": True, "top_logprobs": 2}, "logprobs"),
    ({"stream_options": {"include_usage": True}}, "stream_options"),
])
def test_what_cannot_be_honoured_is_refused(client: TestClient, extra: dict, param: str) -> None:
    """Two choices, a required (or misspelt) tool call, JSON output or token probabilities would silently
    not happen: 422 naming the field instead."""
    response = chat(client, user(ROME_VI), **extra)
    assert response.status_code == 422 and error_of(response)["param"] == param, response.text
    assert chat(client, user(ROME_VI), n=1, tool_choice="auto", tools=[], response_format={"type": "text"},
                logprobs=False, top_logprobs=0).status_code == 200
    assert chat(client, user(ROME_VI), tool_choice="none", function_call="auto", functions=[]).status_code == 200


def test_models(client: TestClient) -> None:
    models = client.get("/v1/models").json()
    assert models["object"] == "list" and [m["id"] for m in models["data"]] == ["qa", "qa-lexical"]
    assert client.get("/v1/models/qa-lexical").json()["id"] == "qa-lexical"
    assert client.get("/v1/models/qa").json()["id"] == "qa"  # the name a request has by default
    assert client.get("/v1/models/gpt-4").status_code == 404


def test_usage_counts_tokens_with_the_encoder_tokenizer(data_dir: Path, tiny_model_dir: Path) -> None:
    client = client_for(data_dir, model=str(tiny_model_dir))
    encoder = client.app.state.runtime.service.encoder()
    assert encoder is not None
    body = chat(client, {"role": "system", "content": "Be brief."}, user(ROME_VI)).json()
    content = body["choices"][0]["message"]["content"]
    usage = body["usage"]
    assert usage["prompt_tokens"] == encoder.count_tokens("Be brief.") + encoder.count_tokens(ROME_VI) > 0
    assert usage["completion_tokens"] == encoder.count_tokens(content) > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    # the model loads, but this index has no vectors yet: answers stay lexical and say so
    assert body["model"] == "qa-lexical" and "qa reindex" in body["qa"]["notice"]
    assert [m["id"] for m in client.get("/v1/models").json()["data"]] == ["qa", str(tiny_model_dir), "qa-lexical"]


def test_model_field_is_qa_model_when_dense_retrieval_answers(tmp_path: Path, tiny_model_dir: Path) -> None:
    client = client_for(tmp_path / "dense", model=str(tiny_model_dir))
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert client.post("/v1/documents", json={"doc_id": path.stem, "text": text}).status_code == 201
    body = chat(client, user(ROME_VI)).json()
    assert body["model"] == str(tiny_model_dir) and body["qa"]["mode"] == "hybrid"
    assert chat(client, user(ROME_VI), model="qa-lexical").json()["model"] == "qa-lexical"  # asks for lexical
    conflict = chat(client, user(ROME_VI), model="qa-lexical", mode="dense")
    assert conflict.status_code == 422 and error_of(conflict)["param"] == "mode"
    assert chat(client, user(ROME_VI), model="qa-lexical", mode="lexical").status_code == 200
    assert client.get("/readyz").json()["mode"] == "hybrid"


def test_a_local_model_folder_is_named_whole_only_to_admins(tmp_path: Path, tiny_model_dir: Path) -> None:
    """As documents' paths: a reader sees the folder's name, not where it lies on the server."""
    client = client_for(tmp_path / "keys", model=str(tiny_model_dir), api_keys=["read-1"], admin_keys=["admin-1"])
    admin, reader = {"X-API-Key": "admin-1"}, {"X-API-Key": "read-1"}
    rome = (SEEDS / f"{ROME}.txt").read_text(encoding="utf-8")
    assert client.post("/v1/documents", json={"doc_id": ROME, "text": rome}, headers=admin).status_code == 201
    for headers, name in ((admin, str(tiny_model_dir)), (reader, tiny_model_dir.name)):
        body = client.post("/v1/chat/completions", json={"messages": [user(ROME_VI)]}, headers=headers).json()
        assert body["model"] == name and body["qa"]["mode"] == "hybrid"
        assert [m["id"] for m in client.get("/v1/models", headers=headers).json()["data"]] == ["qa", name, "qa-lexical"]
        assert client.get(f"/v1/models/{name}", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("content", "param", "says"),
    [
        ("x" * 4001, "messages.0.content", "a user message has at most 4000 characters (the question, the last one, "
                                           "at most 2000)"),
        ("x" * 2001, "messages.0.content", "the question (last user message) has 2001 characters; at most 2000"),
        ("\u200b", "messages.0.content", "the last user message (the question) is empty"),
        ({"x": 1}, "messages.0.content", "Input should be a valid string"),
        ([{"type": "text", "text": "x" * 4001}], "messages.0.content", "a user message has at most 4000 characters "
                                                                        "(the question, the last one, at most 2000)"),
    ],
)
def test_a_bad_message_is_named_as_the_field_it_is(client: TestClient, content: object, param: str, says: str) -> None:
    """A message matching neither form of `content` (a string, a list of parts) gets one line about the form
    it was meant as, without pydantic's names for the forms."""
    response = chat(client, {"role": "user", "content": content})
    error = error_of(response)
    assert response.status_code == 422 and error["param"] == param
    assert error["message"] == f"{param}: {says}"


def test_the_question_is_named_as_the_last_message(client: TestClient) -> None:
    """Not just "messages": the field of the message at fault, as validation names it."""
    too_long = chat(client, {"role": "system", "content": "Be brief."}, user("Rome?"), user("x" * 2001))
    assert error_of(too_long)["param"] == "messages.2.content"
    not_a_question = chat(client, user("Rome?"), {"role": "assistant", "content": "..."})
    assert error_of(not_a_question)["param"] == "messages.1.role"
    assert error_of(not_a_question)["message"].startswith("messages.1.role: the last message must be the user's")
    assert "not an 'assistant' message" in error_of(not_a_question)["message"]


def test_instructions_after_the_question_are_accepted_and_not_read(client: TestClient) -> None:
    """"System and developer messages are accepted and not read" -- after the question too (it was a 422)."""
    plain = chat(client, user(ROME_VI))
    after = chat(client, user(ROME_VI), {"role": "system", "content": "Answer briefly."},
                 {"role": "developer", "content": "Cite sources."})
    assert after.status_code == 200, after.text
    assert after.json()["choices"][0]["message"] == plain.json()["choices"][0]["message"]


@pytest.mark.parametrize("value", ["yes", 1, "1", "on", "false"])
def test_include_usage_is_a_json_boolean(client: TestClient, value: object) -> None:
    request = {"model": "x", "stream": True, "messages": [user(ROME_VI)], "stream_options": {"include_usage": value}}
    response = client.post("/v1/chat/completions", json=request)
    assert response.status_code == 422 and "stream_options" in error_of(response)["param"], response.text


@pytest.mark.parametrize("stream", ["yes", "true", "1", 1, 0, "false", [], {}])
def test_stream_is_a_json_boolean(client: TestClient, stream: object) -> None:
    """As strict as k and n: "yes" or 1 is not a request for a stream (nor is "false" a refusal of one)."""
    response = chat(client, user(ROME_VI), stream=stream)
    assert response.status_code == 422 and error_of(response)["param"] == "stream", response.text


def test_stream_null_or_false_is_one_answer(client: TestClient) -> None:
    for stream in (None, False):
        response = chat(client, user(ROME_VI), stream=stream)
        assert response.status_code == 200 and response.json()["object"] == "chat.completion", stream


def test_text_parts_are_read_as_separate_pieces_of_text(client: TestClient) -> None:
    """["Cuộc gặp Mỹ - Trung tại Rome", "kéo dài bao lâu?"] is the question those words make, not
    "...Romekéo dài..." run together."""
    whole = chat(client, user("Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?")).json()
    parts = chat(client, {"role": "user", "content": [{"type": "text", "text": "Cuộc gặp Mỹ - Trung tại Rome"},
                                                      {"type": "text", "text": "kéo dài bao lâu?"}]}).json()
    assert parts["choices"][0]["message"]["content"] == whole["choices"][0]["message"]["content"]
    assert parts["citations"] == whole["citations"]


def test_stream_events_match_the_documented_schema(client: TestClient) -> None:
    """What schemathesis checks when it happens to ask for a stream, here every time: each event against
    the schema /openapi.json gives for text/event-stream."""
    import jsonschema_rs

    schema = client.get("/openapi.json").json()["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]
    validator = jsonschema_rs.validator_for(schema["content"]["text/event-stream"]["schema"])
    request = {"model": "x", "stream": True, "messages": [user(ROME_VI)], "stream_options": {"include_usage": True}}
    with client.stream("POST", "/v1/chat/completions", json=request) as response:
        events = [{"data": line[len("data: "):]} for line in response.iter_lines() if line.startswith("data: ")]
    assert len(events) > 3 and events[-1] == {"data": "[DONE]"}
    for event in events:
        validator.validate(event)


def test_article_text_shows_as_written_in_a_markdown_frontend(client: TestClient) -> None:
    """An article's Markdown and HTML are text in the assistant message: a frontend rendering it must not load
    the article's image, show its link or run its HTML (the text is quoted from whoever wrote the article)."""
    text = ("Núi Lửa Tím phun trào\n\nNúi Lửa Tím phun trào lúc 3 giờ sáng ![ảnh](http://attacker.example/p.png) "
            "theo [nguồn](http://phish.example/login), <a href=\"javascript:alert(1)\">**xem**</a> & ~~tin~~ `mã`.\n")
    posted = client.post("/v1/documents", json={"doc_id": "md", "title": "# Núi <b>Lửa</b> **Tím**", "text": text})
    assert posted.status_code == 201, posted.text
    body = chat(client, user("Núi Lửa Tím phun trào lúc mấy giờ?"), k=1).json()
    content = body["choices"][0]["message"]["content"]
    assert body["citations"][0]["doc_id"] == "md" and not body["qa"]["abstained"]
    html = MarkdownIt("commonmark").enable("strikethrough").render(content)
    for made in ("<img", "<a ", "<strong", "<em", "<del", "<code", "<h1", "<b>"):
        assert made not in html, (made, html)
    shown = re.sub(r"<[^>]+>", "", html)  # the words a reader sees are the article's, markup included
    for said in ("![ảnh](http://attacker.example/p.png)", "[nguồn](http://phish.example/login)", "**xem**",
                 "~~tin~~", "`mã`", "# Núi", "**Tím**"):
        assert said in unescape(shown), said


def test_the_answers_notice_is_in_the_message(tmp_path: Path) -> None:
    """Frontends drop the ``qa`` field: an empty index (a mistyped QA_DATA_DIR) must say so in the message."""
    body = chat(client_for(tmp_path / "empty"), user("Who met in Rome?")).json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith(NO_ANSWER) and body["qa"]["notice"]
    assert "the index holds no documents" in content and "qa ingest PATH" in content


def test_a_file_named_with_markup_and_double_underscores_show_as_written() -> None:
    """A document id is a file's name, and may hold anything a file name can; "__vàng__" rendered as emphasis."""
    from qa.answers import Highlight, Passage
    from server.openai_api import markdown_text, source_line

    passage = Passage(1, "<img src=x onerror=alert(1)> __Tin__ [a](b)", "Giá __vàng__ tăng", None, None, 1, 0, 9, 1.0,
                      "x", Highlight("x", 0, 1))
    html = MarkdownIt("commonmark").render(source_line(passage))
    assert "<img" not in html and "<strong" not in html and "<a " not in html and "<em" not in html, html
    assert unescape(re.sub(r"<[^>]+>", "", html)).strip() == (
        "[1] Giá __vàng__ tăng · <img src=x onerror=alert(1)> __Tin__ [a](b) 0:9")
    assert MarkdownIt("commonmark").render(markdown_text("002_5759 a_b")).strip() == "<p>002_5759 a_b</p>"
