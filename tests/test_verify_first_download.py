"""A process's first certificate download spends its time limit on the network only: the HTTP
client it goes through, and the modules httpx's transport imports at its first request, are
made ready before `Downloads`' clock starts (alexaskill/verify/verifier.py). Each case runs in
a Python of its own, where nothing has imported them yet."""

from __future__ import annotations

from typing import Any

import pytest

from .fresh_python import SERVE, WATCH, run_fresh

pytestmark = pytest.mark.oldest_dependencies

#: A fresh Python's first download ({client}: the Verifier's own client, or one given to it),
#: through a proxy on 127.0.0.1 that answers the CONNECT and closes (no internet): the modules
#: imported while `Downloads._run`, which holds the time limit, was on the stack, and the
#: refusal said. (HTTPS_PROXY is the only proxy variable it sees: tests/run_guards.py unsets the
#: others in the environment this Python inherits.)
_FIRST_DOWNLOAD = (
    """
ANSWER = b"HTTP/1.1 200 Connection established\\r\\n\\r\\n"
"""
    + SERVE
    + """proxy = os.environ["HTTPS_PROXY"] = f"http://127.0.0.1:{{listener.getsockname()[1]}}"

from alexaskill.downloads import Downloads
from alexaskill.exceptions import CertificateError
from alexaskill.verify import Verifier

CLOCK = Downloads._run.__code__
"""
    + WATCH
    + """headers = {{
    "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "Signature-256": "A" * 344,
}}
body = b'{{"version": "1.0", "request": {{"type": "LaunchRequest"}}}}'

async def main():
    given = {{}}
    if {client!r} == "given":
        import httpx

        given["http_client"] = httpx.AsyncClient(proxy=proxy, trust_env=False)
    verifier = Verifier(download_timeout=60, **given)
    try:
        await verifier.verify(headers, body)
    except CertificateError as exc:
        return str(exc)
    finally:
        await verifier.aclose()
        if given:
            await given["http_client"].aclose()

refused = asyncio.run(main())
print(json.dumps({{"refused": refused, "in_clock": sorted(set(in_clock))}}))
"""
)


def _first_download(client: str) -> dict[str, Any]:
    return run_fresh(_FIRST_DOWNLOAD.format(client=client))


@pytest.mark.parametrize("client", ["own", "given"])
def test_the_first_download_imports_nothing_within_its_time_limit(client: str) -> None:
    # The first download imported httpcore's async backend (anyio's, for asyncio: its sockets
    # and TLS streams) inside the time limit, where httpcore's pool imports it, before any
    # connection is traced: on a loaded machine that took over 4 s, and the log blamed the
    # pool. The Verifier's own client (httpx, httpcore, trio probed, certifi's roots) was made
    # there too. Both now come before the clock starts.
    said = _first_download(client)
    # (the download went through the proxy, to its TLS handshake: the transport's every step)
    assert said["refused"] == "certificate chain: download failed"
    assert said["in_clock"] == []
