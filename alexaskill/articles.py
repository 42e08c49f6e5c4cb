"""The article before a name in a message's words: `with_article`."""

from __future__ import annotations

__all__ = ["with_article"]


def with_article(name: str) -> str:
    """``name`` after its article, by the sound of its first letter, in any case: "a
    LaunchRequest", "an Alexa.Presentation.APL.UserEvent", "a set", "an ellipsis". A "u" is
    said "you" (a UserEvent, a UUID): "a"."""
    vowel = name[:1].lower() in tuple("aeio")
    return f"{'an' if vowel else 'a'} {name}"
