"""The test client's clear errors: options of the wrong kind or misspelt, ids and speech that are
no text, a client used after it is closed, and exceptions the app lets out (the simulated user and
its results: tests/test_testing_client.py)."""

from __future__ import annotations

import contextlib
import datetime
import re
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, ask, speak
from alexaskill.testing import TestClient
from tests.conftest import SKILL_ID, THIRD_SKILL_ID
from tests.recording_skill import recording_skill

pytestmark = pytest.mark.oldest_dependencies


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


def test_a_fake_api_or_pki_given_as_something_else_is_named() -> None:
    # api={"given_name": "Ada"} failed at the client's creation with "'dict' object has no
    # attribute 'late_count'", pki={} with "... no attribute 'verifier'".
    skill = Skill(SKILL_ID)
    told = r"^TestClient\(api=\.\.\.\) is a FakeAlexaApi, not a dict .*given_name='Ada'"
    with pytest.raises(TypeError, match=told):
        TestClient(skill, api={"given_name": "Ada"})  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^TestClient\(pki=\.\.\.\) is a TestPKI .*, not a dict {}"
    ):
        TestClient(skill, pki={})  # type: ignore[arg-type]


def test_a_locale_given_as_a_list_is_told_as_no_locale() -> None:
    # locale=["en-US"] (or client.locale = {...}) said only "unhashable type: 'list'".
    from alexaskill.exceptions import ConfigurationError

    skill = Skill(SKILL_ID)
    told = r"\['en-US'\] is not a locale Alexa supports"
    with pytest.raises(ConfigurationError, match=told):
        TestClient(skill, locale=["en-US"])  # type: ignore[arg-type]
    with TestClient(skill) as client, pytest.raises(ConfigurationError, match="not a locale"):
        client.locale = {"en-US": "English"}  # type: ignore[assignment]


def test_an_invocation_name_that_is_no_str_is_refused_when_the_client_is_made() -> None:
    # invocation=5 was taken, and the first say() failed with "'int' object has no attribute
    # 'strip'", from deep in building the model.
    told = r"^TestClient\(invocation=\.\.\.\) is the skill's invocation name, a str .*not 5$"
    with pytest.raises(TypeError, match=told):
        TestClient(Skill(SKILL_ID), invocation=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("invocation", "said"),
    [
        ("", r"the invocation name is empty"),
        ("  ", r"the invocation name is empty"),
        ("Trip Planner", r"must be lower case \('trip planner'\)"),
        ("x", r"must be 2 to 50 characters long"),
    ],
)
def test_an_invocation_name_alexa_refuses_is_refused_when_the_client_is_made(
    invocation: str, said: str
) -> None:
    # invocation="" was taken, and the first say() raised InteractionModelError: a test that
    # only sent intent() never heard of it.
    with pytest.raises(ValueError, match=r"^TestClient\(invocation=\.\.\.\): .*" + said):
        TestClient(Skill(SKILL_ID), invocation=invocation)


def test_an_invocation_name_beside_a_model_given_is_refused() -> None:
    # The model given names its own invocation name: invocation= was taken, and ignored.
    model = {"interactionModel": {"languageModel": {"invocationName": "the diary", "intents": []}}}
    told = r"^TestClient\(invocation=\.\.\.\) names the skill in the model built from its code"
    with pytest.raises(ValueError, match=told):
        TestClient(Skill(SKILL_ID), model=model, invocation="trip planner")


@pytest.mark.parametrize("value", ["no", 0, None, "False"])
def test_raise_handler_errors_that_is_no_bool_is_refused_naming_it(value: Any) -> None:
    # raise_handler_errors="no" was true: the test raised the handler's error it meant to read.
    shown = re.escape(repr(value))
    told = rf"^TestClient\(raise_handler_errors=\.\.\.\) is True or False, not {shown}$"
    with pytest.raises(TypeError, match=told):
        TestClient(Skill(SKILL_ID), raise_handler_errors=value)
    with TestClient(Skill(SKILL_ID)) as client, pytest.raises(TypeError, match=told):
        client.raise_handler_errors = value
    assert client.raise_handler_errors is True


def test_a_model_file_missing_or_not_a_model_is_refused_when_the_client_is_made(
    tmp_path: Path,
) -> None:
    # model="nope.json" was taken, and reported at the first say(): a test of intent() alone
    # sent its slots unresolved, never told.
    from alexaskill.interaction.builder import InteractionModelError

    missing = tmp_path / "nope.json"
    with pytest.raises(InteractionModelError, match=re.escape(str(missing))):
        TestClient(Skill(SKILL_ID), model=missing)
    (tmp_path / "broken.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(InteractionModelError, match=r"broken\.json"):
        TestClient(Skill(SKILL_ID), model=str(tmp_path / "broken.json"))
    with pytest.raises(InteractionModelError):
        TestClient(Skill(SKILL_ID), model={"interactionModel": 5})
    told = r"^TestClient\(model=\.\.\.\) is an interaction model .*, not 5$"
    with pytest.raises(TypeError, match=told):
        TestClient(Skill(SKILL_ID), model=5)  # type: ignore[arg-type]


def test_an_empty_model_name_is_refused_not_read_as_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # model="" (an unset variable, say) was read as "." and said ".: a directory; choose a
    # locale", or the models of whatever directory the tests ran in; with_simulator refuses it.
    (tmp_path / "en-US.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"^TestClient\(model=''\): no file named$"):
        TestClient(Skill(SKILL_ID), model="")


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        # path=5 failed at the first request, deep in Starlette's client; "alexa" (no slash)
        # was sent to a URL of another host.
        ("path", 5, r"^TestClient\(path=\.\.\.\) is the skill's URL path, a str starting with /"),
        ("path", "alexa", r"^TestClient\(path=\.\.\.\) is the skill's URL path, .*not 'alexa'"),
        # local_now=a datetime was taken, and failed at the first say().
        ("local_now", 5, r"^TestClient\(local_now=\.\.\.\) is a clock"),
    ],
)
def test_an_option_of_the_wrong_kind_is_refused_when_the_client_is_made(
    option: str, value: Any, said: str
) -> None:
    with pytest.raises(TypeError, match=said):
        TestClient(Skill(SKILL_ID), **{option: value})


