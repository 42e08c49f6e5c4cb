"""What follows an SSML document's root, said: the one reading of both the app's check of its
speech (`alexaskill.responses.SsmlSpeech`, progressive responses) and `ssml_error`.

XML 1.0 ("Document") holds nothing after the root element but white space, comments and
processing instructions: text, an element, a CDATA section, an end tag or a second ``<speak>``
there fail the whole response.
"""

from __future__ import annotations

import re
from typing import Final

from .ssml_check import _INNER_SPEAK, _NESTING
from .xml_markup import _MISC, _after_root_error
from .xml_text import _SPEAK_START

__all__: list[str] = []  # helpers for alexaskill.ssml_check and alexaskill.responses

#: A ``<speak>`` tag after the root: a second document, said as one inside it is.
_SPEAK_TAG: Final = re.compile(_SPEAK_START)
#: An end tag (group 1 its name) after the root: it closes no element there.
_END_TAG: Final = re.compile(r"</([^\s/<>]++)[^<>]*+>")


def _after_root_fault(markup: str, end: int) -> tuple[str, int] | None:
    """Why what follows the root of ``markup`` (it ends at ``end``) is none XML reads, and
    where: a comment or a processing instruction there XML does not read, or left open
    (`alexaskill.xml_markup._after_root_error`), a ``<speak>`` (`_INNER_SPEAK`), an end tag
    (it closes nothing), or anything else but white space; else None."""
    error = _after_root_error(markup, end)
    after = _MISC.match(markup, end)  # (it matches, if only nothing)
    stop = end if after is None else after.end()
    if error is not None:
        return error, getattr(error, "at", stop)
    if stop >= len(markup):
        return None
    if _SPEAK_TAG.match(markup, stop):
        return _INNER_SPEAK, stop
    end_tag = _END_TAG.match(markup, stop)
    if end_tag is not None:
        name = end_tag.group(1)
        return f"</{name}> with no <{name}> open: {_NESTING}", stop
    said = (
        f"{markup[stop : stop + 40]!r} after its <speak> root: Alexa parses SSML as XML, which "
        "holds nothing after the root but white space, comments and processing instructions; "
        "put it inside <speak>"
    )
    return said, stop
