"""Every exception class alexaskill defines comes out of `copy.copy`, `copy.deepcopy` and a
pickle round trip whole: its class, its message and its attributes. BaseException's copy and
pickle remake an exception as ``cls(*error.args)``, its message alone for most, which an
``__init__`` that takes its parts does not take (`alexaskill.exceptions.remade_from_parts`): a
process pool sending one back failed with a TypeError, or remade another message."""

from __future__ import annotations

import asyncio
import copy
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import alexaskill
import alexaskill.exceptions
from alexaskill.apologising import Answer
from alexaskill.cli import serve_uvicorn

from .exceptions_shared import import_every_module

_CANCELLED = asyncio.CancelledError("shutdown")
_SERVE_TERMINATED = serve_uvicorn._Terminated()

#: Each exception class alexaskill defines (``module.qualname``), and the arguments one is made
#: with here: positional, then keyword. A class that is not here fails the test: add it, with
#: arguments as alexaskill raises it with (every keyword it takes, to see each kept).
MADE: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "alexaskill.cancellations.AnsweredCancellation": ((503, b'{"x": 1}', _CANCELLED), {}),
    "alexaskill.capture.CaptureFileError": (("c/x.json", "not an alexaskill capture file"), {}),
    "alexaskill.cli._Terminated": ((), {}),
    "alexaskill.cli.common.UsageError": (("--port: not a number",), {}),
    "alexaskill.cli.endpoint._RouteOpen": ((), {}),
    "alexaskill.cli.endpoint._Unreached": (("cannot reach https://x.example",), {}),
    "alexaskill.cli.probes.ProxyAnswered": (("the proxy answered 407",), {}),
    "alexaskill.cli.serve_port._ChosenPortTaken": ((), {}),
    "alexaskill.cli.serve_server.ServerNotStarted": (("OSError: address in use",), {}),
    "alexaskill.cli.serve_server._Decided": ((3, [_SERVE_TERMINATED]), {}),
    "alexaskill.cli.serve_uvicorn._Terminated": ((), {}),
    "alexaskill.deadline.Expired": ((), {}),
    "alexaskill.dynamodb.client._GivenUp": ((), {}),
    "alexaskill.dynamodb.client._NotSentAgain": ((), {}),
    "alexaskill.dynamodb.saving._ConditionFailed": ((), {}),
    "alexaskill.dynamodb.saving._SumOutOfRange": (("a sum past its numbers",), {}),
    "alexaskill.dynamodb.values._Unheld": (("DynamoDB returned a value of unknown type 'X'",), {}),
    "alexaskill.endpoint._ConflictingHeaders": (("content-type",), {}),
    "alexaskill.endpoint._Disconnected": ((), {}),
    "alexaskill.exceptions.AccessTokenError": (
        ("given_name: token expired",),
        {"operation": "given_name", "status": 401, "code": "INVALID_TOKEN", "retry_after": None},
    ),
    "alexaskill.exceptions.AlexaApiError": (
        ("given_name: HTTP 429",),
        {"operation": "given_name", "status": 429, "code": "THROTTLED", "retry_after": 2.5},
    ),
    "alexaskill.exceptions.AlexaApiTimeout": (("given_name: timed out",), {"operation": "x"}),
    "alexaskill.exceptions.CertificateError": (("chain not trusted",), {}),
    "alexaskill.exceptions.CertificateUnavailableError": (
        ("chain download failed",),
        {"detail": "HTTP 503 from s3.amazonaws.com"},
    ),
    "alexaskill.exceptions.CertificateUrlError": (("not https",), {}),
    "alexaskill.exceptions.ConfigurationError": (("two handlers for HelloIntent",), {}),
    "alexaskill.exceptions.DeadlineExceeded": ((6.5, "app.hello"), {}),
    "alexaskill.exceptions.DeviceNotSupported": (
        ("create: DEVICE_NOT_SUPPORTED",),
        {"operation": "create", "status": 403, "code": "DEVICE_NOT_SUPPORTED"},
    ),
    "alexaskill.exceptions.MalformedRequestError": ((), {}),
    "alexaskill.exceptions.NotAResponse": (("returned a str",), {"handler": "app.hello"}),
    "alexaskill.exceptions.PermissionRequired": (
        ("read::alexa:device:all:address",),
        {"operation": "address", "status": 403, "code": "ACCESS_DENIED", "detail": "denied"},
    ),
    "alexaskill.exceptions.RequestError": (("no body",), {}),
    "alexaskill.exceptions.ResponseError": (("outputSpeech: over 8000 characters",), {}),
    "alexaskill.exceptions.RuleViolation": (
        ("AudioPlayer.PlaybackStarted", ("outputSpeech", "card"), "no speech in AudioPlayer"),
        {"handler": "app.started", "request_id": "amzn1.echo-api.request.1", "kept": True},
    ),
    "alexaskill.exceptions.SignatureError": (("signature does not match",), {}),
    "alexaskill.exceptions.SkillError": (("something",), {}),
    "alexaskill.exceptions.SkillIdError": (
        ("request is for another skill",),
        {"application_id": "amzn1.ask.skill.other"},
    ),
    "alexaskill.exceptions.SlotError": (("city", "Atlantis", "not a city known"), {}),
    "alexaskill.exceptions.StoreError": (("the table is missing",), {}),
    "alexaskill.exceptions.TimestampError": (("too old",), {}),
    "alexaskill.exceptions.VerificationError": ((), {}),
    "alexaskill.finished_cancellation.FinishedCancellation": ((Answer(b"{}", "ok"),), {}),
    "alexaskill.finished_cancellation.SaidCancellation": ((_CANCELLED,), {}),
    "alexaskill.healthcheck._Redirected": (("HTTP 302, a redirect to /x (not followed)",), {}),
    "alexaskill.interaction.builder.InteractionModelError": (
        (["intent A: no samples", "slot b: no type"],),
        {},
    ),
    "alexaskill.responses.as_written._DataRefused": (("sessionAttributes.x: a set",), {}),
    "alexaskill.responses.as_written._Unsearched": ((), {}),
    "alexaskill.simulator.NoSkillFound": (("the simulator found no skill",), {}),
    "alexaskill.simulator.PathTaken": (("a skill mounted at /_simulator",), {}),
    "alexaskill.simulator.http.BadRequest": (
        ("method not allowed",),
        {"status": 405, "headers": {"Allow": "POST"}},
    ),
    "alexaskill.simulator.model_source.ModelFileError": (
        ("m/en-US.json", "no such file"),
        {"said": "model='m/en-US.json'"},
    ),
    "alexaskill.ssml_check._DoctypeFound": ((), {}),
    "alexaskill.store.limits._PastADouble": (("1e999 is past a double",), {}),
    "alexaskill.testing.escapes.Escaped": ((KeyboardInterrupt("ctrl-c"),), {}),
    "alexaskill.threads.NotAWorkerThread": (("not in a worker thread",), {}),
    "alexaskill.understanding.validation._Unplaced": ((), {}),
    "alexaskill.verify.arguments._ArgumentError": (("timeout: not a number",), {}),
    "alexaskill.verify.signature._NotText": (("signature: not a str",), {}),
}

