"""Values the store's, the fake Alexa API's and the testing helpers' messages quote, cut as
alexaskill/shown_names.py cuts them: each message kept its own fixed count of a value's start
(20, 40, 77 or 80 characters, often with no "…"), its end unsaid, a repr cut mid-escape. Each
is reached as a skill author meets it: a store made, a save, a call to the fake Alexa API, a
server's answer judged as ``alexaskill replay --url`` judges it."""

from __future__ import annotations

import json
import os
import re
import socket
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.shown_names import shown, shown_escaped, shown_json, shown_value

#: A value whose repr a cut at a fixed count left with half an escape, and whose end is unlike
#: its start (the part a start-only cut lost).
ESCAPES = "a" + "\x00" * 300 + "END"


def _redis_refusal(url: str) -> str:
    from alexaskill.store import RedisStore

    with pytest.raises(ConfigurationError) as info:
        RedisStore(url)  # (refused as it is made: nothing connects)
    return str(info.value)


@pytest.mark.parametrize(
    "option",
    ["ssl_check_hostname", "protocol", "db", "timeout"],
    ids=["boolean", "protocol", "db", "timeout"],
)
def test_a_redis_url_option_refused_is_quoted_by_shown_value(option: str) -> None:
    value = "0" * 5000 + "1e999" if option == "timeout" else ESCAPES
    path = "/1" if option == "db" else ""
    message = _redis_refusal(f"redis://h{path}?{option}={urllib.parse.quote(value)}")
    assert shown_value(value) in message and value not in message, message
    assert len(message) < 1000, message


def test_a_redis_url_naming_a_tls_file_not_there_quotes_it_cut() -> None:
    path = "/no/such/" + "d" * 5000 + "/ca.pem"
    message = _redis_refusal(f"redis://h?ssl_ca_certs={urllib.parse.quote(path)}")
    assert shown_value(path) in message and len(message) < 1000, message


@pytest.mark.parametrize("option", ["encoding", "encoding_errors"])
def test_a_redis_client_encoding_refused_is_quoted_by_shown_value(option: str) -> None:
    import redis.asyncio

    from alexaskill.store import RedisStore

    value = "x" * 5000 + "END"
    options: dict[str, Any] = {option: value}
    client = redis.asyncio.Redis(**options)  # (connects on first use only)
    with pytest.raises(ConfigurationError) as info:
        RedisStore("redis://localhost", client=client)
    assert shown_value(value) in str(info.value), str(info.value)


#: What a skill's calls to the fake Alexa API send with each (`FakeAlexaApi.handle`).
_API = "https://api.amazonalexa.com"
_HEADERS = {"Authorization": "Bearer t", "Accept-Language": "en-US"}


def _fake_refusal(method: str, path: str, **request: Any) -> str:
    """What the fake Alexa API's 400 says to ``method path`` (``request``: httpx's)."""
    import httpx

    from alexaskill.testing import FakeAlexaApi

    asked = httpx.Request(method, _API + path, headers=_HEADERS, **request)
    answer = FakeAlexaApi().handle(asked)
    assert answer.status_code == 400, answer.text
    return str(answer.json()["message"])


@pytest.mark.parametrize("field", ["maxResults", "nextToken"])
def test_the_fake_quotes_a_page_asked_it_refuses_by_shown_value(field: str) -> None:
    path = "/v1/users/~current/skills/~current/inSkillProducts"
    said = _fake_refusal("GET", path, params={field: ESCAPES})
    assert shown_value(ESCAPES) in said, said


def _served_answer(lengths: list[str]) -> str:
    from alexaskill.testing import FakeAlexaApi

    head = "POST /v1/directives HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
    head += "".join(f"Content-Length: {length}\r\n" for length in lengths)
    with FakeAlexaApi().serve() as url:
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname and parts.port
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(head.encode() + b"\r\n")
            sock.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    return str(json.loads(answer.split(b"\r\n\r\n", 1)[1])["message"])


