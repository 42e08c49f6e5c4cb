"""Amazon's built-in intents: the one list of their names, and the check of a name against it.

Amazon's "Standard Built-in Intents" page lists the intents every custom skill can use without
sample utterances:
https://developer.amazon.com/en-US/docs/alexa/custom-skills/standard-built-in-intents.html
The built-in intent library adds names like ``AMAZON.SearchAction<object@WeatherForecast>``:
https://developer.amazon.com/en-US/docs/alexa/custom-skills/built-in-intent-library.html
A name starting with ``AMAZON.`` that is neither is a typing mistake: Alexa would never send it,
so its handler would never run. `check_builtin_intent` refuses it at registration, suggesting
the closest name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from .exceptions import ConfigurationError
from .shown_names import shown
from .typos import NAME_OF_WORDS, meant

__all__ = [
    "AUDIO_PLAYER_INTENTS",
    "BUILTIN_INTENTS",
    "CUSTOM_NAME",
    "REQUIRED_INTENTS",
    "audio_player_signs",
    "check_builtin_intent",
]

#: The standard built-in intents, including those for devices with a screen.
BUILTIN_INTENTS: Final = frozenset(
    (
        "AMAZON.CancelIntent",
        "AMAZON.FallbackIntent",
        "AMAZON.HelpIntent",
        "AMAZON.LoopOffIntent",
        "AMAZON.LoopOnIntent",
        "AMAZON.MoreIntent",
        "AMAZON.NavigateHomeIntent",
        "AMAZON.NavigateSettingsIntent",
        "AMAZON.NextIntent",
        "AMAZON.NoIntent",
        "AMAZON.PageDownIntent",
        "AMAZON.PageUpIntent",
        "AMAZON.PauseIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.ResumeIntent",
        "AMAZON.ScrollDownIntent",
        "AMAZON.ScrollLeftIntent",
        "AMAZON.ScrollRightIntent",
        "AMAZON.ScrollUpIntent",
        "AMAZON.SelectIntent",
        "AMAZON.SendToPhoneIntent",
        "AMAZON.ShuffleOffIntent",
        "AMAZON.ShuffleOnIntent",
        "AMAZON.StartOverIntent",
        "AMAZON.StopIntent",
        "AMAZON.YesIntent",
    )
)

#: The built-in intents every custom skill's interaction model must contain.
REQUIRED_INTENTS: Final = (
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
)

#: The built-in intents Amazon requires of a skill using the AudioPlayer interface, besides
#: `REQUIRED_INTENTS` ("AudioPlayer Interface Reference": "Include the required built-in intents
#: for pausing and resuming audio in your intent schema and implement them in some way"):
#: https://developer.amazon.com/en-US/docs/alexa/custom-skills/audioplayer-interface-reference.html
AUDIO_PLAYER_INTENTS: Final = ("AMAZON.PauseIntent", "AMAZON.ResumeIntent")
#: Requests Alexa sends only to a skill that uses the AudioPlayer interface: handling one is
#: using it (a skill's manifest says so too, with the AUDIO_PLAYER interface).
_AUDIO_PLAYER_REQUESTS: Final = ("AudioPlayer.", "PlaybackController.")

_PREFIX: Final = "AMAZON."

#: A custom intent's or slot's name as Amazon takes it ("Intent and slot name requirements":
#: letters and underscores, no digits, spaces or other signs). The model builder checks the same.
CUSTOM_NAME: Final = re.compile(r"[A-Za-z][A-Za-z_]*")


def audio_player_signs(request_types: Iterable[str]) -> list[str]:
    """The ``request_types`` (of a skill's handlers) that show it uses the AudioPlayer interface:
    ``AudioPlayer.*`` and ``PlaybackController.*`` requests, sorted, without duplicates."""
    return sorted({kind for kind in request_types if kind.startswith(_AUDIO_PLAYER_REQUESTS)})


def check_builtin_intent(name: str) -> None:
    """Raise `ConfigurationError` if ``name`` looks like a built-in intent but is none."""
    if name[: len(_PREFIX)].upper() != _PREFIX:
        # Amazon's own names without the prefix ("StopIntent") are legal custom intents; the
        # start-up check warns about them instead (see alexaskill.interaction.model_warnings).
        return
    if name in BUILTIN_INTENTS:
        return
    if name.startswith(_PREFIX) and "<" in name and name.endswith(">"):
        return  # the built-in intent library: AMAZON.SearchAction<object@WeatherForecast>
    closest = meant(name, BUILTIN_INTENTS, cutoff=NAME_OF_WORDS)
    hint = f"; did you mean {closest}?" if closest else ""
    if not hint:
        hint = (
            "; the standard ones are " + ", ".join(sorted(BUILTIN_INTENTS)) + ", and the "
            "built-in intent library's look like AMAZON.SearchAction<object@WeatherForecast>"
        )
    raise ConfigurationError(
        f"{shown(name, quoted=True)} is not one of Amazon's built-in intents, so Alexa never "
        f"sends it{hint}"
    )
