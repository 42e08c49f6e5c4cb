"""What a `Verifier` is given (alexaskill/verify/arguments.py): its options and functions of
one's own, checked when it is made or when first called; the headers and body its caller
passes; and the warning of roots or a clock of one's own."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill import verify as verify_module
from alexaskill.exceptions import (
    CertificateError,
    ConfigurationError,
    SignatureError,
    VerificationError,
)
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import Verifier, load_chain

from .conftest import SKILL_ID
from .verify_shared import BODY, NOW, Fetcher, run

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"timestamp_tolerance": -1}, ValueError),
        ({"timestamp_tolerance": float("nan")}, ValueError),
        ({"cache_size": 0}, ValueError),
        ({"download_timeout": 0}, ValueError),
        ({"trusted_roots": []}, ValueError),
    ],
)
def test_bad_options(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        Verifier(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # A naive clock answered every signed request with a 500.
        ({"now": lambda: NOW.replace(tzinfo=None)}, "aware datetime"),
        ({"now": lambda: "2024-01-01T00:00:00Z"}, "aware datetime"),
        # A path was split into characters: every genuine request refused as a certificate error.
        ({"trusted_roots": "/etc/ssl/certs/ca-certificates.crt"}, "not a path"),
        ({"trusted_roots": b"-----BEGIN CERTIFICATE-----"}, "not a path"),
        ({"trusted_roots": Path("/etc/ssl/root.pem")}, "not a path"),
        ({"trusted_roots": ["/etc/ssl/root.pem"]}, "x509.Certificate"),
        ({"timestamp_tolerance": 0}, "timestamp_tolerance"),
        ({"timestamp_tolerance": "150"}, "timestamp_tolerance"),
        ({"max_chain_size": 0}, "max_chain_size"),
        ({"max_chain_size": "64k"}, "max_chain_size"),
        ({"cache_size": 0}, "cache_size"),
        ({"max_downloads": 0}, "max_downloads"),
    ],
)
def test_bad_options_are_configuration_errors_at_construction(
    pki: TestPKI, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as refused:
        pki.verifier(**kwargs)
    assert isinstance(refused.value, ValueError)  # what Verifier raised before, still caught


@pytest.mark.parametrize("tolerance", [0.5, 1])
def test_a_timestamp_tolerance_of_a_second_or_less_is_taken(tolerance: float) -> None:
    # Positive is all it must be: 0 and below (and what is no number) are refused, above.
    assert Verifier(timestamp_tolerance=tolerance).timestamp_tolerance == tolerance


def test_a_max_chain_size_of_one_byte_is_taken() -> None:
    # The smallest size refused is 0 (above): 1 is a positive number of bytes, if a useless one.
    assert Verifier(max_chain_size=1).max_chain_size == 1


def test_max_downloads_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_downloads"):
        Verifier(max_downloads=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # No cap at all on a chain file a forged request names: memory without bound.
        ({"max_chain_size": float("inf")}, "max_chain_size must be a positive number"),
        # Each request was then refused "certificate chain: download failed", saying nothing
        # of the function; a clock that is no function was a bare TypeError.
        ({"fetch_chain": "https://example.com/chain.pem"}, "fetch_chain must be a function"),
        ({"now": NOW}, "now must be a function"),
    ],
)
def test_a_verifier_argument_that_would_fail_every_request_is_refused_when_made(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Verifier(**kwargs)


@pytest.mark.parametrize(
    "name", ["download_timeout", "max_downloads", "max_queued_downloads", "failure_ttl"]
)
@pytest.mark.parametrize("value", ["5", True, None])
def test_a_download_limit_that_is_no_number_is_refused_by_name(name: str, value: Any) -> None:
    # A str was refused as "'>' not supported between instances of 'str' and 'int'", naming
    # no argument; True was taken as 1.
    with pytest.raises(ConfigurationError, match=f"^{name} must be a number, not {value!r}"):
        Verifier(**{name: value})


@pytest.mark.parametrize(
    "name", ["cache_size", "max_downloads", "max_queued_downloads", "failure_cache_size"]
)
@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2.5])
def test_a_count_that_is_no_whole_number_is_refused_when_made(name: str, value: Any) -> None:
    # NaN passed every comparison: max_downloads=nan refused every request ("no slot free"),
    # cache_size=nan or inf kept every chain and failure_cache_size every failed URL, unbounded.
    with pytest.raises(ConfigurationError, match=f"^{name} must be a whole number") as refused:
        Verifier(**{name: value})
    assert isinstance(refused.value, ValueError)


def test_counts_given_as_whole_floats_are_taken_and_bound_the_cache(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW, cache_size=2.0, max_downloads=1.0)
    for n in range(3):
        url = f"https://s3.amazonaws.com/echo.api/cert-{n}.pem"
        run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert len(verifier._cache) == 2


@pytest.mark.parametrize("value", ["no", "false", 0, 1, None])
def test_allow_sha1_takes_only_a_bool(pki: TestPKI, value: object) -> None:
    # allow_sha1="no" (from a config file) accepted SHA-1-only requests.
    message = f"allow_sha1 must be True or False, not {value!r}"
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        pki.verifier(now=lambda: NOW, allow_sha1=value)


def test_allow_sha1_set_to_a_non_bool_later_accepts_no_sha1(pki: TestPKI) -> None:
    verifier = pki.verifier(now=lambda: NOW)
    verifier.allow_sha1 = "no"  # type: ignore[assignment]
    with pytest.raises(SignatureError, match="Signature-256 header missing"):
        run(verifier.verify(pki.sign(BODY, sha1=True, sha256=False), BODY))


@pytest.mark.parametrize(
    ("make", "named"),
    [
        # The type after its article, as the Verifier's other arguments say it ("not str" was).
        # (Made by the test: an httpx.Client made at import, its SSL context with it, cost every
        # process collecting the suite 0.1 s of CPU.)
        (httpx.Client, "an httpx.Client"),
        (lambda: "https://proxy.example:3128", "a str"),
        (object, "an object"),
    ],
    ids=["sync httpx.Client", "a URL", "object"],
)
def test_an_http_client_that_is_no_async_httpx_client_is_refused_when_made(
    pki: TestPKI, make: Callable[[], object], named: str
) -> None:
    # It was taken, and every download failed: each request from Alexa refused, the log
    # blaming this server's outbound HTTPS ("TypeError: '_GeneratorContextManager' ...").
    client = make()
    with pytest.raises(ConfigurationError) as info:
        Verifier([pki.root], http_client=client)  # type: ignore[arg-type]
    assert f"http_client must be an httpx.AsyncClient, not {named}" in str(info.value)


# --- functions of one's own ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("returned", "kind"), [("a PEM as str", "a str"), (None, "None"), (5, "an int")]
)
def test_a_fetch_chain_returning_no_bytes_is_a_clear_configuration_error(
    pki: TestPKI, returned: object, kind: str
) -> None:
    # cryptography's "'str' object is not an instance of 'bytes'" (a TypeError from the PEM
    # parser, or 'NoneType' has no count) named neither fetch_chain nor what it must return.
    async def fetch_chain(url: str) -> Any:
        return returned

    verifier = Verifier(trusted_roots=[pki.root], fetch_chain=fetch_chain, now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(ConfigurationError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == (
            "Verifier(fetch_chain=...) must return the chain file's bytes (PEM), not "
            f"{kind}"  # (the type after its article: "not int" was said)
        )
    with pytest.raises(TypeError, match=r"^load_chain takes the PEM file's bytes, not "):
        load_chain(returned)  # type: ignore[arg-type]


def test_a_fetch_chain_returning_a_released_memoryview_is_a_configuration_error(
    pki: TestPKI,
) -> None:
    # Any memoryview was taken: a released one was bytes()'s bare ValueError out of
    # Verifier.verify (an HTTP 500 in the app), naming neither fetch_chain nor what it returned.
    async def fetch_chain(url: str) -> Any:
        view = memoryview(pki.chain_pem)
        view.release()
        return view

    verifier = Verifier(trusted_roots=[pki.root], fetch_chain=fetch_chain, now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(ConfigurationError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == (
            "Verifier(fetch_chain=...) must return the chain file's bytes (PEM), not a "
            "released memoryview"
        )


def test_a_fetch_chain_may_return_a_bytearray_or_memoryview(pki: TestPKI) -> None:
    # A view is read as it shows its bytes (bytes()), with a step or of wider items too: the
    # chain is parsed, not hashed over its buffer as a body is.
    pem = pki.chain_pem + b"\n" * (-len(pki.chain_pem) % 4)
    doubled = bytes(byte for byte in pem for _ in "ab")
    for make in (
        bytearray,
        memoryview,
        lambda pem: memoryview(doubled)[::2],
        lambda pem: memoryview(pem).cast("I"),
    ):

        async def fetch_chain(url: str, make: Any = make) -> Any:
            return make(pem)

        verifier = Verifier(trusted_roots=[pki.root], fetch_chain=fetch_chain, now=lambda: NOW)
        run(verifier.verify(pki.sign(BODY), BODY))


def test_a_fetch_chain_that_is_no_async_function_is_a_clear_configuration_error(
    pki: TestPKI,
) -> None:
    # A def fetch_chain returning the bytes: "TypeError: object bytes can't be used in 'await'
    # expression" was a failed download, every request from Alexa a 400 (retried, refused...).
    verifier = pki.verifier(fetch_chain=lambda url: pki.chain_pem, now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(ConfigurationError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == (
            "Verifier(fetch_chain=...) must be an async function (async def fetch_chain(url) "
            "-> bytes): it returned bytes, not an awaitable"
        )


def test_a_fetch_chain_of_ones_own_is_held_to_max_chain_size(pki: TestPKI) -> None:
    # A download over the limit is refused; what a fetch_chain returned was taken at any size.
    padded = pki.chain_pem + b"\n" * 2000
    small = pki.verifier(fetch_chain=Fetcher(padded), now=lambda: NOW, max_chain_size=2000)
    with pytest.raises(CertificateError, match=r"certificate chain: .*exceeds 2,000 bytes"):
        run(small.verify(pki.sign(BODY), BODY))
    roomy = len(padded)  # (the limit itself is taken, as a download's)
    run(
        pki.verifier(fetch_chain=Fetcher(padded), now=lambda: NOW, max_chain_size=roomy).chain(
            DEFAULT_CERT_URL
        )
    )


@pytest.mark.parametrize("later", [NOW.replace(tzinfo=None), None, "2024-01-01T00:00:00Z"])
def test_a_clock_that_turns_naive_is_said_alike_by_chain_and_verify_signature(
    pki: TestPKI, later: Any
) -> None:
    # Checked at construction; a clock that changes its mind after it was a bare TypeError
    # (or an AttributeError) out of chain(), and out of verify_signature for no datetime.
    answers = iter([NOW])
    verifier = pki.verifier(now=lambda: next(answers, later))
    with pytest.raises(ConfigurationError, match=r"Verifier\(now=\.\.\.\) must return an aware"):
        run(verifier.chain(DEFAULT_CERT_URL))
    with pytest.raises(ConfigurationError, match=r"Verifier\(now=\.\.\.\) must return an aware"):
        run(verifier.verify_signature(pki.sign(BODY), BODY))


# --- what the caller passes ---------------------------------------------------------------------


@pytest.mark.parametrize("header", ["SignatureCertChainUrl", "Signature-256", "Signature"])
@pytest.mark.parametrize("kind", ["bytes", "an int"])
def test_a_header_value_not_a_str_is_a_clear_type_error(
    pki: TestPKI, header: str, kind: str
) -> None:
    # A server of one's own passing raw header bytes (or a number) got a bare TypeError from
    # deep inside ("cannot use a string pattern on a bytes-like object"), or, for bytes in
    # Signature-256, silently passed where the URL's bytes did not.
    headers: dict[str, Any] = pki.sign(
        BODY, sha1=header == "Signature", sha256=header != "Signature"
    )
    headers[header] = headers[header].encode() if kind == "bytes" else 5
    verifier = pki.verifier(now=lambda: NOW, allow_sha1=header == "Signature")
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(
            TypeError, match=rf"^Verifier: header {header} must be a str, not {kind} "
        ):
            run(check(headers, BODY))
    # None is read as the header left out, as a mapping's get() says it.
    headers[header] = None
    with pytest.raises(VerificationError, match="missing"):
        run(verifier.verify(headers, BODY))


def test_a_long_value_a_refusal_quotes_is_cut_between_its_escapes(pki: TestPKI) -> None:
    # trusted_roots, one of them and a header value were quoted by their repr's first 60 (40)
    # characters: no "…" said that more followed, and the cut fell mid-escape ("b'\\x00\\x0").
    cut = r"\(b'(\\x00)+…(\\x00)+'\)"
    nuls = b"\x00" * 200
    for roots in (nuls, [nuls]):
        with pytest.raises(ConfigurationError) as refused:
            pki.verifier(trusted_roots=roots)
        assert re.search(cut, str(refused.value)), refused.value
    headers: dict[str, Any] = pki.sign(BODY)
    headers["Signature-256"] = nuls
    with pytest.raises(TypeError) as raised:
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    assert re.search(cut, str(raised.value)), raised.value


def test_headers_not_a_mapping_of_str_names_are_a_clear_type_error(pki: TestPKI) -> None:
    # A server of one's own passing ASGI's raw header list, or None, got "'list' object has no
    # attribute 'get'"; a dict of raw bytes names was refused as a request without any header,
    # "not sent by Alexa, or dropped by a proxy in front", sending one to look at the proxy.
    headers = pki.sign(BODY)
    verifier = pki.verifier(now=lambda: NOW)
    for wrong, kind in ((list(headers.items()), "a list"), (None, "None")):
        for check in (verifier.verify, verifier.verify_envelope):
            with pytest.raises(
                TypeError, match=rf"^Verifier: headers must be a mapping .* {kind}$"
            ):
                run(check(wrong, BODY))  # type: ignore[arg-type]
    raw = {name.encode(): value.encode() for name, value in headers.items()}
    with pytest.raises(TypeError, match=r"^Verifier: header names must be str, not bytes$"):
        run(verifier.verify(raw, BODY))  # type: ignore[arg-type]
    # A plain dict of str, oddly capitalised, is read as ever.
    run(verifier.verify({name.upper(): value for name, value in headers.items()}, BODY))


# --- roots or a clock of one's own --------------------------------------------------------------


def test_a_verifier_with_its_own_clock_or_roots_says_so(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # Verifier(now=frozen) accepts a request replayed at any time, and an expired chain, for
    # ever; Verifier(trusted_roots=...) trusts whoever holds those roots' keys: both were silent.
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Verifier()
        Verifier(now=verify_module.verifier._utcnow)  # the default clock, named
        assert caplog.records == []
        Verifier(now=lambda: NOW)
        Verifier(trusted_roots=[pki.root])
        pki.verifier(now=lambda: NOW)  # both: in one line
    clock, roots, both = (r.getMessage() for r in caplog.records)
    assert {r.name for r in caplog.records} == {"alexaskill.security"}
    assert clock.startswith("Verifier(now=...)") and "a clock of its own" in clock
    assert roots.startswith("Verifier(trusted_roots=...)") and "CN=alexaskill test root" in roots
    assert "now=" in both and "trusted_roots=" in both


def test_the_verifiers_of_test_clients_and_serve_dev_add_no_warning_of_their_own(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # A TestClient trusts its test PKI for the test's own requests, and serve --dev says once
    # that it trusts the development key: no second line for the verifier each makes.
    from alexaskill import Skill, speak
    from alexaskill.cli.dev import trust_dev_pki
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")
    skill.launch(lambda: speak("hi"))
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        with TestClient(skill, now=lambda: datetime.now(UTC)) as client:
            assert client.launch().speech == "hi"
        assert caplog.records == []
        trust_dev_pki(skill, pki)
    [record] = caplog.records
    assert record.getMessage().startswith("--dev: request verification trusts")


def test_the_trust_warning_is_silenced_by_a_private_helper_not_a_public_argument(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # Verifier(..., _trust_said=True) was in the public signature: anyone could pass it, and an
    # editor offered it. The callers that say what they trust themselves use a private helper,
    # which silences that one line for the verifier it builds, and nothing else.
    import inspect

    assert not [name for name in inspect.signature(Verifier).parameters if name.startswith("_")]
    with pytest.raises(TypeError):
        Verifier(now=lambda: NOW, _trust_said=True)  # type: ignore[call-arg]
    from alexaskill.verify.verifier import _trust_announced

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        quiet = _trust_announced(pki.verifier, now=lambda: NOW, allow_sha1=True)
        assert isinstance(quiet, Verifier)
        [sha1] = caplog.records  # allow_sha1 is said all the same
        assert sha1.getMessage().startswith("allow_sha1=True")
        caplog.clear()
        pki.verifier(now=lambda: NOW)  # the next verifier says what it trusts again
    [trust] = caplog.records
    assert "Verifier(trusted_roots=...)" in trust.getMessage()
