"""What `TestClient` takes: the type of the ``skill_client`` fixture, the keyword check, its
fake API and PKI (`check_api_and_pki`), the intent `TestClient.send` needs
(`check_intent_named`) and its fields' spelling (`check_camel_case`), the device's requests
(`check_sent_by_device`), its clock, ids and player (`checked_clock`, `checked_id`,
`checked_player`), the PKI that certifies its requests at its clock (`pki_at_clock`), the
envelope it sends as it is (`envelope_body`), and the request it gives back with the answer
(`copied`)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..articles import type_with_article
from ..locales import check_locale
from ..shown_names import shown, shown_escaped, shown_value
from .alexa_api import FakeAlexaApi
from .factory_checks import SENT_WITH, checked_factory_field
from .pki import TestPKI, check_valid_at
from .player import DevicePlayer

if TYPE_CHECKING:
    from ..app import Skill
    from .client import TestClient

__all__ = [
    "SkillClientFactory",
    "check_api_and_pki",
    "check_camel_case",
    "check_intent_named",
    "check_options",
    "check_sent_by_device",
    "checked_callable",
    "checked_clock",
    "checked_flag",
    "checked_id",
    "checked_invocation",
    "checked_model",
    "checked_path",
    "checked_player",
    "copied",
    "envelope_body",
    "pki_at_clock",
]


class SkillClientFactory(Protocol):
    """The type of the pytest plugin's ``skill_client`` fixture: ``skill_client(skill,
    **options)`` is a started `TestClient` (the options are TestClient's)."""

    def __call__(self, skill: Skill, **options: Any) -> TestClient: ...


def check_options(skill: object, api_data: Mapping[str, Any], init: Callable[..., None]) -> None:
    """Refuse a ``skill`` that is no `Skill` (the module holding one, most often: named), and a
    keyword neither `TestClient` (whose ``__init__`` is ``init``) nor `FakeAlexaApi` takes,
    naming the client (the data goes on to FakeAlexaApi, whose own TypeError would name it
    instead) and a close one."""
    import inspect
    import types

    from ..app import Skill
    from ..typos import close_matches

    if not isinstance(skill, Skill):
        if isinstance(skill, types.ModuleType):
            held = [name for name, value in vars(skill).items() if isinstance(value, Skill)]
            module = skill.__name__
            hint = f"; TestClient({shown(f'{module}.{held[0]}')})" if held else ""
            what = f"the module {shown_value(module.rsplit('.', 1)[-1])}{hint}"
        else:
            what = shown_value(skill)  # (cut; one whose repr raises, said all the same)
        raise TypeError(f"TestClient() tests a Skill (alexaskill.Skill), not {what}")

    known = {f.name for f in dataclasses.fields(FakeAlexaApi) if f.init}
    for name in api_data:
        if name not in known:
            own = set(inspect.signature(init).parameters) - {"self", "api_data"}
            close = close_matches(name, known | own)
            meant = f"; did you mean {close[0]}?" if close else ""
            raise TypeError(f"TestClient(): no option {shown_value(name)}{meant}")


def check_api_and_pki(api: object, pki: object) -> None:
    """Refuse an ``api`` that is no `FakeAlexaApi` (its data as a dict, most often: shown as the
    keywords that give it) and a ``pki`` that is no `TestPKI`, before either fails deep inside the
    client with an `AttributeError`."""
    if api is not None and not isinstance(api, FakeAlexaApi):
        kind = type_with_article(api)
        told = f"TestClient(api=...) is a FakeAlexaApi, not {kind} {shown_value(api)}"
        if isinstance(api, Mapping) and all(isinstance(key, str) for key in api):
            # (each value cut, and the keywords too: a test's data of megabytes, said whole)
            said = ", ".join(f"{key}={shown_value(value)}" for key, value in api.items())
            keywords = shown_escaped(said)
            told += f": give its data as keywords, TestClient(skill, {keywords})"
        raise TypeError(told)
    if pki is not None and not isinstance(pki, TestPKI):
        raise TypeError(
            f"TestClient(pki=...) is a TestPKI (TestPKI.default(), or the test_pki fixture), "
            f"not {type_with_article(pki)} {shown_value(pki)}"
        )


def check_camel_case(fields: Mapping[str, Any]) -> None:
    """`ValueError` for a field named in Python's snake_case (``offset_in_milliseconds``), as
    `DevicePlayer` and the models spell it: Alexa names every field of a request in camelCase,
    so the skill would read the field of that name Alexa sends, not this one."""
    for name in fields:
        head, *rest = name.split("_")
        if head and rest and all(rest):
            camel = head + "".join(word[:1].upper() + word[1:] for word in rest)
            raise ValueError(
                f"{name}=...: Alexa names a request's fields in camelCase: {camel}=... (the "
                "skill would read that one, not this)"
            )


def check_intent_named(
    request_type: str, fields: Mapping[str, Any], session: object = None
) -> None:
    """`ValueError` for an IntentRequest or CanFulfillIntentRequest whose ``intent`` field has
    no name: Alexa names the intent of each, and the skill would answer it with a 400. And
    `TypeError` for a ``request_type`` that is no text, a ``session`` that is no object, or a
    ``now`` field (no request has one: the client's clock dates its requests); and
    `ConfigurationError` for a ``locale`` field Alexa never sends (null is an old request's)."""
    if "type" in fields:
        raise TypeError(
            "send() takes the request type as its first argument "
            f"({shown_value(request_type)}), not a type= field"
        )
    if "now" in fields:
        raise TypeError(
            "send() takes no now=: the client's clock dates its requests, TestClient(now=...); "
            "a request of another time is timestamp='2026-11-27T09:30:00Z' (verified against "
            "the client's clock: a stale one is refused)"
        )
    if fields.get("locale") is not None:
        check_locale(fields["locale"], "send(locale=...)")  # (as client.locale is checked)
    if not isinstance(request_type, str) or not request_type:
        raise TypeError(
            'send() takes the request type as a str ("LaunchRequest"), not '
            f"{shown_value(request_type)}"
        )
    if session is not None and not isinstance(session, Mapping):
        raise TypeError(
            "session= is the session object of the request (a dict: client.factory.session() "
            f"makes one), not {shown_value(session)}"
        )
    if request_type not in ("IntentRequest", "CanFulfillIntentRequest"):
        return
    intent = fields.get("intent")
    name = intent.get("name") if isinstance(intent, Mapping) else None
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"{request_type}: pass the intent, send({request_type!r}, intent={{'name': "
            "'GetWeather', ...}) (Alexa names the intent of every one; client.intent(name) "
            "sends an IntentRequest). A malformed request on purpose: send_envelope"
        )


