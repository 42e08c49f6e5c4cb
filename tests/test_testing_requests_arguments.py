"""What the request factory, `refresh` and `TestClient.send` refuse, naming the argument: a
value of the wrong type, a blank or empty id, a moment with no time in UTC, a locale Alexa never
sends; and an envelope `refresh` refuses to change is left as it was."""

from __future__ import annotations

import copy
import datetime
from typing import Any, Final

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import RequestFactory, TestClient, refresh, timestamp

from .conftest import SKILL_ID
from .testing_requests_shared import UTC, diary


def test_refresh_takes_a_parsed_envelope() -> None:
    # refresh('{"request": {}}') said "string indices must be integers, not 'str'", and an
    # envelope without its request object "KeyError: 'request'".
    with pytest.raises(
        TypeError, match=r"refresh\(\) takes a parsed envelope \(a dict.*, not a str$"
    ):
        refresh('{"request": {}}')  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no 'request' object"):
        refresh({"version": "1.0"})


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda c: c.send(None), "send\\(\\) takes the request type as a str"),
        (lambda c: c.send(""), "send\\(\\) takes the request type as a str"),
        (lambda c: c.send("LaunchRequest", session="abc"), "session= is the session object"),
        (lambda c: c.send("LaunchRequest", session=[1]), "session= is the session object"),
    ],
)
def test_send_of_what_is_no_request_says_what_it_takes(call: Any, named: str) -> None:
    # send(None) ended in AttributeError ('NoneType' object has no attribute 'startswith'),
    # session="abc" in "dictionary update sequence element #0 has length 1".
    with TestClient(diary()) as client, pytest.raises((TypeError, ValueError), match=named):
        call(client)
    assert client.api.call_count == 0 and client.last is None


# (Any: the arguments below are of the wrong types on purpose)
_FACTORY: Any = RequestFactory(skill_id=SKILL_ID)
_MADE: Any = RequestFactory
_TIMESTAMP: Any = timestamp


@pytest.mark.parametrize(
    ("call", "says"),
    [
        # The session object, where a session id (or anything else) was given.
        (lambda: _FACTORY.envelope("LaunchRequest", session="x"), r"session= is the session"),
        (lambda: _FACTORY.envelope("LaunchRequest", session=[1]), r"session= is the session"),
        (lambda: _FACTORY.envelope("LaunchRequest", session=5), r"session= is the session"),
        (lambda: _FACTORY.intent("Help", session="amzn1.echo-api.session.1"), r"session= is"),
        (lambda: _FACTORY.turn({"type": "LaunchRequest"}, "x"), r"session= is the session"),
        (lambda: _FACTORY.session(attributes="abc"), r"attributes= are the session's"),
        (lambda: _FACTORY.session(attributes=[("a", 1)]), r"attributes= are the session's"),
        (lambda: _FACTORY.session(5), r"session_id= is"),
        (lambda: _FACTORY.session(new="no"), r"new= is True or False"),
        # A time that is no datetime (an ISO 8601 text, a date).
        (lambda: _FACTORY.envelope("LaunchRequest", now="2026-11-27T09:30:00Z"), r"fromisoformat"),
        (lambda: _FACTORY.envelope("LaunchRequest", now=datetime.date(2026, 11, 27)), r"now= is"),
        (lambda: _TIMESTAMP(1764236000), r"now= is a datetime"),
        # The request type, the intent's name, the request of a turn.
        (lambda: _FACTORY.envelope(5), r"request type as a str"),
        (lambda: _FACTORY.envelope(""), r"request type as a str"),
        (lambda: _FACTORY.envelope("LaunchRequest", type="IntentRequest"), r"first argument"),
        (lambda: _FACTORY.intent(5), r"the intent's name as a str"),
        (lambda: _FACTORY.intent(""), r"the intent's name as a str"),
        (lambda: _FACTORY.turn("LaunchRequest", None), r"turn\(\) takes the request object"),
        (lambda: _FACTORY.turn({"intent": {}}, None), r"turn\(\) takes the request object"),
        # The factory's fields.
        (lambda: _MADE(skill_id=5), r"skill_id is an id: a str"),
        (lambda: _MADE(user_id=None), r"user_id is an id: a str"),
        (lambda: _MADE(device_id=""), r"device_id is an id: a str"),
        (lambda: _MADE(api_endpoint=None), r"api_endpoint is a URL"),
        # An endpoint the skill's calls cannot go to: no http(s) URL (it was taken, and sent).
        (lambda: _MADE(api_endpoint="ftp://x"), r"^api_endpoint 'ftp://x': an http\(s\) URL"),
        (lambda: _MADE(api_endpoint="api.amazonalexa.com"), r"an http\(s\) URL"),
        (lambda: _MADE(api_endpoint="https://"), r"an http\(s\) URL"),
        (lambda: _MADE(api_endpoint=""), r"an http\(s\) URL"),
        (lambda: _MADE(interfaces=["AudioPlayer", ""]), r"interfaces: '' is no interface name"),
        (lambda: _MADE(user="abc"), r"user is a mapping"),
        (lambda: _MADE(player=None), r"player is the device's audio player"),
    ],
)
def test_the_factory_says_what_to_pass_for_an_argument_of_the_wrong_type(
    call: Any, says: str
) -> None:
    # envelope(session="x") said "dictionary update sequence element #0 has length 1; 2 is
    # required", now="2026-…" "'str' object has no attribute 'utcoffset'", and a skill_id of 5
    # or a user_id of None went into the request, for the skill to refuse (or crash on).
    with pytest.raises((TypeError, ValueError), match=says) as raised:
        call()
    assert type(raised.value) in (TypeError, ValueError)
    # Right values of these types are still taken.
    session = _FACTORY.session("amzn1.echo-api.session.1", new=False, attributes={"a": 1})
    envelope = _FACTORY.envelope("LaunchRequest", session=session)
    assert envelope["session"]["sessionId"] == "amzn1.echo-api.session.1"
    assert _FACTORY.turn({"type": "IntentRequest", "intent": {"name": "Help"}}, session)


