"""The WARNING for a reply a handler built and did not return (`ask("…")` without `return`,
`alexaskill.dropped_reply.said_dropped_reply`): where its code is read from, and that looking
never changes the answer."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import pytest

import alexaskill as ak
import alexaskill.responses
from alexaskill import Skill, ask, speak
from alexaskill.testing import TestClient

from .conftest import SKILL_ID
from .dropped_reply_shared import _dropped
from .unbound_proxy import BOUND, current

#: A function made by exec() without ``__name__`` in its globals: its ``__module__`` is None.
_NAMELESS: dict[str, Any] = {}
exec("def audit():\n    pass\n", _NAMELESS)
audit = _NAMELESS["audit"]


def test_a_call_of_a_function_of_no_module_leaves_an_empty_answer_as_it_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Looking for a builder among the calls, a function whose __module__ is None (made by
    # exec() without __name__) raised AttributeError: the handler's empty answer, on purpose,
    # became the apology and an ERROR line.
    assert audit.__module__ is None
    skill = Skill(SKILL_ID)

    @skill.intent("Audit")
    def audited() -> None:
        audit()

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        answer = client.intent("Audit")
    assert (answer.speech, answer.handler_error) == (None, None)
    assert [r.getMessage() for r in caplog.records] == []


def logged(func: Callable[[], None]) -> Callable[[], None]:
    """A decorator of the skill's own, as functools.wraps makes one."""

    @functools.wraps(func)
    def wrapper() -> None:
        return func()

    return wrapper


