"""What every JSON endpoint accepts as its body: JSON sent as such, in UTF-8.

FastAPI does not parse a body sent with another Content-Type (curl's ``-d`` sends
``application/x-www-form-urlencoded``) or none, and its validation then says only
that the body "should be a valid dictionary": a 415 naming the header says what
to change. A body it does parse goes through Starlette's ``json.loads`` on bytes,
which guesses UTF-16 and UTF-32 from a BOM or NUL bytes where the API promises
UTF-8 (a Latin-1 body already fails to decode: ``errors.install``).

The check is a dependency listed after the key check, so a client without a key
learns nothing about bodies and spends its rate-limit tokens first.
"""

from __future__ import annotations

import email.message
import json

from fastapi import Request

from server.errors import APIError

JSON_TYPE = "application/json"


def is_json_type(content_type: str | None) -> bool:
    """``application/json`` with or without parameters (``; charset=utf-8``), or a ``+json`` type: what
    FastAPI itself parses as JSON."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def guessed_encoding(body: bytes) -> str | None:
    """The encoding ``json.loads`` reads ``body`` in when it is not UTF-8 (a UTF-16 or UTF-32 BOM, NUL bytes
    in the first four: UTF-8 JSON has none, every character below U+0020 is escaped), else None."""
    encoding = json.detect_encoding(body)
    return None if encoding in ("utf-8", "utf-8-sig") else encoding  # a UTF-8 BOM may be ignored (RFC 8259)


async def json_body(request: Request) -> None:
    """415 unless the body is sent as JSON; 422 when it is JSON in UTF-16 or UTF-32, as for any non-UTF-8 body."""
    content_type = request.headers.get("content-type")
    if not is_json_type(content_type):
        given = f"not {content_type[:100]}" if content_type else "none was given"  # a header may be kilobytes
        raise APIError(415, f"send the body as JSON with the header Content-Type: {JSON_TYPE} ({given})")
    if (encoding := guessed_encoding(await request.body())) is not None:
        raise APIError(422, f"body: not UTF-8 (it looks like {encoding.upper()}); send UTF-8 JSON", param="body")
