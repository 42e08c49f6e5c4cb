"""What a newcomer's first mistakes log: each message says what went wrong and what to do."""

from __future__ import annotations

import inspect
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Response, Skill, speak
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI
from alexaskill.verify import Verifier

from .conftest import DEPLOYED_SKILL_ID


def _unreachable_skill(pki: TestPKI, exc: Exception) -> Skill:
    """A skill whose verifier cannot download Amazon's certificate chain: ``exc`` each time."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise exc

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    skill = Skill(
        DEFAULT_SKILL_ID, store="memory://", verifier=Verifier([pki.root], http_client=client)
    )

    @skill.launch
    def launch() -> Response:
        return speak("Hello.")

    return skill


@pytest.mark.parametrize(
    ("exc", "said", "refusal"),
    [
        (
            httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
            "ConnectError: [Errno -3] Temporary failure in name resolution",
            "certificate chain: download failed",
        ),
        (
            httpx.ConnectTimeout("timed out"),
            "ConnectTimeout: timed out",
            "certificate chain: download timed out",
        ),
    ],
)
def test_a_certificate_download_that_fails_logs_why_and_what_to_do(
    caplog: pytest.LogCaptureFixture, exc: Exception, said: str, refusal: str
) -> None:
    # A server that cannot reach s3.amazonaws.com (no outbound HTTPS, a proxy not set, no DNS)
    # refuses every request from Alexa: its log must say so, not only "download failed".
    pki = TestPKI()
    body = json.dumps(RequestFactory().envelope("LaunchRequest")).encode()
    skill = _unreachable_skill(pki, exc)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), StarletteClient(skill) as client:
        answer = client.post(
            "/", content=body, headers={**pki.sign(body), "Content-Type": "application/json"}
        )
    assert answer.status_code == 400
    # The client is told as little as before: the reason is for the server's operator.
    assert answer.json() == {"error": refusal}
    refused = [r.getMessage() for r in caplog.records if "refused request" in r.getMessage()]
    assert len(refused) == 1, refused
    assert refusal in refused[0]
    assert said in refused[0]
    assert "https://s3.amazonaws.com/echo.api/" in refused[0]
    assert "HTTPS_PROXY" in refused[0]


def test_an_intent_without_a_handler_names_the_handler_it_may_be_a_typo_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The console's model says GetWeather, the code GetWeathr: every request for it is answered
    # "Sorry, I can't help with that." The warning must point at the handler's spelling, and at
    # the request's: a test's `client.intent("GetWeather")` for the handler's GetWeathr was
    # told to rename the handler, which was right.
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("GetWeathr", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})
    def weather(city: str) -> Response:
        return speak(f"Sunny in {city}.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        answer = client.intent("GetWeather", city="Paris")
        client.intent("OrderPizza")
    assert answer.speech == "Sorry, I can't help with that."
    said = [r.getMessage() for r in caplog.records if "no handler for intent" in r.getMessage()]
    assert said[0] == (
        "no handler for intent 'GetWeather' and no fallback; is the handler of 'GetWeathr' "
        "meant for it? Name it as the interaction model does, @skill.intent('GetWeather'), or, "
        "where the request misspells it (a test's, a request file's), send 'GetWeathr'; or add "
        "a @skill.fallback for every intent without a handler"
    )
    # No handler's name is close: no guess.
    assert said[1] == (
        "no handler for intent 'OrderPizza' and no fallback: add @skill.intent('OrderPizza'), "
        "or a @skill.fallback for every intent without a handler"
    )


@pytest.mark.parametrize(("declared", "meant"), [("City", "AMAZON.City"), ("DATE", "AMAZON.DATE")])
def test_a_built_in_slot_type_named_without_its_prefix_is_named_in_the_model_error(
    declared: str, meant: str
) -> None:
    from alexaskill.interaction import InteractionModelError, build_interaction_model

    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": declared})
    def weather(city: str) -> Response:
        return speak(f"Sunny in {city}.")

    with pytest.raises(InteractionModelError) as info:
        build_interaction_model(skill, locale="en-US", invocation="weather helper")
    assert info.value.problems == (
        f"intent GetWeather, slot city: slot type {declared!r} is never declared; did you mean "
        f"{meant}, Amazon's built-in type? Else declare it with skill.add_slot_type({declared!r}, "
        "[...]) or annotate the parameter with an Enum of that name",
    )


def test_a_request_for_another_skill_id_says_where_the_skill_id_is_set(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The usual first deployment: the code still has the examples' placeholder id, and every
    # request from Alexa, for the skill's real id, is refused.
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.launch
    def launch() -> Response:
        return speak("Hello.")

    real = DEPLOYED_SKILL_ID
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(skill, skill_id=real) as client,
    ):
        answer = client.launch()
    assert answer.status_code == 400
    assert answer.error == "request is for another skill"
    refused = [r.getMessage() for r in caplog.records if "refused request" in r.getMessage()]
    assert refused == [
        f"refused request: request is for another skill: {real!r}, not {DEFAULT_SKILL_ID} (if "
        "it is this skill's id, as the developer console shows it, give it to "
        "Skill(skill_id=...), or set ALEXASKILL_SKILL_ID for settings_from_env())"
    ]


SKILL_MODULE = f"""
from alexaskill import Response, Skill, speak

