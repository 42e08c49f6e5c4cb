"""Values a reply's directives carry (an APL document's type and src, an updated intent's slot
name, the slot a dialog directive names, a stream's tokens) as the refusals of the reply and
its rules' warnings quote them: cut as alexaskill/shown_names.py cuts a long value, where each
was quoted whole (a value built from a user's words or a store's, at request time)."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import DialogSlot, IntentRequest, Skill
from alexaskill.directives import APL, AudioPlayer, Dialog, delegate, elicit_slot, updated_intent
from alexaskill.exceptions import ResponseError, RuleViolation
from alexaskill.responses import Response, SsmlSpeech, encode_response, speak
from alexaskill.ssml import Ssml
from alexaskill.testing import DevicePlayer, TestClient

from .conftest import SKILL_ID
from .testing_player_shared import EPISODES

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 5_000 + "END"
#: A stream's token as long as Alexa takes (1,024 characters), its head unlike its end.
TOKEN = "t" * 1_021 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _bounded(message: str, head: str = "x" * 60) -> None:
    assert len(message) < BOUND, message[:300]
    assert head in message, message[:300]


@pytest.mark.parametrize(
    "build",
    [
        lambda: APL.RenderDocument({"type": LONG, "version": "2024.3"}),
        lambda: APL.RenderDocument({"type": "Link", "src": [LONG]}),
        lambda: speak(
            "Playing",
            directives=[
                {
                    "type": "Alexa.Presentation.APLA.RenderDocument",
                    "document": {"type": LONG, "version": "0.91"},
                }
            ],
        ),
        lambda: Dialog.Delegate({"name": "Book", "slots": {"city": {"name": LONG}}}),
        lambda: Dialog.Delegate({"name": "Book", "slots": {LONG: {"name": "city"}}}),
        lambda: Dialog.Delegate({"name": "Book", "slots": {LONG: 1}}),
        lambda: Dialog.Delegate({"name": "Book", "slots": {LONG: {"confirmationStatus": "MAYBE"}}}),
    ],
    ids=[
        "apl-type",
        "apl-link-src",
        "apla-type",
        "slot-named-other",
        "slot-key-named-other",
        "slot-no-mapping",
        "slot-confirmation",
    ],
)
def test_a_directive_s_long_value_refused_is_quoted_cut(build: Any) -> None:
    with pytest.raises(ResponseError) as raised:
        build()
    _bounded(str(raised.value))


def test_an_elicit_slot_of_a_long_slot_name_the_intent_lacks_is_refused_cut() -> None:
    skill = Skill(SKILL_ID)

    def book() -> Response:
        return elicit_slot(LONG, "At what time?")

    skill.add_intent_handler("BookTable", book, utterances=["book a table"])
    with TestClient(skill) as client, pytest.raises(ResponseError) as raised:
        client.intent("BookTable")
    _bounded(str(raised.value))


def test_an_enqueue_the_device_ignores_quotes_both_long_tokens_cut() -> None:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly() -> Response:
        play = AudioPlayer.Play(
            EPISODES[2], "2", play_behavior="ENQUEUE", expected_previous_token=TOKEN
        )
        return Response(directives=(AudioPlayer.ClearQueue("CLEAR_ENQUEUED"), play))

    with TestClient(skill) as client:
        client.player = DevicePlayer(TOKEN.upper(), activity="PLAYING")
        with pytest.raises(RuleViolation) as raised:
            client.audio_event("PlaybackNearlyFinished")
    _bounded(raised.value.rule, "t" * 60)
    assert "T" * 60 in raised.value.rule


@pytest.mark.parametrize(
    "element",
    [
        f'<emphasis level="{LONG}">hi</emphasis>',  # no value Alexa accepts
        f'<break time="{LONG}"/>',  # no duration
        f'<break time="{"1" * 5_000}ms"/>',  # past 10 s
        f'<break time="{"0" * 5_000}1MS"/>',  # a duration, in a form to write otherwise
    ],
    ids=["enumerated", "no-duration", "too-long", "form"],
)
def test_a_hand_written_ssml_attribute_refused_is_quoted_cut(element: str) -> None:
    with pytest.raises(ResponseError) as raised:
        SsmlSpeech(Ssml(f"<speak>Hi {element}</speak>"))
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "…" in message, message[:300]


def _trip_skill(reply: Any) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip to {city}"],
        slots={"city": DialogSlot("AMAZON.City", elicit="Where to?")},
        auto_delegate=False,
    )
    def plan(request: IntentRequest) -> Response:
        return reply(request)  # type: ignore[no-any-return]

    return skill


#: Slot names a request may send, long and many (the request's whole under its size limit).
SLOTS: dict[str, Any] = {f"{'x' * 1_000}{index}": "Paris" for index in range(12)}


@pytest.mark.parametrize(
    ("reply", "slots", "more"),
    [
        (lambda request: elicit_slot("town", "Which town?"), SLOTS, "and 3 more"),  # (and city)
        (lambda request: delegate(updated_intent("PlanTrip", **SLOTS)), {}, "and 2 more"),
    ],
    ids=["the-intent-s-slots", "slots-it-lacks"],
)
def test_the_slot_names_a_dialog_refusal_lists_are_cut(
    reply: Any, slots: dict[str, Any], more: str
) -> None:
    # The intent's slots (the request's, as Alexa sent them) and those an updatedIntent sets
    # that it lacks were listed whole, each name and all of them.
    with TestClient(_trip_skill(reply)) as client, pytest.raises(ResponseError) as raised:
        client.intent("PlanTrip", slots=slots)
    _bounded(str(raised.value), "x" * 20)
    assert more in str(raised.value)


class _NoJson:
    """A value no JSON holds (the handler's: kept in the session by mistake)."""


@pytest.mark.parametrize(
    "attributes",
    [
        {LONG: "a" * 130_000, "turn": 3},  # too large: its largest key said
        {LONG: {LONG: _NoJson()}},  # unencodable: where it is said
    ],
    ids=["largest-key", "where"],
)
def test_the_session_attribute_keys_a_refused_reply_names_are_cut(
    attributes: dict[str, Any],
) -> None:
    # The keys were said by their repr, whole: keys made of the user's words or a store's.
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("Your move."), attributes)
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "…" in message, message[:300]
