"""QA_* variables that look harmless but are mistakes: refused at start-up, in one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from api_support import SEEDS
from cli_support import run, run_json
from qa.config import DEFAULT_MODEL, Settings


def _error(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    (error,) = caught.value.errors()
    assert "QA_" + "_".join(map(str, error["loc"])).upper() == name
    return error["msg"]


@pytest.mark.parametrize("name", ["QA_API_KEYS", "QA_ADMIN_KEYS"])
@pytest.mark.parametrize("value", ["", " , ", ","])
def test_a_key_variable_set_to_nothing_is_refused_not_open(monkeypatch: pytest.MonkeyPatch, name: str,
                                                          value: str) -> None:
    """QA_ADMIN_KEYS="$UNSET_VARIABLE" would otherwise leave document writes open."""
    assert "lists no key" in _error(monkeypatch, name, value)


def test_keys_and_origins_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_API_KEYS", " reader-1, ,reader-2 ")
    monkeypatch.setenv("QA_CORS_ORIGINS", "")  # no origin: CORS stays off, nothing opens
    settings = Settings()
    assert settings.api_keys == ["reader-1", "reader-2"] and settings.cors_origins == []


def test_data_dir_empty_or_a_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert "is empty" in _error(monkeypatch, "QA_DATA_DIR", "  ")
    a_file = tmp_path / "index"
    a_file.write_text("not a folder")
    assert "is a file, not a folder" in _error(monkeypatch, "QA_DATA_DIR", str(a_file))


def test_an_empty_model_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "is empty; unset it for the default (intfloat/multilingual-e5-small)" in _error(monkeypatch, "QA_MODEL", " ")


def test_data_dir_tilde_is_the_home_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("QA_DATA_DIR", "~/news-index")
    assert Settings().data_dir == tmp_path / "news-index"


def test_cli_says_which_variable_in_its_own_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QA_DATA_DIR", "")
    result = run("ingest", "nothing-here")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: invalid setting QA_DATA_DIR: is empty; unset it for the default ({Settings.model_fields['data_dir'].default_factory()}) or name a folder"]
    assert list(tmp_path.iterdir()) == []  # nothing was written where the command ran


def test_a_new_empty_index_says_so_in_every_answer(tmp_path: Path) -> None:
    """A mistyped QA_DATA_DIR is a new, empty index: the answer says why there is nothing, not just 'no answer'."""
    from qa.service import QAService

    answer = QAService(Settings(data_dir=tmp_path / "typo", mode="lexical")).ask("Ai đã gặp nhau tại Rome?")
    assert answer.abstained and answer.passages == []
    assert answer.notice is not None and "holds no documents" in answer.notice and "qa ingest" in answer.notice


@pytest.mark.parametrize("port", ["70000", "-1", "0"])
def test_serve_refuses_a_port_out_of_range(port: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn would bind 70000 mod 65536 (4464) while logging 70000."""
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("uvicorn was started"))
    result = run("serve", "--port", port)
    assert result.exit_code == 2 and "--port" in result.output


@pytest.mark.parametrize(("server_keys", "warned"), [(None, True), ("reader-1", False)])
def test_serve_warns_when_only_the_client_key_variable_is_set(server_keys: str | None, warned: bool,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """QA_API_KEY (singular) is `qa chat --url`'s key: set on a server it protects nothing."""
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: None)
    monkeypatch.setenv("QA_API_KEY", "secret")
    if server_keys:
        monkeypatch.setenv("QA_API_KEYS", server_keys)
    else:
        monkeypatch.delenv("QA_API_KEYS", raising=False)
    monkeypatch.delenv("QA_ADMIN_KEYS", raising=False)
    result = run("serve", "--port", "8123")
    assert result.exit_code == 0
    err = result.stderr
    assert ("QA_API_KEYS" in err and "open" in err) is warned, err


@pytest.mark.parametrize("value", ["/tmp/" + "x" * 300 + "/qa", "~no-such-user-here/qa"])
def test_data_dir_that_cannot_be_used_is_one_line_too(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """A name too long for the file system, a home folder that does not exist: a setting error, not a traceback."""
    assert "cannot be used" in _error(monkeypatch, "QA_DATA_DIR", value)


def test_a_model_folder_named_relatively_is_the_one_the_index_was_built_with(
        monkeypatch: pytest.MonkeyPatch, tiny_model_dir: Path) -> None:
    """The index records the model's name: "model" or "./model/" from its parent folder is the same folder as
    its absolute path, not another model that needs `qa reindex`."""
    monkeypatch.setenv("QA_MODEL", str(tiny_model_dir))
    assert run_json("ingest", str(SEEDS))["documents_added"] == 5
    monkeypatch.chdir(tiny_model_dir.parent)
    for name in (tiny_model_dir.name, f"./{tiny_model_dir.name}/", f"{tiny_model_dir}/"):
        monkeypatch.setenv("QA_MODEL", name)
        answer = run_json("ask", "Who met in Rome?", "--mode", "dense")
        assert answer["mode"] == "dense" and answer["notice"] is None, (name, answer["notice"])
        report = run_json("ingest", str(SEEDS))
        assert report["documents_unchanged"] == 5 and report["notices"] == [], (name, report)


def test_a_hub_id_or_a_missing_folder_is_kept_as_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings(model=DEFAULT_MODEL).model == DEFAULT_MODEL
    assert Settings(model="no-such-folder/").model == "no-such-folder/"
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "models" / "e5").mkdir(parents=True)
    assert Settings(model="~/models/e5").model == str(tmp_path / "models" / "e5")


@pytest.mark.parametrize(("typed", "meant"), [("QA_MODLE", "QA_MODEL"), ("QA_MODES", "QA_MODE"),
                                              ("QA_MDOE", "QA_MODE"), ("QA_BAKCEND", "QA_BACKEND")])
def test_a_misspelt_setting_is_matched_to_the_one_meant(monkeypatch: pytest.MonkeyPatch, typed: str,
                                                        meant: str) -> None:
    """Two letters swapped is the commonest slip: QA_MODLE is QA_MODEL, though as close to QA_MODE by letters."""
    monkeypatch.setenv(typed, "x")
    result = run("list")
    assert f"warning: {typed} is not a qa setting and is ignored (did you mean {meant}?)" in result.stderr


@pytest.mark.parametrize("value", ["inf", "1e12"])
def test_a_model_load_timeout_beyond_what_a_thread_can_wait_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                      value: str) -> None:
    """Accepted before, it broke every model load later with "OverflowError: timestamp out of range", blamed on
    the model."""
    message = _error(monkeypatch, "QA_MODEL_LOAD_TIMEOUT", value)
    assert "less than or equal to 3600" in message or "finite number" in message


def test_data_dir_under_a_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``/etc/passwd/qa``: `qa list` said "no documents yet", /readyz said ready and every write failed."""
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    message = _error(monkeypatch, "QA_DATA_DIR", str(tmp_path / "notes" / "qa" / "index"))
    assert message.endswith(f"cannot be made: {tmp_path / 'notes'} is a file, not a folder")


@pytest.mark.parametrize("name", ["QA_ABSTAIN_THRESHOLD", "QA_BATCH_WAIT_MS", "QA_MODEL_LOAD_TIMEOUT"])
def test_nan_is_refused_as_no_number(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """It was told "should be less than or equal to 1"."""
    assert "finite number" in _error(monkeypatch, name, "nan")