def test_the_user_id_is_given_as_user_id_not_in_the_user_fields() -> None:
    # RequestFactory(user={"userId": "x"}) sent the user id "x" in context.System.user and
    # session.user, silently in place of the factory's user_id (which its tokens, a
    # FakeAlexaApi's per-user data and `client.user_id` still named).
    said = r"user_id=.*RequestFactory\(user_id=.*client\.user_id"
    with pytest.raises(ValueError, match=said):
        RequestFactory(user={"userId": "amzn1.ask.account.X"})
    factory = RequestFactory(user={"accessToken": "token"}, user_id="amzn1.ask.account.A")
    with pytest.raises(ValueError, match=said):
        factory.user = {"userId": "amzn1.ask.account.X"}
    envelope = factory.envelope("LaunchRequest")
    for user in (envelope["context"]["System"]["user"], envelope["session"]["user"]):
        assert user == {"userId": "amzn1.ask.account.A", "accessToken": "token"}
    factory.user["userId"] = "amzn1.ask.account.X"  # (changed in place: told when used)
    with pytest.raises(ValueError, match=said):
        factory.envelope("LaunchRequest")


@pytest.mark.parametrize("blank", [" ", "\t\n"])
@pytest.mark.parametrize("field", ["skill_id", "user_id", "device_id", "api_access_token"])
def test_a_blank_id_or_token_is_refused_as_an_empty_one(field: str, blank: str) -> None:
    # An empty one was refused; a blank one went into every request (a skill_id of " " was
    # then refused by the skill as another skill's request, an HTTP 400 the test took for its
    # own failure).
    with pytest.raises(TypeError, match=f"^{field} is "):
        _MADE(**{field: blank})
    factory = RequestFactory()
    with pytest.raises(TypeError, match=f"^{field} is "):
        setattr(factory, field, blank)


@pytest.mark.parametrize("blank", [" ", "\n"])
def test_a_blank_request_type_or_intent_name_is_refused_as_an_empty_one(blank: str) -> None:
    # intent(" ") sent an IntentRequest for the intent " " (the skill's fallback answered it),
    # envelope(" ") a request of type " ": Alexa names both.
    with pytest.raises(ValueError, match=r"the intent's name as a str"):
        _FACTORY.intent(blank)
    with pytest.raises(ValueError, match=r"the request type as a str"):
        _FACTORY.envelope(blank)


@pytest.mark.parametrize("wrong", [5, "", "  "])
def test_refresh_refuses_a_skill_id_that_is_no_id(wrong: Any) -> None:
    # refresh(envelope, skill_id=5) (client.replay(path, skill_id=...) too) wrote the 5 into
    # the application ids, for the skill to refuse: an HTTP 400 read as the skill's failure.
    envelope = _FACTORY.envelope("LaunchRequest")
    with pytest.raises(TypeError, match=r"^skill_id is an id: a str"):
        refresh(envelope, skill_id=wrong)
    assert envelope["context"]["System"]["application"]["applicationId"] == SKILL_ID


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"locale": "xx-nowhere"}, ConfigurationError),
        ({"api_endpoint": "ftp://api.example"}, ValueError),
        ({"locale": "fr-FR", "api_endpoint": "api.example"}, ValueError),
        ({"locale": "fr-FR", "skill_id": " "}, TypeError),
    ],
)
def test_refresh_changes_nothing_when_it_refuses_an_argument(
    given: dict[str, Any], error: type[Exception]
) -> None:
    # refresh(envelope, locale="xx-nowhere") wrote the new timestamp before it refused the
    # locale, and a wrong api_endpoint was refused after the timestamp and the locale were
    # written: the envelope the test kept was half refreshed. Each is checked first now.
    envelope = _FACTORY.envelope("LaunchRequest", now=datetime.datetime(2026, 1, 2, tzinfo=UTC))
    kept = copy.deepcopy(envelope)
    with pytest.raises(error):
        refresh(envelope, now=datetime.datetime(2026, 6, 1, tzinfo=UTC), **given)
    assert envelope == kept