_REMADE: dict[str, Callable[[Any], Any]] = {
    "copy.copy": copy.copy,
    "copy.deepcopy": copy.deepcopy,
    "pickle": lambda error: pickle.loads(pickle.dumps(error)),
}


def _subclasses(cls: type[BaseException]) -> Iterator[type[BaseException]]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _exception_classes() -> tuple[dict[str, type[BaseException]], set[str]]:
    """alexaskill's exception classes by ``module.qualname``, every module that imports here
    imported; and the modules left out: those needing a package that is not installed (an
    optional extra's)."""
    left_out = import_every_module()
    found = {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in _subclasses(BaseException)
        if cls.__module__.partition(".")[0] == "alexaskill"
    }
    return found, left_out


def _same(one: object, other: object) -> bool:
    """Equal; exceptions by class and ``args`` (a deep copy's is another object)."""
    if isinstance(one, BaseException):
        return type(other) is type(one) and _same(one.args, other.args)
    if isinstance(one, list | tuple):
        return type(other) is type(one) and len(one) == len(other) and all(map(_same, one, other))
    if isinstance(one, dict):
        return (
            isinstance(other, dict)
            and one.keys() == other.keys()
            and all(_same(value, other[key]) for key, value in one.items())
        )
    return one == other


def test_every_exception_class_is_copied_and_pickled_whole() -> None:
    found, left_out = _exception_classes()
    assert "alexaskill.exceptions.RuleViolation" in found  # the walk finds them
    missing = sorted(set(found) - set(MADE))
    assert missing == [], f"add these classes to MADE: {missing}"
    gone = sorted(
        name
        for name in set(MADE) - set(found)
        if not name.startswith(tuple(f"{module}." for module in left_out))
    )
    assert gone == [], f"classes no longer defined, to take out of MADE: {gone}"
    failed = []
    for name, cls in sorted(found.items()):
        args, kwargs = MADE[name]
        error = cls(*args, **kwargs)
        error.add_note("a note")  # (kept in the error's __dict__, as its attributes are)
        for how, remake in _REMADE.items():
            try:
                again = remake(error)
            except Exception as exc:
                failed.append(f"{name}, {how}: {type(exc).__name__}: {exc}")
                continue
            kept = {
                "its class": type(again) is cls,
                "str()": str(again) == str(error),
                "args": _same(again.args, error.args),
                "attributes": _same(vars(again), vars(error)),
            }
            failed.extend(f"{name}, {how}: {what} changed" for what, ok in kept.items() if not ok)
    assert failed == [], "\n".join(failed)


