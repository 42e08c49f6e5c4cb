"""What `TestClient.send` and `RequestFactory` send: the fields Alexa sends with each request
type, from the device that sends it, dated by one clock; clear errors for what Alexa never sends."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alexaskill import Envelope, Session, Skill, ask
from alexaskill.testing import RequestFactory, TestClient

from .conftest import FOURTH_SKILL_ID

pytest_plugins = ["pytester"]

UTC = datetime.UTC


def echo(*types: str) -> Skill:
    """A skill that answers requests of ``types`` with nothing (as an event takes no speech)."""
    skill = Skill(FOURTH_SKILL_ID)
    for request_type in types:
        skill.on(request_type)(lambda: None)
    return skill


def test_send_with_now_says_the_clock_is_the_clients() -> None:
    with TestClient(echo("LaunchRequest")) as client, pytest.raises(TypeError) as raised:
        client.send("LaunchRequest", now=datetime.datetime.now(UTC))
    message = str(raised.value)
    assert "TestClient(now=" in message and "timestamp=" in message


@pytest.mark.parametrize(
    ("request_type", "interface"),
    [
        ("Alexa.Presentation.APL.UserEvent", "Alexa.Presentation.APL"),
        ("Alexa.Presentation.APL.RuntimeError", "Alexa.Presentation.APL"),
        ("Alexa.Presentation.APLT.UserEvent", "Alexa.Presentation.APLT"),
        ("Display.ElementSelected", "Display"),
    ],
)
def test_a_screen_event_comes_only_from_a_device_declaring_its_interface(
    request_type: str, interface: str
) -> None:
    with TestClient(echo(request_type)) as client:  # a speaker: AudioPlayer only
        with pytest.raises(ValueError, match=f"declares no {interface} interface"):
            client.send(request_type)
        client.interfaces = ("AudioPlayer", interface)
        assert client.send(request_type).status_code == 200


def test_a_button_press_is_reported_at_the_requests_time() -> None:
    from alexaskill.testing.request_defaults import default_fields

    stamp = "2026-11-27T09:30:00Z"
    fields = default_fields("GameEngine.InputHandlerEvent", {"timestamp": stamp})
    [event] = fields["events"]
    assert [press["timestamp"] for press in event["inputEvents"]] == [stamp]


@pytest.mark.parametrize(
    ("request_type", "status"),
    [
        ("Reminders.ReminderCreated", "ON"),
        ("Reminders.ReminderUpdated", "ON"),
        ("Reminders.ReminderStarted", "ON"),
        ("Reminders.ReminderStatusChanged", "COMPLETED"),
    ],
)
def test_a_reminder_event_says_the_reminders_status(request_type: str, status: str) -> None:
    from alexaskill.testing.request_defaults import default_fields

    body = default_fields(request_type)["body"]
    assert body == {"alertToken": "reminderAlertToken", "status": status}


def test_a_task_request_and_an_aplt_event_carry_their_fields() -> None:
    from alexaskill.testing.request_defaults import default_fields

    task = default_fields("Connections.Request")
    assert task["name"] == "AMAZON.PrintPDF"
    assert task["payload"]["@type"] == "PrintPDFRequest" and task["payload"]["url"]
    aplt = default_fields("Alexa.Presentation.APLT.UserEvent")
    assert sorted(aplt) == ["arguments", "token"]  # (no touch: no TouchWrapper source)


def test_send_gives_a_request_the_fields_alexa_always_sends_with_its_type() -> None:
    skill = echo("System.ExceptionEncountered", "Connections.Response", "Reminders.ReminderStarted")
    moment = datetime.datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    with TestClient(skill, now=lambda: moment) as client:
        failed = client.send("System.ExceptionEncountered").request
        bought = client.send("Connections.Response", name="Upsell").request
        started = client.send("Reminders.ReminderStarted").request
    assert failed is not None and bought is not None and started is not None
    assert failed["error"]["type"] == "INVALID_RESPONSE" and "requestId" in failed["cause"]
    # A field given replaces the default one of its name; the others stay.
    assert bought["name"] == "Upsell" and bought["payload"]["purchaseResult"] == "ACCEPTED"
    # An event is made and sent at the request's time, the client's clock.
    assert started["timestamp"] == "2026-11-27T09:30:00Z"
    assert started["eventCreationTime"] == started["eventPublishingTime"] == started["timestamp"]


def test_the_request_factory_builds_the_same_fields() -> None:
    from alexaskill.testing import RequestFactory

    stamp = "2026-11-27T09:30:00Z"
    request = RequestFactory().envelope("GameEngine.InputHandlerEvent", timestamp=stamp)["request"]
    assert request["timestamp"] == stamp
    assert request["events"][0]["inputEvents"][0]["timestamp"] == stamp
    assert sorted(RequestFactory().envelope("LaunchRequest")["request"]) == [
        "locale",
        "requestId",
        "timestamp",
        "type",
    ]


def test_a_client_of_a_module_names_the_skill_in_it() -> None:
    import types

    module = types.ModuleType("app")
    module.skill = echo("LaunchRequest")  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"a Skill.*not the module 'app'.*app\.skill"):
        TestClient(module)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a Skill"):
        TestClient(None)  # type: ignore[arg-type]


def test_a_skill_id_that_is_no_text_is_refused_when_set() -> None:
    with pytest.raises(TypeError, match="skill_id is an id"):
        TestClient(echo("LaunchRequest"), skill_id=5)  # type: ignore[arg-type]
    with TestClient(echo("LaunchRequest")) as client:
        with pytest.raises(TypeError, match="skill_id is an id"):
            client.skill_id = 5  # type: ignore[assignment]
        assert client.launch().status_code == 200  # (the skill's own id kept)


def test_send_refuses_a_type_field_that_would_change_the_request_type() -> None:
    with TestClient(echo("LaunchRequest")) as client, pytest.raises(TypeError, match="type"):
        client.send("LaunchRequest", type="IntentRequest")


def test_the_conversation_is_kept_and_built_again_for_another_locale() -> None:
    skill = echo("LaunchRequest")
    skill.intent("Help", utterances=["help me"])(lambda: None)
    with TestClient(skill) as client:
        first = client.conversation
        assert client.conversation is first
        assert first.understander.locale == "en-US"
        client.locale = "en-GB"
        assert client.conversation is not first
        assert client.conversation.understander.locale == "en-GB"


def test_send_envelope_sends_an_envelope_as_it_is() -> None:
    with TestClient(echo("System.ExceptionEncountered")) as client:
        envelope = client.factory.envelope("System.ExceptionEncountered")
        del envelope["request"]["cause"]  # (a request send() would not build)
        result = client.send_envelope(envelope)
    assert result.status_code == 200 and client.last is result
    assert result.request is not None and "cause" not in result.request


def test_post_takes_a_body_of_bytes() -> None:
    # post({"version": "1.0"}) said only "a bytes-like object is required, not 'dict'", from
    # inside the client; a str is encoded and sent, as httpx sends one.
    with TestClient(Skill(FOURTH_SKILL_ID)) as client:
        with pytest.raises(TypeError, match=r"post\(\) takes the body as bytes .*send_envelope"):
            client.post({"version": "1.0"})  # type: ignore[arg-type]
        assert client.post("{}").status_code == 400  # type: ignore[arg-type]


def test_a_field_in_snake_case_is_refused_naming_alexas_camel_case() -> None:
    # audio_event("PlaybackStopped", offset_in_milliseconds=5000), in the spelling of
    # DevicePlayer's own attribute, sent a field no skill reads beside the player's
    # offsetInMilliseconds: the skill heard 0, and the test asserted on the wrong offset.
    with TestClient(Skill(FOURTH_SKILL_ID)) as client:
        client.player.token = "ep-1"
        told = r"offset_in_milliseconds=.*camelCase: offsetInMilliseconds="
        with pytest.raises(ValueError, match=told):
            client.audio_event("PlaybackStopped", offset_in_milliseconds=5000)
        with pytest.raises(ValueError, match=r"dialog_state=.*dialogState="):
            client.send("IntentRequest", intent={"name": "Hello"}, dialog_state="STARTED")
        sent = client.audio_event("PlaybackStopped", offsetInMilliseconds=5000).request
    assert sent is not None and sent["offsetInMilliseconds"] == 5000


def test_a_player_that_is_no_device_player_is_refused_when_set() -> None:
    with TestClient(echo("LaunchRequest")) as client:
        with pytest.raises(TypeError, match="DevicePlayer"):
            client.player = "ep-1"  # type: ignore[assignment]
        assert client.launch().status_code == 200  # (the player kept)


def test_send_envelope_of_text_says_it_takes_a_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing is sent: the POSTs the client makes are watched (the fake API's call count, which
    # this said before, counts the skill's calls to Alexa's API, never the requests).
    with TestClient(echo("LaunchRequest")) as client:
        posted: list[bytes] = []
        post = client.post

        def watched(body: bytes, headers: Any = None) -> Any:
            posted.append(body)
            return post(body, headers)

        monkeypatch.setattr(client, "post", watched)
        with pytest.raises(TypeError, match="a dict"):
            client.send_envelope('{"version": "1.0"}')  # type: ignore[arg-type]
        assert posted == [] and client.last is None  # (nothing sent)
        client.send("LaunchRequest")
        assert len(posted) == 1  # (the watch sees what is sent)


def test_a_clock_given_as_a_moment_says_it_is_a_function() -> None:
    moment = datetime.datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    with pytest.raises(TypeError, match=r"now=\.\.\.\) is a clock"):
        TestClient(echo("LaunchRequest"), now=moment)  # type: ignore[arg-type]
    skill = echo("LaunchRequest")
    skill.intent("Help", utterances=["help me"])(lambda: None)
    with pytest.raises(TypeError, match=r"local_now=\.\.\.\) is a clock"):
        TestClient(skill, local_now=moment)  # type: ignore[arg-type]
    client = TestClient(skill)
    client.local_now = moment  # type: ignore[assignment]
    with client, pytest.raises(TypeError, match=r"local_now=\.\.\.\) is a clock"):
        client.say("help me")


def test_interfaces_none_says_it_takes_a_list() -> None:
    # A TypeError, as it was ("'NoneType' object is not iterable"), now saying what to give.
    with pytest.raises(TypeError, match=r"a list of interface names, .* not None$"):
        TestClient(echo("LaunchRequest"), interfaces=None)  # type: ignore[arg-type]
    client = TestClient(echo("LaunchRequest"))
    with pytest.raises(TypeError, match="a list of interface names"):
        client.interfaces = None  # type: ignore[assignment]
    with pytest.raises(ValueError, match="not one string"):  # (the mistake of a value)
        client.interfaces = "Display"
    client.close()


def test_the_failure_of_an_answer_names_every_violation_in_it() -> None:
    from alexaskill.directives import AudioPlayer, Dialog
    from alexaskill.exceptions import RuleViolation
    from alexaskill.responses import Response

    skill = Skill(FOURTH_SKILL_ID)
    entities = Dialog.UpdateDynamicEntities("REPLACE", {"Fruit": ["apple"]})
    play = AudioPlayer.Play("https://cdn.example.com/a.mp3", "t")
    skill.launch(lambda: Response(directives=(entities, play), should_end_session=False))
    with TestClient(skill) as client, pytest.raises(RuleViolation) as raised:
        client.launch()
    notes = "\n".join(raised.value.__notes__)
    assert "Dialog.UpdateDynamicEntities" in str(raised.value)
    assert "1 more rule violation in this answer" in notes and "AudioPlayer.Play" in notes


def test_an_audio_event_with_token_none_is_refused_as_one_without_a_token() -> None:
    with TestClient(echo("AudioPlayer.PlaybackStarted")) as client:
        with pytest.raises(ValueError, match="give token="):
            client.audio_event("PlaybackStarted", token=None)
        assert client.last is None  # (nothing sent)


def test_a_player_field_set_to_what_no_device_reports_is_refused() -> None:
    from alexaskill.testing import DevicePlayer

    player = DevicePlayer("ep-1", activity="PLAYING")
    with pytest.raises(ValueError, match="PAUSED"):
        player.activity = "paused"  # (case matters: a skill comparing to PAUSED never matches)
    with pytest.raises(ValueError, match="offset_in_milliseconds"):
        player.offset_in_milliseconds = -1
    with pytest.raises(ValueError, match="offset_in_milliseconds"):
        DevicePlayer("ep-1", offset_in_milliseconds="95000")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="token"):
        player.token = 42  # type: ignore[assignment]
    player.activity, player.offset_in_milliseconds, player.token = "PAUSED", 95_000, None
    assert player.context() == {"playerActivity": "PAUSED"}


def test_the_plugin_reports_every_client_that_failed_at_its_close(
    pytester: pytest.Pytester,
) -> None:
    # The teardown raised the first failure and dropped the others without a word.
    pytester.makepyfile(
        test_closing="""
        from alexaskill import Skill

        def test_two_clients_fail_at_their_close(skill_client):
            for name in ("first", "second"):
                client = skill_client(Skill(f"amzn1.ask.skill.{name}"))

                def late(when="", name=name):
                    raise RuntimeError(f"late progressive of the {name} client")

                client._check_late_progressive = late
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*RuntimeError: late progressive of the second client*",
            "*1 more client failed at its close: RuntimeError: late progressive of the first*",
        ]
    )


