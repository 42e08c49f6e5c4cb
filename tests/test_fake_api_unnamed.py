"""`FakeAlexaApi`'s names for the requests it is told of (`AccessCheck.issued`): one with no
``requestId`` gets a name of its own, which no other request's id may share."""

from __future__ import annotations

from typing import Any

import httpx

from alexaskill.testing import FakeAlexaApi, RequestFactory
from alexaskill.testing.violations import late_progressive_error


def _progressive(api: FakeAlexaApi, token: str, request_id: str) -> int:
    """The status of a progressive response naming ``request_id``, sent with ``token``."""
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": "Hold on."},
    }
    with httpx.Client(transport=httpx.MockTransport(api.handle)) as http:
        url = "https://api.amazonalexa.com/v1/directives"
        return http.post(url, json=body, headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_request_with_no_id_is_not_one_whose_id_is_the_name_the_fake_gives_it() -> None:
    # The fake named the first request with no id "\0unnamed request 1": a test's envelope
    # with that id was the same request to it, and while that one was answered, a progressive
    # response naming "" (the id the skill has of a request with none) was taken as its.
    factory = RequestFactory()
    named: dict[str, Any] = factory.envelope("LaunchRequest")
    named["request"]["requestId"] = "\0unnamed request 1"
    unnamed: dict[str, Any] = factory.envelope("LaunchRequest")
    del unnamed["request"]["requestId"]
    api = FakeAlexaApi()
    first, second = api.issued(named), api.issued(unnamed)
    assert first != second
    with api.answering(first):
        token = named["context"]["System"]["apiAccessToken"]
        assert _progressive(api, token, "\0unnamed request 1") == 204  # its own: taken
        assert _progressive(api, token, "") == 403  # the request with no id is not answered


def test_two_requests_with_no_id_answered_at_once_each_have_their_progressive_responses() -> None:
    # The skill names either by "": the fake took each progressive response for the one marked
    # last, so the first's, after five of the second's, was refused as its sixth (Amazon takes
    # five a request). The token the call carries tells them apart.
    factory = RequestFactory()
    first: dict[str, Any] = factory.envelope("LaunchRequest")
    second: dict[str, Any] = factory.envelope("LaunchRequest")
    for envelope in (first, second):
        del envelope["request"]["requestId"]
    api = FakeAlexaApi()
    with api.answering(api.issued(first)), api.answering(api.issued(second)):
        second_token = second["context"]["System"]["apiAccessToken"]
        assert [_progressive(api, second_token, "") for _ in range(6)] == [204] * 5 + [400]
        first_token = first["context"]["System"]["apiAccessToken"]
        assert _progressive(api, first_token, "") == 204


def test_a_progressive_response_after_a_request_with_no_id_was_answered_is_late() -> None:
    # The fake looked for the request "" names among those being answered only: once the one
    # with no id was answered, its handler's late progressive response was refused as for a
    # request never sent, and not kept as late (the test client raised nothing for it).
    envelope: dict[str, Any] = RequestFactory().envelope("LaunchRequest")
    del envelope["request"]["requestId"]
    api = FakeAlexaApi()
    with api.answering(api.issued(envelope)):
        pass
    assert _progressive(api, envelope["context"]["System"]["apiAccessToken"], "") == 403
    assert [call.speech for call in api.late_progressive] == ["Hold on."]
    # Said of "a request without an id", where they said "request  already" and "request :"
    said = "Unrecognized requestId (the skill answered a request without an id already"
    assert api.calls[-1].answer["message"].startswith(said)
    assert "had answered a request without an id: 'Hold on.'" in api.late_progressive[0].late_note()
    raised = str(late_progressive_error(api.late_progressive, "at the request after"))
    assert "'Hold on.' for a request without an id. Alexa refuses" in raised


def test_a_progressive_response_naming_no_id_is_not_another_tokens_request_with_none() -> None:
    # "" with the token of a request that has an id names no request (Alexa: 403); the fake
    # took it for the request with no id being answered meanwhile (another client's), counted
    # toward that one's five.
    factory = RequestFactory()
    named: dict[str, Any] = factory.envelope("LaunchRequest")
    unnamed: dict[str, Any] = factory.envelope("LaunchRequest")
    del unnamed["request"]["requestId"]
    api = FakeAlexaApi()
    with api.answering(api.issued(named)), api.answering(api.issued(unnamed)):
        assert _progressive(api, named["context"]["System"]["apiAccessToken"], "") == 403
        token = unnamed["context"]["System"]["apiAccessToken"]
        assert [_progressive(api, token, "") for _ in range(5)] == [204] * 5  # its own five


def test_a_progressive_response_for_a_session_ended_request_with_no_id_is_refused() -> None:
    # Alexa plays none for a SessionEndedRequest (400, as for one with an id): the fake kept
    # the type of requests with an id only, and took the one with none's.
    envelope: dict[str, Any] = RequestFactory().envelope(
        "SessionEndedRequest", reason="USER_INITIATED"
    )
    del envelope["request"]["requestId"]
    api = FakeAlexaApi()
    with api.answering(api.issued(envelope)):
        assert _progressive(api, envelope["context"]["System"]["apiAccessToken"], "") == 400
    assert "SessionEndedRequest" in api.calls[-1].answer["message"]


def test_a_body_that_issues_nothing_marks_no_request_being_answered() -> None:
    # `issued` names no request for a body with no request id and no token (""), and chat --url
    # marked "" as being answered all the same: "" with another request's token was taken
    # while that body was posted, and refused as late ever after (noted in the chat as the
    # skill's late progressive response).
    factory = RequestFactory()
    named: dict[str, Any] = factory.envelope("LaunchRequest")
    token = named["context"]["System"]["apiAccessToken"]
    nothing: dict[str, Any] = factory.envelope("LaunchRequest")
    del nothing["request"]["requestId"], nothing["context"]["System"]["apiAccessToken"]
    api = FakeAlexaApi()
    with api.answering(api.issued(named)):
        pass
    assert api.issued(nothing) == ""
    with api.answering(""):
        assert _progressive(api, token, "") == 403  # no request without an id is answered
    assert _progressive(api, token, "") == 403
    assert api.late_progressive == []
    # Said of "a request without an id", as the late one's is: "with this id" read oddly of none
    assert api.calls[-1].answer["message"] == (
        "Unrecognized requestId (no request without an id is being answered)"
    )
