"""The test toolkit: TestClient, its typed results, replay, conversations, the PKI on disk, and
the pytest plugin's fixtures."""

from __future__ import annotations

import datetime
import enum
import json
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import (
    Attributes,
    Context,
    Device,
    IntentRequest,
    Request,
    Response,
    Session,
    SimpleCard,
    Skill,
    Slot,
    User,
    ask,
    speak,
)
from alexaskill.app import APOLOGY
from alexaskill.directives import Dialog
from alexaskill.ssml import Ssml
from alexaskill.testing import (
    SCREEN,
    RequestFactory,
    SkillResponse,
    TestClient,
    TestPKI,
    load_request,
)

pytest_plugins = ["pytester"]

SKILL_ID = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
OTHER_ID = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
SAMPLES = sorted(FIXTURES.glob("*.json"))


def recording_skill(*skill_ids: str) -> tuple[Skill, list[dict[str, Any]]]:
    """A skill whose handlers note what each request told them."""
    skill = Skill(skill_ids or SKILL_ID)
    seen: list[dict[str, Any]] = []

    @skill.intent("Count")
    def count(session: Session, request: IntentRequest) -> Response:
        number = session.attributes.get("n", 0) + 1
        session.attributes["n"] = number
        seen.append({"new": session.new, "id": session.session_id, "locale": request.locale})
        return ask(f"{number}", reprompt="again?")

    @skill.intent("Done")
    def done() -> Response:
        return speak("bye")

    @skill.intent("Who")
    def who(context: Context, user: User, device: Device) -> Response:
        system = context.system
        seen.append(
            {
                "user": user.user_id,
                "device": device.device_id,
                "interfaces": sorted(device.supported_interfaces or {}),
                "skill": system.application.application_id if system and system.application else "",
                "viewport": context.viewport is not None,
            }
        )
        return speak("ok")

    return skill, seen


# --- replaying sample requests -------------------------------------------------------------------


def test_every_fixture_replays_to_a_skill_with_a_fallback() -> None:
    skill = Skill(SKILL_ID)
    types: list[str] = []

    @skill.fallback
    def fallback(request: Request) -> None:
        types.append(request.type)

    with TestClient(skill) as client:
        for path in SAMPLES:
            before = len(types)
            result = client.replay(path)
            assert result.status_code == 200, (path.name, result.json)
            assert result.json["version"] == "1.0"
            assert result.speech != APOLOGY, path.name
            if len(types) > before:  # the framework may answer some types itself
                assert types[-1] == load_request(path)["request"]["type"], path.name
    assert len(SAMPLES) >= 40
    assert len(types) >= len(SAMPLES) - 5


def test_replay_makes_the_timestamp_fresh_and_sets_the_skill_id() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeather")
    def when(request: IntentRequest) -> Response:
        return speak(str(request.timestamp))

    envelope = load_request(FIXTURES / "IntentRequest.GetWeather.json")
    envelope["request"]["timestamp"] = "2015-05-13T12:34:56Z"
    with TestClient(skill) as client:
        answered = client.replay(envelope)
        assert answered.status_code == 200
        said = datetime.datetime.fromisoformat(answered.speech or "")
        assert abs(said - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)
        # The file names another skill: kept as it is, the skill refuses it.
        kept = client.replay(envelope, keep_skill_id=True)
        assert kept.status_code == 400
        assert kept.error == "request is for another skill"
        assert client.replay(envelope, skill_id=OTHER_ID).status_code == 400
    # The envelope given is left as it was.
    assert envelope["request"]["timestamp"] == "2015-05-13T12:34:56Z"


def test_replay_can_change_the_locale_and_leaves_the_conversation_alone() -> None:
    skill, seen = recording_skill()
    sample = RequestFactory(skill_id=OTHER_ID).intent("Count")
    with TestClient(skill) as client:
        client.intent("Count")
        client.replay(sample, locale="de-DE")
        assert seen[-1]["locale"] == "de-DE"
        assert seen[-1]["id"] == sample["session"]["sessionId"]
        client.intent("Count")
    assert seen[2]["id"] == seen[0]["id"]
    assert seen[2]["new"] is False


# --- conversations -------------------------------------------------------------------------------


def test_session_attributes_carry_over_until_an_answer_ends_the_session() -> None:
    skill, seen = recording_skill()
    with TestClient(skill) as client:
        assert client.intent("Count").session_attributes == {"n": 1}
        second = client.intent("Count")
        assert second.speech == "2"
        assert second.session_attributes == {"n": 2}
        assert client.intent("Done").should_end_session is True
        assert client.intent("Count").speech == "1"
        client.new_session()
        assert client.intent("Count").speech == "1"
        assert client.intent("Count").speech == "2"
        assert client.session_ended().status_code == 200
        assert client.intent("Count").speech == "1"
    news = [entry["new"] for entry in seen]
    assert news == [True, False, True, True, False, True]
    ids = [entry["id"] for entry in seen]
    assert ids[0] == ids[1]
    assert len({ids[1], ids[2], ids[3], ids[5]}) == 4
    assert ids[3] == ids[4]


