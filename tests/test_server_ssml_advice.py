"""What the test tools advise of a server's answer whose SSML Alexa refuses (``replay --url``,
``chat --url``): the answer's fields, not handler code its user does not have."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill.cli import DEV_PKI_ENV, main
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .canned_answer import canned_answer_port
from .chat_transports import mock_http_transport
from .dev_pki_shared import with_dev_pki

#: An answer whose speech says nothing, and the advice said of it to a handler's author.
_SILENT: Any = {
    "version": "1.0",
    "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak> </speak>"}},
}
_HANDLER_ADVICE = "Response(should_end_session=True)"
_SERVER_ADVICE = "To say nothing, the answer must leave outputSpeech out"


def test_replay_url_advises_a_server_s_silent_ssml_in_its_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rule checks' advice was rewritten for a server's answer (answer_rules._for_a_server),
    # the SSML refusal's was not: "leave it out: Response(should_end_session=True) ends the
    # session in silence", to the user of a server in any language.
    monkeypatch.setenv(DEV_PKI_ENV, str(with_dev_pki(tmp_path / "dev-pki")))
    request = tmp_path / "launch.json"
    request.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")), encoding="utf-8")
    body = json.dumps(_SILENT).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(
        body
    )
    out = io.StringIO()
    with canned_answer_port(head + b"Connection: close\r\n\r\n" + body) as port:
        argv = ["replay", "--url", f"http://127.0.0.1:{port}/", "--skill-id", DEFAULT_SKILL_ID]
        code = main([*argv, str(request)], stdout=out, stderr=io.StringIO())
    said = out.getvalue()
    assert code == 1, said
    assert "outputSpeech.ssml says nothing ('<speak> </speak>')" in said, said
    assert _SERVER_ADVICE in said and _HANDLER_ADVICE not in said, said


def test_chat_url_advises_a_server_s_silent_ssml_in_its_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = mock_http_transport(
        tmp_path, monkeypatch, lambda request: httpx.Response(200, json=_SILENT)
    )
    try:
        result = transport.send({"type": "LaunchRequest"}, new_session=True)
    finally:
        transport.close()
    said = result.refusal
    assert said is not None and said.startswith("outputSpeech.ssml says nothing"), said
    assert _SERVER_ADVICE in said and _HANDLER_ADVICE not in said, said