def test_the_served_fake_quotes_a_content_length_it_refuses_cut() -> None:
    length = "9" * 3000 + "END"
    message = _served_answer([length])
    assert shown_value(length) in message and len(message) < 1000, message
    message = _served_answer(["5", length])
    assert f"5, {shown(length)}" in message and len(message) < 1000, message


def test_an_answer_s_should_end_session_of_another_kind_is_quoted_by_shown_json() -> None:
    from alexaskill.exceptions import ResponseError
    from alexaskill.testing.answer_rules import decode_answer

    end = [ESCAPES] * 50
    with pytest.raises(ResponseError) as info:
        decode_answer({"shouldEndSession": end})
    assert shown_json(end) in str(info.value), str(info.value)


def test_session_attributes_that_are_no_object_are_quoted_as_json_cut_between_escapes() -> None:
    # Quoted as the reply's JSON ("x", true), its first 40 characters were kept: "\u00…".
    # (answer_verdict: how `alexaskill replay --url` and `chat --url` judge a server's answer.)
    import msgspec

    from alexaskill.testing import RequestFactory
    from alexaskill.testing.answer_rules import answer_verdict

    found = [ESCAPES] * 50
    answer = {"version": "1.0", "response": {}, "sessionAttributes": found}
    refusal, (violation,) = answer_verdict(RequestFactory().intent("Hello"), 200, answer)
    assert refusal is None, refusal
    said = shown_escaped(msgspec.json.encode(found).decode())
    assert violation.rule.endswith(f"not {said}") and said.endswith('END"]'), violation.rule
    assert re.search(r"\\u[0-9a-f]{0,3}…", said) is None, said


def test_session_attributes_of_10_mb_are_not_encoded_whole_to_quote_their_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The whole list was encoded (10 MB of JSON text) for the 120 characters the rule quotes.
    # (answer_verdict given the body's size, as `replay --url` gives it: nothing else encodes
    # the answer whole)
    import msgspec

    from alexaskill.testing import RequestFactory
    from alexaskill.testing.answer_rules import answer_verdict

    found = ["x" * 1000] * 10_000 + ["END"]
    whole = shown_escaped(msgspec.json.encode(found).decode())
    answer = {"version": "1.0", "response": {}, "sessionAttributes": found}
    envelope = RequestFactory().intent("Hello")
    encoded: list[int] = []
    encode = msgspec.json.encode

    def counted(value: Any, **kwargs: Any) -> bytes:
        text = encode(value, **kwargs)
        encoded.append(len(text))
        return text

    monkeypatch.setattr(msgspec.json, "encode", counted)
    refusal, (violation,) = answer_verdict(envelope, 200, answer, size=100)
    assert refusal is None, refusal
    assert violation.rule.endswith(f"not {whole}") and whole.endswith('"END"]'), violation.rule
    assert encoded and max(encoded) < 10_000, (len(encoded), max(encoded))


def test_session_attributes_with_a_lone_surrogate_are_quoted_not_a_unicode_error() -> None:
    # json.loads reads "\ud800" from a server's answer; msgspec refused to encode it to quote
    # it: UnicodeEncodeError, the traceback of `alexaskill replay --url`.
    from alexaskill.testing import RequestFactory
    from alexaskill.testing.answer_rules import answer_verdict

    answer = json.loads('{"version": "1.0", "response": {}, "sessionAttributes": "a\\ud800"}')
    envelope = RequestFactory().intent("Hello")
    refusal, (violation,) = answer_verdict(envelope, 200, answer, size=100)
    assert refusal is None, refusal
    assert violation.rule.endswith('not "a\\ud800"'), violation.rule


def test_json_text_given_for_a_request_file_is_quoted_as_shown_quotes_a_name() -> None:
    from alexaskill.testing import load_request

    text = "{" + "x" * 5000 + "}"
    with pytest.raises(ValueError) as info:
        load_request(text)
    assert str(info.value).startswith(f"{shown(text, quoted=True)} is JSON text"), info.value


