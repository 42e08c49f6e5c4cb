"""Cards shown in the Alexa app and on screens, checked against Alexa's limits when built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..shown_names import shown_value
from ..ssml import Ssml
from ..ssml_limits import _BLANK
from ..ssml_text import _text_lines
from ..web_urls import _url_error
from ..xml_text import _plain_str, _unprintable_xml_text, _xml_text
from .speech import _check_length

__all__ = [
    "MAX_CARD_TEXT",
    "MAX_IMAGE_URL",
    "AskForPermissionsConsentCard",
    "Card",
    "LinkAccountCard",
    "SimpleCard",
    "StandardCard",
]

#: Characters of card text (title, content or text, and image URLs together), in code points
#: as `MAX_SPEECH` (whether Alexa counts UTF-16 units is not said). Amazon's "Include a Card in
#: Your Skill's Response" gives 8,000 for a card's title and content combined; whether a
#: Standard card's image URLs count too could not be confirmed from Amazon's pages (searched
#: December 2026): they are counted, the conservative reading (`StandardCard`).
MAX_CARD_TEXT: Final = 8000
#: Characters in one card image URL.
MAX_IMAGE_URL: Final = 2000


def _shown_text(name: str, markup: Ssml) -> str:
    """The text a card shows for SSML: what it says, a line a paragraph or sentence."""
    text = "\n".join(_text_lines(markup))
    if not text:
        # "" would show an empty card, as None would.
        raise ResponseError(
            f"card.{name} is SSML with no text to show ({shown_value(str(markup))}): a card needs "
            "words, not only <audio> clips or pauses"
        )
    return text


def _refuse_empty_card(texts: tuple[tuple[str, object], ...]) -> None:
    names = " and ".join(name for name, _ in texts)
    shown = ", ".join(shown_value(value) for _, value in texts)
    raise ResponseError(
        f"card shows nothing: its {names} are empty or white space ({shown}), and it has no "
        "image; the Alexa app would show an empty box. To show no card, leave the card out"
    )


class Card(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, tag_field="type"):
    """Base of the cards shown in the Alexa app and on screens."""


def _check_card_text(
    card: Card, texts: tuple[tuple[str, object], ...], urls: tuple[str | None, ...] = ()
) -> None:
    """Each text field of ``card`` (its name, the same in JSON, and its value) a str, an `Ssml`
    one replaced by the text it speaks (a card shows plain text, never markup; SSML with no
    words is refused), characters XML cannot hold replaced by a space (as in speech), the
    texts with the image URLs (already checked) within the limit, and something to show: a
    text that is not blank (white space and invisible characters), or an image."""
    total = 0
    blank = True
    for name, part in texts:
        if isinstance(part, Ssml):
            part = _xml_text(_shown_text(name, part))
            force_setattr(card, name, part)
        elif not isinstance(part, str):
            # None too: "content": null would show an empty card.
            raise ResponseError(f"card.{name} must be a str, not {type_with_article(part)}")
        else:
            if type(part) is not str:  # the text it holds (a str Enum's value), as speech
                part = _plain_str(part)
                force_setattr(card, name, part)
            if not part.isprintable():
                # As speech: a lone surrogate would fail the whole body, a control character
                # is no text to show.
                part = _unprintable_xml_text(part)
                force_setattr(card, name, part)
        total += len(part)
        if blank and _BLANK.fullmatch(part) is None:
            blank = False
    for url in urls:
        if url is not None:
            total += len(url)
            blank = False
    if blank:
        _refuse_empty_card(texts)
    if total > MAX_CARD_TEXT:
        raise ResponseError(
            f"card text (title, text and image URLs) is {total:,} characters; "
            f"the limit is {MAX_CARD_TEXT:,}"
        )


class SimpleCard(Card, tag="Simple", frozen=True):
    """A card with a title and plain-text content (an `Ssml` value shows as the text it says);
    one of them must show something (`ResponseError` if both are empty or white space)."""

    title: str
    content: str

    def __post_init__(self) -> None:
        title, content = self.title, self.content
        # The usual two str, checked inline (the helper's call costs as much as a card's
        # checks), each scanned once.
        if type(title) is not str or type(content) is not str:
            _check_card_text(self, (("title", title), ("content", content)))
            return
        if not title.isprintable():
            title = _unprintable_xml_text(title)
            force_setattr(self, "title", title)
        if not content.isprintable():
            content = _unprintable_xml_text(content)
            force_setattr(self, "content", content)
        # Something to show: a title or content starting with an ASCII letter or digit is the
        # usual answer, without the pattern (a Hangul filler is alphanumeric, and blank).
        if (
            not (title[:1].isascii() and title[:1].isalnum())
            and not (content[:1].isascii() and content[:1].isalnum())
            and _BLANK.fullmatch(title) is not None
            and _BLANK.fullmatch(content) is not None
        ):
            _refuse_empty_card((("title", title), ("content", content)))
        if len(title) + len(content) > MAX_CARD_TEXT:
            _check_card_text(self, (("title", title), ("content", content)))


def _check_image_url(field: str, url: str | None) -> None:
    if url is None:
        return
    error = _url_error(url) if isinstance(url, str) else "it is not a str"
    if error is not None:
        said = shown_value(url)
        raise ResponseError(f"card.image.{field} must be an HTTPS URL, not {said}: {error}")
    _check_length(f"card.image.{field}", url, MAX_IMAGE_URL)


class StandardCard(Card, tag="Standard", frozen=True):
    """A card with a title, text and optional small and large HTTPS images (text as in
    `SimpleCard`; with an image, both may be empty).

    Each image URL is at most `MAX_IMAGE_URL` characters, and the title, text and image URLs
    together at most `MAX_CARD_TEXT`. Counting the URLs is the conservative reading: Amazon
    documents 8,000 characters for a card's title and content, and no page found says whether
    a Standard card's URLs count; a card this refuses for them alone is one Alexa might take."""

    title: str
    text: str
    small_image_url: str | None = None
    large_image_url: str | None = None

    def __post_init__(self) -> None:
        _check_image_url("smallImageUrl", self.small_image_url)
        _check_image_url("largeImageUrl", self.large_image_url)
        _check_card_text(
            self,
            (("title", self.title), ("text", self.text)),
            (self.small_image_url, self.large_image_url),
        )

    def _wire(self) -> _StandardCardWire:
        """The card as Alexa wants it: image URLs nested under ``image``."""
        image: _CardImage | UnsetType = UNSET
        if self.small_image_url is not None or self.large_image_url is not None:
            image = _CardImage(
                small_image_url=UNSET if self.small_image_url is None else self.small_image_url,
                large_image_url=UNSET if self.large_image_url is None else self.large_image_url,
            )
        return _StandardCardWire(self.title, self.text, image)