@pytest.mark.parametrize(
    ("event", "interface"),
    [
        ("Alexa.Presentation.APLT.UserEvent", "Alexa.Presentation.APLT"),
        ("Alexa.Presentation.HTML.Message", "Alexa.Presentation.HTML"),
    ],
)
def test_a_character_display_or_web_app_event_comes_in_the_open_session(
    event: str, interface: str
) -> None:
    # As an APL UserEvent does: the user acts on what the skill's answer showed, in its
    # session. They were sent outside it, so the skill saw no session and no attributes.
    skill = Skill(FOURTH_SKILL_ID)
    seen: list[Any] = []

    @skill.on("LaunchRequest")
    def launch(session: Session) -> Any:
        session.attributes["shown"] = "game"
        return ask("Ready?", reprompt="Ready?")

    @skill.on(event)
    def acted(envelope: Envelope) -> None:
        seen.append(envelope.session and (envelope.session.new, envelope.session.attributes))

    with TestClient(skill, interfaces=["AudioPlayer", interface]) as client:
        client.send("LaunchRequest")
        assert client.send(event).status_code == 200
    assert seen == [(False, {"shown": "game"})]
    factory = RequestFactory(interfaces=("AudioPlayer", interface))
    assert factory.envelope(event)["session"]["new"] is True  # (one made up, as for APL's)


