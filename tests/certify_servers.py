"""Broken endpoints for the ``alexaskill certify`` tests, each run as its own process on 127.0.0.1.

    python certify_servers.py accept-all PORT [--tls CERT KEY [--max-tls 1.1]]
    python certify_servers.py reserialise PORT UPSTREAM_URL

``accept-all`` answers every POST with HTTP 200 and an empty response envelope: a skill with no
request verification. ``reserialise`` is a proxy in front of a real skill that parses the JSON
body and encodes it again before passing it on, as a body-parsing middleware or API gateway
mapping does: same document, other bytes, so Alexa's signature no longer matches.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import ssl
import urllib.error
import urllib.request
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HOP = {"host", "content-length", "connection", "transfer-encoding", "accept-encoding"}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class AcceptAll(_Handler):
    def do_POST(self) -> None:
        self._body()
        self._answer(200, b'{"version": "1.0", "response": {}}')


class Reserialise(_Handler):
    upstream = ""

    def do_POST(self) -> None:
        body = self._body()
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), indent=2).encode()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        request = urllib.request.Request(self.upstream, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read()
        self._answer(status, answer)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["accept-all", "reserialise"])
    parser.add_argument("port", type=int)
    parser.add_argument("upstream", nargs="?")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--max-tls", choices=["1.1"])
    args = parser.parse_args()
    handler: type[_Handler] = AcceptAll
    if args.mode == "reserialise":
        Reserialise.upstream = args.upstream
        handler = Reserialise
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*args.tls)
        if args.max_tls:
            # An endpoint stuck on TLS 1.1, which Amazon no longer accepts.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
                context.maximum_version = ssl.TLSVersion.TLSv1_1
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
