"""A certificate-chain download's `Progress` (`alexaskill.outgoing_progress`, where it lives since
a call to Alexa's APIs is said by it too), in the verifier's words: its time limit
(``download_timeout``), the network's advice and the pool's."""

from __future__ import annotations

from ..downloads import NETWORK_ADVICE
from ..outgoing_progress import Progress as Progress  # (its old place)

__all__ = ["Progress", "download_progress"]


def download_progress() -> Progress:
    """How far a chain download got, for what the log says of one whose time ran out
    (`alexaskill.verify.fetch.read_chain` fills it in)."""
    return Progress(
        limit="download_timeout",
        network_advice=NETWORK_ADVICE,
        pool_advice="give the Verifier a client of its own (Verifier(http_client=...))",
    )