@pytest.mark.parametrize("locale", ["xx-YY", "de_DE", "english", 5])
def test_send_of_a_locale_alexa_never_sends_is_refused_before_sending(locale: Any) -> None:
    # It was sent as given, and the skill answered it (a fallback language, or none): Alexa
    # sends only the locales it supports, as client.locale and RequestFactory(locale=) say.
    from alexaskill.exceptions import ConfigurationError

    with TestClient(echo("LaunchRequest")) as client:
        with pytest.raises(ConfigurationError, match=r"^send\(locale=\.\.\.\): "):
            client.send("LaunchRequest", locale=locale)
        assert client.last is None  # (nothing sent)
        sent = client.send("LaunchRequest", locale="de-DE").request
        assert sent is not None and sent["locale"] == "de-DE"


def test_a_client_of_no_skill_quotes_it_cut() -> None:
    # Said by its repr whole: a str of 5,000 characters (a path read in its stead) made a
    # message as long, and an object whose repr raises raised that in place of the TypeError.
    import types

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    for given, said in [
        ("x" * 5_000, "not 'xxx"),
        (types.ModuleType("m" * 5_000), "not the module 'mmm"),
        (Broken(), "a Skill (alexaskill.Skill), not "),
    ]:
        with pytest.raises(TypeError) as caught:
            TestClient(given)  # type: ignore[arg-type]
        assert said in str(caught.value) and len(str(caught.value)) < 400, str(caught.value)
