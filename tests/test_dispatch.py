"""Registration, lookup and parameter injection, without HTTP.

Slot parameters (converted from their annotations, their defaults) are in
tests/test_dispatch_slots.py; what else a handler's annotations may say (its return, its
exception parameter, a union of framework types) in tests/test_dispatch_annotations.py."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from alexaskill import (
    AudioPlayerRequest,
    ConfigurationError,
    Context,
    Device,
    Envelope,
    Intent,
    IntentRequest,
    LaunchRequest,
    Request,
    Session,
    Skill,
    System,
    User,
)
from alexaskill.dispatch import Call, Registry
from tests.conftest import SKILL_ID
from tests.dispatch_shared import call_for, factory, run


def test_lookup_is_by_type_and_intent_name() -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> None: ...

    @skill.intent("A")
    def a() -> None: ...

    @skill.intent("B")
    def b() -> None: ...

    @skill.on("AudioPlayer.PlaybackStarted")
    def started() -> None: ...

    assert run(skill, factory.envelope("LaunchRequest"))[0] is launch
    assert run(skill, factory.intent("A"))[0] is a
    assert run(skill, factory.intent("B"))[0] is b
    assert run(skill, factory.envelope("AudioPlayer.PlaybackStarted"))[0] is started
    assert skill.registry.resolve(call_for(factory.intent("C")).envelope) is None
    assert set(skill.registry.handlers) == {
        ("LaunchRequest", None),
        ("IntentRequest", "A"),
        ("IntentRequest", "B"),
        ("AudioPlayer.PlaybackStarted", None),
    }


def test_fallback_takes_unknown_intents_and_types() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a() -> None: ...

    @skill.fallback
    def fallback(request: Request, intent: Intent | None) -> None: ...

    func, kwargs = run(skill, factory.intent("Other"))
    assert func is fallback
    assert kwargs["intent"].name == "Other"
    func, kwargs = run(skill, factory.envelope("Some.Future.Type", extra=1))
    assert func is fallback
    assert kwargs["request"].type == "Some.Future.Type"
    assert kwargs["intent"] is None


def test_any_intent_handler_via_on() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a() -> None: ...

    @skill.on("IntentRequest")
    def any_intent(intent: Intent) -> None: ...

    assert run(skill, factory.intent("A"))[0] is a
    assert run(skill, factory.intent("Z"))[0] is any_intent


def test_two_handlers_for_one_intent_fail_at_registration() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def first() -> None: ...

    with pytest.raises(ConfigurationError, match=r"second.*'A' already has a handler.*first"):

        @skill.intent("A")
        def second() -> None: ...


def test_two_fallbacks_and_two_launches_fail() -> None:
    skill = Skill(SKILL_ID)
    skill.fallback(lambda: None)
    with pytest.raises(ConfigurationError, match="fallback"):
        skill.fallback(lambda: None)
    skill.launch(lambda: None)
    with pytest.raises(ConfigurationError, match="LaunchRequest already has a handler"):
        skill.launch(lambda: None)


def test_uninjectable_parameter_fails_naming_the_function() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"test_dispatch.*launch.*'city'.*carry no slots"):

        @skill.launch
        def launch(city: str) -> None: ...


def test_varargs_and_positional_only_fail() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"\*\*kwargs"):
        skill.intent("A")(lambda **kwargs: None)
    with pytest.raises(ConfigurationError, match="positional-only"):

        @skill.intent("B")
        def b(city: str, /) -> None: ...


def test_request_annotation_must_match_the_handled_type() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match="AudioPlayerRequest"):

        @skill.launch
        def launch(request: AudioPlayerRequest) -> None: ...

    @skill.intent("A")
    def a(request: IntentRequest, base: Request, launch: LaunchRequest | None) -> None: ...

    _, kwargs = run(skill, factory.intent("A"))
    assert isinstance(kwargs["request"], IntentRequest)
    assert kwargs["base"] is kwargs["request"]
    assert kwargs["launch"] is None


def test_intent_only_for_intent_requests() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"Intent \| None"):

        @skill.launch
        def launch(intent: Intent) -> None: ...

    with pytest.raises(ConfigurationError, match="carry no intent"):
        skill.add_handler("LaunchRequest", lambda: None, intent="X")


def test_framework_types_are_injected_by_annotation() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(
        envelope: Envelope,
        session: Session,
        context: Context,
        system: System,
        user: User,
        device: Device,
        intent: Intent,
        call: Call,
    ) -> None: ...

    _, kwargs = run(skill, factory.intent("A"))
    assert kwargs["envelope"].request.type == "IntentRequest"
    assert kwargs["session"] is kwargs["envelope"].session
    assert kwargs["context"] is kwargs["envelope"].context
    assert kwargs["system"].application.application_id == SKILL_ID
    assert kwargs["user"].user_id == factory.user_id
    assert kwargs["device"].device_id == factory.device_id
    assert kwargs["intent"].name == "A"
    assert isinstance(kwargs["call"], Call)


def test_session_outside_a_session_is_detached() -> None:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackStarted")
    def started(session: Session) -> None: ...

    call = call_for(factory.envelope("AudioPlayer.PlaybackStarted", token="t"))
    kwargs = skill.registry.resolve(call.envelope).arguments(call)  # type: ignore[union-attr]
    kwargs["session"].attributes["x"] = 1
    assert call.session_attributes is None  # not sent back: there was no session


def test_pre_2016_request_without_context_still_injects() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(context: Context, device: Device, user: User) -> None: ...

    envelope = factory.intent("A")
    del envelope["context"]
    _, kwargs = run(skill, envelope)
    assert kwargs["context"].system is None
    assert kwargs["device"].device_id == ""
    assert kwargs["user"].user_id == factory.user_id  # taken from the session


def test_registering_after_first_request_fails() -> None:
    registry = Registry()
    registry.add(("LaunchRequest", None), lambda: None, LaunchRequest)
    registry.freeze()
    with pytest.raises(ConfigurationError, match="before the skill is mounted"):
        registry.add(("IntentRequest", "A"), lambda: None, IntentRequest)


def test_async_and_sync_handlers_are_told_apart() -> None:
    skill = Skill(SKILL_ID)

    async def a() -> None: ...

    def b() -> None: ...

    assert skill.add_intent_handler("A", a).is_async
    assert not skill.add_intent_handler("B", b).is_async


def test_decorators_return_the_function_unchanged() -> None:
    skill = Skill(SKILL_ID)

    def f() -> None: ...

    assert skill.intent("A")(f) is f
    assert skill.launch(f) is f
    assert skill.session_ended(f) is f
    assert skill.on("Connections.Response")(f) is f
    assert skill.fallback(f) is f
    assert skill.exception(ValueError)(lambda exc: None) is not None


def test_exception_handlers_are_found_by_class_hierarchy() -> None:
    skill = Skill(SKILL_ID)

    @skill.exception(LookupError)
    def lookup(exc: LookupError) -> None: ...

    handler = skill.registry.exception_handler(KeyError("x"))
    assert handler is not None and handler.func is lookup
    assert skill.registry.exception_handler(ValueError()) is None
    with pytest.raises(ConfigurationError, match="already has a handler"):
        skill.exception(LookupError)(lambda exc: None)
    with pytest.raises(ConfigurationError, match="not an exception type"):
        skill.exception(int)(lambda exc: None)  # type: ignore[type-var]


def _typos_said(skill: Skill, names: list[str], caplog: pytest.LogCaptureFixture) -> list[str]:
    """The typo warnings said while ``skill`` resolves an intent request of each of ``names``."""
    caplog.clear()
    with caplog.at_level("WARNING", logger="alexaskill"):
        for name in names:
            skill.registry.resolve(call_for(factory.intent(name)).envelope)
    return [r.getMessage() for r in caplog.records if "no handler of its own" in r.getMessage()]


def test_the_typo_guess_is_made_again_past_the_names_it_remembers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The names come from requests: those looked at are bounded, and past the bound forgotten.
    # It stopped at a hundred: a typo a fallback answered was never said again.
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeathr")
    def weather() -> None: ...

    @skill.fallback
    def fallback() -> None: ...

    assert _typos_said(skill, [f"Order{number}" for number in range(300)], caplog) == []
    said = _typos_said(skill, ["GetWeather", "GetWeather", "GetWeathe"], caplog)
    assert [message.split(" has ")[0] for message in said] == [
        "intent 'GetWeather'",  # (said once for each intent name)
        "intent 'GetWeathe'",
    ]


def test_the_typo_guess_keeps_no_intent_name_too_long_to_be_guessed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A name past MAX_VALUE is never guessed (meant_intent): kept whole, the 256 remembered
    # held that many request bodies' worth of names (some 32 MB at 128 KiB each).
    from alexaskill.log_values import MAX_VALUE

    skill = Skill(SKILL_ID)
    skill.intent("GetWeather")(lambda: None)
    skill.fallback(lambda: None)
    long = [f"{number}{'x' * 10_000}" for number in range(3)]
    assert _typos_said(skill, [*long, "GetWeathr"], caplog) != []
    assert all(len(name) <= MAX_VALUE for name in skill.registry._typos_said)


def test_a_built_in_intent_is_never_taken_for_a_typo_of_a_custom_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # However close the custom name: a request names a built-in intent on purpose.
    skill = Skill(SKILL_ID)

    @skill.intent("AMAZONStopIntent")
    def stop() -> None: ...

    @skill.fallback
    def fallback() -> None: ...

    assert _typos_said(skill, ["AMAZON.StopIntent"], caplog) == []
    assert len(_typos_said(skill, ["AMAZONStopIntnt"], caplog)) == 1


def test_the_typo_guess_names_the_closest_of_the_handlers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeatr")
    def far() -> None: ...

    @skill.intent("GetWeatherz")
    def near() -> None: ...

    @skill.fallback
    def fallback() -> None: ...

    [said] = _typos_said(skill, ["GetWeather"], caplog)
    assert "is the handler of 'GetWeatherz' meant for it?" in said


# Names a handler could have and a request could send: a letter off, left out, doubled or
# swapped is a typo; two intents a skill may well have both of, differing by a word, are not.
_TYPOS = [
    ("GetWeathr", "GetWeather"),
    ("AddToCard", "AddToCart"),
    ("OrderPizzas", "OrderPizza"),
    ("GetTiem", "GetTime"),  # (short: one letter is more of it)
    ("HelloWorldIntnet", "HelloWorldIntent"),
    ("get_weather", "GetWeather"),
    # Two letters swapped in a short name: a slip by the count (typos.slip), though less alike
    # than a name of words must be (0.85): Unlcok is 0.83 of Unlock, Hlep 0.75 of Help.
    ("Unlock", "Unlcok"),
    ("Help", "Hlep"),
    ("Open", "Oepn"),
]
_NOT_TYPOS = [
    ("OrderPizza", "OrderPasta"),
    ("StartGameIntent", "StopGameIntent"),
    ("NextQuestionIntent", "RepeatQuestionIntent"),
    ("OpenDoorIntent", "CloseDoorIntent"),
    ("AddItemIntent", "RemoveItemIntent"),
    ("LightsOn", "LightsOff"),
    # A short word apart: 0.88 alike whole, yet Off is no slip of On (0.4), as typos.py reads it.
    ("TurnOnIntent", "TurnOffIntent"),
    ("ScrollUpButtonIntent", "ScrollDownButtonIntent"),  # (0.86)
    # A word of Amazon's built-in intents for another (AMAZON.PageUpIntent, AMAZON.PauseIntent).
    ("PageMusicIntent", "PauseMusicIntent"),
    # A verb for its opposite, however few letters apart: a short word's first letter (Get,
    # Set: 0.67 alike, said a typo), a prefix added or replaced (Lock, Unlock: 0.8).
    ("GetScore", "SetScore"),
    ("SetAlarm", "GetAlarm"),
    ("LockDoor", "UnlockDoor"),
    ("MuteSound", "UnmuteSound"),
    ("PlaySong", "ReplaySong"),
    ("IncreaseVolume", "DecreaseVolume"),
    ("ConnectDevice", "DisconnectDevice"),
    ("InstallUpdate", "UninstallUpdate"),
    # The same in the second word: the difference reads as both (DoorLock, DoorUnlock).
    ("DoorLockIntent", "DoorUnlockIntent"),
]


@pytest.mark.parametrize(
    ("handled", "sent", "typo"),
    [(*pair, True) for pair in _TYPOS] + [(*pair, False) for pair in _NOT_TYPOS],
)
def test_a_typo_is_guessed_alike_with_a_fallback_and_without(
    caplog: pytest.LogCaptureFixture, handled: str, sent: str, typo: bool
) -> None:
    # Without a fallback (`no_handler`) difflib's 0.6 took OrderPasta for a typo of OrderPizza,
    # StartGameIntent of StopGameIntent; with one (`Registry.resolve`) 0.85 did not.
    from alexaskill.handler_bugs import no_handler

    skill = Skill(SKILL_ID)
    skill.intent(handled)(lambda: None)
    skill.fallback(lambda: None)
    guessed = f"is the handler of {handled!r} meant for it?"
    assert (guessed in no_handler(sent, [None, handled])) is typo
    assert any(guessed in said for said in _typos_said(skill, [sent], caplog)) is typo


def test_the_no_handler_warning_guesses_once_for_each_intent_name_up_to_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every request of an intent without a handler (and no fallback) guessed its typo anew,
    # though the warning was said once every 10 s: the handlers are fixed once it answers.
    import alexaskill.handler_bugs as handler_bugs
    from alexaskill.testing import TestClient

    guessed: list[str] = []
    real = handler_bugs.meant_intent

    def counted(name: str, handled: Iterable[str | None]) -> str | None:
        guessed.append(name)
        return real(name, handled)

    monkeypatch.setattr(handler_bugs, "meant_intent", counted)
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather")(lambda: None)
    with TestClient(skill) as client:
        for _ in range(3):
            client.intent("GetWether")
    assert guessed == ["GetWether"]
    # The names come from requests: those remembered are bounded (then forgotten, guessed anew).
    names = [f"Name{i}" for i in range(300)]
    for name in [*names, names[-1], names[0]]:
        skill.registry.no_handler_warning(name)
    assert guessed[1:] == [*names, names[0]]
