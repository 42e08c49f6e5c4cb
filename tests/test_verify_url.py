"""The certificate URL (alexaskill/verify/urls.py): Amazon's rules for the
``SignatureCertChainUrl`` header, checked before any download."""

from __future__ import annotations

import pytest

from alexaskill.exceptions import CertificateUrlError
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import check_cert_url

from .verify_shared import BODY, NOW, Fetcher, run

pytestmark = pytest.mark.oldest_dependencies

ECHO = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
LONGEST = "https://s3.amazonaws.com/echo.api/" + "a" * 986 + ".pem"  # 1024 characters

VALID_URLS = [
    # Amazon's examples
    (ECHO, ECHO),
    ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", ECHO),
    # case-insensitive scheme and host; dot segments that stay inside /echo.api/
    ("HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/./echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/echo.api/./echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com/elsewhere/../echo.api/echo-api-cert.pem", ECHO),
    # ".." above the root stays at the root (RFC 3986, 5.2.4), as S3 and httpx read it
    ("https://s3.amazonaws.com/x/../../echo.api/echo-api-cert.pem", ECHO),
    ("HtTpS://s3.AMAZONAWS.com:443/echo.api/echo-api-cert.pem", ECHO),
    (
        "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
    ),
    # Port 443 written with leading zeros, or a port left empty (RFC 3986, 3.2.3: the scheme's
    # default, 443): Amazon's rule is "port 443, if a port is given", and the Python, Java and
    # Node.js SDKs all accept both. Refused as "port is not 443" before, which they are.
    ("https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com:000443/echo.api/echo-api-cert.pem", ECHO),
    ("https://s3.amazonaws.com:/echo.api/echo-api-cert.pem", ECHO),
    # MAX_CERT_URL characters exactly: the limit is inclusive
    (LONGEST, LONGEST),
]

