"""What `RequestFactory` takes: each field and argument of the wrong type is a `TypeError` that
says what to pass, and so is an id or ``api_access_token`` that is empty or blank (no id at
all, as None is: these have been TypeErrors since they were first checked); a value of the
right type Alexa never sends (an empty request type or intent name, a ``userId`` in ``user``,
an ``api_endpoint`` that is no http(s) URL) is a `ValueError`. Each is raised where it is
given, rather than an error deep in the building of the request ("dictionary update sequence
element #0 has length 1") or a request the skill refuses."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Final

from ..shown_names import shown_value
from .player import DevicePlayer

__all__ = [
    "SENT_WITH",
    "checked_factory_field",
    "checked_moment",
    "checked_name",
    "checked_session",
    "checked_session_parts",
    "checked_turn",
    "checked_user_fields",
]

#: The requests only a device declaring an interface sends, by the prefix of their type: its
#: player's events and buttons, the events of its screen's APL, APLT or Display documents.
SENT_WITH: Final = {
    "AudioPlayer.": "AudioPlayer",
    "PlaybackController.": "AudioPlayer",
    "Alexa.Presentation.APL.": "Alexa.Presentation.APL",
    "Alexa.Presentation.APLT.": "Alexa.Presentation.APLT",
    "Alexa.Presentation.HTML.": "Alexa.Presentation.HTML",
    "Display.": "Display",
}

#: The factory's fields holding an id, and the kind of id each is (its prefix's word).
_IDS: Final = {"skill_id": "skill", "user_id": "account", "device_id": "device"}


def checked_factory_field(name: str, value: Any) -> Any:
    """``value`` for the factory's field ``name`` (its ids, ``api_endpoint``, ``user``,
    ``player``, ``api_access_token``; the others as they are): `TypeError` for one of the
    wrong type, or an id or token that is empty or blank; `ValueError` for an ``api_endpoint``
    that is no http or https URL, or a ``user`` holding a ``userId``."""
    if name in _IDS and not _filled(value):
        raise TypeError(
            f"{name} is an id: a str such as 'amzn1.ask.{_IDS[name]}.A1B2', not "
            f"{shown_value(value)}"
        )
    if name == "api_endpoint":
        if not isinstance(value, str):
            raise TypeError(
                f"api_endpoint is a URL, where the skill calls Alexa's service APIs (a str: "
                f"'https://api.amazonalexa.com'), not {shown_value(value)}"
            )
        # Only the scheme: a test may give a host the skill must refuse to call (a forged one).
        scheme, sep, rest = value.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or not rest:
            raise ValueError(
                f"api_endpoint {shown_value(value)}: an http(s) URL, where the skill calls "
                "Alexa's service APIs ('https://api.amazonalexa.com', or a served "
                "FakeAlexaApi's URL)"
            )
    if name == "user":
        checked_user_fields(value)
    if name == "api_access_token" and value is not None and not _filled(value):
        raise TypeError(
            f"api_access_token is {shown_value(value)}: a str, the token every request carries "
            "('my-token'), or None (each request one of its own)"
        )
    if name == "player" and not isinstance(value, DevicePlayer):
        raise TypeError(
            f"player is the device's audio player, a DevicePlayer (DevicePlayer('ep-1', "
            f"activity='PLAYING')), not {shown_value(value)}"
        )
    return value


def _filled(value: object) -> bool:
    """Whether ``value`` is a str with more than whitespace in it, as an id or a token is."""
    return isinstance(value, str) and bool(value.strip())


def checked_user_fields(user: object) -> Mapping[str, Any]:
    """The factory's ``user``: a mapping of fields beside the ``userId`` (`TypeError` for no
    mapping, `ValueError` for one holding a ``userId``, which would replace the factory's
    ``user_id`` in the requests, not in their tokens or the fake API's data)."""
    if not isinstance(user, Mapping):
        raise TypeError(
            f"user is a mapping of fields added to context.System.user ({{'accessToken': "
            f"'token'}}), not {shown_value(user)}"
        )
    if "userId" in user:
        raise ValueError(
            f"user= holds the fields beside the userId ({{'accessToken': 'token'}}), not "
            f"'userId': {shown_value(user['userId'])}: the user's id is user_id= "
            "(RequestFactory(user_id='amzn1.ask.account.A1B2'), factory.user_id = ..., or "
            "client.user_id = ... for a TestClient)"
        )
    return user


def checked_session(session: object) -> Mapping[str, Any] | None:
    """``session=`` of `RequestFactory.envelope`: None, or the session object (a mapping)."""
    if session is not None and not isinstance(session, Mapping):
        raise TypeError(
            "session= is the session object of the request, a mapping (factory.session() makes "
            "one; factory.session('amzn1.echo-api.session.1') one of that id), not "
            f"{shown_value(session)}"
        )
    return session


def checked_session_parts(session_id: object, new: object, attributes: object) -> None:
    """The arguments of `RequestFactory.session`: `TypeError` for one of the wrong type, or a
    ``session_id`` that is empty or blank (an id given is sent as it is; None: one made up)."""
    if session_id is not None and not _filled(session_id):
        raise TypeError(
            f"session_id= is the session's id, a str ('amzn1.echo-api.session.1'), not "
            f"{shown_value(session_id)}"
        )
    if not isinstance(new, bool):
        raise TypeError(
            f"new= is True or False (whether the session starts), not {shown_value(new)}"
        )
    if attributes is not None and not isinstance(attributes, Mapping):
        raise TypeError(
            f"attributes= are the session's attributes, a mapping ({{'count': 1}}), not "
            f"{shown_value(attributes)}"
        )


def checked_moment(now: object) -> _dt.datetime | None:
    """``now=``: None (the clock) or a datetime (`timestamp` refuses one without a zone)."""
    if now is not None and not isinstance(now, _dt.datetime):
        hint = " (for ISO 8601 text: datetime.fromisoformat(text))" if isinstance(now, str) else ""
        raise TypeError(
            "now= is a datetime with its time zone (datetime(2026, 11, 27, 9, 30, "
            f"tzinfo=datetime.UTC)), not {shown_value(now)}{hint}"
        )
    return now


def checked_name(value: object, what: str, example: str) -> str:
    """``value``, a name given as ``what`` ("the request type"): `TypeError` for no str,
    `ValueError` for an empty or blank one."""
    if not isinstance(value, str) or not value.strip():
        error = ValueError if isinstance(value, str) else TypeError
        raise error(f"give {what} as a str ({example!r}), not {shown_value(value)}")
    return value


def checked_turn(request: object) -> Mapping[str, Any]:
    """``request`` of `RequestFactory.turn`: a mapping with its ``type``."""
    if not isinstance(request, Mapping) or not isinstance(request.get("type"), str):
        raise TypeError(
            "turn() takes the request object, a mapping with its 'type' ({'type': "
            f"'LaunchRequest'}}), not {shown_value(request)}"
        )
    return request
