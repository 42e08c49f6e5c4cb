"""Tests for alexaskill.directives: the dialog hand-back keeps every slot whole (signed, through
the app); updated intents, raw directives and enum members; errors that shorten long values."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from typing import Any, Final

import pytest

from alexaskill.directives import (
    APL,
    AudioMetadata,
    AudioPlayer,
    Connections,
    Dialog,
    VideoApp,
    confirm_intent,
    confirm_slot,
    delegate,
    elicit_slot,
    updated_intent,
)
from alexaskill.exceptions import ResponseError
from alexaskill.models import Intent, IntentRequest
from alexaskill.responses import (
    PlainTextSpeech,
    Reprompt,
    Response,
    can_fulfill,
    encode_response,
    output_speech,
)

# --- the dialog hand-back keeps every slot whole (signed, through the app) -----------------------

#: "ham and eggs" (a multiple-value slot), a resolved city, a confirmed date, an empty slot.
ORDER_SLOTS: Final[dict[str, Any]] = {
    "toppings": {
        "name": "toppings",
        "confirmationStatus": "NONE",
        "slotValue": {
            "type": "List",
            "values": [
                {
                    "type": "Simple",
                    "value": "ham",
                    "resolutions": {
                        "resolutionsPerAuthority": [
                            {
                                "authority": "amzn1.er-authority.echo-sdk.x.Topping",
                                "status": {"code": "ER_SUCCESS_MATCH"},
                                "values": [{"value": {"name": "Ham", "id": "HAM"}}],
                            }
                        ]
                    },
                },
                {"type": "Simple", "value": "eggs"},
            ],
        },
    },
    "city": {
        "name": "city",
        "value": "big apple",
        "confirmationStatus": "NONE",
        "source": "USER",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.x.City",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "New York", "id": "NYC"}}],
                }
            ]
        },
        "slotValue": {"type": "Simple", "value": "big apple"},
    },
    "date": {"name": "date", "value": "2026-12-01", "confirmationStatus": "CONFIRMED"},
    "size": {"name": "size", "confirmationStatus": "NONE"},
}


def test_slots_go_back_whole_in_an_updated_intent() -> None:
    from alexaskill import Skill
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)
    answers: dict[str, Response] = {}

    @skill.intent("Order")
    def order(request: IntentRequest) -> Response:
        intent = request.intent
        answers["as is"] = delegate(updated_intent=intent)
        answers["changed"] = delegate(updated_intent(intent, size="large", date="2026-12-01"))
        answers["elicit"] = elicit_slot(
            "size", "Which size?", updated_intent=updated_intent(intent, city=None)
        )
        return answers["as is"]

    with TestClient(skill) as client:
        result = client.intent("Order", dialog_state="IN_PROGRESS", **ORDER_SLOTS)
    [directive] = result.directives
    assert directive["updatedIntent"] == {
        "name": "Order",
        "confirmationStatus": "NONE",
        "slots": ORDER_SLOTS,
    }
    changed = json.loads(encode_response(answers["changed"]))["response"]["directives"][0]
    assert changed["updatedIntent"]["slots"] == {
        **ORDER_SLOTS,
        "size": {"name": "size", "value": "large", "confirmationStatus": "NONE"},
    }
    elicit = json.loads(encode_response(answers["elicit"]))["response"]["directives"][0]
    assert elicit["updatedIntent"]["slots"] == {
        **ORDER_SLOTS,
        "city": {"name": "city", "confirmationStatus": "NONE"},
    }


@pytest.mark.parametrize(
    "build",
    [
        lambda: Response(directives=[Dialog.ElicitSlot("city")], should_end_session=False),
        lambda: Response(directives=[Dialog.ConfirmSlot("date")], should_end_session=False),
        lambda: Response(directives=[Dialog.ConfirmIntent()], should_end_session=False),
        lambda: Response(
            directives=[{"type": "Dialog.ConfirmIntent"}],
            reprompt=Reprompt(output_speech=output_speech("Book it?")),
            should_end_session=False,
        ),
        lambda: elicit_slot("city", None),  # type: ignore[arg-type]
        lambda: confirm_slot("date", None),  # type: ignore[arg-type]
        lambda: confirm_intent(None),  # type: ignore[arg-type]
    ],
)
def test_a_dialog_step_the_skill_takes_must_ask_its_question(build: Callable[[], Any]) -> None:
    # Amazon's Dialog Interface Reference: the skill provides the prompt of ElicitSlot,
    # ConfirmSlot and ConfirmIntent in outputSpeech (only Delegate uses the dialog model's).
    with pytest.raises(ResponseError, match="outputSpeech"):
        build()


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        ({"city": {"name": "city", "confirmationStatus": "OK"}}, "slot city confirmationStatus"),
        ({"city": {"name": "city", "confirmationStatus": None}}, "slot city confirmationStatus"),
        ({"city": "Paris"}, "updatedIntent.slots.city must be a mapping"),
    ],
)
def test_an_updated_intent_written_as_a_dict_has_valid_slots(
    slots: dict[str, Any], message: str
) -> None:
    # A slot's confirmationStatus is NONE, CONFIRMED or DENIED (Amazon's request reference);
    # as a dict any value went out.
    with pytest.raises(ResponseError, match=message):
        Dialog.Delegate(updated_intent={"name": "PlanTrip", "slots": slots})
    kept = {"name": "PlanTrip", "slots": {"city": {"name": "city", "value": "Paris"}}}
    assert Dialog.Delegate(updated_intent=kept).updated_intent == kept


@pytest.mark.parametrize(
    ("raw", "said"),
    [({}, "it has none"), ({"type": None}, "its type is None"), ({"type": 3}, "its type is 3")],
)
def test_the_type_of_a_raw_directive_without_a_string_type_is_a_clear_error(
    raw: dict[str, Any], said: str
) -> None:
    # directive_type({}) was a bare KeyError, directive_kind({"type": 3}) an AttributeError.
    from alexaskill.responses import directive_kind, directive_type

    for function in (directive_type, directive_kind):
        with pytest.raises(ResponseError, match=f'needs a non-empty string "type": {said}'):
            function(raw)
    with pytest.raises(ResponseError, match="a Directive or a mapping"):
        directive_type(["Dialog.Delegate"])  # type: ignore[arg-type]
    assert directive_kind({"type": "AudioPlayer.Stop"}) == "audio"
    assert directive_type({"type": "Dialog.Delegate"}) == "Dialog.Delegate"


def test_a_long_type_that_is_no_string_is_cut_between_escapes_with_a_mark() -> None:
    # The message was cut at 80 characters, its own words and all: "its type is b'\\x00…\\x0",
    # no "…" to say so, half an escape at the end.
    from alexaskill.responses import directive_type

    with pytest.raises(ResponseError) as caught:
        directive_type({"type": b"A" + b"\x00" * 100})
    said = str(caught.value).partition("its type is ")[2]
    assert re.fullmatch(r"b'A(\\x00)+…(\\x00)+'", said), said


def test_a_typed_directive_copies_the_mappings_it_is_given() -> None:
    # The caller's dicts were kept: changing one after the directive was built (and checked)
    # changed it, past its checks (a nameless updated intent, a document of another type).
    intent = {"name": "OrderCoffee", "confirmationStatus": "NONE", "slots": {}}
    delegate_ = Dialog.Delegate(updated_intent=intent)
    document = {"type": "APL", "version": "2024.1", "mainTemplate": {"items": []}}
    data = {"menu": {"items": ["tea"]}}
    render = APL.RenderDocument(document, token="menu", datasources=data)
    intent["name"] = ""
    document["type"] = "APLA"
    data["menu"]["items"].append("another user's order")
    assert delegate_.updated_intent == {
        "name": "OrderCoffee",
        "confirmationStatus": "NONE",
        "slots": {},
    }
    assert render.document["type"] == "APL"
    assert render.datasources == {"menu": {"items": ["tea"]}}


def test_dialog_helpers_take_directives_none_or_refuse_one_directive_alone() -> None:
    # None was "TypeError: Value after * must be an iterable"; one dict alone was read as its
    # keys ("directives[1] must be a Directive or a mapping …, not str").
    assert elicit_slot("city", "Which city?", directives=None).directives == (
        Dialog.ElicitSlot("city"),
    )
    with pytest.raises(ResponseError, match=r"directives, not the Custom\.Thing directive alone"):
        confirm_slot(
            "city",
            "Paris?",
            directives={"type": "Custom.Thing"},  # type: ignore[dict-item]
        )


@pytest.mark.parametrize(
    ("intent", "said"),
    [
        (5, "updatedIntent must be a mapping"),
        ({"name": ""}, "updatedIntent.name must be a non-empty str"),
        ({"name": "X", "confirmationStatus": "MAYBE"}, "updatedIntent.confirmationStatus"),
    ],
)
def test_a_dialog_directive_written_as_a_dict_gets_its_updated_intent_checked(
    intent: Any, said: str
) -> None:
    # Documented ("dialog directives written as dicts still get the checks of their typed
    # forms"), but a dict's updatedIntent went out unchecked, and Alexa refused the response.
    raw = {"type": "Dialog.ElicitSlot", "slotToElicit": "city", "updatedIntent": intent}
    with pytest.raises(ResponseError, match=rf"^directives\[0\]: {re.escape(said)}"):
        Response(output_speech=output_speech("Which city?"), directives=[raw])
    good = {**raw, "updatedIntent": {"name": "Trip", "slots": {}}}
    assert Response(output_speech=output_speech("Which city?"), directives=[good]).directives


class _Media(str, enum.Enum):  # noqa: UP042  (str() of a member says "_Media.STREAM")
    STREAM = "https://cdn.example.com/a.mp3"
    ART = "https://cdn.example.com/a.png"
    TOKEN = "ep-42"
    TASK = "connection://AMAZON.PrintPDF/1"
    ORDER = "OrderIntent"


def test_a_str_enum_member_is_checked_and_sent_as_the_text_it_holds() -> None:
    # The checks read str() of the value, which for a str Enum's member is "_Media.STREAM":
    # an HTTPS stream URL was refused as "not '_Media.STREAM'", and an intent name given as a
    # member went to Alexa as "_Media.ORDER".
    play = AudioPlayer.Play(
        _Media.STREAM,
        _Media.TOKEN,
        metadata=AudioMetadata(title=_Media.TOKEN, art=_Media.ART),
    )
    video = VideoApp.Launch(_Media.STREAM, title=_Media.TOKEN)
    task = Connections.StartConnection(_Media.TASK)
    sent = json.loads(encode_response(Response(directives=[play])))["response"]["directives"]
    stream = sent[0]["audioItem"]["stream"]
    assert (stream["url"], stream["token"]) == (_Media.STREAM.value, "ep-42")
    assert sent[0]["audioItem"]["metadata"]["art"] == {"sources": [{"url": _Media.ART.value}]}
    for directive, path, text in (
        (video, ("videoItem", "source"), _Media.STREAM),
        (task, ("uri",), _Media.TASK),
    ):
        sent = json.loads(encode_response(Response(directives=[directive])))["response"]
        value = sent["directives"][0]
        for key in path:
            value = value[key]
        assert value == text.value
    assert updated_intent(_Media.ORDER)["name"] == "OrderIntent"


class _Size(str, enum.Enum):  # noqa: UP042  (str() of a member says "_Size.LARGE")
    LARGE = "large"


class _Floor(int, enum.Enum):  # str() of a member says "_Floor.TOP"
    TOP = 12


def test_a_slot_value_given_as_an_enum_member_is_sent_as_its_value() -> None:
    # updated_intent(..., size=_Size.LARGE) sent the slot value "_Size.LARGE" (str() of the
    # member), and a (int, Enum) member "_Floor.TOP": Alexa's dialog then had that as the
    # user's answer.
    sent = updated_intent("OrderIntent", size=_Size.LARGE, floor=_Floor.TOP)["slots"]
    assert sent["size"] == {"name": "size", "value": "large", "confirmationStatus": "NONE"}
    assert sent["floor"] == {"name": "floor", "value": "12", "confirmationStatus": "NONE"}
    assert type(sent["size"]["value"]) is str


def test_an_updated_intent_holds_only_what_alexa_takes() -> None:
    # An Intent built with a status Alexa does not know went out as it was; a slot filed under
    # another name than its own was sent too. Alexa refuses both.
    with pytest.raises(ResponseError, match=r"updatedIntent.confirmationStatus is 'yes'"):
        updated_intent(Intent(name="PlanTrip", confirmation_status="yes"))  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match=r"updatedIntent.confirmationStatus is 'yes'"):
        delegate(Intent(name="PlanTrip", confirmation_status="yes"))  # type: ignore[arg-type]
    misfiled = {"name": "PlanTrip", "slots": {"city": {"name": "town", "value": "Paris"}}}
    with pytest.raises(ResponseError, match=r"updatedIntent.slots.city is named 'town'"):
        Dialog.ElicitSlot("city", updated_intent=misfiled)
    raw = {"type": "Dialog.Delegate", "updatedIntent": misfiled}
    with pytest.raises(ResponseError, match=r"^directives\[0\]: updatedIntent.slots.city is named"):
        Response(directives=[raw], should_end_session=False)
    confirmed = Intent(name="PlanTrip", confirmation_status="CONFIRMED")
    assert updated_intent(confirmed)["confirmationStatus"] == "CONFIRMED"
    named = {"name": "PlanTrip", "slots": {"city": {"name": "city", "value": "Paris"}}}
    assert Dialog.ElicitSlot("city", updated_intent=named).updated_intent == named


_LONG = "x" * 5000


def _entities(types: object, behavior: object = "REPLACE") -> dict[str, Any]:
    return {"type": "Dialog.UpdateDynamicEntities", "updateBehavior": behavior, "types": types}


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: Dialog.UpdateDynamicEntities("REPLACE", {_LONG: []}), "needs at least one value"),
        (lambda: Dialog.UpdateDynamicEntities("REPLACE", {_LONG: ["a", "a"]}), "listed twice"),
        (
            lambda: Dialog.UpdateDynamicEntities(_LONG, {"Size": ["a"]}),  # type: ignore[arg-type]
            "use one of REPLACE",
        ),
        (
            lambda: Response(directives=[_entities([{"name": [_LONG], "values": []}])]),
            r"types\[0\]\.name must be a non-empty str",
        ),
        (
            lambda: Response(
                directives=[
                    _entities(
                        [{"name": "S", "values": [{"name": {"value": "a", "synonyms": _LONG}}]}]
                    )
                ]
            ),
            r"\.name\.synonyms must be a list of str",
        ),
        (
            lambda: Response(
                directives=[_entities([{"name": "S", "values": [{"id": [_LONG], "name": {}}]}])]
            ),
            r"types\[0\]\.values\[0\]\.id must be a non-empty str",
        ),
        (
            lambda: Response(
                directives=[_entities([{"name": "S", "values": [{"name": {"value": [_LONG]}}]}])]
            ),
            r"\.name\.value must be a non-empty str",
        ),
        (lambda: Response(directives=[_entities(None, _LONG)]), "use one of REPLACE, CLEAR"),
        (
            lambda: AudioPlayer.Play(
                "https://cdn.example.com/a.mp3",
                [_LONG],  # type: ignore[arg-type]
            ),
            "token must be",
        ),
    ],
)
def test_a_long_name_or_value_is_said_shortened_in_the_error(make: Any, reason: str) -> None:
    # The dynamic entities errors said a 5000-character type name (or a list holding one) in
    # full, while the slot type checks cut a long value to 40 characters: a log line of pages.
    with pytest.raises(ResponseError, match=reason) as caught:
        make()
    message = str(caught.value)
    assert len(message) < 250, message[:300]
    assert "x" * 40 in message and "…" in message


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: can_fulfill(_LONG), "canFulfill is"),  # type: ignore[arg-type]
        (lambda: can_fulfill("YES", {"city": ("YES", _LONG)}), "slot canFulfill is"),
        (
            lambda: can_fulfill("YES", {"city": [_LONG]}),  # type: ignore[dict-item]
            "give \\(canUnderstand",
        ),
        (
            lambda: PlainTextSpeech("Hi", play_behavior=_LONG),  # type: ignore[arg-type]
            "playBehavior is",
        ),
        (
            lambda: AudioPlayer.Play(
                "https://cdn.example.com/a.mp3",
                "t",
                offset_in_milliseconds=_LONG,  # type: ignore[arg-type]
            ),
            "offsetInMilliseconds must be an int",
        ),
        (
            lambda: Connections.StartConnection(
                "connection://AMAZON.PrintPDF/1",
                token=[_LONG],  # type: ignore[arg-type]
            ),
            "token must be a str",
        ),
        (
            lambda: updated_intent("Quiz", answer=[_LONG]),  # type: ignore[arg-type]
            "give a str, an int",
        ),
    ],
)
def test_the_other_field_errors_say_a_long_value_shortened(make: Any, reason: str) -> None:
    # The same as the dynamic entities' errors: each said the whole value given.
    with pytest.raises(ResponseError, match=reason) as caught:
        make()
    message = str(caught.value)
    assert len(message) < 250, message[:300]
    assert "x" * 40 in message and "…" in message


def test_a_long_value_is_said_by_its_head_and_tail_and_its_length() -> None:
    # As the commands say a long name (`shown`): the first 40 characters alone, no length.
    with pytest.raises(ResponseError) as caught:
        PlainTextSpeech("Hi", play_behavior="A" * 100 + "Z" * 100)  # type: ignore[arg-type]
    assert f"'{'A' * 70}…{'Z' * 30}' (200 characters)" in str(caught.value)
    with pytest.raises(ResponseError) as caught:
        can_fulfill("YES", {"city": ["ab" + "\x00" * 100]})  # type: ignore[dict-item]
    said = re.search(r"not (\[.*\])", str(caught.value))
    assert said and re.fullmatch(r"\['ab(\\x00)+…(\\x00)+'\]", said[1]), str(caught.value)