INVALID_URLS = [  # (url, a word of the expected reason)
    # Amazon's examples
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "scheme"),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
    # dot segments escaping /echo.api/
    ("https://s3.amazonaws.com/echo.api/../elsewhere/x.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/../echo.api.evil/x.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/a/../../evil/x.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/..", "path"),
    ("https://s3.amazonaws.com/echo.api/x/../..", "path"),
    ("https://s3.amazonaws.com/echo.api/x/..", "path"),
    ("https://s3.amazonaws.com/echo.api;/x.pem", "path"),  # (urlparse's params: not split off)
    ("https://s3.amazonaws.com:443//echo.api/x.pem", "path"),
    # percent-encoded dots, slashes, letters
    ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/x.pem", "percent"),
    ("https://s3.amazonaws.com/echo.api/%2E%2E%2Fevil.pem", "percent"),
    ("https://s3.amazonaws.com/echo.api%2f..%2fevil/x.pem", "percent"),
    ("https://s3.amazonaws.com/echo.api/.%2e/evil/x.pem", "percent"),
    ("https://s3.amazonaws.com/%65cho.api/x.pem", "percent"),
    ("https://s3%2eamazonaws.com/echo.api/x.pem", "percent"),
    # backslashes (read as "/" by WHATWG parsers)
    ("https://s3.amazonaws.com/echo.api\\..\\evil\\x.pem", "backslash"),
    ("https://s3.amazonaws.com\\@evil.com/echo.api/x.pem", "backslash"),
    ("https://s3.amazonaws.com/echo.api/..\\evil.pem", "backslash"),
    # userinfo
    ("https://s3.amazonaws.com@evil.com/echo.api/x.pem", "userinfo"),
    ("https://evil@s3.amazonaws.com/echo.api/x.pem", "userinfo"),
    ("https://user:pass@s3.amazonaws.com/echo.api/x.pem", "userinfo"),
    ("https://s3.amazonaws.com:443@evil.com/echo.api/x.pem", "userinfo"),
    ("https://@s3.amazonaws.com/echo.api/x.pem", "userinfo"),  # (empty, still userinfo)
    # other hosts
    ("https://s3.amazonaws.com.evil.com/echo.api/x.pem", "host"),
    ("https://evil.s3.amazonaws.com/echo.api/x.pem", "host"),
    ("https://evils3.amazonaws.com/echo.api/x.pem", "host"),
    ("https://s3.amazonaws.com./echo.api/x.pem", "host"),
    ("https://s3.us-east-1.amazonaws.com/echo.api/x.pem", "host"),
    ("https://s3\u3002amazonaws.com/echo.api/x.pem", "character"),
    # IDNA/NFKC tricks: names that map to s3.amazonaws.com, a path that maps to ".."
    ("https://\uff53\uff13.amazonaws.com/echo.api/x.pem", "character"),
    ("https://s3.amazonaws.com\u2025/echo.api/x.pem", "character"),
    ("https://s3.amazonaws.com/echo.api/\uff0e\uff0e/evil/x.pem", "character"),
    ("https://xn--s3-amazonaws.com/echo.api/x.pem", "host"),
    ("https://[s3.amazonaws.com]/echo.api/x.pem", "unparseable"),
    ("https://52.216.0.1/echo.api/x.pem", "host"),
    ("https://[::1]/echo.api/x.pem", "host"),
    ("https://[::ffff:52.216.0.1]/echo.api/x.pem", "host"),
    # ports
    ("https://s3.amazonaws.com:80/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:443:443/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:99999/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:https/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:+443/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:443echo.api/x.pem", "port"),  # (no slash after the port)
    ("https://s3.amazonaws.com:4430/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:0/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:00/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com::443/echo.api/x.pem", "port"),
    ("https://s3.amazonaws.com:0443:/echo.api/x.pem", "port"),
    # empty, unparseable, schemeless
    ("", "empty"),
    ("https://[/", "unparseable"),
    ("https://", "host"),
    ("not a url", "character"),
    ("https:///echo.api/x.pem", "host"),
    ("https:s3.amazonaws.com/echo.api/x.pem", "host"),
    ("https:/s3.amazonaws.com/echo.api/x.pem", "host"),
    ("//s3.amazonaws.com/echo.api/x.pem", "scheme"),
    ("/echo.api/x.pem", "scheme"),
    ("ftp://s3.amazonaws.com/echo.api/x.pem", "scheme"),
    # queries and fragments
    ("https://s3.amazonaws.com/echo.api/x.pem?versionId=1", "query"),
    ("https://s3.amazonaws.com/echo.api/x.pem?", "query"),
    ("https://s3.amazonaws.com/echo.api/x.pem#", "query"),
    ("https://s3.amazonaws.com/evil?/echo.api/x.pem", "query"),
    ("https://s3.amazonaws.com/evil#/echo.api/x.pem", "query"),
    # paths that are not a file under /echo.api/
    ("https://s3.amazonaws.com/echo.api/", "path"),
    ("https://s3.amazonaws.com/echo.api", "path"),
    ("https://s3.amazonaws.com/echo.apix/x.pem", "path"),
    ("https://s3.amazonaws.com//echo.api/x.pem", "path"),
    ("https://s3.amazonaws.com", "path"),
    # whitespace, control and non-ASCII characters (urlsplit silently drops tabs and newlines)
    ("https://s3.amazonaws.com/echo.api/\tx.pem", "character"),
    ("https://s3.amazonaws.com/echo.\napi/x.pem", "character"),
    (" https://s3.amazonaws.com/echo.api/x.pem", "character"),
    ("https://s3.amazonaws.com/echo.api/x.pem ", "character"),
    ("https://s3.amazonaws.com/echo.api/x\x00.pem", "character"),
    ("https://s3.amazonaws.com/echo.api/\uff58.pem", "character"),
    # longer than any URL of Amazon's: refused before it is stored as a failed download
    ("https://s3.amazonaws.com/echo.api/" + "a" * 990 + ".pem", "longer than 1,024"),
    ("https://s3.amazonaws.com/echo.api/" + "a" * 987 + ".pem", "longer than 1,024"),
]


