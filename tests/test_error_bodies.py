"""Every refusal alexaskill answers itself has one JSON body form, made by one helper."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import alexaskill
from alexaskill import asgi_start, cancellations, endpoint, server_closing, server_limits
from alexaskill.error_bodies import error_body
from alexaskill.server_writes import _refusal

_SPACED = re.compile(rb'\{"error": "[^"\\]*(?:\\.[^"\\]*)*"\}')


def test_a_refusal_made_of_a_reason_and_one_written_whole_read_alike() -> None:
    # The body of a reason made at run time (msgspec: {"error":"…"}) and of a fixed one (bytes
    # written by hand: {"error": "…"}) were spaced two ways; README shows the second.
    made = [
        endpoint._ConflictingHeaders("content-type").body(),
        cancellations.CANCELLED_UNVERIFIED,
        asgi_start.not_started_body(AttributeError("boom")),
        error_body("certificate URL: SignatureCertChainUrl header missing"),
    ]
    fixed = [
        endpoint._TOO_LARGE,
        endpoint._NOT_POST,
        endpoint._NOT_JSON,
        endpoint._BAD_LENGTH,
        server_limits._OVER_LIMIT,
    ]
    for body in made + fixed:
        assert _SPACED.fullmatch(body), body
    for answer in (
        server_closing._400,
        server_limits._H2C_WITH_BODY,
        _refusal(b"408 Request Timeout", "x"),
    ):
        assert _SPACED.fullmatch(answer.partition(b"\r\n\r\n")[2]), answer


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ('a "quoted" header', 'a "quoted" header'),
        ("a tab\there", "a tab\there"),
        ("déjà", "déjà"),
        ("x" * 300, "x" * 200),
    ],
)
def test_an_error_body_is_valid_json_whatever_its_reason_holds(reason: str, said: str) -> None:
    # The server's refusals formatted the reason into the bytes as it was: a quote in it made
    # the body invalid JSON, a non-ASCII character a UnicodeEncodeError.
    assert json.loads(error_body(reason)) == {"error": said}
    body = _refusal(b"400 Bad Request", reason).partition(b"\r\n\r\n")[2]
    assert json.loads(body) == {"error": said}


def test_no_module_writes_an_error_body_of_its_own() -> None:
    # One helper: a body written by hand elsewhere is how the two spacings came about.
    package = Path(alexaskill.__file__).parent
    by_hand = re.compile(r"""b?['"]\{"error"|\{\\"error|encode\(\{"error\"""")
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "error_bodies.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert found == []


def test_an_error_body_is_made_for_a_reason_with_a_lone_surrogate() -> None:
    # A reason holding a lone surrogate (text decoded with surrogateescape, from a verifier of
    # one's own, say) made msgspec raise UnicodeEncodeError: the refusal became a 500.
    said = json.loads(error_body("bad byte: \udcff here"))["error"]
    assert said == "bad byte: \\udcff here"
    body = _refusal(b"400 Bad Request", "\ud800").partition(b"\r\n\r\n")[2]
    assert json.loads(body) == {"error": "\\ud800"}
