"""The VideoApp interface: play a video file on a device with a screen."""

from __future__ import annotations

from typing import Any, ClassVar, Final

from ..responses import Directive
from .checks import _https, _text

__all__ = [
    "VideoApp",
]


class VideoApp:
    """The VideoApp interface: play a video file on a device with a screen."""

    __slots__ = ()

    #: The interface a device must declare for these directives.
    INTERFACE: Final = "VideoApp"

    class Launch(Directive, tag="VideoApp.Launch", frozen=True):
        """Play the video at ``source`` (HTTPS), with an optional title and subtitle."""

        interface: ClassVar[str | None] = "VideoApp"
        _nested: ClassVar[bool] = True
        source: str
        title: str | None = None
        subtitle: str | None = None

        def __post_init__(self) -> None:
            _https("VideoApp.Launch videoItem.source", self.source)
            for field, value in (("title", self.title), ("subtitle", self.subtitle)):
                if value is not None:
                    _text(f"VideoApp.Launch videoItem.metadata.{field}", value)

        def _wire(self) -> dict[str, Any]:
            item: dict[str, Any] = {"source": self.source}
            metadata = {
                key: value
                for key, value in (("title", self.title), ("subtitle", self.subtitle))
                if value is not None
            }
            if metadata:
                item["metadata"] = metadata
            return {"type": "VideoApp.Launch", "videoItem": item}
