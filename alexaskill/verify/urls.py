"""Amazon's rules for the ``SignatureCertChainUrl`` header: `check_cert_url`."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from ..articles import type_with_article
from ..exceptions import CertificateUrlError

__all__ = ["DEV_CERT_URL", "DEV_KEY_UNTRUSTED", "MAX_CERT_URL", "check_cert_url"]

_CERT_ORIGIN: Final = "https://s3.amazonaws.com"
_CERT_NETLOCS: Final = frozenset({"s3.amazonaws.com", "s3.amazonaws.com:443"})
_CERT_PATH_PREFIX: Final = "/echo.api/"
#: Characters in a certificate URL, at most. Amazon's are about 55 long; a longer one is refused
#: before anything else, so that the failed downloads remembered (`alexaskill.downloads`) stay
#: small whatever a forged request names.
MAX_CERT_URL: Final = 1024
#: The certificate URL requests signed with alexaskill's development key carry (``replay --url``,
#: ``chat --url``, ``certify --dev``). It passes Amazon's URL rules, but no such file is on S3: a
#: ``--dev`` server serves its chain from disk, any other verifier refuses it undownloaded.
DEV_CERT_URL: Final = "https://s3.amazonaws.com/echo.api/alexaskill-dev.pem"
#: The reason (HTTP 400) of a verifier that refuses `DEV_CERT_URL` (not started with --dev), whole:
#: ``replay --url`` and ``chat --url`` recognise it by this constant (`cli.url_answers`), not by
#: its words. At most 200 characters, all a refusal's body keeps (`alexaskill.error_bodies`).
DEV_KEY_UNTRUSTED: Final = (
    "certificate URL: the request was signed with alexaskill's development key "
    "(alexaskill-dev.pem), which this server does not trust: it was not started with --dev"
)
# Amazon's URLs as they really look; anything else takes the slow, thorough path. The file name
# may not start with a dot, so it is never a dot segment.
_PLAIN_CERT_URL: Final = re.compile(r"https://s3\.amazonaws\.com/echo\.api/[\w~-][\w.~-]*", re.A)


_last_plain: str | None = None


def check_cert_url(url: str) -> str:
    """Return ``url`` normalised if it obeys Amazon's rules, else raise `CertificateUrlError`.

    Stricter than the rules in three ways, all absent from Amazon's real URLs: percent-escapes
    are refused rather than decoded (``%2e%2e`` and ``%2f`` would mean something else to S3 than
    to this check), as are backslashes (some URL parsers read them as slashes), and so are
    whitespace, control characters, non-ASCII, queries, fragments and ports other than 443 (which
    may be written ``:0443``, or left empty, ``https://s3.amazonaws.com:/echo.api/…``).
    """
    global _last_plain
    # Every request names the same URL or two: the last one that matched is not matched again
    # (a string comparison, a tenth of the regex). A URL is kept only once it passed.
    if type(url) is str and url == _last_plain:
        return url
    if not isinstance(url, str):
        raise TypeError(f"check_cert_url takes the URL as a str, not {type_with_article(url)}")
    if len(url) > MAX_CERT_URL:
        raise CertificateUrlError(f"certificate URL: longer than {MAX_CERT_URL:,} characters")
    if _PLAIN_CERT_URL.fullmatch(url):
        _last_plain = url
        return url
    if not url:
        raise CertificateUrlError("certificate URL: empty")
    if not url.isascii() or any(char <= " " or char == "\x7f" for char in url):
        raise CertificateUrlError("certificate URL: whitespace, control or non-ASCII character")
    if "\\" in url:
        raise CertificateUrlError("certificate URL: backslash")
    if "%" in url:
        raise CertificateUrlError("certificate URL: percent-encoding")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CertificateUrlError("certificate URL: unparseable") from exc
    if parts.scheme != "https":  # urlsplit lower-cases the scheme
        raise CertificateUrlError("certificate URL: scheme is not https")
    if "?" in url or "#" in url:
        raise CertificateUrlError("certificate URL: query or fragment")
    netloc = parts.netloc.lower()
    if netloc not in _CERT_NETLOCS:
        if "@" in netloc:
            raise CertificateUrlError("certificate URL: userinfo")
        host, _, port = netloc.partition(":")
        if host != "s3.amazonaws.com":
            raise CertificateUrlError("certificate URL: host is not s3.amazonaws.com")
        # Port 443 with leading zeros, or left empty (the scheme's default, RFC 3986 3.2.3):
        # Amazon asks for 443 if a port is given, and its SDKs read both as 443. The URL
        # returned (and downloaded) has no port.
        if port and port.lstrip("0") != "443":
            raise CertificateUrlError("certificate URL: port is not 443")
    path = _remove_dot_segments(parts.path)
    if not path.startswith(_CERT_PATH_PREFIX) or len(path) == len(_CERT_PATH_PREFIX):
        raise CertificateUrlError("certificate URL: path is not under /echo.api/")
    return _CERT_ORIGIN + path


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 section 5.2.4 on a path that is empty or starts with "/": what posixpath.normpath
    # does to "." and "..", minus its merging of "//" (a different S3 key) and its special case
    # for a leading "//". The URL returned is the one downloaded, so check and fetch agree.
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")
    return "/" + "/".join(kept)