def test_the_fake_quotes_a_reminder_body_that_is_no_object_by_shown_json() -> None:
    body = [ESCAPES] * 50
    said = _fake_refusal("POST", "/v1/alerts/reminders", json=body)
    assert said.endswith(f"not {shown_json(body)}"), said


def test_a_value_of_the_wrong_kind_is_quoted_by_shown_json() -> None:
    from alexaskill.alexa_api.kinds import kind_fault

    value = [ESCAPES] * 50
    assert f"the value is {shown_json(value)}: " in str(kind_fault(value, int))


@pytest.mark.anyio
async def test_a_number_no_store_keeps_is_said_cut_with_its_length_in_thousands() -> None:
    from alexaskill.exceptions import ResponseError
    from alexaskill.store import MemoryStore

    number = 10**1200 + 7
    with pytest.raises(ResponseError) as info:
        await MemoryStore().update("u", {"n": number}, ())
    said = str(info.value)
    assert f"is {shown(str(number))}, outside" in said, said
    assert "(1,201 characters)" in said and said.count("7") == 1, said


def test_a_sqlite_file_name_too_long_is_said_cut_to_its_head_and_tail(tmp_path: Path) -> None:
    from alexaskill.store import SQLiteStore

    name = "h" * 200 + "t" * 49 + ".db"
    with pytest.raises(ConfigurationError) as info:
        SQLiteStore(os.path.join(tmp_path, name))
    assert shown(name) in str(info.value) and "t.db" in str(info.value), info.value


#: A certificate URL as long as a signed request may name (1,024 characters), whose end (the
#: file it names) a cut at 200 characters lost, unmarked.
LONG_URL = "https://s3.amazonaws.com/echo.api/" + "d/" * 484 + "xecho-api-cert-END.pem"


def test_a_chain_download_that_found_no_server_names_its_url_as_shown_cuts_it() -> None:
    from alexaskill.downloads import unreachable

    said = unreachable(LONG_URL, OSError("no route"))
    assert said.startswith(f"GET {shown(LONG_URL)}: OSError: no route; "), said
    assert "END.pem (1,024 characters)" in said, said


def test_a_download_s_timeout_and_proxy_failures_name_the_url_as_shown_cuts_it() -> None:
    import httpx

    from alexaskill.verify.progress import download_progress

    progress = download_progress()
    assert shown(LONG_URL) in progress.timed_out(LONG_URL, 5.0), progress.timed_out(LONG_URL, 5)
    progress.proxy = "http://proxy.example:3128"
    progress.tunnel = "s3.amazonaws.com:443"
    refused = progress.refused(LONG_URL, httpx.ProxyError("403 Forbidden"))
    assert refused is not None and refused.startswith(f"GET {shown(LONG_URL)}: "), refused


def test_a_chain_download_cut_short_names_its_url_as_shown_cuts_it() -> None:
    from alexaskill.exceptions import CertificateUnavailableError
    from alexaskill.verify.fetch import _broken_off

    error = _broken_off(LONG_URL, OSError("reset"), 10, 2000.0, chunked=False)
    assert isinstance(error, CertificateUnavailableError)
    assert str(error.detail).startswith(f"GET {shown(LONG_URL)}: OSError: reset; "), error.detail


def test_a_fetch_chain_that_failed_is_said_with_its_url_as_shown_cuts_it() -> None:
    import asyncio

    from alexaskill.exceptions import CertificateUnavailableError
    from alexaskill.verify.fetch import call_fetch_chain

    async def fetch_chain(url: str) -> bytes:
        raise OSError("no route")

    with pytest.raises(CertificateUnavailableError) as info:
        asyncio.run(call_fetch_chain(fetch_chain, LONG_URL, 65536))
    assert info.value.detail == f"fetch_chain({shown(LONG_URL)}): OSError: no route"
