"""Whether a URL a response hands Alexa is one Alexa can fetch: HTTPS, with a host.

Amazon asks an Internet-accessible HTTPS endpoint (with a certificate Alexa trusts) of every
file a response points to: an SSML ``<audio>`` clip, an ``AudioPlayer.Play`` stream, a card's
image, a video. What can be checked without a download is the URL's shape: the scheme, a host, a
port that is a number, and no white space or control character (which no URL holds: a
``"https://cdn/{name}"`` with a name from a feed, say). Amazon's sound library is addressed as
``soundbank://soundlibrary/<path>`` (SSML ``<audio>`` and APL for audio only).
"""

from __future__ import annotations

import re
from typing import Final

__all__: list[str] = []  # helpers for alexaskill.ssml, alexaskill.responses and the directives

#: What no URL holds: white space (a URL escapes it as %20) and control characters.
_NOT_IN_URL: Final = re.compile(r"[\s\x00-\x1f\x7f]")


def _url_error(url: str, *, soundbank: bool = False) -> str | None:
    """Why ``url`` is not an HTTPS URL with a host (or, with ``soundbank``, a sound of Amazon's
    library: ``soundbank://soundlibrary/<path>``), or None if it is."""
    found = _NOT_IN_URL.search(url)
    if found is not None:
        return f"it holds {found.group()!r} at index {found.start()} (a URL escapes it, as %20)"
    scheme = url[: url.find(":")].lower() if ":" in url else ""
    if scheme == "soundbank" and soundbank:
        library, _, path = url[len("soundbank://") :].partition("/")
        # Amazon's library has one host, soundlibrary (its host name in either case).
        if (
            url[:12].lower() != "soundbank://"
            or library.lower() != "soundlibrary"
            or not path.strip("/")
        ):
            return "a sound of Amazon's library is soundbank://soundlibrary/<path>"
        return None
    if scheme != "https":
        return "Alexa fetches files over HTTPS only"
    # Imported here: urllib.parse imports ipaddress, which a Lambda cold start answering plain
    # speech need not load (tests/test_aws_lambda.py, the light import path).
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # an unclosed "[" of an IPv6 address, a port that is no number
        return f"it is not a URL ({exc})"
    if url[:8].lower() != "https://" or not parts.hostname:
        return "it names no host"
    if port == 0:
        return "port 0 is no port"
    return None
