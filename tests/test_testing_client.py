"""The test client: the simulated user and device, the slots it sends, and its typed results
(its clear errors for what it is given wrong or after it is closed:
tests/test_testing_client_refusals.py)."""

from __future__ import annotations

import enum
import json
import re
from pathlib import Path
from typing import Any

import pytest

from alexaskill import (
    IntentRequest,
    Request,
    Response,
    Session,
    SimpleCard,
    Skill,
    Slot,
    ask,
    speak,
)
from alexaskill.ssml import Ssml
from alexaskill.testing import SCREEN, RequestFactory, SkillResponse, TestClient
from tests.conftest import OTHER_SKILL_ID, SKILL_ID
from tests.recording_skill import recording_skill

pytestmark = pytest.mark.oldest_dependencies

# --- the simulated user and device ---------------------------------------------------------------


def test_locale_interfaces_user_and_skill_id_are_settable() -> None:
    skill, seen = recording_skill(SKILL_ID, OTHER_SKILL_ID)
    with TestClient(
        skill,
        locale="en-GB",
        interfaces=SCREEN,
        user_id="amzn1.ask.account.TEST",
        device_id="amzn1.ask.device.TEST",
        skill_id=OTHER_SKILL_ID,
    ) as client:
        client.intent("Who")
        assert seen[-1] == {
            "user": "amzn1.ask.account.TEST",
            "device": "amzn1.ask.device.TEST",
            "interfaces": ["Alexa.Presentation.APL", "AudioPlayer", "Display"],
            "skill": OTHER_SKILL_ID,
            "viewport": True,
        }
        client.interfaces = ["AudioPlayer"]
        client.user_id = "amzn1.ask.account.OTHER"
        client.skill_id = SKILL_ID
        client.locale = "fr-FR"
        client.intent("Who")
        assert seen[-1]["interfaces"] == ["AudioPlayer"]
        assert seen[-1]["viewport"] is False
        assert seen[-1]["user"] == "amzn1.ask.account.OTHER"
        assert seen[-1]["skill"] == SKILL_ID
        client.intent("Count")
        assert seen[-1]["locale"] == "fr-FR"


def test_send_any_request_type_with_its_fields() -> None:
    skill = Skill(SKILL_ID)
    seen: list[tuple[str, Any, bool]] = []

    @skill.on("AudioPlayer.PlaybackStarted")
    def started(request: Request, session: Session) -> None:
        seen.append((request.type, getattr(request, "token", None), session.new))

    @skill.fallback
    def fallback(request: Request) -> None:
        seen.append((request.type, getattr(request, "raw", {}).get("thing"), False))

    with TestClient(skill) as client:
        assert client.send("AudioPlayer.PlaybackStarted", token="t-1").status_code == 200
        assert client.send("Alexa.NewThing", thing=42).status_code == 200
    assert seen[0][:2] == ("AudioPlayer.PlaybackStarted", "t-1")
    assert seen[1] == ("Alexa.NewThing", 42, False)


# (str, Enum), a common way to write an Enum of words (str() of a StrEnum member is its value).
class Diet(str, enum.Enum):  # noqa: UP042
    VEGAN = "vegan"


class Size(enum.IntEnum):
    LARGE = 3


def test_an_enum_member_is_sent_as_its_value() -> None:
    # str(Diet.VEGAN) is "Diet.VEGAN": the request carried that, which no Enum parameter takes.
    skill = Skill(SKILL_ID)
    seen: list[object] = []

    @skill.intent("Save")
    def save(diet: Diet, size: int, extras: list[str]) -> Response:
        seen.extend((diet, size, extras))
        return speak("ok")

    with TestClient(skill) as client:
        result = client.intent("Save", diet=Diet.VEGAN, size=Size.LARGE, extras=[Diet.VEGAN])
    assert result.request is not None
    slots = result.request["intent"]["slots"]
    assert slots["diet"]["value"] == "vegan"
    assert slots["size"]["value"] == "3"
    assert slots["extras"]["slotValue"]["values"] == [{"type": "Simple", "value": "vegan"}]
    assert seen == [Diet.VEGAN, 3, ["vegan"]]


