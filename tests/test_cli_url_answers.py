"""`alexaskill.cli.url_answers`: the advice for a server that refused the development key, tied
to the verifier's reason by a constant they share, not by matching its words."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from alexaskill.cli.url_answers import dev_key_advice
from alexaskill.exceptions import CertificateUrlError
from alexaskill.testing import RequestFactory, TestPKI
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
