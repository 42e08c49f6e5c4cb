"""The AudioPlayer interface: stream long-form audio, with what a screen shows meanwhile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final, Literal

import msgspec

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..responses import Directive
from ..shown_names import shown_value
from .checks import _https, _one_of, _text

__all__ = [
    "MAX_AUDIO_TOKEN",
    "MAX_STREAM_URL",
    "AudioMetadata",
    "AudioPlayer",
]


#: Characters in an audio stream URL.
MAX_STREAM_URL: Final = 8000
#: Characters in an audio stream token (and ``expectedPreviousToken``).
MAX_AUDIO_TOKEN: Final = 1024


#: ``offsetInMilliseconds``, a ``long``: the most it may be.
_MAX_LONG: Final = 2**63 - 1
_PLAY_BEHAVIORS: Final = ("REPLACE_ALL", "ENQUEUE", "REPLACE_ENQUEUED")
_CLEAR_BEHAVIORS: Final = ("CLEAR_ENQUEUED", "CLEAR_ALL")


class AudioMetadata(msgspec.Struct, frozen=True, kw_only=True):
    """What a screen shows while a stream plays: title, subtitle, art and background (HTTPS)."""

    title: str | None = None
    subtitle: str | None = None
    #: URL of the album art or episode image.
    art: str | None = None
    #: URL of the background image.
    background_image: str | None = None

    def __post_init__(self) -> None:
        for field, value in (("title", self.title), ("subtitle", self.subtitle)):
            if value is not None:
                _text(f"AudioPlayer.Play metadata.{field}", value)
        if self.art is not None:
            _https("AudioPlayer.Play metadata.art", self.art)
        if self.background_image is not None:
            _https("AudioPlayer.Play metadata.backgroundImage", self.background_image)

    def _wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {}
        if self.title is not None:
            wire["title"] = self.title
        if self.subtitle is not None:
            wire["subtitle"] = self.subtitle
        if self.art is not None:
            wire["art"] = {"sources": [{"url": self.art}]}
        if self.background_image is not None:
            wire["backgroundImage"] = {"sources": [{"url": self.background_image}]}
        return wire


def _check_metadata_json(metadata: object) -> None:
    """Raise `ResponseError` where a Play's ``audioItem.metadata`` written as JSON breaks a rule
    `AudioMetadata` checks: an object, its title and subtitle non-empty text, each image
    source's URL HTTPS (what ``art`` and ``backgroundImage`` hold: ``{"sources": [{"url": …},
    …]}``). A member that is None is not given, as `AudioMetadata`'s."""
    where = "AudioPlayer.Play audioItem.metadata"
    if not isinstance(metadata, Mapping):
        raise ResponseError(f"{where} must be an object, not {type_with_article(metadata)}")
    for name in ("title", "subtitle"):
        text = metadata.get(name)
        if text is not None and (not isinstance(text, str) or not text):
            # (as `_text` says it for AudioMetadata, which refuses "" too)
            raise ResponseError(f"{where}.{name} must be a non-empty str, not {shown_value(text)}")
    for name in ("art", "backgroundImage"):
        image = metadata.get(name)
        if image is None:
            continue
        sources = image.get("sources") if isinstance(image, Mapping) else None
        if not isinstance(sources, list) or not all(isinstance(s, Mapping) for s in sources):
            raise ResponseError(
                f'{where}.{name} must be an image: {{"sources": [{{"url": "https://…"}}]}}'
            )
        for index, source in enumerate(sources):
            _https(f"{where}.{name}.sources[{index}].url", source.get("url"))


class AudioPlayer:
    """The AudioPlayer interface: stream long-form audio, queue the next stream, stop."""

    __slots__ = ()

    #: The interface a device must declare for these directives.
    INTERFACE: Final = "AudioPlayer"

    class Play(Directive, tag="AudioPlayer.Play", frozen=True):
        """Stream ``url`` (HTTPS), identified by ``token``; ``ENQUEUE`` names the stream before."""

        kind: ClassVar[str] = "audio"
        interface: ClassVar[str | None] = "AudioPlayer"
        _nested: ClassVar[bool] = True
        url: str
        token: str
        play_behavior: Literal["REPLACE_ALL", "ENQUEUE", "REPLACE_ENQUEUED"] = "REPLACE_ALL"
        offset_in_milliseconds: int = 0
        #: The token of the stream this one follows: required with ENQUEUE, refused otherwise.
        expected_previous_token: str | None = None
        metadata: AudioMetadata | None = None

        def __post_init__(self) -> None:
            where = "AudioPlayer.Play"
            _one_of(f"{where} playBehavior", self.play_behavior, _PLAY_BEHAVIORS)
            stream = f"{where} audioItem.stream"
            _https(f"{stream}.url", self.url, limit=MAX_STREAM_URL)
            _text(f"{stream}.token", self.token, limit=MAX_AUDIO_TOKEN)
            offset = self.offset_in_milliseconds
            # Amazon's AudioPlayer interface reference types it a long: 10**5000 was taken here
            # and failed only as the reply was encoded, past the handler.
            if (
                isinstance(offset, bool)
                or not isinstance(offset, int)
                or not 0 <= offset <= _MAX_LONG
            ):
                raise ResponseError(
                    f"{stream}.offsetInMilliseconds must be an int of 0 or more, at most "
                    f"2**63-1 (a long), not {shown_value(offset)}"
                )
            previous = self.expected_previous_token
            if self.play_behavior == "ENQUEUE":
                if previous is None:
                    raise ResponseError(
                        f"{stream}.expectedPreviousToken is required with playBehavior ENQUEUE: "
                        "give the token of the stream this one follows"
                    )
                _text(f"{stream}.expectedPreviousToken", previous, limit=MAX_AUDIO_TOKEN)
            elif previous is not None:
                raise ResponseError(
                    f"{stream}.expectedPreviousToken is only allowed with playBehavior ENQUEUE, "
                    f"not {self.play_behavior}"
                )
            if self.metadata is not None and not isinstance(self.metadata, AudioMetadata):
                raise ResponseError(f"{where} metadata must be an AudioMetadata")

        def _wire(self) -> dict[str, Any]:
            stream: dict[str, Any] = {
                "url": self.url,
                "token": self.token,
                "offsetInMilliseconds": self.offset_in_milliseconds,
            }
            if self.expected_previous_token is not None:
                stream["expectedPreviousToken"] = self.expected_previous_token
            item: dict[str, Any] = {"stream": stream}
            if self.metadata is not None:
                item["metadata"] = self.metadata._wire()
            return {
                "type": "AudioPlayer.Play",
                "playBehavior": self.play_behavior,
                "audioItem": item,
            }

    class Stop(Directive, tag="AudioPlayer.Stop", frozen=True):
        """Stop the stream that is playing."""

        kind: ClassVar[str] = "audio"
        interface: ClassVar[str | None] = "AudioPlayer"

    class ClearQueue(Directive, tag="AudioPlayer.ClearQueue", frozen=True):
        """Clear the queue: ``CLEAR_ENQUEUED`` keeps the current stream, ``CLEAR_ALL`` stops it."""

        kind: ClassVar[str] = "audio"
        interface: ClassVar[str | None] = "AudioPlayer"
        clear_behavior: Literal["CLEAR_ENQUEUED", "CLEAR_ALL"]

        def __post_init__(self) -> None:
            _one_of("AudioPlayer.ClearQueue clearBehavior", self.clear_behavior, _CLEAR_BEHAVIORS)