class _CardImage(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, kw_only=True):
    small_image_url: str | UnsetType = UNSET
    large_image_url: str | UnsetType = UNSET


class _StandardCardWire(Card, tag="Standard", frozen=True):
    """`StandardCard` laid out for the wire (msgspec cannot nest flat fields itself)."""

    title: str
    text: str
    image: _CardImage | UnsetType = UNSET


class LinkAccountCard(Card, tag="LinkAccount", frozen=True):
    """A card that asks the user to link their account (the skill's account-linking page)."""


class AskForPermissionsConsentCard(Card, tag="AskForPermissionsConsent", frozen=True):
    """A card asking the user to grant permission scopes, e.g. ``alexa::profile:email:read``."""

    permissions: Sequence[str]

    def __post_init__(self) -> None:
        if isinstance(self.permissions, str):
            raise ResponseError("card.permissions must be a list of scopes, not one string")
        # None was a TypeError "not iterable"; a mapping would give its keys, its values lost.
        if not isinstance(self.permissions, Iterable) or isinstance(self.permissions, Mapping):
            kind = type_with_article(self.permissions)
            raise ResponseError(f"card.permissions must be a list of scopes, not {kind}")
        permissions = tuple(self.permissions)
        if not permissions:
            raise ResponseError("card.permissions is empty; name at least one permission scope")
        for index, scope in enumerate(permissions):
            # No scope is empty or holds white space ("alexa::profile:email:read"), nor a
            # character that prints nothing (a zero-width space copied from a web page along
            # with the scope): Alexa would know no such scope.
            if not isinstance(scope, str) or scope.split() != [scope] or not scope.isprintable():
                raise ResponseError(
                    f"card.permissions[{index}] must be a scope, a non-empty str without white "
                    f"space or invisible characters like 'alexa::profile:email:read', not "
                    f"{scope!r}"
                )
        force_setattr(self, "permissions", permissions)
