"""The limits of a ``<prosody>`` tag's ``rate``, ``pitch`` and ``volume``: one check of both the
builder (`alexaskill.ssml.prosody`) and hand-written SSML (`alexaskill.ssml.ssml_error`, the
app's speech: `alexaskill.responses.SsmlSpeech`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from .exceptions import ResponseError
from .shown_names import shown_value

__all__: list[str] = []  # helpers for alexaskill.ssml, alexaskill.ssml_check, alexaskill.responses

_RATES: Final = ("x-slow", "slow", "medium", "fast", "x-fast")
_PITCHES: Final = ("x-low", "low", "medium", "high", "x-high")
_VOLUMES: Final = ("silent", "x-soft", "soft", "medium", "loud", "x-loud")
# ASCII digits only: float() reads any Unicode digit ("٣٠"), Alexa reads 0-9.
_PERCENT = re.compile(r"\d+(?:\.\d+)?%", re.ASCII)
_SIGNED_PERCENT = re.compile(r"[+-]\d+(?:\.\d+)?%", re.ASCII)
_DECIBELS = re.compile(r"[+-]\d+(?:\.\d+)?dB", re.ASCII)
# Limits from Amazon's SSML reference: rate at least 20 %, pitch between -33.3 % and +50 %,
# volume raised by "about +4.08dB" at most (no least: a large cut is near silence).
_MIN_RATE: Final = 20.0
_PITCH_RANGE: Final = (-33.3, 50.0)
_MAX_DECIBELS: Final = 4.08


def _keyword(
    attribute: str, value: str, keywords: tuple[str, ...], number: re.Pattern[str], said: str
) -> bool:
    """Whether ``value`` of ``attribute`` is one of its ``keywords``; False if it is a str of the
    ``number`` form (its limit is the caller's to check); else a `ResponseError` naming both
    (``said``: the number form, in words)."""
    if value in keywords:
        return True
    if not isinstance(value, str) or not number.fullmatch(value):
        raise ResponseError(
            f"SSML <prosody {attribute}={shown_value(value)}> must be one of "
            f"{', '.join(keywords)} or {said}"
        )
    return False


def _prosody_rate(rate: str) -> str:
    if _keyword("rate", rate, _RATES, _PERCENT, "a percentage"):
        return rate
    if float(rate[:-1]) < _MIN_RATE:
        raise ResponseError(f"SSML <prosody rate={shown_value(rate)}> is below the minimum of 20%")
    return rate


def _prosody_pitch(pitch: str) -> str:
    if _keyword("pitch", pitch, _PITCHES, _SIGNED_PERCENT, "a signed percentage like '+10%'"):
        return pitch
    low, high = _PITCH_RANGE
    if not low <= float(pitch[:-1]) <= high:
        raise ResponseError(f"SSML <prosody pitch={shown_value(pitch)}> is outside -33.3% to +50%")
    return pitch


def _prosody_volume(volume: str) -> str:
    if _keyword("volume", volume, _VOLUMES, _DECIBELS, "a signed decibel change like '+2dB'"):
        return volume
    if float(volume[:-2]) > _MAX_DECIBELS:
        raise ResponseError(
            f"SSML <prosody volume={shown_value(volume)}> is above Alexa's maximum of "
            f"+{_MAX_DECIBELS}dB "
            "(use 'x-loud' for the loudest)"
        )
    return volume


#: The checks of `alexaskill.ssml.prosody`, by attribute.
_PROSODY_CHECKS: Final = (
    ("rate", _prosody_rate),
    ("pitch", _prosody_pitch),
    ("volume", _prosody_volume),
)


def _prosody_error(attributes: Mapping[str, str]) -> str | None:
    """Why a ``<prosody>`` tag's ``rate``, ``pitch`` or ``volume`` is one `alexaskill.ssml.prosody`
    refuses, or None: the one check of both `ssml_error` and the speech a handler builds
    (`alexaskill.responses.SsmlSpeech`)."""
    for attribute, check in _PROSODY_CHECKS:
        value = attributes.get(attribute)
        if value is not None:
            try:
                check(value)
            except ResponseError as exc:  # "SSML <prosody volume='+9dB'> is above …"
                return str(exc).removeprefix("SSML ")
    return None