def test_invalid_url_table_is_large_enough() -> None:
    assert len(INVALID_URLS) - 5 >= 20
    assert len({url for url, _ in INVALID_URLS}) == len(INVALID_URLS)


@pytest.mark.parametrize(("url", "normalised"), VALID_URLS)
def test_valid_cert_url(pki: TestPKI, url: str, normalised: str) -> None:
    assert check_cert_url(url) == normalised
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert fetch.calls == [normalised]  # the URL checked is the URL downloaded


def test_cert_url_kept_as_checked_only_for_the_same_string() -> None:
    # The last URL that passed is not matched again: any other string still is, and refused.
    assert check_cert_url(DEFAULT_CERT_URL) == DEFAULT_CERT_URL
    assert check_cert_url(DEFAULT_CERT_URL) == DEFAULT_CERT_URL
    for url, reason in INVALID_URLS:
        with pytest.raises(CertificateUrlError, match=reason):
            check_cert_url(url)
        assert check_cert_url(DEFAULT_CERT_URL) == DEFAULT_CERT_URL
    with pytest.raises(CertificateUrlError, match="empty"):
        check_cert_url("")
    with pytest.raises(CertificateUrlError, match="path"):
        check_cert_url(DEFAULT_CERT_URL.rsplit("/", 1)[0] + "/")


@pytest.mark.parametrize(("url", "reason"), INVALID_URLS)
def test_invalid_cert_url_is_refused_before_any_download(
    pki: TestPKI, url: str, reason: str
) -> None:
    with pytest.raises(CertificateUrlError, match=r"^certificate URL: .*" + reason) as info:
        check_cert_url(url)
    assert len(str(info.value)) < 80
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    with pytest.raises(CertificateUrlError):
        run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert fetch.calls == []


def test_missing_cert_url_header(pki: TestPKI) -> None:
    headers = pki.sign(BODY)
    del headers["SignatureCertChainUrl"]
    fetch = Fetcher(pki.chain_pem)
    with pytest.raises(CertificateUrlError, match="SignatureCertChainUrl"):
        run(pki.verifier(fetch_chain=fetch).verify(headers, BODY))
    assert fetch.calls == []


def test_a_request_without_any_signing_header_says_so(pki: TestPKI) -> None:
    # What a developer reads when a proxy in front drops the headers: every one of them.
    with pytest.raises(CertificateUrlError) as info:
        run(pki.verifier(now=lambda: NOW).verify({"Content-Type": "application/json"}, BODY))
    assert str(info.value) == (
        "certificate URL: SignatureCertChainUrl header missing, Signature-256 too (not sent by "
        "Alexa, or dropped by a proxy in front)"
    )
    # One of them missing is said alone.
    headers = pki.sign(BODY)
    del headers["SignatureCertChainUrl"]
    with pytest.raises(CertificateUrlError) as info:
        run(pki.verifier(now=lambda: NOW).verify(headers, BODY))
    assert str(info.value) == "certificate URL: SignatureCertChainUrl header missing"
    # In a plain dict of lower-case names too (as the app's own mapping has them).
    lower = {name.lower(): value for name, value in headers.items()}
    with pytest.raises(CertificateUrlError) as info:
        run(pki.verifier(now=lambda: NOW).verify(lower, BODY))
    assert str(info.value) == "certificate URL: SignatureCertChainUrl header missing"


@pytest.mark.parametrize("url", [None, 5, DEFAULT_CERT_URL.encode()])
def test_check_cert_url_given_no_str_is_a_clear_type_error(url: object) -> None:
    # "object of type 'NoneType' has no len()", "cannot use a string pattern on a bytes-like
    # object": nothing said which argument or what it should be.
    with pytest.raises(TypeError, match=r"^check_cert_url takes the URL as a str, not "):
        check_cert_url(url)  # type: ignore[arg-type]


def test_normalised_urls_share_one_cache_entry(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    for url, _ in VALID_URLS[:7]:
        run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))
    assert fetch.calls == [ECHO]
