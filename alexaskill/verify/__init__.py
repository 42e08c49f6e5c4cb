"""Proof that a request comes from Alexa: certificate URL, chain, signature and timestamp.

`Verifier.verify(headers, body)` runs these checks in order and raises at the first failure
(each a `VerificationError` subclass, which the app answers with HTTP 400):

1. ``SignatureCertChainUrl`` obeys Amazon's URL rules (`check_cert_url`). A rejected URL is
   never downloaded.
2. The signature header is present, valid base64 and, unless a subclass's `chain` gives the
   key without calling `Verifier.chain`, at least 256 bytes long, as a key taken in step 3
   signs (read now so that a request that cannot verify costs no download): ``Signature-256``,
   or the legacy SHA-1 ``Signature`` when ``allow_sha1`` is on and ``Signature-256`` is absent.
3. The chain at that URL is downloaded once, validated with ``cryptography.x509.verification``
   (path to a trusted root, validity at ``now``, ``echo-api.amazon.com`` among the leaf's DNS
   SANs) and cached by URL. Every request re-checks the cached validity window against ``now``.
4. The signature over the raw body bytes (`check_signature`).
5. ``request.timestamp`` is within the tolerance of ``now`` (`check_timestamp`).

The app calls `Verifier.verify_envelope`: the same checks, in the same order, except that
step 5 reads the timestamp from the envelope it decodes for the handler instead of from a second
pass over the body (`verify_signature` is steps 1 to 4; `check_request_timestamp` step 5). The
skill-id check comes last and belongs to the app.

A subclass's own `verify` is called whole by `verify_envelope`; its own `verify_signature`,
`check_request_timestamp` or `chain` (step 3's chain for a URL) is used by `verify` and
`verify_envelope` alike, on every request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .chain import ECHO_API_HOST, VerifiedChain, load_chain, validate_chain
    from .chain import _certifi_roots as _certifi_roots  # where the tests have always found it
    from .signature import check_signature
    from .timestamp import MAX_TIMESTAMP_TOLERANCE, check_timestamp
    from .urls import check_cert_url
    from .verifier import Verifier

__all__ = [
    "ECHO_API_HOST",
    "MAX_TIMESTAMP_TOLERANCE",
    "VerifiedChain",
    "Verifier",
    "check_cert_url",
    "check_signature",
    "check_timestamp",
    "load_chain",
    "validate_chain",
]

# The names above, from the modules that define them, imported when first asked for: a command
# that checks a timestamp only (`alexaskill request --field timestamp=...`) imports
# `alexaskill.verify.timestamp` without the chain, the signature and the `Verifier`
# (cryptography, asyncio).
_LAZY: Final = {
    "ECHO_API_HOST": "chain",
    "VerifiedChain": "chain",
    "_certifi_roots": "chain",
    "load_chain": "chain",
    "validate_chain": "chain",
    "check_signature": "signature",
    "MAX_TIMESTAMP_TOLERANCE": "timestamp",
    "check_timestamp": "timestamp",
    "check_cert_url": "urls",
    "Verifier": "verifier",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)