class Course(str, enum.Enum):  # noqa: UP042
    MAIN = "main course"
    DESSERT = "dessert"


def dish_skill() -> tuple[Skill, list[Any]]:
    """A skill with a custom slot type, an Enum slot and a built-in one; handlers note slots."""
    skill = Skill(SKILL_ID)
    skill.add_slot_type(
        "Dish",
        [
            {"name": "pancakes", "id": "PANCAKES", "synonyms": ["crepes", "flapjacks"]},
            {"name": "lasagna", "id": "LASAGNA"},
        ],
    )
    seen: list[Any] = []

    @skill.intent(
        "Find",
        utterances=["find {dish}", "find {dish} for {course} in {city}"],
        slots={"dish": "Dish", "city": "AMAZON.City"},
    )
    def find(dish: Slot, city: Slot | None = None, course: Course | None = None) -> Response:
        seen.append((dish.resolved_id, dish.match_status, course))
        return speak("ok")

    @skill.intent("Menu", utterances=["menu of {dishes}"], slots={"dishes": "Dish"})
    def menu(request: IntentRequest, dishes: list[str]) -> Response:
        slot = request.intent.slot("dishes")
        seen.append([value.resolved_id for value in slot.slot_values] if slot else None)
        return speak("ok")

    return skill, seen


def test_a_custom_slot_value_comes_with_the_entity_resolution_alexa_sends() -> None:
    # Alexa resolves a custom type's value against its values and synonyms: the handler of a
    # value given by name saw no resolution before, as no request from Alexa comes.
    skill, seen = dish_skill()
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.Dish"
    with TestClient(skill) as client:
        result = client.intent("Find", dish="Crepes", course="dessert", city="Paris")
        assert result.request is not None
        slots = result.request["intent"]["slots"]
        assert slots["dish"]["value"] == "Crepes"  # as given
        resolutions = {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "pancakes", "id": "PANCAKES"}}],
                }
            ]
        }
        assert slots["dish"]["resolutions"] == resolutions
        assert slots["dish"]["slotValue"] == {
            "type": "Simple",
            "value": "Crepes",
            "resolutions": resolutions,
        }
        assert slots["course"]["resolutions"]["resolutionsPerAuthority"][0]["values"] == [
            {"value": {"name": "dessert", "id": "DESSERT"}}
        ]
        assert "resolutions" not in slots["city"]  # a built-in type: no entity resolution
        assert seen[-1] == ("PANCAKES", "ER_SUCCESS_MATCH", Course.DESSERT)

        client.intent("Find", dish="pizza")
        assert seen[-1] == (None, "ER_SUCCESS_NO_MATCH", None)
        client.intent("Menu", dishes=["flapjacks", "lasagna", "pizza"])
        assert seen[-1] == ["PANCAKES", "LASAGNA", None]

        # A slot given as a dict is sent as given.
        client.intent("Find", dish={"value": "crepes"})
        assert seen[-1] == (None, None, None)


def test_a_slot_the_model_does_not_know_is_sent_without_resolution() -> None:
    skill, _ = dish_skill()

    @skill.intent("Greet", utterances=["greet {name}"])
    def greet(name: str) -> Response:  # no slot type: the skill's model cannot be built
        return speak(name)

    with TestClient(skill) as client:
        result = client.intent("Find", dish="crepes", colour="red")
        assert result.request is not None
        assert "resolutions" not in result.request["intent"]["slots"]["dish"]
        assert "resolutions" not in result.request["intent"]["slots"]["colour"]
        assert client.intent("Greet", name="Ada").speech == "Ada"

    skill, _ = dish_skill()
    with TestClient(skill) as client:
        result = client.intent("Lost", dish="crepes")  # no such intent in the model
        assert result.request is not None
        assert "resolutions" not in result.request["intent"]["slots"]["dish"]


# --- the typed result ----------------------------------------------------------------------------


