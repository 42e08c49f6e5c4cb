"""What ``alexaskill certify``'s report says of what an endpoint answered: a password in the URL
masked, bodies that do not decode, control characters written out, reasons whole or cut, server
errors not said refused.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from alexaskill.cli import main
from tests.processes import free_port

from .certify_shared import PROBES, certify, detail
from .certify_shared import _dev_env as _dev_env
from .certify_shared import dev_dir as dev_dir


def test_the_json_report_masks_a_password_in_the_url_as_the_text_does() -> None:
    # The text said "certifying http://ann:***@host/"; the JSON report's "url" kept the password.
    url = f"http://ann:s3cret@127.0.0.1:{free_port()}/"
    code, report = certify(url, "--allow-local")
    assert code == 1
    assert report["url"] == url.replace("s3cret", "***")
    assert "s3cret" not in json.dumps(report)


def test_an_answer_whose_body_does_not_decode_fails_the_probe_without_a_traceback() -> None:
    # A body that its Content-Encoding does not decode (gzip that is none): httpx's
    # DecodingError, neither a timeout nor a transport error, ended certify with a traceback.
    from .canned_answer import canned_answer_port

    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n"
        b"Connection: close\r\n\r\nhello"
    )
    with canned_answer_port(answer) as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local")
    assert code == 1
    assert report["failed"] == PROBES
    assert detail(report, "not-json") == (
        "answered a body that is not JSON with HTTP 400 and a body that does not decode "
        "(Content-Encoding: gzip)"
    )


def test_the_text_report_writes_out_control_characters_the_endpoint_answered() -> None:
    # The endpoint's reason went to the terminal as it was: an escape sequence in it cleared
    # the screen (or recoloured, or rewrote, the lines of the report above it).
    from .canned_answer import canned_answer_port

    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
        b"Connection: close\r\n\r\n\x1b[2Jcleared\x07"
    )
    out = io.StringIO()
    with canned_answer_port(answer) as port:
        url = f"http://127.0.0.1:{port}/"
        assert main(["certify", url, "--allow-local"], stdout=out, stderr=io.StringIO()) == 0
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "refused a body that is not JSON: \\x1b[2Jcleared\\x07 [400 in" in text
    # A line end in the answer does not make a line of the report (a forged "PASS ...").
    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
        b"Connection: close\r\n\r\nno\nPASS  fake"
    )
    out = io.StringIO()
    with canned_answer_port(answer) as port:
        url = f"http://127.0.0.1:{port}/"
        assert main(["certify", url, "--allow-local"], stdout=out, stderr=io.StringIO()) == 0
    assert not any(line.startswith("PASS  fake") for line in out.getvalue().splitlines())
    assert "refused a body that is not JSON: no\\nPASS  fake [400 in" in out.getvalue()


def test_the_reason_an_endpoint_gives_is_shown_whole_or_cut_between_words() -> None:
    # alexaskill's own refusal of a request without signature headers is 136 characters: the
    # report cut it at 120, mid-word ("... or dropped by a proxy in fr [400 in 8 ms]").
    from .canned_answer import canned_answer_port

    def reported(reason: str) -> str:
        body = json.dumps({"error": reason}).encode()
        answer = (
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        with canned_answer_port(answer) as port:
            code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local")
        assert code == 0, report
        return detail(report, "no-signature-headers")

    ours = (
        "certificate URL: SignatureCertChainUrl header missing, Signature-256 too (not sent by "
        "Alexa, or dropped by a proxy in front)"
    )
    assert reported(ours) == f"refused a request with no signature headers: {ours}"
    # A reason too long for a line of the report ends at a word, and says it was cut.
    long = " ".join(["certificate URL: missing"] + [f"word{n}" for n in range(100)])
    shown = reported(long).removeprefix("refused a request with no signature headers: ")
    assert shown.endswith("…") and len(shown) <= 201
    assert long.startswith(shown.removesuffix("…")) and long[len(shown) - 1] == " "


def test_a_valid_request_answered_with_a_server_error_is_not_said_refused() -> None:
    # "a valid LaunchRequest was refused with HTTP 500": a 500 is the skill failing, not
    # refusing; the hint to look for a proxy changing the body or a wrong --skill-id misled.
    from .canned_answer import canned_answer_port

    answer = (
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 8\r\nConnection: close\r\n\r\ncrashed!"
    )
    with canned_answer_port(answer) as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local", "--dev")
    assert code == 1
    assert detail(report, "valid-request") == (
        "answered a valid LaunchRequest with HTTP 500 (crashed!): a server error, where Alexa "
        "needs HTTP 200 with a response"
    )


def test_an_answer_nested_too_deeply_to_decode_fails_its_probe_without_a_traceback() -> None:
    # json.loads of 100000 "[" raises RecursionError, no ValueError: certify ended with a
    # traceback reading the refusal's reason (or the valid request's answer).
    from .canned_answer import canned_answer_port

    body = b"[" * 100_000
    for status in (b"400 Bad Request", b"200 OK"):
        answer = b"HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (
            status,
            len(body),
        )
        with canned_answer_port(answer + body) as port:
            code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local", "--dev")
        assert code == 1
        if status.startswith(b"200"):
            assert detail(report, "valid-request") == "answered 200 without a response envelope"
        else:
            assert detail(report, "not-json").startswith("refused a body that is not JSON: [[[")


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_json_escapes_del_and_c1_characters_an_endpoint_answered(
    monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    # A check's detail quotes what the endpoint answered. JSON escapes C0 only:
    # json.dumps(ensure_ascii=False) wrote DEL and C1 (U+009B: a CSI to some terminals) raw.
    from alexaskill.cli import probes
    from alexaskill.cli.endpoint import Result

    said = f"HTTP 400: bad{char}[2J request"

    def answered(target: object, capture: object, *, on_result: Any) -> list[Result]:
        result = Result("timestamp-old", False, said, 400, 1.0)
        on_result(result)
        return [result]

    monkeypatch.setattr(probes, "run_probes", answered)
    out, err = io.StringIO(), io.StringIO()
    argv = ["certify", "http://127.0.0.1:9/", "--allow-local", "--json"]
    assert main(argv, stdout=out, stderr=err) == 1, err.getvalue()
    assert char not in out.getvalue()
    assert f"\\u{ord(char):04x}" in out.getvalue()
    assert detail(json.loads(out.getvalue()), "timestamp-old") == said  # (read back the same)