class TooCold(alexaskill.SlotError):
    """A skill's own SlotError, made of other parts than SlotError's."""

    def __init__(self, degrees: int) -> None:
        self.degrees = degrees
        super().__init__("temperature", str(degrees), f"{degrees} degrees is too cold to go")


class KeptTooLong(alexaskill.exceptions.RuleViolation):
    """A skill's own RuleViolation, with a keyword its parent has not."""

    def __init__(self, *, seconds: float) -> None:
        super().__init__("IntentRequest", ("card",), f"kept {seconds:g} s")
        self.seconds = seconds


class NoSuchTrip(alexaskill.SkillError):
    """A skill's own error of two parts, below the base itself."""

    def __init__(self, city: str, day: str) -> None:
        super().__init__(f"no trip to {city} on {day}")
        self.city = city


class OutOfQuota(alexaskill.exceptions.AlexaApiError):
    """A skill's own AlexaApiError, its message made of one number."""

    def __init__(self, left: int) -> None:
        super().__init__(f"{left} calls left", operation="reminders", status=429)


@pytest.mark.parametrize("how", sorted(_REMADE))
@pytest.mark.parametrize(
    "error",
    [TooCold(-40), KeptTooLong(seconds=8.5), NoSuchTrip("Atlantis", "Monday"), OutOfQuota(0)],
    ids=lambda error: type(error).__name__,
)
def test_a_skills_own_subclass_is_copied_and_pickled_whole(how: str, error: Exception) -> None:
    # Remade from the parts of its parent's __init__ (remade_from_parts), or of its message
    # alone (BaseException's), which its own __init__ does not take: TooCold(-40) failed with a
    # TypeError ("takes 2 positional arguments but 4 were given"), a process pool sending it back.
    error.add_note("a note")
    again = _REMADE[how](error)
    assert type(again) is type(error)
    assert (str(again), again.args) == (str(error), error.args)
    assert _same(vars(again), vars(error)), vars(again)


class AttributesUnreadable(alexaskill.SkillError, OSError):
    """A skill's own error of two kinds, its parts OSError's (errno, strerror, filename)."""


class PluginMissing(alexaskill.SkillError, ImportError):
    """A skill's own error of two kinds, its parts ImportError's (its ``name`` and ``path``)."""


@pytest.mark.parametrize("how", sorted(_REMADE))
def test_a_skill_error_of_another_kind_too_is_remade_by_that_kind(how: str) -> None:
    # SkillError's __reduce__ stood before OSError's and ImportError's, which keep what their
    # ``args`` do not hold: the file's name and the module's came back None.
    unreadable = _REMADE[how](AttributesUnreadable(2, "No such file", "attrs.json"))
    assert (unreadable.errno, unreadable.filename) == (2, "attrs.json")
    assert str(unreadable) == "[Errno 2] No such file: 'attrs.json'"
    missing = _REMADE[how](PluginMissing("no plugin", name="skill.plugin", path="/p.py"))
    assert (missing.name, missing.path) == ("skill.plugin", "/p.py")
