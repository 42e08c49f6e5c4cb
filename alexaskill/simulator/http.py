"""The simulator API's HTTP side: reading the page's JSON requests, and answering them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from starlette.types import Scope

__all__ = [
    "PREFIX",
    "BadRequest",
    "below_prefix",
    "check_caller",
    "json_response",
    "read_json",
    "root",
]

#: Where the simulator is served in the app.
PREFIX: Final = "/_simulator"
_MAX_BODY: Final = 64 * 1024
#: Seconds the page's body may take to arrive whole, as a skill's (``Skill(body_timeout=…)``):
#: then 408, the connection closed (a client that stops mid-body held its handler for good).
BODY_SECONDS: float = 10.0


class BadRequest(Exception):
    """A request of the page's the API refuses: HTTP ``status`` with a short JSON reason."""

    def __init__(
        self, reason: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(reason)
        self.status = status
        #: The answer's headers (a 405's ``Allow``).
        self.headers = headers


def root(scope: Scope) -> str:
    """The app's root path (its mount point, if mounted)."""
    base: str = scope.get("root_path", "")
    return base


def _loopback_or_address(host: str) -> bool:
    """Whether ``host`` (the Host header's name) is loopback by name, or an IP address.

    DNS rebinding (a page of another site, its name made to resolve to 127.0.0.1) always comes
    with a name: an address typed in the browser, or localhost, cannot be one.
    """
    import ipaddress

    name = host.lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def below_prefix(scope: Scope) -> str:
    path: str = scope["path"]
    base = root(scope)
    if base and path.startswith(base):
        path = path[len(base) :]
    return path[len(PREFIX) :]


def json_response(value: Any, status: int = 200, *, headers: dict[str, str] | None = None) -> Any:
    from starlette.responses import Response

    body = json.dumps(value, ensure_ascii=False).encode()
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", **(headers or {})}
    return Response(body, status, headers=headers, media_type="application/json")


def check_caller(request: Any) -> None:
    """`BadRequest` (403) unless ``request`` comes from the simulator's page, served here: the
    check of every API route."""
    host = request.url.hostname or ""
    if not _loopback_or_address(host):
        # A name that may have been rebound to this machine: the Origin check below compares
        # with the Host header, which such a page sets, so it would pass.
        raise BadRequest(
            f"host {host} may not use the simulator: use localhost or the machine's address",
            403,
        )
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        # Another site's page in the developer's browser: no signed requests for it.
        raise BadRequest(f"origin {origin} may not use the simulator", 403)


async def read_json(request: Any) -> dict[str, Any]:
    """The JSON object the page POSTed (its caller checked already: `check_caller`)."""
    if request.method != "POST":
        raise BadRequest("POST a JSON object", 405, {"Allow": "POST"})
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("application/json"):
        raise BadRequest("expected application/json", 415)
    import anyio

    body = b""
    try:
        with anyio.fail_after(BODY_SECONDS):
            async for chunk in request.stream():
                body += chunk
                if len(body) > _MAX_BODY:
                    raise BadRequest("request body too large", 413)
    except TimeoutError:
        reason = f"request body not received within {BODY_SECONDS:g} s"
        raise BadRequest(reason, 408, {"Connection": "close"}) from None
    try:
        value = json.loads(body)
        # JSON's \\ud800 escapes make strings Python holds but cannot encode as UTF-8: each
        # would fail later, signing the request for the skill.
        json.dumps(value, ensure_ascii=False).encode()
    except RecursionError:
        raise BadRequest("the body is not JSON (nested too deeply)") from None
    except UnicodeEncodeError:
        raise BadRequest("the body holds text that is not Unicode (a lone surrogate)") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    except ValueError:  # JSON, but an integer longer than Python reads
        import sys

        digits = sys.get_int_max_str_digits()
        raise BadRequest(
            f"the body holds a number too long to read (more than {digits:,} digits)"
        ) from None
    if not isinstance(value, dict):
        raise BadRequest("expected a JSON object")
    return value