def test_a_refused_request_ends_the_conversation() -> None:
    skill, _ = recording_skill()
    with TestClient(skill) as client:
        client.intent("Count")
        client.skill_id = OTHER_ID
        assert client.intent("Count").status_code == 400
        client.skill_id = SKILL_ID
        assert client.intent("Count").speech == "1"


# --- the simulated user and device ---------------------------------------------------------------


def test_locale_interfaces_user_and_skill_id_are_settable() -> None:
    skill, seen = recording_skill(SKILL_ID, OTHER_ID)
    with TestClient(
        skill,
        locale="en-GB",
        interfaces=SCREEN,
        user_id="amzn1.ask.account.TEST",
        device_id="amzn1.ask.device.TEST",
        skill_id=OTHER_ID,
    ) as client:
        client.intent("Who")
        assert seen[-1] == {
            "user": "amzn1.ask.account.TEST",
            "device": "amzn1.ask.device.TEST",
            "interfaces": ["Alexa.Presentation.APL", "AudioPlayer", "Display"],
            "skill": OTHER_ID,
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

    @skill.intent("Rich")
    def rich(session: Session) -> Response:
        session.attributes["seen"] = True
        return speak(
            Ssml("<speak>Sunny &amp; <emphasis>warm</emphasis><break time='1s'/> today</speak>"),
            reprompt=Ssml("<speak>Another <w role='amazon:NN'>city</w>?</speak>"),
            card=SimpleCard("Weather", "Sunny"),
            directives=[{"type": "Alexa.Presentation.APL.RenderDocument", "token": "t"}],
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
    assert result.directives == [{"type": "Alexa.Presentation.APL.RenderDocument", "token": "t"}]
    assert result.should_end_session is False
    assert result.session_attributes == {"seen": True}
    assert result.json["response"]["card"]["title"] == "Weather"
    assert result.error is None


# --- trust: the test PKI, for the client's lifetime only -----------------------------------------


def test_the_skill_trusts_the_test_pki_only_while_the_client_lives() -> None:
    own = TestPKI(key_set=1)
    verifier = own.verifier()
    skill = Skill(SKILL_ID, verifier=verifier)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    test_signed = {"Content-Type": "application/json", **TestPKI.default().sign(body)}
    own_signed = {"Content-Type": "application/json", **own.sign(body)}
    with TestClient(skill) as client:
        assert skill.verifier is not verifier
        assert client.post(body, test_signed).speech == "hello"
        assert client.post(body, own_signed).status_code == 400
    assert skill.verifier is verifier
    http = StarletteClient(skill)
    assert http.post("/", content=body, headers=test_signed).status_code == 400
    assert http.post("/", content=body, headers=own_signed).status_code == 200


def test_a_skill_without_its_own_verifier_still_verifies_after_the_client() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    with TestClient(skill) as client:
        assert client.intent("Hello").speech == "hello"
    assert skill.verifier is not None
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    # The app was built while the client lived: it must not now answer unsigned requests.
    response = StarletteClient(skill).post(
        "/", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_close_is_idempotent_and_nested_clients_unwind() -> None:
    verifier = TestPKI(key_set=1).verifier()
    skill = Skill(SKILL_ID, verifier=verifier)
    outer = TestClient(skill)
    inner = TestClient(skill, pki=TestPKI(key_set=2))
    inner.close()
    inner.close()
    outer.close()
    assert skill.verifier is verifier


def test_clients_closed_out_of_order_give_the_skill_its_own_back() -> None:
    # The first client closed restored nothing (it was not the last opened), and the second
    # then restored what it had found: the first one's test verifier, trusted for good.
    verifier = TestPKI(key_set=1).verifier()
    skill = Skill(SKILL_ID, verifier=verifier)
    api, listener = skill.api_client, skill.on_handler_error
    first = TestClient(skill)
    second = TestClient(skill, pki=TestPKI(key_set=3))
    installed = skill.verifier
    first.close()
    assert skill.verifier is installed  # the second client's, while it lives
    second.close()
    assert skill.verifier is verifier
    assert skill.api_client is api and skill.on_handler_error is listener


def test_what_was_set_while_a_client_was_open_is_left_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from alexaskill import Verifier

    skill = Skill(SKILL_ID)
    client = TestClient(skill)
    mine = Verifier()
    skill.verifier = mine  # set by the test itself, after the client was opened
    with caplog.at_level(logging.WARNING, "alexaskill"):
        client.close()
    assert skill.verifier is mine
    [record] = caplog.records
    assert record.name == "alexaskill.security"
    assert "skill.verifier was replaced while the client was open" in record.getMessage()


def test_a_client_on_a_skill_already_served_says_so(caplog: pytest.LogCaptureFixture) -> None:
    # Its verifier swapped for one trusting the test PKI alone, silently, while it served.
    skill = Skill(SKILL_ID)
    skill.launch(lambda: speak("hi"))
    with StarletteClient(skill), caplog.at_level(logging.WARNING, "alexaskill"):
        client = TestClient(skill)
        assert client.launch().speech == "hi"
        client.close()
    [record] = caplog.records
    assert record.name == "alexaskill.security"
    assert "has started already" in record.getMessage() and SKILL_ID in record.getMessage()
    # A skill only test clients started is no served skill.
    caplog.clear()
    fresh = Skill(SKILL_ID)
    fresh.launch(lambda: speak("hi"))
    with caplog.at_level(logging.WARNING, "alexaskill"):
        for _ in range(2):
            with TestClient(fresh) as client:
                assert client.launch().speech == "hi"
    assert caplog.records == []


def test_a_request_signed_by_another_pki_is_refused() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    with TestClient(skill) as client:
        refused = client.post(
            body, {"Content-Type": "application/json", **TestPKI(key_set=1).sign(body)}
        )
        assert refused.status_code == 400
        assert refused.error is not None and "signature" in refused.error
        assert client.intent("Hello").status_code == 200


# --- the PKI kept on disk ------------------------------------------------------------------------


def test_pki_save_and_load_round_trip(tmp_path: Path) -> None:
    pki = TestPKI(key_set=1)
    path = pki.save(tmp_path / "pki")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = TestPKI.load(tmp_path / "pki", cert_url="https://s3.amazonaws.com/echo.api/x.pem")
    assert loaded.cert_url == "https://s3.amazonaws.com/echo.api/x.pem"
    assert loaded.chain_pem == pki.chain_pem
    assert loaded.signature(b"body") == pki.signature(b"body")


def test_load_or_create_makes_one_pki_and_then_keeps_it(tmp_path: Path) -> None:
    first = TestPKI.load_or_create(tmp_path)
    second = TestPKI.load_or_create(tmp_path)
    assert first.signature(b"x") == second.signature(b"x")
    assert first.signature(b"x") != TestPKI.default().signature(b"x")
    assert [p.name for p in tmp_path.iterdir()] == [TestPKI.FILE_NAME]


def test_load_or_create_issues_expired_certificates_again(tmp_path: Path) -> None:
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    TestPKI(key_set=1, valid_at=long_ago, not_after=long_ago).save(tmp_path)
    renewed = TestPKI.load_or_create(tmp_path)
    assert renewed.not_after > datetime.datetime.now(datetime.UTC)
    assert renewed.signature(b"x") == TestPKI(key_set=1).signature(b"x")
    assert TestPKI.load(tmp_path).leaf == renewed.leaf


def test_a_damaged_pki_file_says_how_to_recover(tmp_path: Path) -> None:
    (tmp_path / TestPKI.FILE_NAME).write_bytes(TestPKI.default().chain_pem)
    (tmp_path / TestPKI.FILE_NAME).chmod(0o600)  # (as `save` writes it: others' is refused)
    with pytest.raises(ValueError, match="delete the file"):
        TestPKI.load_or_create(tmp_path)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX's")
def test_a_pki_others_can_write_or_read_is_refused(tmp_path: Path) -> None:
    # ALEXASKILL_DEV_PKI_DIR=/tmp/alexaskill-dev, made 0777 earlier: whoever planted a PKI there
    # (keys they hold) had `serve --dev` trust it.
    shared = tmp_path / "shared"
    TestPKI(key_set=7).save(shared)
    key = shared / TestPKI.FILE_NAME
    shared.chmod(0o777)
    for load in (TestPKI.load, TestPKI.load_or_create):
        with pytest.raises(PermissionError, match=r"writable by group or others .*; chmod go-w"):
            load(shared)
    shared.chmod(0o755)  # listable is fine; the key itself is private
    key.chmod(0o644)
    with pytest.raises(PermissionError, match=r"readable or writable by group or others"):
        TestPKI.load(shared)
    key.chmod(0o600)
    assert TestPKI.load(shared).signature(b"x") == TestPKI(key_set=7).signature(b"x")
    if os.getuid() == 0:  # only root can give a file to another user
        os.chown(key, 65534, -1)
        with pytest.raises(PermissionError, match="belongs to another user"):
            TestPKI.load(shared)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX's")
def test_a_pki_is_made_in_a_new_0700_directory_and_never_chmods_an_existing_one(
    tmp_path: Path,
) -> None:
    made = tmp_path / "made" / "dev-pki"
    TestPKI.load_or_create(made)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert stat.S_IMODE((made / TestPKI.FILE_NAME).stat().st_mode) == 0o600
    # ALEXASKILL_DEV_PKI_DIR=. or ~: a directory of the user's, listable by others, is used as
    # it is (the key file is private), never made 0700 behind the user's back.
    listable = tmp_path / "listable"
    listable.mkdir()
    listable.chmod(0o755)
    TestPKI.load_or_create(listable)
    assert stat.S_IMODE(listable.stat().st_mode) == 0o755
    assert stat.S_IMODE((listable / TestPKI.FILE_NAME).stat().st_mode) == 0o600
    # Group-writable (umask 002): without a key there is nothing to distrust yet, but a key
    # made there could be replaced by the group, so none is made.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o775)
    with pytest.raises(FileNotFoundError):
        TestPKI.load(shared)
    with pytest.raises(PermissionError, match=r"writable by group or others .*; chmod go-w /"):
        TestPKI.load_or_create(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o775
    assert list(shared.iterdir()) == []


# --- the pytest plugin ---------------------------------------------------------------------------


def test_plugin_fixtures(skill_client: Callable[..., TestClient], test_pki: TestPKI) -> None:
    assert test_pki is TestPKI.default()
    skill, seen = recording_skill()
    client = skill_client(skill, locale="de-DE")
    assert isinstance(client, TestClient)
    assert client.pki is test_pki
    assert client.intent("Count").speech == "1"
    assert seen[-1]["locale"] == "de-DE"


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_skill_client_in_an_async_test(skill_client: Callable[..., TestClient]) -> None:
    # The client is synchronous: it runs the skill on an event loop of its own, in a thread,
    # so an async test calls it as it is (its own loop waits meanwhile).
    skill = Skill(SKILL_ID)

    @skill.intent("Wait")
    async def wait(session: Session) -> Response:
        await anyio.sleep(0)
        session.attributes["n"] = session.attributes.get("n", 0) + 1
        return ask(str(session.attributes["n"]))

    client = skill_client(skill)
    assert [client.intent("Wait").speech for _ in range(2)] == ["1", "2"]


def test_skill_client_keeps_attributes_off_the_skills_own_store(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)  # the default store: alexaskill.db, in the working directory

    @skill.intent("Remember")
    def remember(attributes: Attributes) -> Response:
        attributes["seen"] = True
        return speak("ok")

    own = skill.store
    client = skill_client(skill, store="memory://")
    assert client.intent("Remember").speech == "ok"
    assert skill.store is client.store is not own
    assert anyio.run(client.store.load, client.user_id) == {"seen": True}
    assert not Path("alexaskill.db").exists()


def test_plugin_closes_its_clients_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_closing="""
        from alexaskill import Skill, speak
        from alexaskill.testing import TestPKI

        VERIFIER = TestPKI(key_set=1).verifier()
        SKILL = Skill("amzn1.ask.skill.x", verifier=VERIFIER)
        SKILL.add_intent_handler("Hello", lambda: speak("hello"))

        def test_uses_a_client(skill_client):
            first = skill_client(SKILL)
            second = skill_client(SKILL, locale="en-GB")
            assert first.intent("Hello").speech == "hello"
            assert second.intent("Hello").speech == "hello"
            assert SKILL.verifier is not VERIFIER

        def test_the_verifier_is_back():
            assert SKILL.verifier is VERIFIER
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=2)


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    # It loads in every pytest run of anyone who has alexaskill installed: beyond the package
    # itself, it may bring in nothing (the test client, certificates and HTTP come with use).
    code = (
        "import sys, alexaskill, pytest; before = set(sys.modules); "
        "import alexaskill.pytest_plugin; "
        "print(sorted(set(sys.modules) - before), [m for m in ('alexaskill.testing', "
        "'alexaskill.verify', 'cryptography', 'httpx') if m in sys.modules])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert output.strip() == "['alexaskill.pytest_plugin'] []"


def test_the_testing_extra_brings_what_the_plugin_needs() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    names = {req.split(">")[0].split(";")[0].strip() for req in extras["testing"]}
    assert names == {"pytest", "httpx2"}
    assert "alexaskill[testing]" in extras["test"]  # CI's suite runs with what users get


def test_a_users_suite_runs_warning_free_under_w_error(tmp_path: Path) -> None:
    # A skill author's suite, with what `pip install "alexaskill[testing]"` brings: Starlette's
    # test client must not warn (it does with httpx alone), or -W error fails every test.
    (tmp_path / "test_hello.py").write_text(
        "from alexaskill import Skill, speak\n\n"
        "skill = Skill('amzn1.ask.skill.x')\n\n"
        "@skill.launch\ndef launch():\n    return speak('hello')\n\n"
        "def test_launch(skill_client):\n"
        "    assert skill_client(skill).launch().speech == 'hello'\n"
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "pytest",
            "-q",
            "-W",
            "error",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 passed" in completed.stdout
    assert "warning" not in completed.stdout.lower()


def test_the_suite_fails_when_a_test_writes_into_the_working_directory(
    pytester: pytest.Pytester,
) -> None:
    # tests/conftest.py's guard, run on a suite with one careless test and one careful one.
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(
        test_writes="""
        from pathlib import Path

        def test_careless():
            Path("alexaskill.db").write_text("")

        def test_careful(tmp_path):
            (tmp_path / "alexaskill.db").write_text("")
        """
    )
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*tests wrote into the working directory*: alexaskill.db"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    (pytester.path / "alexaskill.db").unlink()
    assert pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "-k", "careful").ret == 0


def test_a_turn_is_in_the_session_given_unless_its_type_comes_without_one() -> None:
    factory = RequestFactory(locale="en-GB")
    session = factory.session()
    said = factory.turn({"type": "IntentRequest", "intent": {"name": "HelloIntent"}}, session)
    assert said["session"]["sessionId"] == session["sessionId"]
    assert said["request"]["intent"] == {"name": "HelloIntent"}
    assert said["request"]["locale"] == "en-GB" and "type" in said["request"]
    played = factory.turn({"type": "AudioPlayer.PlaybackStarted", "token": "t"}, session)
    assert "session" not in played and played["request"]["token"] == "t"


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2020, 2, 29, 9, 30, tzinfo=datetime.UTC),
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3),
        datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC),
    ],
    ids=["leap-day-2020", "three-days-ago", "2040"],
)
def test_a_client_clock_at_any_date_is_verified(moment: datetime.datetime) -> None:
    # The shared test PKI is valid from yesterday for a year: a test dated otherwise was refused
    # ("signing certificate not yet valid"), passing today and failing the day after tomorrow.
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch(request: Request) -> Response:
        return speak(f"It is {request.timestamp[:10]}.")

    with TestClient(skill, now=lambda: moment) as client:
        answer = client.launch()
    assert answer.status_code == 200, answer.error
    assert answer.speech == f"It is {moment.date().isoformat()}."
    # The same through the pytest plugin's skill_client, which hands the client the shared PKI
    # (the test_pki fixture): it was refused, "signing certificate not yet valid".
    with TestClient(skill, pki=TestPKI.default(), now=lambda: moment) as client:
        answer = client.launch()
    assert answer.status_code == 200, answer.error


def test_a_misspelt_option_names_the_client_and_what_was_meant() -> None:
    # TestClient hands the options it does not take to FakeAlexaApi: a typo was reported as
    # "FakeAlexaApi.__init__() got an unexpected keyword argument 'local'".
    skill = Skill(SKILL_ID)
    meant = r"^TestClient\(\): no option 'local'; did you mean locale\?"
    with pytest.raises(TypeError, match=meant):
        TestClient(skill, local="de-DE")
    with pytest.raises(TypeError, match=r"^TestClient\(\): no option 'given_nam'.*given_name\?"):
        TestClient(skill, given_nam="Ada")
    with pytest.raises(TypeError, match=r"^TestClient\(\): no option 'colour'"):
        TestClient(skill, colour="red")


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


def test_an_answer_without_should_end_session_ends_it_on_a_device_without_a_screen() -> None:
    # Amazon ("Keep the Session Open"): shouldEndSession left out, a device with a screen keeps
    # the session open (without the microphone), one without a screen ends it; as say() does.
    skill = Skill(SKILL_ID)
    seen: list[bool] = []

    @skill.intent("Note")
    def note(session: Session) -> Response:
        seen.append(session.new)
        session.attributes["noted"] = True
        return Response(card=SimpleCard("Noted", "yes"))

    with TestClient(skill) as speaker, TestClient(skill, interfaces=SCREEN) as show:
        assert speaker.intent("Note").should_end_session is None
        speaker.intent("Note")
        show.intent("Note")
        show.intent("Note")
    assert seen == [True, True, True, False]


@pytest.mark.parametrize("typed", [True, False], ids=["typed", "raw"])
def test_a_dialog_directive_without_should_end_session_keeps_the_session_open(typed: bool) -> None:
    # A Dialog.Delegate (or any dialog directive) waits for the user's answer: Amazon continues
    # the dialog in the same session, on a device without a screen too, as say() does.
    skill = Skill(SKILL_ID)
    seen: list[bool] = []

    @skill.intent("Order")
    def order(session: Session) -> Response:
        seen.append(session.new)
        session.attributes["turns"] = session.attributes.get("turns", 0) + 1
        delegate = Dialog.Delegate() if typed else {"type": "Dialog.Delegate"}
        return Response(directives=(delegate,))

    with TestClient(skill) as speaker:
        first = speaker.intent("Order", dialog_state="STARTED")
        assert first.should_end_session is None
        second = speaker.intent("Order", dialog_state="IN_PROGRESS")
    assert seen == [True, False]
    assert second.session_attributes == {"turns": 2}


def test_a_request_file_beginning_with_a_byte_order_mark_is_replayed(tmp_path: Path) -> None:
    # alexaskill replay takes one (a Windows editor's); client.replay("launch.json") and
    # load_request raised JSONDecodeError ("Unexpected UTF-8 BOM").
    path = tmp_path / "launch.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "IntentRequest.GetWeather.json").read_bytes())
    assert load_request(path)["request"]["intent"]["name"] == "GetWeather"


@pytest.mark.parametrize("said", [None, b"open the skill", 5])
def test_say_of_something_not_text_is_a_clear_type_error(said: Any) -> None:
    # It was Python's "normalize() argument 2 must be str, not NoneType", from deep inside the
    # understanding, for client.say(None) (a variable not set) or bytes read from a file.
    skill = Skill("amzn1.ask.skill.66666666-6666-6666-6666-666666666666")

    @skill.intent("Hello", utterances=["say hello"])
    def hello() -> Response:
        return speak("Hello.")

    with TestClient(skill) as client, pytest.raises(TypeError) as raised:
        client.say(said)
    assert str(raised.value) == (
        f"say() takes what the user says as a str, not {type(said).__name__}: {said!r}"
    )


def test_plugin_closes_every_client_when_one_fails_at_its_close(
    pytester: pytest.Pytester,
) -> None:
    # A client whose close raised (a progressive response sent after the answer) stopped the
    # teardown: the clients made before it stayed open, their skills trusting the test PKI for
    # the rest of the session.
    pytester.makepyfile(
        test_closing="""
        from alexaskill import Skill, speak
        from alexaskill.testing import TestPKI

        VERIFIER = TestPKI(key_set=1).verifier()
        FIRST = Skill("amzn1.ask.skill.x", verifier=VERIFIER)
        FIRST.add_intent_handler("Hello", lambda: speak("hello"))
        SECOND = Skill("amzn1.ask.skill.y")
        SECOND.add_intent_handler("Hello", lambda: speak("hello"))

        def test_a_client_fails_at_its_close(skill_client):
            skill_client(FIRST)
            second = skill_client(SECOND)

            def late(when="at the request after"):
                raise RuntimeError(f"late progressive {when}")

            second._check_late_progressive = late

        def test_the_first_clients_verifier_is_back():
            assert FIRST.verifier is VERIFIER
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: late progressive at its close*"])


def test_replay_of_an_envelope_without_a_request_names_no_whole_envelope() -> None:
    # The ValueError began with the whole envelope given (its tokens, user id, all of it).
    envelope = {"version": "1.0", "session": {"user": {"accessToken": "secret-token"}}}
    with pytest.raises(ValueError) as raised:
        load_request(envelope)
    assert str(raised.value) == (
        "the envelope given: not an Alexa request envelope (no 'request' object)"
    )


def test_replay_takes_keep_skill_id_or_skill_id_not_both() -> None:
    # replay(keep_skill_id=True, skill_id=...) sent the file's id and ignored skill_id
    # without a word (`alexaskill replay` refuses the pair of options).
    skill = Skill(SKILL_ID)
    envelope = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    match = "keep_skill_id=True or skill_id=, not both"
    with TestClient(skill) as client, pytest.raises(ValueError, match=match):
        client.replay(envelope, keep_skill_id=True, skill_id=SKILL_ID)


def test_a_client_whose_skill_id_changes_resolves_slots_under_the_new_ids_authority() -> None:
    # The model the client built on first use kept the first id: after client.skill_id = ...
    # each custom slot value came with the other skill's entity-resolution authority.
    other = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"
    skill = Skill([SKILL_ID, other])
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
        client.skill_id = other
        assert authority(client.intent("Order", drink="coffee")).endswith(f"{other}.Drink")
        assert authority(client.say("a tea")).endswith(f"{other}.Drink")


def test_an_error_that_is_no_text_is_no_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SkillResponse.error gave {"error": 5}'s 5 as the reason (typed str), and `replay --url`
    # to a server answering it ended with a traceback (int has no startswith).
    import io

    from alexaskill.cli import DEV_PKI_ENV, main

    # replay --url signs with the development PKI: the test's own, not the default one.
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))

    from .canned_answer import canned_answer_port

    assert SkillResponse(400, {"error": 5}).error is None
    assert SkillResponse(400, {"error": "bad"}).error == "bad"
    request = tmp_path / "launch.json"
    request.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")))
    app = tmp_path / "app.py"
    app.write_text(f"from alexaskill import Skill\nskill = Skill({SKILL_ID!r})\n")
    body = b'{"error": 5}'
    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
        b"Connection: close\r\n\r\n" + body
    )
    out, err = io.StringIO(), io.StringIO()
    with canned_answer_port(answer) as port:
        argv = ["replay", f"{app}:skill", str(request), "--url"]
        assert main([*argv, f"http://127.0.0.1:{port}/"], stdout=out, stderr=err) == 1
    assert '  FAILED: HTTP 400: {"error": 5}\n' in out.getvalue()


def test_session_ended_with_no_session_open_is_refused_naming_what_to_do() -> None:
    # Alexa sends a SessionEndedRequest to end an open session, never in one of its own: the
    # client sent one in a brand-new session (new: true), after an answer that had ended it.
    skill, _ = recording_skill()
    with TestClient(skill) as client:
        with pytest.raises(ValueError, match=r"no session is open.*launch\(\) or intent\("):
            client.session_ended()
        assert client.intent("Done").should_end_session is True  # the answer ended it
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended(reason="EXCEEDED_MAX_REPROMPTS")
        assert client.api.call_count == 0 and client.last is not None
        assert client.last.request is not None and client.last.request["type"] == "IntentRequest"
        client.intent("Count")
        ended = client.session_ended(reason="EXCEEDED_MAX_REPROMPTS")
        assert ended.status_code == 200
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended()  # that request ended it


def test_an_answer_alexa_refuses_ends_the_session_and_its_attributes_are_not_carried() -> None:
    # Alexa refuses an answer whose SSML is not well-formed ("There was a problem with the
    # requested skill's response") and ends the session: the client carried the refused
    # answer's sessionAttributes to the next request, in the same session (new: false).
    from alexaskill.directives import AudioPlayer

    skill = Skill(SKILL_ID)
    seen: list[tuple[bool, dict[str, Any]]] = []

    @skill.launch
    def launch(session: Session) -> Response:
        seen.append((session.new, dict(session.attributes)))
        session.attributes["step"] = "launched"
        stream = AudioPlayer.Play("https://example.com/a.mp3", "a")
        return ask("Playing. Anything else?", directives=[stream])

    @skill.intent("Broken")
    def broken(session: Session) -> Response:
        seen.append((session.new, dict(session.attributes)))
        session.attributes["step"] = "refused"
        return ask(Ssml("<speak>a <b>broken</speak>"))

    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()
        assert client.player.activity == "PAUSED"  # while Alexa listens in the session
        refused = client.intent("Broken")
        assert refused.refusal is not None and refused.session_attributes == {"step": "refused"}
        assert client.player.activity == "PLAYING"  # the session over, the stream plays
        client.session_ended("ERROR")  # (Alexa's, in the session it ends: INVALID_RESPONSE)
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended()
        client.launch()
    assert seen == [(True, {}), (False, {"step": "launched"}), (True, {})]


def test_the_device_can_be_changed_between_requests_and_starts_a_new_session() -> None:
    # The docstring said device_id could be changed between requests, as user_id can, but the
    # client had no such attribute: `client.device_id = ...` set one nobody read, and the
    # requests went on coming from the first device, in its session.
    skill, seen = recording_skill()
    other = "amzn1.ask.device.OTHER"
    with TestClient(skill) as client:
        client.intent("Count")
        first = client.device_id
        client.device_id = other
        assert client.device_id == other
        client.intent("Count")
        client.intent("Who")
    assert first != other
    assert [entry["new"] for entry in seen[:2]] == [True, True]  # a session is a device's
    assert seen[2]["device"] == other


def test_after_a_raised_handler_error_the_session_is_the_one_alexa_would_hold() -> None:
    # Alexa hears the apology, which ends the session; the client raised the handler's error
    # and left its session open, so that the next request came with new: false and the
    # attributes from before the failure.
    skill, seen = recording_skill()

    @skill.intent("Boom")
    def boom(session: Session) -> Response:
        session.attributes["n"] = 99
        raise RuntimeError("kaboom")

    with TestClient(skill) as client:
        client.intent("Count")
        with pytest.raises(RuntimeError, match="kaboom"):
            client.intent("Boom")
        assert client.intent("Count").speech == "1"
    assert [entry["new"] for entry in seen] == [True, True]


@pytest.mark.parametrize("value", [None, 5, ""])
@pytest.mark.parametrize("field", ["user_id", "device_id"])
def test_a_user_or_device_id_that_is_no_text_is_refused_naming_it(field: str, value: Any) -> None:
    # client.user_id = None sent "userId": null, which the skill took; device_id = 5 made the
    # skill answer HTTP 400 (malformed request), read as the skill's own failure.
    skill, _ = recording_skill()
    if value is not None:  # (None given is the default: an id of Alexa's shape)
        with pytest.raises(TypeError, match=f"{field} is an id: a str"):
            TestClient(skill, **{field: value})
    with TestClient(skill) as client:
        with pytest.raises(TypeError, match=f"{field} is an id: a str"):
            setattr(client, field, value)
        assert client.intent("Count").status_code == 200


def test_changing_the_devices_interfaces_starts_a_new_session() -> None:
    # Another set of interfaces is another device, and a session is held on one (as the
    # simulator's device picker does): the session went on, across devices.
    skill, seen = recording_skill()
    with TestClient(skill, interfaces=["AudioPlayer"]) as client:
        client.intent("Count")
        client.interfaces = SCREEN
        client.intent("Count")
        client.interfaces = SCREEN  # the same device: the session goes on
        client.intent("Count")
    assert [entry["new"] for entry in seen] == [True, True, False]


def test_a_device_id_that_is_no_text_is_refused_with_a_device_id_as_the_example() -> None:
    # The refusal showed an account id (amzn1.ask.account.…) as the example of a device id.
    skill, _ = recording_skill()
    with pytest.raises(TypeError, match=r"device_id is an id: a str such as 'amzn1\.ask\.device"):
        TestClient(skill, device_id=5)  # type: ignore[arg-type]
    account = r"user_id is an id: a str such as 'amzn1\.ask\.account"
    with TestClient(skill) as client, pytest.raises(TypeError, match=account):
        client.user_id = None  # type: ignore[assignment]


def test_after_an_answer_alexa_refuses_its_session_ends_with_a_session_ended_request_in_it() -> (
    None
):
    # Alexa ends the session of an answer it refuses with a SessionEndedRequest (ERROR,
    # INVALID_RESPONSE) in that session, as say() sends it: once the client ended the session
    # at the refusal, say()'s went in a brand-new session (new: true, another id), and
    # client.session_ended("ERROR") was refused as if no session were open.
    skill = Skill(SKILL_ID)
    skill.launch(lambda: ask("Yes?"))
    skill.intent("Broken", utterances=["break it"])(lambda: ask(Ssml("<speak>a <b>x</speak>")))
    ended: list[tuple[bool, str, dict[str, Any]]] = []

    @skill.session_ended
    def record(session: Session) -> None:
        ended.append((session.new, session.session_id, dict(session.attributes)))

    with TestClient(skill, invocation="the cafe", raise_handler_errors=False) as client:
        client.say("open the cafe")
        assert client._session is not None
        opened = client._session["sessionId"]
        client.say("break it")
        client.launch()
        assert client.intent("Broken").refusal is not None
        client.session_ended("ERROR")
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended()  # that one ended it
    assert [(new, attributes) for new, _, attributes in ended] == [(False, {}), (False, {})]
    assert ended[0][1] == opened and ended[1][1] != opened


def test_a_refused_answer_that_said_end_keeps_its_session_for_alexas_ending_request() -> None:
    # An answer Alexa refuses is followed by a SessionEndedRequest (ERROR) in its session,
    # whatever shouldEndSession it said: the client kept the session for it only when the
    # refused answer would have kept the session open (speak()'s true lost it).
    skill = Skill(SKILL_ID)
    skill.launch(lambda: ask("Yes?"))
    skill.intent("Broken")(lambda: speak(Ssml("<speak>a <b>x</speak>")))
    ended: list[str] = []

    @skill.session_ended
    def record(session: Session) -> None:
        ended.append(session.session_id)

    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()
        assert client._session is not None
        opened = client._session["sessionId"]
        assert client.intent("Broken").refusal is not None
        client.session_ended("ERROR")
    assert ended == [opened]


def test_a_closed_client_says_so_instead_of_sending() -> None:
    # Used after its with block, the client signed with its test keys a request the skill, its
    # verifier given back, refused: "certificate chain: download failed" (a download tried
    # from Amazon's URL), an HTTP 400 a test could take for the skill's answer.
    import httpx

    from alexaskill.verify import Verifier

    fetched: list[str] = []

    def offline(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(403)

    verifier = Verifier(http_client=httpx.AsyncClient(transport=httpx.MockTransport(offline)))
    skill = Skill(SKILL_ID, verifier=verifier)
    skill.launch(lambda: speak("Hello."))
    with TestClient(skill) as client:
        assert client.launch().speech == "Hello."
    with pytest.raises(RuntimeError, match="this TestClient is closed"):
        client.launch()
    other = TestClient(skill)
    other.close()
    with pytest.raises(RuntimeError, match="this TestClient is closed"):
        other.say("open it")
    assert fetched == []


def test_a_closed_client_entered_again_with_with_says_so_at_once() -> None:
    # `with client:` after its with block (or close()) ran the skill's lifespan again (its
    # shutdown closing the stores), on the skill given back its own verifier, and only a
    # request sent in it said the client was closed.
    import alexaskill.store

    closed: list[str] = []

    class Counted(alexaskill.store.MemoryStore):
        async def aclose(self) -> None:
            closed.append("closed")

    skill = Skill(SKILL_ID, store=Counted())
    skill.launch(lambda: speak("Hello."))
    with TestClient(skill) as client:
        assert client.launch().speech == "Hello."
    assert closed == ["closed"]  # (the lifespan's shutdown)
    with pytest.raises(RuntimeError, match="this TestClient is closed"), client:
        pass
    assert closed == ["closed"]  # no lifespan ran again


@pytest.mark.parametrize("said", ["", "  \n"])
def test_say_of_nothing_is_refused_naming_silence(said: str) -> None:
    # It answered status 0 with a note, "nothing was said", which a test could take for the
    # skill's answer; a user who says nothing is silent: Alexa reprompts (client.silence()).
    skill = Skill("amzn1.ask.skill.66666666-6666-6666-6666-666666666666")

    @skill.launch
    def launch() -> Response:
        return ask("Which city?", reprompt="Which city, again?")

    with TestClient(skill) as client:
        opened = client.launch()
        with pytest.raises(ValueError, match=r"client\.silence\(\)") as raised:
            client.say(said)
        assert repr(said) in str(raised.value)
        assert client.last is opened  # (nothing sent, the session as it was)
        assert client.silence().heard == "Which city, again?"
