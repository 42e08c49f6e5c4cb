"""A directive written as a mapping gets the checks of its typed form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import VideoApp, ask, speak
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Reprompt, Response, encode_response

from .responses_shared import APL_DOCUMENT, APLA

pytestmark = pytest.mark.oldest_dependencies


def _launch(video_item: Any) -> dict[str, Any]:
    return {"type": "VideoApp.Launch", "videoItem": video_item}


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (
            _launch({"source": "http://cdn.example.com/v.mp4"}),
            r"videoItem\.source must be an HTTPS",
        ),
        (_launch({"source": None}), r"videoItem\.source must be a non-empty str"),
        ({"type": "VideoApp.Launch"}, r"has no videoItem object"),
        (_launch("https://cdn.example.com/v.mp4"), r"has no videoItem object"),
        (
            _launch({"source": "https://cdn.example.com/v.mp4", "metadata": ["t"]}),
            r"videoItem\.metadata must be an object, not a list$",
        ),
        (
            _launch({"source": "https://cdn.example.com/v.mp4", "metadata": {"title": 3}}),
            r"videoItem\.metadata\.title must be a non-empty str, not 3",
        ),
    ],
)
def test_a_video_launch_written_as_a_dict_is_checked_as_the_typed_one(
    directive: dict[str, Any], said: str
) -> None:
    # VideoApp.Launch(source="http://…") is refused; the same directive written as a dict went
    # out, and the device played nothing.
    with pytest.raises(ResponseError, match=rf"^directives\[0\]: VideoApp\.Launch {said}"):
        speak("Here it is", directives=[directive])


def test_a_valid_video_launch_written_as_a_dict_goes_as_written() -> None:
    written = _launch(
        {"source": "https://cdn.example.com/v.mp4", "metadata": {"title": "T", "subtitle": "S"}}
    )
    sent = json.loads(encode_response(speak("Here it is", directives=[written])))
    assert sent["response"]["directives"] == [written]


def _entities(**written: Any) -> dict[str, Any]:
    return {"type": "Dialog.UpdateDynamicEntities", **written}


_FRUIT: Any = [{"name": "Fruit", "values": [{"id": "a", "name": {"value": "apple"}}]}]


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (_entities(updateBehavior="REPLACE"), r"REPLACE needs at least one type"),
        (_entities(updateBehavior="REPLACE", types=[]), r"REPLACE needs at least one type"),
        (_entities(updateBehavior="REPLACE", types={"Fruit": ["apple"]}), r"types must be a list"),
        (_entities(updateBehavior="REPLACE", types=["Fruit"]), r"types\[0\] must be an object"),
        (
            _entities(updateBehavior="REPLACE", types=[{"values": _FRUIT[0]["values"]}]),
            r"types\[0\]\.name must be a non-empty str, not None",
        ),
        (
            _entities(updateBehavior="REPLACE", types=[{"name": "Fruit", "values": []}]),
            r"types\[0\]\.values must be a non-empty list",
        ),
        (
            _entities(updateBehavior="REPLACE", types=[{"name": "Fruit", "values": ["apple"]}]),
            r"types\[0\]\.values\[0\] must be an object",
        ),
        (
            _entities(
                updateBehavior="REPLACE", types=[{"name": "Fruit", "values": [{"name": "apple"}]}]
            ),
            r"types\[0\]\.values\[0\]\.name must be an object",
        ),
        (
            _entities(
                updateBehavior="REPLACE",
                types=[{"name": "Fruit", "values": [{"name": {"synonyms": ["pome"]}}]}],
            ),
            r"types\[0\]\.values\[0\]\.name\.value must be a non-empty str, not None",
        ),
        (
            _entities(
                updateBehavior="REPLACE",
                types=[
                    {"name": "Fruit", "values": [{"name": {"value": "apple", "synonyms": "x"}}]}
                ],
            ),
            r"types\[0\]\.values\[0\]\.name\.synonyms must be a list of str",
        ),
        (
            _entities(
                updateBehavior="REPLACE",
                types=[{"name": "Fruit", "values": [{"id": 7, "name": {"value": "apple"}}]}],
            ),
            r"types\[0\]\.values\[0\]\.id must be a non-empty str, not 7",
        ),
        (_entities(updateBehavior="CLEAR", types=_FRUIT), r"CLEAR takes no types"),
    ],
)
def test_dynamic_entities_written_as_a_dict_are_checked_as_the_typed_ones(
    directive: dict[str, Any], said: str
) -> None:
    # Dialog.UpdateDynamicEntities("REPLACE", {}) is refused, and so are values without a name;
    # written as a dict, only its updateBehavior was checked: a REPLACE with no types, or types
    # Alexa cannot read, went out, and Alexa refused the whole response.
    with pytest.raises(
        ResponseError, match=rf"^directives\[0\]: Dialog\.UpdateDynamicEntities {said}"
    ):
        ask("Which?", directives=[directive])


def test_valid_dynamic_entities_written_as_a_dict_go_as_written() -> None:
    replace = _entities(
        updateBehavior="REPLACE",
        types=[
            {
                "name": "Fruit",
                "values": [
                    {"id": "a", "name": {"value": "apple", "synonyms": ["pome"]}},
                    {"name": {"value": "pear"}},
                ],
            }
        ],
    )
    for written in (
        replace,
        _entities(updateBehavior="CLEAR"),
        _entities(updateBehavior="CLEAR", types=[]),
    ):
        sent = json.loads(encode_response(ask("Which?", directives=[written])))
        assert sent["response"]["directives"] == [written]


@pytest.mark.parametrize(
    "video",
    [
        VideoApp.Launch("https://cdn.example.com/v.mp4"),
        _launch({"source": "https://cdn.example.com/v.mp4"}),
    ],
)
def test_a_video_launch_takes_no_reprompt(video: Any) -> None:
    # Alexa fails an answer with a VideoApp.Launch and a reprompt (alexa-skills-kit-sdk-for-
    # nodejs#461, the -for-python#143 thread citing Amazon's forum); ask(...) made one unsaid.
    with pytest.raises(ResponseError, match=r"^VideoApp\.Launch takes no reprompt"):
        ask("Here it is. Another?", directives=[video])
    with pytest.raises(ResponseError, match=r"^VideoApp\.Launch takes no reprompt"):
        speak("Here it is.", reprompt="Another?", directives=[video], end_session=None)
    sent = json.loads(encode_response(speak("Here it is.", directives=[video])))["response"]
    assert "reprompt" not in sent and len(sent["directives"]) == 1


def test_dynamic_entities_as_amazon_writes_them_go_as_written() -> None:
    # Amazon's "Use Dynamic Entities" example, grown: several types, ids, synonyms (one list
    # empty), a value with no id; the dict checks pass every member of it, not the first only.
    written = _entities(
        updateBehavior="REPLACE",
        types=[
            {
                "name": "AirportSlotType",
                "values": [
                    {
                        "id": "BOS",
                        "name": {"value": "Logan International Airport", "synonyms": ["Boston"]},
                    },
                    {"id": "LGA", "name": {"value": "LaGuardia Airport", "synonyms": []}},
                ],
            },
            {
                "name": "FoodSlotType",
                "values": [
                    {"id": "pizza_1", "name": {"value": "pizza", "synonyms": ["pie", "slice"]}},
                    {"name": {"value": "noodles"}},
                ],
            },
        ],
    )
    sent = json.loads(encode_response(ask("Which airport?", directives=[written])))
    assert sent["response"]["directives"] == [written]


PRODUCT = "amzn1.adg.product.00000000-0000-0000-0000-000000000000"


def _purchase(name: str | None = "Buy", **written: Any) -> dict[str, Any]:
    payload = {"InSkillProduct": {"productId": PRODUCT}}
    return {"type": "Connections.SendRequest", "name": name, "payload": payload, **written}


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (_purchase(payload={}), r"Buy has no payload\.InSkillProduct object"),
        (_purchase("Cancel", payload=None), r"Cancel has no payload\.InSkillProduct object"),
        (
            _purchase(payload={"InSkillProduct": {"productId": ""}}),
            r"payload\.InSkillProduct\.productId must be a non-empty str, not ''",
        ),
        (_purchase("Upsell"), r"payload\.upsellMessage must be a non-empty str, not None"),
        (
            _purchase(payload={"InSkillProduct": {"productId": PRODUCT}, "upsellMessage": "Yes?"}),
            r"payload\.upsellMessage is only for Upsell",
        ),
        (_purchase(token=5), r"token must be a non-empty str, not 5"),
    ],
)
def test_a_purchase_written_as_a_dict_is_checked_as_the_typed_one(
    directive: dict[str, Any], said: str
) -> None:
    # Connections.SendRequest("Buy", "") is refused; written as a dict, a Buy without the
    # product went out, and Alexa refused the whole response.
    with pytest.raises(ResponseError, match=rf"^directives\[0\]: Connections\.SendRequest {said}"):
        speak("One moment.", directives=[directive])


@pytest.mark.parametrize(
    "written",
    [
        _purchase(token="buy-1"),
        _purchase(
            "Upsell", payload={"InSkillProduct": {"productId": PRODUCT}, "upsellMessage": "?"}
        ),
        _purchase("Cancel"),
        # Other tasks share the directive type with payloads of their own (Amazon Pay's Setup
        # and Charge, the voice permission consent's AskFor): sent as written, unchecked.
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [
                    {"permissionScope": "alexa::alerts:reminders:skill:readwrite"}
                ],
            },
            "token": "",
        },
        {"type": "Connections.SendRequest", "name": "Charge", "payload": {"@type": "x"}},
    ],
)
def test_a_valid_send_request_written_as_a_dict_goes_as_written(written: dict[str, Any]) -> None:
    sent = json.loads(encode_response(speak("One moment.", directives=[written])))
    assert sent["response"]["directives"] == [written]


def _render(**written: Any) -> dict[str, Any]:
    return {"type": "Alexa.Presentation.APL.RenderDocument", **written}


def _commands(**written: Any) -> dict[str, Any]:
    return {"type": "Alexa.Presentation.APL.ExecuteCommands", **written}


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (_render(), r"RenderDocument has no document object"),
        (_render(document="doc://alexa/apl/documents/menu"), r"RenderDocument has no document"),
        (_render(document={}), r'RenderDocument document has no "type" \("APL" or "Link"\)'),
        (
            _render(document={"type": "APLA", "version": "0.91"}),
            r"RenderDocument document is an APL for audio document \(APLA\): send it with "
            r"Alexa\.Presentation\.APLA\.RenderDocument",
        ),
        (_render(document={"type": "Link"}), r'RenderDocument: a "Link" document names its'),
        (
            _render(document={"type": "APL", "mainTemplate": {"items": []}}),
            r'RenderDocument document has no "version"',
        ),
        (_render(document=APL_DOCUMENT, token=""), r"RenderDocument token must be a non-empty"),
        (
            _render(document=APL_DOCUMENT, datasources=["menu"]),
            r"RenderDocument datasources must be a mapping \(JSON object\), not a list$",
        ),
        (_commands(token="menu"), r"ExecuteCommands commands must be a list of commands"),
        (_commands(token="menu", commands=[]), r"ExecuteCommands commands is empty"),
        (
            _commands(token="menu", commands=["Idle"]),
            r"ExecuteCommands commands\[0\] must be a mapping",
        ),
        (_commands(commands=[{"type": "Idle"}]), r"ExecuteCommands token must be a non-empty"),
    ],
)
def test_an_apl_directive_written_as_a_dict_is_checked_as_the_typed_one(
    directive: dict[str, Any], said: str
) -> None:
    # APL.RenderDocument({"type": "APLA"}) and APL.ExecuteCommands("menu", []) are refused;
    # written as dicts they went out, and the screen showed or did nothing.
    with pytest.raises(ResponseError, match=rf"^directives\[0\]: Alexa\.Presentation\.APL\.{said}"):
        speak("Here it is.", directives=[directive])


@pytest.mark.parametrize(
    "written",
    [
        _render(document=APL_DOCUMENT, token="menu", datasources={"x": [1, 2.5, None]}),
        _render(document={"type": "Link", "src": "doc://alexa/apl/documents/menu"}),
        _commands(token="menu", commands=[{"type": "Idle", "delay": 500}]),
    ],
)
def test_a_valid_apl_directive_written_as_a_dict_goes_as_written(written: dict[str, Any]) -> None:
    sent = json.loads(encode_response(speak("Here it is.", directives=[written])))
    assert sent["response"]["directives"] == [written]


def _audio(**written: Any) -> dict[str, Any]:
    return {"type": "Alexa.Presentation.APLA.RenderDocument", **written}


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (_audio(), r"has no document object \(an APL for audio document\)"),
        (_audio(document={}), r'document "type" must be "APLA", not None'),
        (
            _audio(document={**APLA, "type": "APL"}),
            r'document "type" must be "APLA", not \'APL\'',
        ),
        (
            _audio(document={"type": "APLA", "mainTemplate": {"items": []}}),
            r'document has no "version" \(the APL for audio version',
        ),
        (
            _audio(document={**APLA, "version": 0.91}),
            r'document "version" must be a string such as "0\.91", not a float 0\.91',
        ),
        (
            _audio(document={"type": "APLA", "version": "0.91"}),
            r'document has no "mainTemplate"',
        ),
        (
            _audio(document={**APLA, "mainTemplate": [{"type": "Speech"}]}),
            r'document "mainTemplate" must be a mapping',
        ),
    ],
)
def test_an_apla_render_document_written_as_a_dict_has_what_alexa_requires(
    directive: dict[str, Any], said: str
) -> None:
    # Amazon's APL for audio Document reference: type "APLA", version and mainTemplate are
    # required; a RenderDocument without them went out unchecked, and Alexa refused the reply.
    where = r"^directives\[0\]: Alexa\.Presentation\.APLA\.RenderDocument "
    with pytest.raises(ResponseError, match=where + said):
        speak("Here it is.", directives=[directive])


def test_an_apla_render_document_with_its_document_goes_out_as_written() -> None:
    written = _audio(token="jingle", document=APLA, datasources={"a": 1})
    response = Response(reprompt=Reprompt(directives=[written]), should_end_session=False)
    sent = json.loads(encode_response(response))
    assert sent["response"]["reprompt"]["directives"] == [written]


def test_an_apl_render_document_written_as_a_dict_has_its_main_template() -> None:
    document = {"type": "APL", "version": "2024.3"}
    with pytest.raises(ResponseError, match=r'RenderDocument document has no "mainTemplate"'):
        speak("Here it is.", directives=[_render(document=document)])
