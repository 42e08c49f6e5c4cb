"""Reference (b): Starlette, one RSA-2048 PKCS#1 v1.5 SHA-256 verify of the body, `json.loads`.

The floor of correct work: no server that checks Alexa's signature and reads the request can do
less per request. The key comes from the chain file once, at start; no URL, chain, timestamp or
skill-id checks, no dispatch. A missing or wrong signature gets 400, as in alexaskill.
"""

from __future__ import annotations

import base64
import binascii
import json
import os

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.servers import ANSWER, load_chain, pki_directory

REFUSED = b'{"error": "signature"}'


def create_app(directory: str | os.PathLike[str] | None = None) -> Starlette:
    """The app (``uvicorn --factory benchmarks.servers.floor:create_app``)."""
    leaf = x509.load_pem_x509_certificates(load_chain(pki_directory(directory)))[0]
    public_key = leaf.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError("the signing certificate has no RSA key")
    pkcs1v15, sha256 = padding.PKCS1v15(), hashes.SHA256()

    async def answer(request: Request) -> Response:
        body = await request.body()
        try:
            signature = base64.b64decode(request.headers["signature-256"], validate=True)
            public_key.verify(signature, body, pkcs1v15, sha256)
        except (KeyError, binascii.Error, InvalidSignature):
            return Response(REFUSED, status_code=400, media_type="application/json")
        json.loads(body)
        return Response(ANSWER, media_type="application/json")

    return Starlette(routes=[Route("/", answer, methods=["POST"])])