def checked_clock(now: Callable[[], _dt.datetime] | None) -> _dt.datetime | None:
    """The time ``now`` gives, which dates and verifies the client's requests: an aware
    datetime, for a naive one is no moment (Alexa's timestamps are in UTC)."""
    if now is None:
        return None
    moment = checked_callable("now", now)()
    if not isinstance(moment, _dt.datetime) or moment.utcoffset() is None:
        raise TypeError(
            "TestClient(now=...) must return an aware datetime, not "
            f"{shown_value(moment)}: a time without a zone is no moment. Give one, e.g. "
            "datetime(2026, 11, 27, 9, 30, tzinfo=datetime.UTC); the user's local time for `say` "
            "is local_now=..."
        )
    return moment


def pki_at_clock(pki: TestPKI | None, moment: _dt.datetime | None) -> TestPKI:
    """The client's PKI: ``pki``, else the shared one (`TestPKI.default`, the pytest plugin's
    ``test_pki`` too), valid from yesterday for a year; for a clock (at ``moment``) outside
    that, the same keys certified at its time, so that a test of a fixed date passes on any
    day. `ValueError` naming ``now=`` for a moment no certificate can cover."""
    # (the shared one as it stands: default() would make its keys to say a PKI given is not it)
    if pki is not None and pki is not TestPKI._default:
        return pki
    pki = TestPKI.default()
    if moment is None or pki.not_before <= moment <= pki.not_after:
        return pki
    check_valid_at(moment, "TestClient(now=...)")
    return TestPKI(valid_at=moment)


def checked_callable(option: str, clock: Callable[[], _dt.datetime]) -> Callable[[], _dt.datetime]:
    """``clock``, the client's ``option`` (``now``, ``local_now``): `TypeError` unless it can be
    called, as a moment given for the clock is not."""
    if not callable(clock):
        raise TypeError(
            f"TestClient({option}=...) is a clock, a function giving the time "
            "(lambda: datetime(2026, 11, 27, 9, 30, tzinfo=datetime.UTC)), not "
            f"{shown_value(clock)}"
        )
    return clock


def checked_flag(option: str, value: object) -> bool:
    """``value`` for the client's ``option`` (``raise_handler_errors``): `TypeError` unless it
    is True or False, as ``"no"`` (or None) would count as true, or false, unnoticed."""
    if not isinstance(value, bool):
        raise TypeError(f"TestClient({option}=...) is True or False, not {shown_value(value)}")
    return value


