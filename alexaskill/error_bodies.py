"""The JSON body of every refusal alexaskill answers itself: ``{"error": "reason"}``."""

from __future__ import annotations

from typing import Final

import msgspec

__all__: list[str] = []  # for the app's endpoint and the server's protocols

#: Characters of a reason kept: a refusal is a short answer, whatever its cause said.
_MAX_REASON: Final = 200


def error_body(reason: str) -> bytes:
    """``{"error": "reason"}`` in UTF-8, spaced as README shows it; the reason escaped as JSON
    (a quote or a control character in it, or in what it quotes of a request, stays valid) and
    cut to its first 200 characters. Every refusal's body is made here, so all read alike:
    they were written by hand in some places, by ``msgspec`` (``{"error":"…"}``) in others."""
    shown = reason[:_MAX_REASON]
    try:
        return b'{"error": %s}' % msgspec.json.encode(shown)
    except UnicodeEncodeError:  # a lone surrogate (surrogateescape'd bytes): shown as \udcff
        shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
        return b'{"error": %s}' % msgspec.json.encode(shown)
