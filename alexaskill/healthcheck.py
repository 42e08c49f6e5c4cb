"""``python -m alexaskill.healthcheck [URL]``: the Docker image's ``HEALTHCHECK``.

Asks ``GET /health`` of the server in the same container (``http://127.0.0.1:8080/health``
unless told otherwise) and exits 0 if it answers 200, else 1 with the reason in one line (Docker
keeps it in ``docker inspect``'s health log). Standard library only: the image has no curl.

Two things a bare ``urllib.request.urlopen`` got wrong there: it sends the request through
``$HTTP_PROXY`` (which Docker copies into containers from the client's proxy settings) unless
``$NO_PROXY`` names the exact host, so a healthy server was reported unhealthy; and a server
that terminates TLS itself (``--ssl-certfile`` added to ``CMD``, as the README shows) cannot
answer plain HTTP. Here no proxy is used, and when a plain request meets a TLS server the same
URL is asked again over HTTPS, without checking the certificate: it names the skill's public
domain, not 127.0.0.1, and what is checked is that this server answers, not who it is.

A redirect is not followed (urllib follows it to any host): the server asked must answer 200
itself, and a 3xx is unhealthy, its ``Location`` in the reason.
"""

from __future__ import annotations

import http.client
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Final

#: What the image's HEALTHCHECK asks: the port its ``CMD`` serves on.
DEFAULT_URL: Final = "http://127.0.0.1:8080/health"
#: The least time left worth a second try over HTTPS (a TLS handshake and a request on loopback).
_LEAST_FOR_RETRY: Final = 0.5
#: How much longer than ``timeout`` the whole check waits, so that a try's own timeout (which
#: names what timed out) usually ends it first.
_GRACE: Final = 0.25


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Follows no redirect: urllib then raises the 3xx as an `urllib.error.HTTPError`."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class _Redirected(Exception):
    """The server answered a redirect (not followed): unhealthy, with where it points."""


def _status(url: str, timeout: float) -> int:
    """The status ``url`` answers with, asked without any proxy; `_Redirected` for a redirect,
    which is not followed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # a loopback liveness check, see the module's docstring
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=context),
        _NoRedirects(),
    )
    try:
        with opener.open(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:  # an answer, not a failure to get one
        location = exc.headers.get("Location") if exc.headers is not None else None
        if 300 <= exc.code < 400 and location is not None:
            raise _Redirected(f"HTTP {exc.code}, a redirect to {location} (not followed)") from None
        return exc.code


def check(url: str = DEFAULT_URL, *, timeout: float = 4.0) -> str | None:
    """None if ``url`` answers 200 (over HTTPS if a plain request meets a TLS server), else why
    not, in one line. ``timeout`` bounds the whole check, not each socket operation: a server
    that trickles its answer a byte at a time is unhealthy once ``timeout`` has passed, rather
    than keeping the check (and Docker's HEALTHCHECK, 5 s) waiting."""
    # urllib would also read a data:, file: or ftp: URL (with no status to check)
    if not url.lower().startswith(("http://", "https://")):
        return f"{url}: not an http:// or https:// URL"
    try:  # (urllib would try port 99999 and report what the connection did, not the port)
        _ = urllib.parse.urlsplit(url).port
    except ValueError as exc:
        return f"{url}: ValueError: {exc}"
    outcome: list[str | None] = []
    # The tries run in a daemon thread that is left behind if it overruns: urllib's timeout is
    # per socket operation, and a process that exits (the HEALTHCHECK) does not wait for it.
    worker = threading.Thread(
        target=lambda: outcome.append(_tries(url, timeout)), name="healthcheck", daemon=True
    )
    worker.start()
    worker.join(timeout + _GRACE)
    if not outcome:
        return f"{url}: TimeoutError: timed out: no full answer within {timeout:g} s"
    return outcome[0]


def _tries(url: str, timeout: float) -> str | None:
    """`check`'s tries, each socket operation bounded by ``timeout`` (`check` bounds them all):
    the HTTPS try gets what the plain one left (none if under half a second)."""
    started = time.monotonic()
    try:
        try:
            status = _status(url, timeout)
        except (OSError, http.client.HTTPException) as exc:
            # (a TLS server may reset the connection as the request is sent, or answer it with
            # an alert; not after a timeout: Docker's own, 5 s, would end the second try)
            left = timeout - (time.monotonic() - started)
            if (
                not url.lower().startswith("http://")  # (a scheme is read in any case)
                or isinstance(getattr(exc, "reason", exc), TimeoutError)
                or left < _LEAST_FOR_RETRY
            ):
                raise
            try:  # a server that speaks TLS drops a plain request unanswered
                status = _status("https://" + url[len("http://") :], left)
            except (OSError, http.client.HTTPException):
                raise exc from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if not isinstance(reason, BaseException):  # URLError's text ("no host given")
            return f"{url}: {type(exc).__name__}: {reason}"
        return f"{url}: {type(reason).__name__}: {reason}"
    except _Redirected as redirect:
        return f"{url}: {redirect}"
    return None if status == 200 else f"{url}: HTTP {status}"


#: The control characters a reason could hold (a URL given with a line end), written out: the
#: reason stays one line in Docker's health log.
_CONTROLS: Final = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


def main(argv: list[str] | None = None) -> int:
    """0 if healthy, else 1 with the reason on stderr: never 2, which Docker reserves (its
    HEALTHCHECK takes 0 for healthy, 1 for unhealthy), not even for a mistake in the command."""
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) > 1:
        print("usage: python -m alexaskill.healthcheck [URL]", file=sys.stderr)
        return 1
    problem = check(arguments[0] if arguments else DEFAULT_URL)
    if problem is not None:
        print(f"unhealthy: {problem.translate(_CONTROLS)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