def checked_path(path: object) -> str:
    """``path``, the URL path the client posts to: `TypeError` unless it is a str starting with
    ``/`` (one without was sent to another host, a number failed deep in Starlette's client)."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise TypeError(
            f"TestClient(path=...) is the skill's URL path, a str starting with / ('/alexa'; "
            f"default: the skill's own), not {shown_value(path)}"
        )
    return path


def checked_model(model: object) -> Any:
    """``model`` for `say` and `intent`, read now: an `InteractionModel` (one given, or read
    from its JSON or a file: `InteractionModelError` for a file missing or not a model, here,
    not at the first ``say``), a directory of ``<locale>.json`` files (kept: read in each
    locale the client takes), or None (the skill's own). `TypeError` for anything else,
    `ValueError` for an empty name."""
    import os

    from ..understanding import InteractionModel, load_model

    if model is None or isinstance(model, InteractionModel):
        return model
    if isinstance(model, Mapping):
        return load_model(model)
    if not isinstance(model, str | os.PathLike):
        raise TypeError(
            "TestClient(model=...) is an interaction model (an ASK CLI model file or its "
            f"directory, its JSON as a dict, or an InteractionModel), not {shown_value(model)}"
        )
    if not os.fspath(model):  # (read as ".": the directory the tests happen to run in)
        raise ValueError(f"TestClient(model={model!r}): no file named")
    if os.path.isdir(model):
        return model
    return load_model(model)


def checked_invocation(invocation: object, model: object, locale: str) -> str | None:
    """``invocation`` for the model built from the skill's code: None, or a name Amazon's build
    takes in ``locale`` (`invocation_problems`): `TypeError` for no str, `ValueError` for a name
    refused, or for one given beside a ``model``, which names its own."""
    from ..interaction.invocation import invocation_problems

    if invocation is None:
        return None
    if not isinstance(invocation, str):
        raise TypeError(
            "TestClient(invocation=...) is the skill's invocation name, a str "
            f"('trip planner'), not {shown_value(invocation)}"
        )
    if model is not None:
        raise ValueError(
            "TestClient(invocation=...) names the skill in the model built from its code; the "
            "model given has its own (its invocationName): give one or the other"
        )
    problems = invocation_problems(invocation, locale)
    if problems:  # (else the first say() raised it, and a test of intent() alone never did)
        raise ValueError(f"TestClient(invocation=...): {'; '.join(problems)}")
    return invocation


def checked_id(field: str, value: object) -> str:
    """``value`` for the client's ``field`` (``user_id``, ``device_id``, ``skill_id``):
    `TypeError` unless it is a str that is neither empty nor blank, as Alexa's ids are
    (``amzn1.ask.account.…``): the factory's own check (`checked_factory_field`)."""
    return str(checked_factory_field(field, value))


def check_sent_by_device(request_type: str, interfaces: tuple[str, ...]) -> None:
    """`ValueError` for a request only a device declaring an interface ``interfaces`` lack
    sends: an ``AudioPlayer.*`` event or ``PlaybackController.*`` press without AudioPlayer, an
    APL (APLT, HTML) event without that interface, a ``Display.*`` one without Display."""
    for prefix, interface in SENT_WITH.items():
        if request_type.startswith(prefix) and interface not in interfaces:
            why = (
                "AudioPlayer events and PlaybackController presses only from a device that "
                "plays the skill's streams"
                if interface == "AudioPlayer"
                else f"{prefix}* requests only from a device showing the skill's documents"
            )
            raise ValueError(
                f"{request_type}: the device declares no {interface} interface (interfaces="
                f"{shown_value(interfaces)}), and Alexa sends {why}: add {interface}"
            )


def checked_player(value: object) -> DevicePlayer:
    """``value`` for the client's ``player``: `TypeError` unless it is a `DevicePlayer`."""
    if not isinstance(value, DevicePlayer):
        raise TypeError(
            f"client.player is the device's audio player, a DevicePlayer (DevicePlayer('ep-1', "
            f"activity='PLAYING')), not {shown_value(value)}"
        )
    return value


def envelope_body(envelope: object) -> bytes:
    """The JSON body of ``envelope``, sent as it is: `TypeError` unless it is a dict (a
    `Mapping`), as `TestClient.send_envelope` takes it (raw bytes go to ``post``)."""
    if not isinstance(envelope, Mapping):
        raise TypeError(
            "send_envelope() takes a request envelope as a dict (json.loads(text) of JSON "
            "text; client.post(body, headers) sends bytes unsigned), not "
            f"{type_with_article(envelope)}"
        )
    try:
        return _dumped(envelope)
    except RecursionError:
        # Nested nearly as deep as json takes (session attributes a skill sent back), from a
        # test's deep frames: encoded from a fresh stack and sent as it is, for the skill's
        # server to take or refuse as it would Alexa's request.
        from ..fresh_stack import in_fresh_stack

        return in_fresh_stack(_dumped, envelope)


def _dumped(envelope: Mapping[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False).encode()


def copied(value: Mapping[str, Any]) -> Any:
    """A copy of ``value`` made through its JSON text (the request a result gives back), from
    a fresh stack when the caller's frames leave no room for its nesting, as `envelope_body`
    encodes it: what the skill's server took never fails to come back."""
    try:
        return _copy(value)
    except RecursionError:
        from ..fresh_stack import in_fresh_stack

        return in_fresh_stack(_copy, value)


def _copy(value: Mapping[str, Any]) -> Any:
    return json.loads(json.dumps(value))