def test_the_result_has_the_parts_a_test_looks_at() -> None:
    skill = Skill(SKILL_ID)
    render = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "token": "t",
        "document": {"type": "Link", "src": "doc://alexa/apl/documents/weather"},
    }

    @skill.intent("Rich")
    def rich(session: Session) -> Response:
        session.attributes["seen"] = True
        return speak(
            Ssml("<speak>Sunny &amp; <emphasis>warm</emphasis><break time='1s'/> today</speak>"),
            reprompt=Ssml("<speak>Another <w role='amazon:NN'>city</w>?</speak>"),
            card=SimpleCard("Weather", "Sunny"),
            directives=[render],
            end_session=False,
        )

    with TestClient(skill, interfaces=SCREEN) as client:
        result = client.intent("Rich")
    assert isinstance(result, SkillResponse)
    assert result.status_code == 200
    assert result.speech == "Sunny & warm today"
    assert result.ssml is not None and result.ssml.startswith("<speak>Sunny &amp; <emphasis>")
    assert result.reprompt == "Another city?"
    assert result.card == {"type": "Simple", "title": "Weather", "content": "Sunny"}
    assert result.directives == [render]
    assert result.should_end_session is False
    assert result.session_attributes == {"seen": True}
    assert result.json["response"]["card"]["title"] == "Weather"
    assert result.error is None


