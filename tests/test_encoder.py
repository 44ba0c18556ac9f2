from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.encoder import Encoder, load_encoder, select_prompts
from qa.errors import ModelUnavailable

SENTENCES = [
    "Mỹ và Trung Quốc hướng đến kế hoạch tăng cường chống lại lực lượng khủng bố toàn cầu.",
    "Ngắn.",
    "Bà Susan Thornton nói vào ngày 20/6 trước thềm đối thoại an ninh cấp cao tại Bắc Kinh, "
    "một cuộc đối thoại được chờ đợi từ lâu giữa hai nước.",
    "Giá vàng tăng.",
    "Thị trường chứng khoán giảm mạnh trong phiên giao dịch hôm nay.",
]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> Encoder:
    return load_encoder(str(tiny_model_dir))


def _assert_unit_float32(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (n, dim)
    assert vectors.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# ----------------------------------------------------------------- tiny model


def test_tiny_loads_with_its_shape(tiny: Encoder, tiny_model_dir: Path) -> None:
    assert tiny.name == str(tiny_model_dir)
    assert tiny.dim == 32
    assert tiny.max_seq_length == 128
    info = tiny.describe()
    assert info["model"] == str(tiny_model_dir)
    assert info["dim"] == 32 and info["max_seq_length"] == 128
    assert info["sentence_transformers"] and info["torch"]


def test_tiny_vectors_are_normalised_float32(tiny: Encoder) -> None:
    _assert_unit_float32(tiny.encode_queries(SENTENCES[:2]), 2, 32)
    _assert_unit_float32(tiny.encode_passages(SENTENCES), len(SENTENCES), 32)


def test_empty_input_gives_empty_matrix(tiny: Encoder) -> None:
    assert tiny.encode_passages([]).shape == (0, 32)
    assert tiny.encode_queries([]).shape == (0, 32)


def test_identical_text_identical_vector(tiny: Encoder) -> None:
    a = tiny.encode_passages([SENTENCES[0], SENTENCES[0]])
    np.testing.assert_array_equal(a[0], a[1])
    b = tiny.encode_passages([SENTENCES[0]])
    np.testing.assert_allclose(a[0], b[0], atol=1e-6)


def test_passage_order_preserved_under_length_sorting(tiny: Encoder) -> None:
    batched = tiny.encode_passages(SENTENCES, batch_size=2)
    one_by_one = np.vstack([tiny.encode_passages([s]) for s in SENTENCES])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    # and the rows really are different texts, so a permutation would be caught
    assert not np.allclose(batched[0], batched[1], atol=1e-3)


def test_count_tokens(tiny: Encoder) -> None:
    short = tiny.count_tokens("Mỹ và Trung Quốc")
    longer = tiny.count_tokens("Mỹ và Trung Quốc hướng đến kế hoạch tăng cường")
    assert 0 < short < longer
    assert short == 4  # words from the seed texts are whole tokens; no [CLS]/[SEP] counted
    assert tiny.count_tokens("") == 0
    # no truncation at max_seq_length, even after encoding (which turns truncation on)
    tiny.encode_passages([" ".join(["tăng"] * 500)])
    assert tiny.count_tokens(" ".join(["tăng"] * 500)) == 500


def test_tiny_has_no_prefixes(tiny: Encoder) -> None:
    assert tiny.query_prefix == "" and tiny.passage_prefix == ""
    assert tiny.prefix_tokens() == 2  # [CLS] + [SEP]


def test_explicit_prefixes_are_applied(tiny_model_dir: Path, tiny: Encoder) -> None:
    enc = load_encoder(str(tiny_model_dir), query_prefix="query: ", passage_prefix="passage: ")
    assert enc.query_prefix == "query: " and enc.passage_prefix == "passage: "
    assert enc.prefix_tokens() == enc.count_tokens("passage: ") + 2 > 2
    text = [SENTENCES[0]]
    with_prefix = enc.encode_queries(text)
    assert not np.allclose(with_prefix, tiny.encode_queries(text), atol=1e-4)
    # the prefix is exactly prepended text
    np.testing.assert_allclose(with_prefix, tiny.encode_queries(["query: " + SENTENCES[0]]), atol=1e-5)
    np.testing.assert_allclose(
        enc.encode_passages(text), tiny.encode_passages(["passage: " + SENTENCES[0]]), atol=1e-5
    )


def test_tiny_model_build_is_deterministic(tmp_path: Path) -> None:
    from tiny_model import build_tiny_model

    texts = ["Hà Nội mùa thu, cây cơm nguội vàng.", "Giá vàng tăng mạnh trong tuần."]
    a = build_tiny_model(tmp_path / "a", texts)
    b = build_tiny_model(tmp_path / "b", texts)
    for name in ("tokenizer.json", "model.safetensors", "modules.json", "config.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# ----------------------------------------------------------------- prompt selection


@pytest.mark.parametrize(
    "name",
    ["intfloat/multilingual-e5-small", "intfloat/E5-base-v2", "/models/multilingual-e5-large"],
)
def test_e5_names_get_e5_prompts(name: str) -> None:
    assert select_prompts(name, {"query": "", "document": ""}) == ("query: ", "passage: ")
    assert select_prompts(name, None) == ("query: ", "passage: ")


def test_prompt_precedence() -> None:
    # explicit arguments win, "" included
    assert select_prompts("intfloat/multilingual-e5-small", None, "", "") == ("", "")
    assert select_prompts("intfloat/multilingual-e5-small", None, "q> ", None) == ("q> ", "passage: ")
    # then the model's own non-empty prompts ("passage" or "document")
    assert select_prompts("x/e5-like", {"query": "Q: ", "document": "D: "}) == ("Q: ", "D: ")
    assert select_prompts("some/model", {"query": "Q: ", "passage": "P: ", "document": "D: "}) == ("Q: ", "P: ")
    # else nothing; "e5" inside a hash or a longer word does not count
    assert select_prompts("sentence-transformers/all-MiniLM-L6-v2", {"query": None}) == ("", "")
    assert select_prompts("/cache/snapshots/3be5f0a1", None) == ("", "")


# ----------------------------------------------------------------- unavailable models


def _assert_one_line_naming(err: ModelUnavailable, model: str, reason_part: str) -> None:
    msg = str(err)
    assert "\n" not in msg
    assert model in msg
    assert reason_part in msg
    assert "Fix:" in msg and "QA_MODEL" in msg
    assert err.model == model


def test_missing_hub_model_offline_fails_fast() -> None:
    start = time.monotonic()
    with pytest.raises(ModelUnavailable) as info:
        load_encoder("intfloat/multilingual-e5-small")
    assert time.monotonic() - start < 15
    _assert_one_line_naming(info.value, "intfloat/multilingual-e5-small", "not in the local cache")
    assert "unreachable" in info.value.reason and "run once with internet access" in str(info.value)


def test_missing_hub_model_unreachable_endpoint_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    start = time.monotonic()
    with pytest.raises(ModelUnavailable) as info:
        load_encoder("intfloat/multilingual-e5-small", timeout=3.0)
    assert time.monotonic() - start < 15
    _assert_one_line_naming(info.value, "intfloat/multilingual-e5-small", "not in the local cache")
    assert "127.0.0.1 is unreachable" in info.value.reason


def test_hanging_dns_cannot_hang_the_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import embeddings.encoder as encoder_module
    import embeddings.hub as hub_module

    def hang(*args, **kwargs):
        time.sleep(10)

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(hub_module.socket, "create_connection", hang)
    start = time.monotonic()
    assert hub_module.hub_reachable(0.3) is False
    with pytest.raises(ModelUnavailable) as info:
        load_encoder("intfloat/multilingual-e5-small", timeout=0.5)
    assert time.monotonic() - start < 5
    assert info.value.reason == "not in the local cache and huggingface.co is unreachable (offline?)"


def test_directory_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelUnavailable) as info:
        load_encoder(str(tmp_path))
    _assert_one_line_naming(info.value, str(tmp_path), "not a sentence-transformers model directory")


def test_broken_model_directory(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(ModelUnavailable) as info:
        load_encoder(str(tmp_path))
    assert "\n" not in str(info.value)


def test_missing_directory_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "no" / "such" / "model")
    start = time.monotonic()
    with pytest.raises(ModelUnavailable) as info:
        load_encoder(missing)
    assert time.monotonic() - start < 5
    _assert_one_line_naming(info.value, missing, "no such model directory")
    assert "internet" not in str(info.value)  # a folder on this machine: the hub has nothing to do with it


def test_missing_directory_under_the_home_folder_is_named_as_written(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``QA_MODEL=~/model``: named as written, with the fix for a folder (it was told to go online)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ModelUnavailable) as info:
        load_encoder("~/no-such-model")
    _assert_one_line_naming(info.value, "~/no-such-model", "no such model directory")
    assert "internet" not in str(info.value) and "modules.json" in str(info.value)


# ----------------------------------------------------------------- real model


@pytest.mark.slow
def test_minilm_semantics(minilm_dir: Path) -> None:
    enc = load_encoder(str(minilm_dir))
    assert enc.dim == 384
    assert enc.max_seq_length == 256
    assert enc.query_prefix == "" and enc.passage_prefix == ""
    q = enc.encode_queries(["A man is eating food."])
    p = enc.encode_passages(["A man is eating a piece of bread.", "The stock market fell sharply today."])
    _assert_unit_float32(q, 1, 384)
    scores = (p @ q.T).ravel()
    assert scores[0] > scores[1]