skill = Skill("{DEFAULT_SKILL_ID}", store="memory://")


@skill.launch
def launch():
    return speak("Hello.")


async def asgi_app(scope, receive, send):
    pass
"""


@pytest.fixture
def importing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """sys.path and sys.modules as they were once the test ends (an APP file is imported)."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in ("newcomer_app", "newcomer_app2"):
        sys.modules.pop(name, None)


@pytest.mark.usefixtures("importing")
def test_serve_refuses_a_handler_named_in_place_of_the_skill(tmp_path: Path) -> None:
    # `alexaskill serve app.py:launch` served the handler as an ASGI app: uvicorn started, and
    # every request was a TypeError traceback and a 500.
    from .cli_run import run

    path = tmp_path / "newcomer_app.py"
    path.write_text(SKILL_MODULE, encoding="utf-8")
    # --reload with --workers is refused too, after APP is checked: a regression fails here
    # rather than start a server.
    code, out, err = run("serve", f"{path}:launch", "--reload", "--workers", "2")
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill serve: error: {path}:launch is a function, not an ASGI app: name the Skill "
        f"object, as in {path}:skill (or the Starlette or FastAPI app that mounts skills)\n"
    )


@pytest.mark.usefixtures("importing")
def test_serve_takes_an_asgi_function_and_apps_mounting_skills(tmp_path: Path) -> None:
    from alexaskill.cli.common import load_app
    from alexaskill.cli.serve import asgi_problem

    path = tmp_path / "newcomer_app2.py"
    path.write_text(SKILL_MODULE, encoding="utf-8")
    assert asgi_problem(f"{path}:asgi_app", load_app(f"{path}:asgi_app")) is None
    assert asgi_problem(f"{path}:skill", load_app(f"{path}:skill")) is None


def test_a_certificate_download_without_an_answer_in_time_says_what_to_check() -> None:
    # A firewall that drops the packets: no error, only no answer, until the download's time is up.
    import asyncio

    from alexaskill.exceptions import CertificateUnavailableError

    async def never(request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    pki = TestPKI()
    body = json.dumps(RequestFactory().envelope("LaunchRequest")).encode()

    async def verify() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(never)) as client:
            verifier = Verifier([pki.root], http_client=client, download_timeout=0.05)
            await verifier.verify(pki.sign(body), body)

    with pytest.raises(CertificateUnavailableError) as info:
        asyncio.run(verify())
    assert str(info.value) == "certificate chain: download timed out"
    assert info.value.detail is not None
    assert "TimeoutError: no answer within 0.05 s" in info.value.detail
    assert "HTTPS_PROXY" in info.value.detail