def test_a_decorated_handler_s_own_code_is_read(caplog: pytest.LogCaptureFixture) -> None:
    # The wrapper's code was read, not the handler's: nothing was said, and the wrapper,
    # looked at once, kept every other handler it decorates from being looked at.
    skill = Skill(SKILL_ID)

    @skill.intent("First")
    @logged
    def first() -> None:
        ask("Which animal?")

    @skill.intent("Second")
    @logged
    def second() -> None:
        speak("Goodbye.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        assert client.intent("First").speech is None
        assert client.intent("Second").speech is None
    said = [r.getMessage().split(" returned None")[0] for r in caplog.records]
    assert said == [f"{f.__module__}.{f.__qualname__}" for f in (first, second)], caplog.text
    assert f"calls speak() without returning what it built ({__file__}:" in caplog.text


def test_an_indented_handler_with_a_string_flush_left_is_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A handler defined in a function, holding a triple-quoted string whose lines start at the
    # margin (a text written over lines): textwrap.dedent found no common margin, the code did
    # not parse, and nothing was said.
    skill = Skill(SKILL_ID)

    @skill.intent("Story")
    def story() -> None:
        text = """Once upon a time,
there was a skill.
"""
        ask(text)

    line = story.__code__.co_firstlineno + 5
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        assert client.intent("Story").speech is None
    assert [r.getMessage() for r in caplog.records] == [
        f"{story.__module__}.{story.__qualname__} returned None, so the user hears nothing, and "
        f"its code calls ask() without returning what it built ({__file__}:{line}): return ask(…)"
    ]


def test_a_request_that_takes_no_reply_is_not_warned_of(caplog: pytest.LogCaptureFixture) -> None:
    # "return speak(…)" was the advice for a goodbye built at a SessionEndedRequest (Alexa
    # takes no response to it), and at a PlaybackStopped (none either): returned, it is
    # dropped all the same. A handler shared with an intent is still looked at for the intent.
    skill = Skill(SKILL_ID)

    @skill.session_ended
    @skill.intent("Bye")
    def bye() -> None:
        speak("Goodbye.")

    @skill.on("AudioPlayer.PlaybackStopped")
    def stopped() -> None:
        speak("Stopped.")

    @skill.on("System.ExceptionEncountered")
    def failed() -> None:
        speak("Something went wrong.")

    skill.add_handler("LaunchRequest", lambda: ask("Hello."))
    line = bye.__code__.co_firstlineno + 3  # (its first decorator's line)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.launch()
        client.session_ended()
        client.audio_event("PlaybackStopped", token="t")
        client.send("System.ExceptionEncountered")
        assert _dropped(caplog) == []
        client.intent("Bye")
    assert _dropped(caplog) == [
        f"{bye.__module__}.{bye.__qualname__} returned None, so the user hears nothing, and "
        f"its code calls speak() without returning what it built ({__file__}:{line}): "
        "return speak(…)"
    ]


@pytest.mark.parametrize(
    ("event", "directives"),
    [
        ("PlaybackStarted", "AudioPlayer.ClearQueue, AudioPlayer.Stop"),
        ("PlaybackNearlyFinished", "AudioPlayer.ClearQueue, AudioPlayer.Play, AudioPlayer.Stop"),
    ],
)
def test_an_audio_event_s_dropped_reply_is_told_what_it_may_return(
    event: str, directives: str, caplog: pytest.LogCaptureFixture
) -> None:
    # "return speak(…)" was the advice at an AudioPlayer event, whose reply carries no speech
    # (Amazon's AudioPlayer interface reference): returned, it was a rule violation.
    skill = Skill(SKILL_ID)

    @skill.on(f"AudioPlayer.{event}")
    def playing() -> None:
        speak("Now playing.")

    line = playing.__code__.co_firstlineno + 2
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.audio_event(event, token="t")
    assert _dropped(caplog) == [
        f"{playing.__module__}.{playing.__qualname__} returned None to AudioPlayer.{event}, "
        f"and its code calls speak() without returning what it built ({__file__}:{line}): a "
        f"reply to AudioPlayer.{event} takes no speech, only AudioPlayer directives "
        f"({directives}): return Response(directives=[…]) with them, or None"
    ]


def test_a_probe_s_dropped_reply_is_told_to_return_can_fulfill(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # "return speak(…)" was the advice at a CanFulfillIntentRequest, whose reply carries
    # canFulfillIntent alone: returned, the speech was dropped and the probe answered nothing.
    skill = Skill(SKILL_ID)

    @skill.can_fulfill("Weather")
    def probe() -> None:
        speak("I can.")

    @skill.can_fulfill("Tide")
    def tide() -> None:
        ak.can_fulfill("YES")

    line = probe.__code__.co_firstlineno + 2
    tide_line = tide.__code__.co_firstlineno + 2
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.can_fulfill("Weather")
        client.can_fulfill("Tide")
    assert _dropped(caplog) == [
        f"{probe.__module__}.{probe.__qualname__} returned None to CanFulfillIntentRequest, "
        f"and its code calls speak() without returning what it built ({__file__}:{line}): a "
        "reply to CanFulfillIntentRequest carries canFulfillIntent alone: return can_fulfill(…)",
        f"{tide.__module__}.{tide.__qualname__} returned None to CanFulfillIntentRequest, "
        f"and its code calls ak.can_fulfill() without returning what it built "
        f"({__file__}:{tide_line}): a reply to CanFulfillIntentRequest carries canFulfillIntent "
        "alone: return ak.can_fulfill(…)",
    ]


def test_a_can_fulfill_dropped_at_an_intent_request_is_not_advised_to_be_returned(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A handler shared by an intent and its probe, first asked the intent, dropped a
    # can_fulfill(…): the WARNING said "return ak.can_fulfill(…)", a reply that answers the
    # probe alone (nobody hears it), never the intent the user spoke.
    skill = Skill(SKILL_ID)

    @skill.intent("Tide")
    @skill.can_fulfill("Tide")
    def tide() -> None:
        ak.can_fulfill("YES")

    line = tide.__code__.co_firstlineno + 3  # (its first line: the first decorator's)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.intent("Tide")
    assert _dropped(caplog) == [
        f"{tide.__module__}.{tide.__qualname__} returned None to IntentRequest, and its code "
        f"calls ak.can_fulfill() without returning what it built ({__file__}:{line}): a "
        "can_fulfill reply answers a CanFulfillIntentRequest alone, which nobody hears: "
        "return it there, speak(…) or ask(…) to IntentRequest"
    ]


def test_a_builder_called_through_an_alexaskill_module_is_found(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `import alexaskill as ak`, then `ak.ask("…")` without `return`: only a name bound to a
    # builder itself was looked at, and nothing was said.
    skill = Skill(SKILL_ID)

    @skill.intent("Animal")
    def animal() -> None:
        ak.ask("Which animal?")

    @skill.intent("Bye")
    def bye() -> None:
        alexaskill.responses.speak("Goodbye.")

    @skill.intent("Quiet")
    def quiet() -> None:
        logging.getLogger(__name__).info("said")  # (no builder: a module's function, not ours)

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        for intent in ("Animal", "Bye", "Quiet"):
            assert client.intent(intent).speech is None
    said = [
        (f, called, f.__code__.co_firstlineno + 2)
        for f, called in ((animal, "ak.ask"), (bye, "alexaskill.responses.speak"))
    ]
    assert _dropped(caplog) == [
        f"{f.__module__}.{f.__qualname__} returned None, so the user hears nothing, and its "
        f"code calls {called}() without returning what it built ({__file__}:{line}): "
        f"return {called}(…)"
        for f, called, line in said
    ]


def test_a_call_through_an_unbound_proxy_leaves_an_empty_answer_as_it_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Looking for a builder among the calls asked a module global whose __class__ raises
    # (werkzeug's LocalProxy, not yet bound) for it: the RuntimeError made the handler's
    # empty answer, on purpose, the apology and an ERROR line.
    skill = Skill(SKILL_ID)

    @skill.intent("Called")
    def called() -> None:
        if BOUND:
            current()

    @skill.intent("Attribute")
    def attribute() -> None:
        if BOUND:
            current.speak("Hi.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        for intent in ("Called", "Attribute"):
            answer = client.intent(intent)
            assert (answer.speech, answer.handler_error) == (None, None), intent
    assert [r.getMessage() for r in caplog.records] == []


def test_a_handler_shared_by_two_kinds_of_request_is_judged_at_each(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Judged once a function: a handler shared by a probe, an intent and a PlaybackController
    # command was looked at for whichever came first, and its speech dropped at the intent (the
    # user heard nothing) was never said. Its source is still read once.
    import inspect

    read: list[object] = []
    getsourcelines = inspect.getsourcelines

    def counted(code: Any) -> tuple[list[str], int]:
        read.append(code)
        return getsourcelines(code)

    monkeypatch.setattr(inspect, "getsourcelines", counted)
    skill = Skill(SKILL_ID)

    @skill.intent("Play")
    @skill.can_fulfill("Play")
    @skill.on("PlaybackController.PlayCommandIssued")
    def play() -> None:
        speak("Playing.")

    @skill.fallback
    def other() -> None:
        ask("Which song?")

    name, line = f"{play.__module__}.{play.__qualname__}", play.__code__.co_firstlineno + 4
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        for _ in range(2):
            client.can_fulfill("Play")
            client.send("PlaybackController.PlayCommandIssued")
            client.intent("Play")
        client.launch()
        client.send("SessionResumedRequest")  # (the same advice: said once)
        client.send("PlaybackController.NextCommandIssued")  # (judged at each type)
    assert _dropped(caplog) == [
        f"{name} returned None to CanFulfillIntentRequest, and its code calls speak() without "
        f"returning what it built ({__file__}:{line}): a reply to CanFulfillIntentRequest "
        "carries canFulfillIntent alone: return can_fulfill(…)",
        f"{name} returned None to PlaybackController.PlayCommandIssued, and its code calls "
        f"speak() without returning what it built ({__file__}:{line}): a reply to "
        "PlaybackController.PlayCommandIssued takes no speech, only AudioPlayer directives "
        "(AudioPlayer.ClearQueue, AudioPlayer.Play, AudioPlayer.Stop): return "
        "Response(directives=[…]) with them, or None",
        f"{name} returned None, so the user hears nothing, and its code calls speak() without "
        f"returning what it built ({__file__}:{line}): return speak(…)",
        f"{other.__module__}.{other.__qualname__} returned None, so the user hears nothing, and "
        "its code calls ask() without returning what it built "
        f"({__file__}:{other.__code__.co_firstlineno + 2}): return ask(…)",
        f"{other.__module__}.{other.__qualname__} returned None to "
        "PlaybackController.NextCommandIssued, and its code calls ask() without returning what "
        f"it built ({__file__}:{other.__code__.co_firstlineno + 2}): a reply to "
        "PlaybackController.NextCommandIssued takes no speech, only AudioPlayer directives "
        "(AudioPlayer.ClearQueue, AudioPlayer.Play, AudioPlayer.Stop): return "
        "Response(directives=[…]) with them, or None",
    ]
    assert read == [play.__code__, other.__code__]


def test_a_request_outside_a_session_is_advised_to_drop_the_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # "return speak(…)" was the advice at a skill event and at a message, which come outside a
    # session: nobody hears their reply. Then "return None", to a handler that had: its only
    # fault is the speak() call, which it is told to drop. And a can_fulfill(…) dropped at an
    # AudioPlayer event was told "speak(…) or ask(…)", which that event's reply may not carry.
    skill = Skill(SKILL_ID)

    @skill.on("AlexaSkillEvent.SkillEnabled")
    @skill.on("Messaging.MessageReceived")
    def enabled() -> None:
        speak("Welcome!")

    @skill.can_fulfill("Play")
    @skill.on("AudioPlayer.PlaybackStarted")
    def started() -> None:
        ak.can_fulfill("YES")

    def said(func: Callable[[], None], request_type: str, called: str, advice: str) -> str:
        line = func.__code__.co_firstlineno + 3
        return (
            f"{func.__module__}.{func.__qualname__} returned None to {request_type}, and its "
            f"code calls {called}() without returning what it built ({__file__}:{line}): "
            f"{advice}"
        )

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.send("AlexaSkillEvent.SkillEnabled")
        client.send("Messaging.MessageReceived", message={})
        client.audio_event("PlaybackStarted", token="t")
    nobody = (
        "a reply to {0} comes outside a session, with no conversation to answer: drop the "
        "speak() call (None is the answer: an empty acknowledgement)"
    )
    assert _dropped(caplog) == [
        said(enabled, kind, "speak", nobody.format(kind))
        for kind in ("AlexaSkillEvent.SkillEnabled", "Messaging.MessageReceived")
    ] + [
        said(
            started,
            "AudioPlayer.PlaybackStarted",
            "ak.can_fulfill",
            "a reply to AudioPlayer.PlaybackStarted takes no speech, only AudioPlayer directives "
            "(AudioPlayer.ClearQueue, AudioPlayer.Stop): return Response(directives=[…]) with "
            "them, or None",
        )
    ]


def test_a_catch_all_s_marks_stay_bounded_whatever_request_types_come(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A catch-all (the fallback) is judged once for each kind of request it returns None to:
    # Amazon sends about sixty, but an unverified request (verify=False, a Lambda behind a
    # function URL) may carry any type, and each type made up left a mark for ever, the type's
    # text in it, and said a WARNING of its own.
    from alexaskill import dropped_reply

    monkeypatch.setattr(dropped_reply, "_KINDS_MOST", 3, raising=False)
    skill = Skill(SKILL_ID)

    @skill.fallback
    def other() -> None:
        ask("Which song?")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        for kind in range(3):
            client.send(f"AudioPlayer.MadeUp{kind}")
        marks = len(dropped_reply._JUDGED)
        for kind in range(3, 9):
            client.send(f"AudioPlayer.MadeUp{kind}")
        assert len(dropped_reply._JUDGED) == marks
    assert [said.split(" returned None to ")[1].split(",")[0] for said in _dropped(caplog)] == [
        f"AudioPlayer.MadeUp{kind}" for kind in range(3)
    ]


def test_a_handler_of_one_type_is_judged_in_a_session_and_outside_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A handler registered for one type was judged once, whatever its session: the same type
    # come outside a session (nobody hears the reply) after it came in one (the user heard
    # nothing) was let be, its other advice never said; the other way round as well. (Sent
    # outside a session here by hand, as an unverified request may come.)
    skill = Skill(SKILL_ID)

    @skill.on("Connections.Response")
    def purchased() -> None:
        speak("Thanks for your purchase.")

    @skill.on("CustomInterfaceController.EventsReceived")
    def gadget() -> None:
        speak("Pressed.")

    def outside(client: TestClient, request_type: str) -> None:
        envelope = client.factory.envelope(request_type)
        del envelope["session"]
        client.send_envelope(envelope)

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        for _ in range(2):
            client.send("Connections.Response")
            outside(client, "Connections.Response")
            outside(client, "CustomInterfaceController.EventsReceived")
            client.send("CustomInterfaceController.EventsReceived")
    said = [(r.split(" returned None")[0], r.rpartition("): ")[2]) for r in _dropped(caplog)]
    assert said == [
        (f"{f.__module__}.{f.__qualname__}", advice.format(kind))
        for f, kind, advices in (
            (purchased, "Connections.Response", ("", "outside")),
            (gadget, "CustomInterfaceController.EventsReceived", ("outside", "")),
        )
        for advice in (
            "a reply to {} comes outside a session, with no conversation to answer: drop the "
            "speak() call (None is the answer: an empty acknowledgement)"
            if each
            else "return speak(…)"
            for each in advices
        )
    ], caplog.text