def test_ssml_the_app_refuses_is_the_handler_error_and_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A hand-written <lang> without xml:lang was sent ("Bonjour" in .speech, why Alexa refuses
    # it in .refusal); the app now refuses it as the speech is built, as the handler's error.
    # The test author sees why in the result (.handler_error, not .refusal: Alexa gets the
    # apology, which it takes) and in the captured log (the ERROR's traceback).
    from alexaskill.exceptions import ResponseError

    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return ask("Hello.", reprompt=Ssml("<speak><lang>Bonjour</lang></speak>"))

    why = "reprompt.outputSpeech.ssml: <lang> has no xml:lang"
    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert result.refusal is None
    assert isinstance(result.handler_error, ResponseError)
    assert str(result.handler_error).startswith(why), result.handler_error
    [record] = [record for record in caplog.records if record.levelname == "ERROR"]
    assert record.getMessage().startswith("handler failed for LaunchRequest ("), record
    assert record.exc_info is not None and record.exc_info[1] is result.handler_error
    assert why in caplog.text  # (the traceback, as pytest shows the captured log)
    # Raised (the default), the exception says it.
    with TestClient(skill) as client, pytest.raises(ResponseError, match=f"^{re.escape(why)}"):
        client.launch()


def test_the_repr_of_a_result_shows_what_went_wrong_first() -> None:
    # The dataclass repr listed json (the whole envelope) and the request before handler_error,
    # so pytest's "where" line, cut at 240 characters, hid why a test's result was the apology.
    # Now the short, telling fields come first (handler_error, refusal, the speech heard), the
    # rest after, those at their default (None, ()) left out.
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return ask("Hello.", reprompt=Ssml("<speak><lang>Bonjour</lang></speak>"))

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    shown = repr(result)
    assert shown.startswith(
        'SkillResponse(status_code=200, handler_error=ResponseError("reprompt.outputSpeech.ssml: '
        "<lang> has no xml:lang (Amazon's SSML reference requires one)"  # (its "")
    ), shown
    apology = "Sorry, something went wrong. Please try again later."
    assert f"), speech={apology!r}, " in shown[:320], shown
    assert shown.index("speech=") < shown.index("json=") < shown.index("request=")
    assert "refusal=" not in shown and "api_calls=" not in shown  # (None, (): left out)
    assert shown.endswith(")")
    refused = SkillResponse(
        200,
        {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>x"}}},
        refusal="outputSpeech.ssml: not well-formed XML",
    )
    assert repr(refused).startswith(
        "SkillResponse(status_code=200, refusal='outputSpeech.ssml: not well-formed XML', "
        "speech='x', json={"
    ), repr(refused)
    assert repr(SkillResponse(400, {"error": "bad"})) == (
        "SkillResponse(status_code=400, speech=None, json={'error': 'bad'})"
    )
    from alexaskill.exceptions import RuleViolation

    dropped = RuleViolation("AudioPlayer.PlaybackStopped", ("outputSpeech",), "no response")
    played = SkillResponse(200, {"version": "1.0"}, violations=(dropped,), request={"a": 1})
    assert repr(played) == (
        f"SkillResponse(status_code=200, speech=None, violations=({dropped!r},), "
        "json={'version': '1.0'}, request={'a': 1})"
    )


def test_speech_is_the_words_a_clip_left_out() -> None:
    # .speech and .reprompt are a test's words to compare: a skill that opens with a sound
    # clip kept its assertions (the clip, "[audio: URL]", is in .heard, chat and replay).
    skill = Skill(SKILL_ID)
    jingle = '<audio src="https://example.com/jingle.mp3"/>'

    @skill.launch
    def launch() -> Response:
        www = '<sub alias="World Wide Web">WWW</sub>'
        speech = Ssml(f"<speak>{jingle} Welcome to {www} radio</speak>")
        return ask(speech, reprompt=Ssml(f"<speak>{jingle} Which?</speak>"))

    with TestClient(skill) as client:
        result = client.launch()
    assert result.speech == "Welcome to World Wide Web radio"
    assert result.reprompt == "Which?"


def test_plain_text_speech_is_heard_as_written_not_read_as_markup() -> None:
    # A plain str is PlainText speech: Alexa says its "<" and "&" as they are. `.speech` and
    # `.reprompt` read it as SSML before, and "<180 degrees>" and "<b>" vanished from them.
    skill = Skill(SKILL_ID)
    said = "Heat the oven to <180 degrees> & use 2 < 3 <b>eggs</b>."

    @skill.intent("Oven")
    def oven() -> Response:
        return ask(said, reprompt="Is 2 < 3? <yes>")

    with TestClient(skill) as client:
        result = client.intent("Oven")
    assert result.ssml == said  # plain text, sent as written
    assert result.speech == said
    assert result.reprompt == "Is 2 < 3? <yes>"
    assert result.heard == said


def test_a_client_whose_skill_id_changes_resolves_slots_under_the_new_ids_authority() -> None:
    # The model the client built on first use kept the first id: after client.skill_id = ...
    # each custom slot value came with the other skill's entity-resolution authority.
    skill = Skill([SKILL_ID, OTHER_SKILL_ID])
    skill.add_slot_type("Drink", ["coffee", "tea"])

    @skill.intent("Order", utterances=["a {drink}"], slots={"drink": "Drink"})
    def order(drink: str | None = None) -> Any:
        return speak(f"a {drink}")

    def authority(result: SkillResponse) -> str:
        assert result.request is not None
        resolutions = result.request["intent"]["slots"]["drink"]["resolutions"]
        return str(resolutions["resolutionsPerAuthority"][0]["authority"])

    with TestClient(skill, skill_id=SKILL_ID) as client:
        assert authority(client.intent("Order", drink="coffee")).endswith(f"{SKILL_ID}.Drink")
        client.skill_id = OTHER_SKILL_ID
        assert authority(client.intent("Order", drink="coffee")).endswith(f"{OTHER_SKILL_ID}.Drink")
        assert authority(client.say("a tea")).endswith(f"{OTHER_SKILL_ID}.Drink")


def test_an_error_that_is_no_text_is_no_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SkillResponse.error gave {"error": 5}'s 5 as the reason (typed str), and `replay --url`
    # to a server answering it ended with a traceback (int has no startswith).
    from alexaskill.cli import DEV_PKI_ENV

    # replay --url signs with the development PKI: the test's own, not the default one.
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))

    from .canned_answer import bare_skill, json_answer, replayed

    assert SkillResponse(400, {"error": 5}).error is None
    assert SkillResponse(400, {"error": "bad"}).error == "bad"
    request = tmp_path / "launch.json"
    request.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")), encoding="utf-8")
    answer = json_answer({"error": 5}, "400 Bad Request")
    code, out, _ = replayed(bare_skill(tmp_path, SKILL_ID), request, answer)
    assert code == 1
    assert '  FAILED: HTTP 400: {"error": 5}\n' in out