def test_a_moment_with_no_utc_time_is_refused_naming_it() -> None:
    # datetime(9999, 12, 31, 23, tzinfo=UTC-5) is past the last datetime in UTC: an
    # OverflowError, "date value out of range", from deep in the building of the request.
    late = datetime.datetime(
        9999, 12, 31, 23, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))
    )
    with pytest.raises(ValueError, match=r"^now= .*9999.*: no time in UTC"):
        timestamp(late)
    with pytest.raises(ValueError, match=r"no time in UTC"):
        _FACTORY.envelope("LaunchRequest", now=late)


@pytest.mark.parametrize(("locale", "said"), [("en_US", "did you mean en-US?"), ("xx-YY", "")])
def test_envelope_refuses_a_locale_field_alexa_never_sends(locale: str, said: str) -> None:
    # Only client.send refused it: factory.envelope("LaunchRequest", locale="en_US") (and
    # turn() of a request holding one) sent it, for the skill to answer in no language it has.
    from alexaskill.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"^envelope\(locale=\.\.\.\): ") as raised:
        _FACTORY.envelope("LaunchRequest", locale=locale)
    assert str(raised.value).endswith(said)
    with pytest.raises(ConfigurationError, match=r"^envelope\(locale=\.\.\.\): "):
        _FACTORY.turn({"type": "LaunchRequest", "locale": locale}, None)
    # A locale Alexa sends, and an old request's null, are still taken.
    assert _FACTORY.envelope("LaunchRequest", locale="de-DE")["request"]["locale"] == "de-DE"
    assert _FACTORY.envelope("LaunchRequest", locale=None)["request"]["locale"] is None


@pytest.mark.parametrize("blank", ["", " ", "\t\n"])
def test_a_blank_or_empty_session_id_is_refused_as_other_ids_are(blank: str) -> None:
    # session(" ") sent the session id " ", and session("") quietly made up a new one: an id
    # given is the test's, refused when empty or blank as skill_id, user_id and device_id are.
    with pytest.raises(TypeError, match=r"^session_id= is the session's id, a str"):
        _FACTORY.session(blank)
    assert _FACTORY.session()["sessionId"].startswith("amzn1.echo-api.session.")
    assert _FACTORY.session("amzn1.echo-api.session.1")["sessionId"] == "amzn1.echo-api.session.1"


#: A value past any message's room: quoted whole, it made a message of some 40,000 characters.
_HUGE: Final = ["x"] * 8_000


@pytest.mark.parametrize(
    "call",
    [
        lambda f: setattr(f, "user_id", _HUGE),
        lambda f: setattr(f, "api_endpoint", _HUGE),
        lambda f: setattr(f, "api_endpoint", "ftp://" + "x" * 40_000),
        lambda f: setattr(f, "api_access_token", _HUGE),
        lambda f: setattr(f, "player", _HUGE),
        lambda f: setattr(f, "user", _HUGE),
        lambda f: setattr(f, "user", {"userId": "u" * 40_000}),
        lambda f: f.envelope("LaunchRequest", session=_HUGE),
        lambda f: f.session(_HUGE),
        lambda f: f.session(new=_HUGE),
        lambda f: f.session(attributes=_HUGE),
        lambda f: f.envelope("LaunchRequest", now="2026" * 10_000),
        lambda f: f.envelope(_HUGE),
        lambda f: f.turn(_HUGE, None),
    ],
    ids=[
        "user_id",
        "api_endpoint",
        "api_endpoint-scheme",
        "api_access_token",
        "player",
        "user",
        "user-userId",
        "session",
        "session_id",
        "new",
        "attributes",
        "now",
        "request-type",
        "turn",
    ],
)
def test_a_large_value_the_factory_refuses_is_quoted_cut(call: Any) -> None:
    with pytest.raises((TypeError, ValueError)) as raised:
        call(RequestFactory(skill_id=SKILL_ID))
    assert len(str(raised.value)) < 700, f"{len(str(raised.value)):,} characters"