@pytest.mark.parametrize(
    ("said", "kind"),
    # None said once: "not None: None" was said, the type named and then the value.
    [(None, "None"), (b"open the skill", "bytes: b'open the skill'"), (5, "an int: 5")],
)
def test_say_of_something_not_text_is_a_clear_type_error(said: Any, kind: str) -> None:
    # It was Python's "normalize() argument 2 must be str, not NoneType", from deep inside the
    # understanding, for client.say(None) (a variable not set) or bytes read from a file.
    skill = Skill(THIRD_SKILL_ID)

    @skill.intent("Hello", utterances=["say hello"])
    def hello() -> Response:
        return speak("Hello.")

    with TestClient(skill) as client, pytest.raises(TypeError) as raised:
        client.say(said)
    assert str(raised.value) == (
        f"say() takes what the user says as a str, not {kind}"  # (was "not int")
    )


@pytest.mark.parametrize("value", [None, 5, "", "  "])
@pytest.mark.parametrize("field", ["user_id", "device_id", "skill_id"])
def test_an_id_that_is_no_text_or_blank_is_refused_naming_it(field: str, value: Any) -> None:
    # client.user_id = None sent "userId": null, which the skill took; device_id = 5 made the
    # skill answer HTTP 400 (malformed request), read as the skill's own failure.
    # A blank one ("  ") was taken, and sent.
    skill, _ = recording_skill()
    if value is not None:  # (None given is the default: an id of Alexa's shape)
        with pytest.raises(TypeError, match=f"{field} is an id: a str"):
            TestClient(skill, **{field: value})
    with TestClient(skill) as client:
        with pytest.raises(TypeError, match=f"{field} is an id: a str"):
            setattr(client, field, value)
        assert client.intent("Count").status_code == 200


def test_a_device_id_that_is_no_text_is_refused_with_a_device_id_as_the_example() -> None:
    # The refusal showed an account id (amzn1.ask.account.…) as the example of a device id.
    skill, _ = recording_skill()
    with pytest.raises(TypeError, match=r"device_id is an id: a str such as 'amzn1\.ask\.device"):
        TestClient(skill, device_id=5)  # type: ignore[arg-type]
    account = r"user_id is an id: a str such as 'amzn1\.ask\.account"
    with TestClient(skill) as client, pytest.raises(TypeError, match=account):
        client.user_id = None  # type: ignore[assignment]


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
    skill = Skill(THIRD_SKILL_ID)

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


class _Stop(BaseException):
    """A skill's own exception that is no `Exception`, as a BaseException from outside it."""


def _stopping_once() -> Skill:
    """A skill whose app lets `_Stop` out of its first HTTP request, and answers the others."""
    raised_once: list[str] = []

    class Stopping(Skill):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and not raised_once:
                raised_once.append("raised")
                raise _Stop("out of the app")
            await super().__call__(scope, receive, send)

    return Stopping(SKILL_ID)


@pytest.mark.parametrize("served", [True, False])
def test_a_base_exception_out_of_the_app_reaches_the_test_as_it_is(served: bool) -> None:
    # A BaseException the skill's app let out (not a handler's: that one is answered with the
    # apology) stopped the event loop of the client's portal: the next request, and the end of
    # the with block, said "This portal is not running" (or CancelledError) instead.
    skill = _stopping_once()
    skill.launch(lambda: speak("Hello."))
    client = TestClient(skill)
    with client if served else contextlib.nullcontext(client):
        with pytest.raises(_Stop, match="out of the app"):
            client.launch()
        assert client.launch().speech == "Hello."  # the client still sends
    if not served:
        client.close()


@pytest.mark.parametrize("served", [True, False])
def test_a_base_exception_out_of_the_app_reaches_client_http_as_it_is(served: bool) -> None:
    # ``client.http``, the raw access the client offers (a request sent unsigned, or to another
    # path), raised `Escaped`, the wrapper that carries such an exception past the portal, and
    # a test's ``pytest.raises(_Stop)`` around it failed.
    client = TestClient(_stopping_once())
    with client if served else contextlib.nullcontext(client):
        with pytest.raises(_Stop, match="out of the app") as raised:
            client.http.post(client.path, content=b"{}")
        assert raised.value.__context__ is None  # (not "during handling of Escaped")
        json_type = {"Content-Type": "application/json"}
        unsigned = client.http.post(client.path, content=b"{}", headers=json_type)
        assert unsigned.status_code == 400  # the client still sends (refused: not signed)
    if not served:
        client.close()


@pytest.mark.parametrize("year", [1900, 9999])
def test_a_clock_the_test_pki_cannot_certify_is_refused_naming_now(year: int) -> None:
    # TestClient(now=...) at 1900 said cryptography's "The not valid before date must be on or
    # after 1950 January 1).", at 9999 "date value out of range".
    moment = datetime.datetime(year, 6, 1, tzinfo=datetime.UTC)
    said = r"^TestClient\(now=\.\.\.\): .*from 1951-01-02 and before 9998-01-01"
    with pytest.raises(ValueError, match=said):
        TestClient(Skill(SKILL_ID), now=lambda: moment)