def test_an_intent_the_fallback_answers_names_the_handler_it_may_be_a_typo_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # With a fallback (most skills have one), the typo was answered "Sorry, I can't help" and
    # logged as any fallback turn: nothing pointed at the handler's spelling.
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("GetWeathr")
    def weather(city: str) -> Response:
        return speak(f"Sunny in {city}.")

    @skill.fallback
    def fallback() -> Response:
        return speak("Sorry, I can't help with that.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        for _ in range(2):
            assert (
                client.intent("GetWeather", city="Paris").speech == "Sorry, I can't help with that."
            )
        client.intent("OrderPizza")
        assert client.intent("GetWeathr", city="Paris").speech == "Sunny in Paris."
    said = [r.getMessage() for r in caplog.records if "of its own" in r.getMessage()]
    assert skill.registry.fallback is not None
    assert said == [
        f"intent 'GetWeather' has no handler of its own: the fallback "
        f"({skill.registry.fallback.name}) answers it; is the handler of 'GetWeathr' meant for "
        "it? Name it as the interaction model does, @skill.intent('GetWeather'), or, where the "
        "request misspells it (a test's, a request file's), send 'GetWeathr' (said once for "
        "each intent)"
    ]


def test_an_intent_name_too_long_to_be_one_is_not_compared_with_the_handlers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A request's name of any length was compared, difflib taking seconds on a megabyte, where
    # without a fallback (`no_handler`) one past MAX_VALUE is not.
    import alexaskill.handler_bugs
    import alexaskill.typos
    from alexaskill.log_values import MAX_VALUE

    compared: list[str] = []
    meant = alexaskill.typos.meant

    def recorded(name: str, *args: Any, **kwargs: Any) -> str | None:
        compared.append(name)
        return meant(name, *args, **kwargs)

    monkeypatch.setattr(alexaskill.handler_bugs, "meant", recorded)
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("GetWeathr")
    def weather() -> Response:
        return speak("Sunny.")

    @skill.fallback
    def fallback() -> Response:
        return speak("Sorry, I can't help with that.")

    with TestClient(skill) as client:
        client.intent("GetWeathr" + "r" * MAX_VALUE)
        client.intent("GetWeather")
    assert "GetWeather" in compared  # (the short one is)
    assert [name for name in compared if len(name) > MAX_VALUE] == []


def test_no_typo_is_guessed_between_built_in_intents_or_different_custom_ones(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("AMAZON.PauseIntent")
    @skill.intent("OrderPizza")
    def pause() -> Response:
        return speak("Paused.")

    @skill.on("IntentRequest")
    def other() -> Response:
        return speak("Goodbye.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.intent("AMAZON.StopIntent")
        client.intent("OrderPasta")
        client.intent("OrderPizzas")
    said = [r.getMessage() for r in caplog.records if "of its own" in r.getMessage()]
    assert len(said) == 1, said
    assert said[0].startswith(
        "intent 'OrderPizzas' has no handler of its own: the IntentRequest handler ("
    )


@pytest.mark.parametrize("name", ["AMAZONStopIntent", "Amazon_StopIntent"])
def test_a_custom_intent_named_like_a_built_in_one_is_not_taken_for_its_typo(
    caplog: pytest.LogCaptureFixture, name: str
) -> None:
    # A custom intent (letters and underscores: Amazon's rule) spelt nearly as a built-in one
    # with a handler would be told to take that handler's name, @skill.intent('AMAZONStopIntent')
    # for the handler of AMAZON.StopIntent, which would leave "stop" without one. Built-in
    # names are checked at registration; a custom name is compared with custom ones only.
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Response:
        return speak("Goodbye.")

    @skill.fallback
    def fallback() -> Response:
        return speak("Sorry, I can't help with that.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        assert client.intent(name).speech == "Sorry, I can't help with that."
    said = [r.getMessage() for r in caplog.records if "of its own" in r.getMessage()]
    assert said == []


def test_no_built_in_intent_is_guessed_for_an_intent_without_a_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    @skill.intent("AMAZON.PauseIntent")
    def pause() -> Response:
        return speak("Paused.")

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        client.intent("AMAZON.NextIntent")
    said = [r.getMessage() for r in caplog.records if "no handler for intent" in r.getMessage()]
    assert said == [
        "no handler for intent 'AMAZON.NextIntent' and no fallback: add "
        "@skill.intent('AMAZON.NextIntent'), or a @skill.fallback for every intent without a "
        "handler"
    ]


@pytest.mark.parametrize(
    ("param", "suggested"),
    [
        ("name", "AMAZON.FirstName"),  # the README's first skill: hello(name: str = "world")
        ("first_name", "AMAZON.FirstName"),
        ("country", "AMAZON.Country"),
        ("drink", "AMAZON.Drink"),
        ("street_name", "AMAZON.StreetName"),
        ("flavour", "AMAZON.City"),  # no type named so: the example as before
    ],
)
def test_a_str_slot_without_a_type_is_given_an_example_type_fitting_its_name(
    param: str, suggested: str
) -> None:
    from alexaskill.interaction import InteractionModelError, build_interaction_model

    skill = Skill(DEFAULT_SKILL_ID, store="memory://")

    def handler(**slots: str) -> Response:
        return speak("Hello.")

    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, annotation=str, default="x")]
    )
    skill.intent("HelloIntent", utterances=[f"hello {{{param}}}"])(handler)
    with pytest.raises(InteractionModelError) as info:
        build_interaction_model(skill, locale="en-US", invocation="hello app")
    assert info.value.problems[0].endswith(
        f"has no slot type; declare one, e.g. @skill.intent('HelloIntent', "
        f"slots={{{param!r}: {suggested!r}}})"
    )


def test_a_launch_without_a_handler_says_what_to_add(caplog: pytest.LogCaptureFixture) -> None:
    # The README's first skill has no @skill.launch: "open the skill" in chat answered nothing,
    # and the warning said only "no handler for LaunchRequest and no fallback", not the fix.
    skill = Skill(DEFAULT_SKILL_ID, store="memory://")
    skill.intent("HelloIntent")(lambda: speak("Hello."))
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        assert client.launch().json["response"] == {}
    said = [r.getMessage() for r in caplog.records if "LaunchRequest" in r.getMessage()]
    assert said == [
        "no handler for LaunchRequest and no fallback: the user who opens the skill hears "
        "nothing; add @skill.launch, or a @skill.fallback"
    ]


def test_a_dev_server_trusting_another_development_key_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `serve --dev` started in another shell (ALEXASKILL_DEV_PKI_DIR set there, or another
    # HOME) refuses what replay --url signs for its signature, and replay said "start it with
    # `alexaskill serve APP --dev`": it was.
    from alexaskill.cli.dev import DEV_PKI_ENV

    from .cli_run import run

    def refuse(self: object, request: httpx.Request) -> httpx.Response:
        reason = "signature: Signature-256 does not match the body"
        return httpx.Response(400, json={"error": reason}, request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    launch = tmp_path / "launch.json"
    launch.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")), encoding="utf-8")
    url = ("--url", "http://192.0.2.1:8000/", "--skill-id", DEFAULT_SKILL_ID)
    code, out, _ = run("replay", *url, str(launch))
    model = Path(__file__).parent / "fixtures" / "models" / "en-US.json"
    chat_code, chat_out, _ = run("chat", "--model", str(model), *url, stdin="/launch\n")
    advice = (
        "the server trusts another development key than the one {} --url signs with (in "
        f"{tmp_path / 'dev-pki'}): run both with the same {DEV_PKI_ENV} (else HOME, "
        "XDG_DATA_HOME)"
    )
    assert code == 1
    assert "; " + advice.format("replay") + "\n" in out
    assert "start it with" not in out
    assert chat_code == 0
    assert "  (" + advice.format("chat") + ")\n" in chat_out
    assert "start it with" not in chat_out
