"""Property-based API tests from the app's own OpenAPI schema (schemathesis 4, in-process ASGI).

For generated requests, valid and invalid, every operation must answer without a
5xx, with a status code, content type, headers and body that its schema documents.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api_support import seeded_data_dir
from qa.config import Settings
from server.app import create_app

EXAMPLES = 25  # per operation and mode: about 500 requests, ~15 s (clean at 150 too)
LONG_EXAMPLES = 300  # `make test-long`: a few hundred per route
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    data_dir = seeded_data_dir(tmp_path_factory.mktemp("schemathesis") / "data")
    model = tmp_path_factory.mktemp("no-model") / "missing"
    # generated writes go to this private copy; no rate limit (hundreds of requests); a small body cap
    app = create_app(Settings(data_dir=data_dir, model=str(model), rate_limit_per_minute=0, api_keys=[],
                              admin_keys=[], max_request_bytes=200_000, max_file_bytes=20_000))
    app.state.runtime.warm_up()  # loaded before the first request: /readyz is 200, not 503 "starting"
    return schemathesis.openapi.from_asgi("/openapi.json", app)


OPERATIONS = [
    "POST /v1/ask", "POST /v1/search", "POST /v1/chat/completions", "GET /v1/models", "GET /v1/models/{model_id}",
    "GET /v1/documents", "GET /v1/documents/{doc_id}", "GET /v1/documents/{doc_id}/raw", "POST /v1/documents", "DELETE /v1/documents/{doc_id}",
    "GET /healthz", "GET /readyz", "GET /metrics",
]
NO_INPUT = {"GET /v1/models", "GET /healthz", "GET /readyz", "GET /metrics"}


def test_every_operation_is_fuzzed(api_schema) -> None:  # noqa: ANN001
    found = {f"{r.ok().method.upper()} {r.ok().path}" for r in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


# (schemathesis.pytest.from_fixture does not work with pytest 9; hypothesis drives each operation instead)
@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("label", OPERATIONS)
@pytest.mark.parametrize("examples", [pytest.param(EXAMPLES, id="bounded"),
                                      pytest.param(LONG_EXAMPLES, id="long", marks=pytest.mark.long)])
def test_operation_conforms_to_its_schema(api_schema, label: str, mode: GenerationMode,  # noqa: ANN001
                                          examples: int) -> None:
    if mode is GenerationMode.NEGATIVE and label in NO_INPUT:
        pytest.skip("no input to make invalid")
    method, path = label.split(" ")
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    check()
