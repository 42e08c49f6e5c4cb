"""Tests for alexaskill.directives: the JSON of each typed directive, its checks, dialog helpers."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from typing import Any, Final

import pytest
from msgspec import UNSET

from alexaskill import directives
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
from alexaskill.interaction import SlotTypeDeclaration, SlotTypeValue
from alexaskill.models import Intent, IntentRequest, Slot
from alexaskill.responses import (
    Directive,
    PlainTextSpeech,
    Reprompt,
    Response,
    can_fulfill,
    directive_kind,
    directive_type,
    encode_response,
    output_speech,
    speak,
)
from alexaskill.ssml import Ssml

#: An APL for audio document with what Amazon requires of one (type, version, mainTemplate).
APLA: Any = {"type": "APLA", "version": "0.91", "mainTemplate": {"items": []}}

URL = "https://cdn.example.com/podcast/episode-42.mp3"
QUESTION = output_speech("Which one?")


def wire(*items: Directive | dict[str, Any]) -> list[Any]:
    """The directives as Alexa receives them (with speech when a dialog step asks a question)."""
    asks = {"Dialog.ElicitSlot", "Dialog.ConfirmSlot", "Dialog.ConfirmIntent"}
    speech = QUESTION if asks & {directive_type(item) for item in items} else UNSET
    body = json.loads(encode_response(Response(output_speech=speech, directives=items)))
    directives_json: list[Any] = body["response"]["directives"]
    return directives_json


def one(item: Directive) -> Any:
    return wire(item)[0]


def test_public_names() -> None:
    assert sorted(directives.__all__, key=lambda n: (not n.isupper(), n)) == directives.__all__
    for name in directives.__all__:
        if not name.isupper():
            assert getattr(directives, name).__doc__, name


# --- Dialog ---------------------------------------------------------------------------------------


PLAN_TRIP = Intent(
    name="PlanTrip",
    confirmation_status="NONE",
    slots={
        "city": Slot(name="city", value="Pari", confirmation_status="NONE"),
        "date": Slot(name="date", value="2026-12-01", confirmation_status="CONFIRMED"),
        "travellers": Slot(name="travellers", confirmation_status="NONE"),
    },
)


def test_dialog_directives_json() -> None:
    assert [
        one(Dialog.Delegate()),
        one(Dialog.ElicitSlot("city")),
        one(Dialog.ConfirmSlot("date")),
        one(Dialog.ConfirmIntent()),
    ] == [
        {"type": "Dialog.Delegate"},
        {"type": "Dialog.ElicitSlot", "slotToElicit": "city"},
        {"type": "Dialog.ConfirmSlot", "slotToConfirm": "date"},
        {"type": "Dialog.ConfirmIntent"},
    ]
    assert {directive_kind(d) for d in (Dialog.Delegate(), Dialog.ConfirmIntent())} == {"dialog"}


def test_updated_intent_changes_slots_and_keeps_the_rest() -> None:
    assert updated_intent(PLAN_TRIP, city="Paris", travellers=2) == {
        "name": "PlanTrip",
        "confirmationStatus": "NONE",
        "slots": {
            "date": {"name": "date", "value": "2026-12-01", "confirmationStatus": "CONFIRMED"},
            "travellers": {"name": "travellers", "value": "2", "confirmationStatus": "NONE"},
            "city": {"name": "city", "value": "Paris", "confirmationStatus": "NONE"},
        },
    }


def test_updated_intent_resets_confirmation_only_when_the_value_changes() -> None:
    same = updated_intent(PLAN_TRIP, date="2026-12-01")["slots"]["date"]
    changed = updated_intent(PLAN_TRIP, date="2026-12-02")["slots"]["date"]
    assert same["confirmationStatus"] == "CONFIRMED"
    assert changed["confirmationStatus"] == "NONE"


def test_updated_intent_clears_a_slot_and_takes_an_explicit_slot() -> None:
    slots = updated_intent(
        PLAN_TRIP, city=None, date=Slot(value="2026-12-24", confirmation_status="CONFIRMED")
    )["slots"]
    assert slots["city"] == {"name": "city", "confirmationStatus": "NONE"}
    assert slots["date"] == {
        "name": "date",
        "value": "2026-12-24",
        "confirmationStatus": "CONFIRMED",
    }


def test_updated_intent_by_name_starts_another_intent() -> None:
    assert updated_intent("OrderCoffee", size="large") == {
        "name": "OrderCoffee",
        "confirmationStatus": "NONE",
        "slots": {"size": {"name": "size", "value": "large", "confirmationStatus": "NONE"}},
    }


@pytest.mark.parametrize("value", [True, 2.5, ["a"], {"value": "x"}])
def test_updated_intent_refuses_other_values(value: Any) -> None:
    with pytest.raises(ResponseError, match="slot city: give a str, an int, a Slot or None"):
        updated_intent(PLAN_TRIP, city=value)


def test_a_decoded_intent_is_copied_as_json() -> None:
    directive = Dialog.Delegate(updated_intent=PLAN_TRIP)
    assert directive.updated_intent == updated_intent(PLAN_TRIP)
    assert one(directive)["updatedIntent"]["slots"]["city"]["value"] == "Pari"


@pytest.mark.parametrize(
    ("intent", "message"),
    [
        ({"slots": {}}, "updatedIntent.name must be a non-empty str"),
        ({"name": "X", "confirmationStatus": "MAYBE"}, "updatedIntent.confirmationStatus is"),
        ({"name": "X", "slots": ["city"]}, "updatedIntent.slots must be a mapping"),
        ("PlanTrip", "updatedIntent must be a mapping"),
    ],
)
def test_an_updated_intent_mapping_is_checked(intent: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        Dialog.ElicitSlot("city", updated_intent=intent)


def test_slot_names_are_required() -> None:
    with pytest.raises(ResponseError, match=r"Dialog.ElicitSlot slotToElicit must be a non-empty"):
        Dialog.ElicitSlot("")
    with pytest.raises(ResponseError, match=r"Dialog.ConfirmSlot slotToConfirm"):
        Dialog.ConfirmSlot(None)  # type: ignore[arg-type]


def test_update_dynamic_entities_replace() -> None:
    directive = Dialog.UpdateDynamicEntities(
        "REPLACE",
        {
            "Airport": [
                SlotTypeValue("Logan International", id="BOS", synonyms=("Boston Logan",)),
                "Heathrow",
            ]
        },
    )
    assert one(directive) == {
        "type": "Dialog.UpdateDynamicEntities",
        "updateBehavior": "REPLACE",
        "types": [
            {
                "name": "Airport",
                "values": [
                    {
                        "id": "BOS",
                        "name": {"value": "Logan International", "synonyms": ["Boston Logan"]},
                    },
                    {"id": "Heathrow", "name": {"value": "Heathrow"}},
                ],
            }
        ],
    }


def test_update_dynamic_entities_takes_declarations_and_clear() -> None:
    declaration = SlotTypeDeclaration.build("Fruit", ["apple"])
    assert one(Dialog.UpdateDynamicEntities("REPLACE", [declaration]))["types"][0]["name"] == (
        "Fruit"
    )
    assert one(Dialog.UpdateDynamicEntities("CLEAR")) == {
        "type": "Dialog.UpdateDynamicEntities",
        "updateBehavior": "CLEAR",
    }


@pytest.mark.parametrize(
    ("behavior", "types", "message"),
    [
        ("MERGE", {"Fruit": ["apple"]}, "updateBehavior is 'MERGE'; use one of REPLACE, CLEAR"),
        ("REPLACE", {}, "REPLACE needs at least one type"),
        ("REPLACE", {"Fruit": []}, "slot type Fruit needs at least one value"),
        ("REPLACE", "Fruit", "types must map slot type names to values"),
        ("REPLACE", ["Fruit"], r"types\[0\] must be a SlotTypeDeclaration"),
        ("CLEAR", {"Fruit": ["apple"]}, "CLEAR takes no types"),
    ],
)
def test_update_dynamic_entities_checks(behavior: Any, types: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        Dialog.UpdateDynamicEntities(behavior, types)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ({}, r"directives\[0\]: Dialog.UpdateDynamicEntities updateBehavior is None"),
        ({"updateBehavior": "REMOVE"}, "updateBehavior is 'REMOVE'; use one of REPLACE, CLEAR"),
        ({"updateBehavior": "replace", "types": []}, "updateBehavior is 'replace'"),
    ],
)
def test_update_dynamic_entities_written_as_a_dict_has_its_behavior_checked(
    written: dict[str, Any], message: str
) -> None:
    # Alexa knows REPLACE and CLEAR only (Amazon's ask-sdk-model: er.dynamic.UpdateBehavior);
    # a dict directive with another went out unchecked, and Alexa refused the response.
    with pytest.raises(ResponseError, match=message):
        Response(directives=[{"type": "Dialog.UpdateDynamicEntities", **written}])
    kept = {"type": "Dialog.UpdateDynamicEntities", "updateBehavior": "CLEAR"}
    assert wire(kept) == [kept]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ({"type": "Dialog.ElicitSlot"}, r"directives\[0\]: Dialog.ElicitSlot slotToElicit is None"),
        ({"type": "Dialog.ElicitSlot", "slotToElicit": ""}, "slotToElicit is ''"),
        ({"type": "Dialog.ConfirmSlot", "slotToElicit": "date"}, "slotToConfirm is None"),
        ({"type": "Dialog.ConfirmSlot", "slotToConfirm": 3}, "slotToConfirm is 3"),
    ],
)
def test_a_dialog_directive_written_as_a_dict_names_its_slot(
    written: dict[str, Any], message: str
) -> None:
    # Alexa refuses an ElicitSlot or ConfirmSlot that names no slot; as a dict it went out.
    with pytest.raises(ResponseError, match=message):
        Response(directives=[written])
    kept = {"type": "Dialog.ConfirmSlot", "slotToConfirm": "date"}
    assert wire(kept) == [kept]


# --- dialog responses -----------------------------------------------------------------------------


def response_json(response: Response) -> Any:
    return json.loads(encode_response(response))["response"]


def test_delegate_keeps_the_session_open_and_says_nothing() -> None:
    assert response_json(delegate()) == {
        "directives": [{"type": "Dialog.Delegate"}],
        "shouldEndSession": False,
    }


def test_delegate_may_speak_when_it_starts_another_intent() -> None:
    body = response_json(delegate(updated_intent("OrderCoffee"), speech="Welcome!"))
    assert body["outputSpeech"] == {"type": "PlainText", "text": "Welcome!"}
    assert body["directives"][0]["updatedIntent"]["name"] == "OrderCoffee"


def test_elicit_slot_asks_with_a_reprompt() -> None:
    body = response_json(
        elicit_slot("city", "Which city?", updated_intent=updated_intent(PLAN_TRIP, city=None))
    )
    assert body["outputSpeech"]["text"] == "Which city?"
    assert body["reprompt"]["outputSpeech"]["text"] == "Which city?"
    assert body["shouldEndSession"] is False
    assert body["directives"][0]["type"] == "Dialog.ElicitSlot"
    assert body["directives"][0]["slotToElicit"] == "city"
    assert body["directives"][0]["updatedIntent"]["slots"]["city"] == {
        "name": "city",
        "confirmationStatus": "NONE",
    }


def test_confirm_slot_and_intent() -> None:
    slot = response_json(confirm_slot("date", Ssml("<emphasis>December</emphasis>, right?")))
    assert slot["outputSpeech"]["type"] == "SSML"
    assert slot["directives"] == [{"type": "Dialog.ConfirmSlot", "slotToConfirm": "date"}]
    intent = response_json(confirm_intent("Book it?", reprompt="Shall I book it?"))
    assert intent["reprompt"]["outputSpeech"]["text"] == "Shall I book it?"
    assert intent["directives"] == [{"type": "Dialog.ConfirmIntent"}]


def test_dialog_responses_carry_extra_directives() -> None:
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    body = response_json(elicit_slot("fruit", "Which fruit?", directives=[entities]))
    assert [d["type"] for d in body["directives"]] == [
        "Dialog.ElicitSlot",
        "Dialog.UpdateDynamicEntities",
    ]


# --- AudioPlayer ----------------------------------------------------------------------------------


def test_play_json_nests_the_stream() -> None:
    assert one(AudioPlayer.Play(URL, "ep-42", offset_in_milliseconds=1500)) == {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": URL, "token": "ep-42", "offsetInMilliseconds": 1500}},
    }


def test_enqueue_names_the_previous_stream_and_metadata() -> None:
    play = AudioPlayer.Play(
        URL,
        "ep-43",
        play_behavior="ENQUEUE",
        expected_previous_token="ep-42",
        metadata=AudioMetadata(
            title="Episode 43",
            subtitle="The podcast",
            art="https://cdn.example.com/art.png",
            background_image="https://cdn.example.com/bg.png",
        ),
    )
    assert one(play)["audioItem"] == {
        "stream": {
            "url": URL,
            "token": "ep-43",
            "offsetInMilliseconds": 0,
            "expectedPreviousToken": "ep-42",
        },
        "metadata": {
            "title": "Episode 43",
            "subtitle": "The podcast",
            "art": {"sources": [{"url": "https://cdn.example.com/art.png"}]},
            "backgroundImage": {"sources": [{"url": "https://cdn.example.com/bg.png"}]},
        },
    }
    assert directive_kind(play) == "audio"


def test_enqueue_requires_the_previous_token() -> None:
    with pytest.raises(ResponseError, match="expectedPreviousToken is required with playBehavior"):
        AudioPlayer.Play(URL, "ep-43", play_behavior="ENQUEUE")


@pytest.mark.parametrize("behavior", ["REPLACE_ALL", "REPLACE_ENQUEUED"])
def test_other_behaviours_refuse_the_previous_token(behavior: Any) -> None:
    with pytest.raises(
        ResponseError, match=f"only allowed with playBehavior ENQUEUE, not {behavior}"
    ):
        AudioPlayer.Play(URL, "ep-43", play_behavior=behavior, expected_previous_token="ep-42")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "http://cdn.example.com/a.mp3"}, r"audioItem.stream.url must be an HTTPS URL"),
        ({"url": "https://"}, r"audioItem.stream.url must be an HTTPS URL"),
        ({"url": "https:///a.mp3"}, r"stream.url must be an HTTPS URL.*names no host"),
        ({"url": "https://cdn.example.com/a b.mp3"}, r"stream.url must be an HTTPS URL.*%20"),
        ({"url": "https://x.example/" + "a" * 8000}, r"stream.url is 8018 characters; the limit"),
        ({"token": ""}, r"audioItem.stream.token must be a non-empty str"),
        ({"token": "t" * 1025}, r"stream.token is 1025 characters; the limit is 1024"),
        (
            {"play_behavior": "ENQUEUE", "expected_previous_token": "t" * 1025},
            r"stream.expectedPreviousToken is 1025 characters; the limit is 1024",
        ),
        ({"offset_in_milliseconds": -1}, r"offsetInMilliseconds must be an int of 0 or more"),
        ({"offset_in_milliseconds": 1.5}, r"offsetInMilliseconds must be an int of 0 or more"),
        ({"offset_in_milliseconds": True}, r"offsetInMilliseconds must be an int of 0 or more"),
        ({"play_behavior": "APPEND"}, r"playBehavior is 'APPEND'; use one of REPLACE_ALL"),
        ({"metadata": {"title": "x"}}, r"metadata must be an AudioMetadata"),
    ],
)
def test_play_checks(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"url": URL, "token": "ep-42", **kwargs}
    with pytest.raises(ResponseError, match=message):
        AudioPlayer.Play(**arguments)


def _raw_play(**stream: Any) -> dict[str, Any]:
    behavior = stream.pop("playBehavior", "REPLACE_ALL")
    item = {"url": URL, "token": "ep-42", "offsetInMilliseconds": 0, **stream}
    return {"type": "AudioPlayer.Play", "playBehavior": behavior, "audioItem": {"stream": item}}


@pytest.mark.parametrize(
    ("play", "message"),
    [
        (_raw_play(url="http://cdn.example.com/a.mp3"), r"stream.url must be an HTTPS URL"),
        (_raw_play(token="t" * 1025), r"stream.token is 1025 characters; the limit is 1024"),
        (
            _raw_play(playBehavior="ENQUEUE", expectedPreviousToken="t" * 1025),
            r"stream.expectedPreviousToken is 1025 characters; the limit is 1024",
        ),
        (_raw_play(offsetInMilliseconds=-1), r"offsetInMilliseconds must be an int of 0 or more"),
        (_raw_play(playBehavior="ENQUEUE"), r"expectedPreviousToken is required with playBehavior"),
        (_raw_play(expectedPreviousToken="ep-41"), r"only allowed with playBehavior ENQUEUE"),
        (_raw_play(playBehavior=None), r"playBehavior is None; use one of REPLACE_ALL"),
        ({"type": "AudioPlayer.Play", "playBehavior": "REPLACE_ALL"}, r"has no audioItem.stream"),
        ({**_raw_play(), "audioItem": {"stream": "x"}}, r"has no audioItem.stream"),
    ],
)
def test_a_play_written_as_a_dict_gets_the_same_checks(play: dict[str, Any], message: str) -> None:
    # A dict directive goes out as written, but a Play as a dict is no less Alexa's Play.
    with pytest.raises(ResponseError, match=message):
        Response(directives=(play,))


def test_a_good_play_written_as_a_dict_goes_out_as_written() -> None:
    play = _raw_play(playBehavior="ENQUEUE", expectedPreviousToken="ep-41")
    response = Response(directives=(play,))
    assert response.directives == (play,)
    assert json.loads(encode_response(response))["response"]["directives"] == [play]


def test_stream_limits_are_inclusive() -> None:
    url = "https://x.example/" + "a" * (directives.MAX_STREAM_URL - 18)
    play = AudioPlayer.Play(url, "t" * directives.MAX_AUDIO_TOKEN)
    assert len(play.url) == 8000
    # The token a Play with ENQUEUE follows is a stream's token: the same 1024 characters.
    previous = "p" * directives.MAX_AUDIO_TOKEN
    enqueued = AudioPlayer.Play(url, "t", play_behavior="ENQUEUE", expected_previous_token=previous)
    assert enqueued.expected_previous_token == previous
    assert URL.upper().startswith("HTTPS://")
    AudioPlayer.Play("HTTPS://CDN.EXAMPLE.COM/A.MP3", "t")


def test_metadata_images_are_https() -> None:
    with pytest.raises(ResponseError, match=r"metadata.art must be an HTTPS URL"):
        AudioMetadata(art="http://example.com/a.png")
    with pytest.raises(ResponseError, match=r"metadata.backgroundImage must be an HTTPS URL"):
        AudioMetadata(background_image="ftp://example.com/a.png")


def test_stop_and_clear_queue() -> None:
    assert wire(AudioPlayer.Stop(), AudioPlayer.ClearQueue("CLEAR_ALL")) == [
        {"type": "AudioPlayer.Stop"},
        {"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"},
    ]
    with pytest.raises(ResponseError, match="clearBehavior is 'EVERYTHING'; use one of"):
        AudioPlayer.ClearQueue("EVERYTHING")  # type: ignore[arg-type]


@pytest.mark.parametrize("behavior", ["EVERYTHING", "clear_all", None])
def test_a_clear_queue_written_as_a_dict_gets_the_same_check(behavior: Any) -> None:
    raw = {"type": "AudioPlayer.ClearQueue", "clearBehavior": behavior}
    with pytest.raises(ResponseError, match=rf"directives\[0\]: .*clearBehavior is {behavior!r}"):
        Response(directives=(raw,))


def test_a_good_clear_queue_written_as_a_dict_goes_out_as_written() -> None:
    raw = {"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ENQUEUED"}
    assert wire(raw) == [raw]


# --- VideoApp, APL, Connections -------------------------------------------------------------------


def test_video_app_launch() -> None:
    assert one(VideoApp.Launch("https://cdn.example.com/v.mp4", title="Intro")) == {
        "type": "VideoApp.Launch",
        "videoItem": {"source": "https://cdn.example.com/v.mp4", "metadata": {"title": "Intro"}},
    }
    assert one(VideoApp.Launch("https://cdn.example.com/v.mp4")) == {
        "type": "VideoApp.Launch",
        "videoItem": {"source": "https://cdn.example.com/v.mp4"},
    }
    with pytest.raises(ResponseError, match=r"videoItem.source must be an HTTPS URL"):
        VideoApp.Launch("http://cdn.example.com/v.mp4")


DOCUMENT = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}}


def test_apl_render_document_and_execute_commands() -> None:
    render = APL.RenderDocument(DOCUMENT, token="menu", datasources={"menu": {"items": [1]}})
    commands = APL.ExecuteCommands("menu", [{"type": "SpeakItem", "componentId": "title"}])
    assert wire(render, commands) == [
        {
            "type": "Alexa.Presentation.APL.RenderDocument",
            "document": DOCUMENT,
            "token": "menu",
            "datasources": {"menu": {"items": [1]}},
        },
        {
            "type": "Alexa.Presentation.APL.ExecuteCommands",
            "token": "menu",
            "commands": [{"type": "SpeakItem", "componentId": "title"}],
        },
    ]
    assert render.interface == APL.INTERFACE == "Alexa.Presentation.APL"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: APL.RenderDocument({"version": "1"}), r'document has no "type"'),
        (
            lambda: APL.RenderDocument(["APL"]),  # type: ignore[arg-type]
            r"document must be a mapping",
        ),
        (lambda: APL.RenderDocument(DOCUMENT, token=""), r"RenderDocument token must be"),
        (lambda: APL.ExecuteCommands("menu", []), r"ExecuteCommands commands is empty"),
        (
            lambda: APL.ExecuteCommands("menu", {"type": "Idle"}),  # type: ignore[arg-type]
            r"must be a list of commands",
        ),
        (lambda: APL.ExecuteCommands("", [{"type": "Idle"}]), r"ExecuteCommands token must be"),
        (
            lambda: APL.ExecuteCommands("m", ["Idle"]),  # type: ignore[list-item]
            r"commands\[0\] must be a mapping",
        ),
    ],
)
def test_apl_checks(build: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        build()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        # An APL for audio document belongs in Alexa.Presentation.APLA.RenderDocument.
        ({"type": "APLA", "version": "0.91"}, r"APLA.*Alexa\.Presentation\.APLA\.RenderDocument"),
        ({"type": "apl", "version": "2024.3"}, r'"type" is \'apl\'; use "APL" or "Link"'),
        ({"type": "Link"}, r'a "Link" document names its document in "src"'),
        ({"type": "Link", "src": ""}, r'a "Link" document names its document in "src"'),
    ],
)
def test_an_apl_document_is_apl_or_a_link(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        APL.RenderDocument(document)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (None, r'RenderDocument document has no "version" \(the APL version it is written for'),
        (1.1, r'RenderDocument document "version" must be a string such as "2024\.3", not float'),
        ("", r'RenderDocument document "version" must be a string such as "2024\.3", not \'\''),
        (" ", r'RenderDocument document "version" must be a string such as "2024\.3", not \' \''),
    ],
)
def test_an_apl_document_names_its_version(version: object, message: str) -> None:
    # Amazon's APL Document reference: "version", a string, is required in an APL document;
    # without it (or with the number 1.1) the directive went out.
    document: dict[str, object] = {k: v for k, v in DOCUMENT.items() if k != "version"}
    if version is not None:
        document["version"] = version
    with pytest.raises(ResponseError, match=message):
        APL.RenderDocument(document)
    # A version this framework has not heard of is Alexa's to judge: APL gets new versions.
    for taken in ("1.0", "2024.3", "2031.1"):
        assert APL.RenderDocument({**DOCUMENT, "version": taken}).document["version"] == taken
    # A linked document carries its version in the authoring tool, not here.
    APL.RenderDocument({"type": "Link", "src": "doc://alexa/apl/documents/menu"})


def test_a_linked_apl_document_is_taken() -> None:
    link = {"type": "Link", "src": "doc://alexa/apl/documents/menu"}
    assert wire(APL.RenderDocument(link, token="m")) == [
        {"type": "Alexa.Presentation.APL.RenderDocument", "document": link, "token": "m"}
    ]


PRODUCT = "amzn1.adg.product.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
PRINT = "connection://AMAZON.PrintPDF/1"


def test_connections_start_connection() -> None:
    pdf = {"title": "Recipe", "url": "https://cdn.example.com/recipe.pdf"}
    assert wire(
        Connections.StartConnection(PRINT, input=pdf, token="print-1"),
        Connections.StartConnection(PRINT, on_completion="SEND_ERRORS_ONLY"),
    ) == [
        {"type": "Connections.StartConnection", "uri": PRINT, "input": pdf, "token": "print-1"},
        {"type": "Connections.StartConnection", "uri": PRINT, "onCompletion": "SEND_ERRORS_ONLY"},
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"uri": "AMAZON.PrintPDF/1"}, r"StartConnection uri must be a connection:// URI"),
        ({"uri": "connection://"}, r"uri must be a connection:// URI naming the task"),
        ({"uri": ""}, r"StartConnection uri must be a non-empty str"),
        ({"uri": PRINT, "on_completion": "RESUME"}, r"onCompletion is 'RESUME'; use one of"),
        ({"uri": PRINT, "input": ["x"]}, r"StartConnection input must be a mapping"),
        ({"uri": PRINT, "token": 5}, r"StartConnection token must be a str, not 5"),
    ],
)
def test_start_connection_checks(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        Connections.StartConnection(**kwargs)


@pytest.mark.parametrize(
    ("directive", "message"),
    [
        ({"uri": PRINT, "onCompletion": "RESUME"}, r"onCompletion is 'RESUME'; use one of"),
        ({"input": {}}, r"StartConnection uri must be a non-empty str"),
        ({"uri": "https://example.com/task"}, r"uri must be a connection:// URI"),
        ({"uri": "connection://"}, r"uri must be a connection:// URI naming the task"),
    ],
)
def test_a_start_connection_written_as_a_dict_gets_the_same_checks(
    directive: dict[str, Any], message: str
) -> None:
    with pytest.raises(ResponseError, match=r"directives\[0\]: .*" + message):
        speak("One moment.", directives=[{"type": "Connections.StartConnection", **directive}])


def test_a_start_connection_token_may_be_empty() -> None:
    # Amazon's token is an optional string, and nothing says it refuses an empty one: it goes
    # out as given, typed or written as a dict.
    raw = {"type": "Connections.StartConnection", "uri": PRINT, "token": ""}
    assert wire(Connections.StartConnection(PRINT, token=""), raw) == [raw, raw]


def test_a_good_start_connection_written_as_a_dict_goes_out_as_written() -> None:
    # input is the task's JSON, passed through as written, whatever its shape.
    raw = {"type": "Connections.StartConnection", "uri": PRINT, "input": {"any": ["thing"]}}
    assert wire(raw) == [raw]


def test_connections_buy_upsell_cancel() -> None:
    assert wire(
        Connections.SendRequest("Buy", PRODUCT, token="buy-1"),
        Connections.SendRequest("Upsell", PRODUCT, upsell_message="Want the expansion pack?"),
        Connections.SendRequest("Cancel", PRODUCT),
    ) == [
        {
            "type": "Connections.SendRequest",
            "name": "Buy",
            "payload": {"InSkillProduct": {"productId": PRODUCT}},
            "token": "buy-1",
        },
        {
            "type": "Connections.SendRequest",
            "name": "Upsell",
            "payload": {
                "InSkillProduct": {"productId": PRODUCT},
                "upsellMessage": "Want the expansion pack?",
            },
        },
        {
            "type": "Connections.SendRequest",
            "name": "Cancel",
            "payload": {"InSkillProduct": {"productId": PRODUCT}},
        },
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("Refund", PRODUCT), {}, r"name is 'Refund'; use one of Buy, Upsell, Cancel"),
        (("Buy", ""), {}, r"payload.InSkillProduct.productId must be a non-empty str"),
        (("Upsell", PRODUCT), {}, r"payload.upsellMessage must be a non-empty str"),
        (("Buy", PRODUCT), {"upsell_message": "x"}, r"upsellMessage is only for Upsell"),
    ],
)
def test_connections_checks(args: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        Connections.SendRequest(*args, **kwargs)


def test_typed_and_raw_directives_mix() -> None:
    raw = {"type": "Alexa.Presentation.APLA.RenderDocument", "token": "a", "document": APLA}
    response = speak("Playing", directives=[AudioPlayer.Play(URL, "ep-42"), raw])
    body = json.loads(encode_response(response))["response"]
    assert body["directives"][0]["audioItem"]["stream"]["token"] == "ep-42"
    assert body["directives"][1] == raw
    # The value handlers hold keeps its flat fields; only the encoded body nests.
    assert response.directives[0].url == URL


def test_directives_are_frozen_values() -> None:
    play = AudioPlayer.Play(URL, "ep-42")
    assert play == AudioPlayer.Play(URL, "ep-42")
    with pytest.raises(AttributeError):
        play.token = "other"  # type: ignore[misc]


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
    with pytest.raises(ResponseError, match="takes a list of directives, not one"):
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


_METADATA = r"^directives\[0\]: AudioPlayer\.Play audioItem\.metadata"


def _play_with_metadata(metadata: object) -> dict[str, Any]:
    play = _raw_play()
    play["audioItem"]["metadata"] = metadata
    return play


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        (
            {"art": {"sources": [{"url": "http://cdn.example.com/a.png"}]}},
            r"\.art\.sources\[0\]\.url must be an HTTPS URL",
        ),
        (
            {"backgroundImage": {"sources": [{"url": "https://cdn.example.com/b.png"}, {}]}},
            r"\.backgroundImage\.sources\[1\]\.url must be a non-empty str",
        ),
        ({"art": "https://cdn.example.com/a.png"}, r"\.art must be an image"),
        ({"title": 42}, r"\.title must be a non-empty str"),
        ("Episode 42", r" must be an object, not str"),
    ],
)
def test_a_play_written_as_a_dict_has_its_metadata_checked(metadata: object, message: str) -> None:
    # A Play dict's metadata went out unchecked (an http:// cover, a bare URL for an image),
    # while AudioMetadata refuses the same: Alexa does not fetch the image.
    with pytest.raises(ResponseError, match=_METADATA + message):
        Response(directives=(_play_with_metadata(metadata),))
    good = {
        "title": "Episode 42",
        "art": {"sources": [{"url": "https://cdn.example.com/a.png", "size": "LARGE"}]},
    }
    response = Response(directives=(_play_with_metadata(good),))
    body = json.loads(encode_response(response))
    assert body["response"]["directives"][0]["audioItem"]["metadata"] == good


@pytest.mark.parametrize(
    "metadata",
    [None, {"title": None, "subtitle": None, "art": None, "backgroundImage": None}],
)
def test_a_play_dict_whose_metadata_is_null_goes_out_as_before(metadata: object) -> None:
    # The metadata check new today refused a null metadata (or a null title or image), which
    # went out before; AudioMetadata and the stream's checks take None as not given.
    response = Response(directives=(_play_with_metadata(metadata),))
    body = json.loads(encode_response(response))
    assert body["response"]["directives"][0]["audioItem"]["metadata"] == metadata


@pytest.mark.parametrize("name", ["title", "subtitle"])
def test_a_play_dict_with_an_empty_title_is_refused_as_the_typed_one_is(name: str) -> None:
    # AudioMetadata(title="") raised while the same Play written as a dict went out: the two
    # forms of one directive now agree.
    with pytest.raises(ResponseError, match=rf"metadata\.{name} must be a non-empty str"):
        AudioMetadata(**{name: ""})
    with pytest.raises(ResponseError, match=_METADATA + rf"\.{name} must be a non-empty str"):
        Response(directives=(_play_with_metadata({name: ""}),))


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


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (None, r'RenderDocument document has no "mainTemplate" \(the layout shown first'),
        ([], r'RenderDocument document "mainTemplate" must be a mapping \(a layout\), not list'),
    ],
)
def test_an_apl_document_has_its_main_template(template: object, message: str) -> None:
    # Amazon's APL Document reference: "mainTemplate" is required in the top-level document,
    # which a RenderDocument's is; without it the directive went out and showed nothing.
    document: dict[str, object] = {k: v for k, v in DOCUMENT.items() if k != "mainTemplate"}
    if template is not None:
        document["mainTemplate"] = template
    with pytest.raises(ResponseError, match=message):
        APL.RenderDocument(document)
