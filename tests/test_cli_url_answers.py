"""`alexaskill.cli.url_answers`: the advice for a server that refused the development key, tied
to the verifier's reason by a constant they share, not by matching its words."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from alexaskill.cli.url_answers import dev_key_advice
from alexaskill.exceptions import CertificateUrlError
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestPKI
from alexaskill.verify import Verifier
from alexaskill.verify.urls import DEV_CERT_URL, DEV_KEY_UNTRUSTED


def test_the_verifier_refuses_the_development_key_with_the_shared_reason() -> None:
    # (A verifier not started with --dev refuses the development chain's URL undownloaded.)
    body = json.dumps(RequestFactory().intent("Hello")).encode()
    headers = TestPKI(cert_url=DEV_CERT_URL).sign(body)
    offline = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(404)))
    with pytest.raises(CertificateUrlError) as caught:
        asyncio.run(Verifier(http_client=offline).verify(headers, body))
    assert str(caught.value) == DEV_KEY_UNTRUSTED


def test_the_advice_reads_the_shared_reason_not_its_words(monkeypatch: pytest.MonkeyPatch) -> None:
    start = "start it with `alexaskill serve app:skill --dev`"
    assert dev_key_advice(400, DEV_KEY_UNTRUSTED, "replay", "app:skill") == start
    # The same words elsewhere in another reason are not the verifier's: the longer advice.
    other = "certificate chain: a proxy said the server was not started with --dev"
    assert dev_key_advice(400, other, "replay", "app:skill") == (
        f"the server does not trust the development key replay --url signs with: {start}"
    )
    # A reworded reason, shared, is still recognised (the advice reads the constant).
    reworded = "certificate URL: signed with alexaskill's development key; start with --dev"
    monkeypatch.setattr("alexaskill.verify.urls.DEV_KEY_UNTRUSTED", reworded)
    assert dev_key_advice(400, reworded, "replay", "app:skill") == start


def test_the_shared_reason_fits_in_a_refusal_s_body() -> None:
    # (error_body keeps a reason's first 200 characters: a longer one arrived cut, unmatched)
    assert len(DEV_KEY_UNTRUSTED) <= 200


def test_a_long_body_of_no_json_is_quoted_by_its_head_and_tail() -> None:
    # The body was cut to its first 60 characters, with no "…" to say it went on: an HTML
    # page's head alone, its length unsaid.
    from types import SimpleNamespace

    from alexaskill.cli.url_answers import not_json, proxy_answer
    from alexaskill.shown_names import shown_value

    body = "<html>" + "a" * 150 + " TAIL</html>"
    assert (
        not_json(httpx.Response(200, text=body)) == f"the answer is not JSON: {shown_value(body)}"
    )
    url = "http://skill.example/alexa"
    trace = SimpleNamespace(forwarded=True, peer="127.0.0.1:3128")
    request = httpx.Request("POST", url, extensions={"trace": trace})
    told = proxy_answer(url, httpx.Response(502, text=body, request=request))
    assert told is not None and f"a body of no JSON ({shown_value(body)})" in told[0], told


@pytest.mark.parametrize("status", [200, 500])
def test_a_long_page_answered_is_said_cut_as_a_long_name_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, status: int
) -> None:
    # replay --url and chat --url kept the first 200 characters of a body of no JSON (a proxy's
    # error page, another server's) as the answer shown, its end lost with no "…" nor length.
    from alexaskill.shown_names import shown

    from .cli_run import run

    page = "<html>" + "x" * 300 + " TAIL</html>"

    def a_page(self: object, request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=page, request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", a_page)
    monkeypatch.setenv("ALEXASKILL_DEV_PKI_DIR", str(tmp_path / "dev-pki"))
    launch = tmp_path / "launch.json"
    launch.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")), encoding="utf-8")
    url = ("--url", "http://192.0.2.1:8000/", "--skill-id", DEFAULT_SKILL_ID)
    model = str(Path(__file__).parent / "fixtures" / "models" / "en-US.json")
    out = run("replay", *url, "--json", str(launch))[1]
    assert json.loads(out)["response"] == {"error": shown(page)}, out
    code, out, err = run("chat", "--model", model, *url, "--json", stdin="/launch\n")
    assert (code, err) == (0, "")
    # (a 200's page is the answer, a 500's the reason on its HTTP line)
    said = f'    answer: "{shown(page)}"\n' if status == 200 else f"  HTTP 500: {shown(page)}\n"
    assert said in out, out
    assert "x" * 200 not in out, out
