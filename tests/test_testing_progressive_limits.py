"""Progressive responses held to Amazon's limits by the fake (FakeAlexaApi), as
AlexaApi.progressive holds them and in its words: 600 characters of SSML, 30 s of pauses, five a
request (those refused counted), the SSML checks of an answer's speech, only for a LaunchRequest
or an IntentRequest, Amazon's error model. After the answer: tests/test_testing_progressive.py."""

from __future__ import annotations

import re

import httpx
import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.services.progressive import progressive_document
from alexaskill.ssml import Ssml
from alexaskill.testing import FakeAlexaApi

from .conftest import SKILL_ID
from .testing_progressive_shared import _speak


def _speak_words(api: FakeAlexaApi, request_id: str, words: str) -> httpx.Response:
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": f"<speak>{words}</speak>"},
    }
    url = "https://api.amazonalexa.com/v1/directives"
    request = httpx.Request("POST", url, json=body, headers={"Authorization": "Bearer t"})
    return api.handle(request)


def test_the_fake_refuses_progressive_responses_past_amazons_limits() -> None:
    # Amazon's "Send the User a Progressive Response": speech of 600 characters at most, five
    # per request. The fake took a sixth, and any length, from a skill that sends them itself
    # (one chat --url drives, say).
    api = FakeAlexaApi()
    with api.answering("amzn1.echo-api.request.1"):
        taken = [_speak_words(api, "amzn1.echo-api.request.1", "Hi").status_code for _ in range(6)]
        long = _speak_words(api, "amzn1.echo-api.request.1", "x" * 600)
    assert taken == [204] * 5 + [400]
    assert "at most 5" in _message(api.calls[5].answer)
    assert long.status_code == 400
    assert "600" in long.json()["message"]
    # Another request has its own five; a long speech is refused by a fake no request marked.
    with api.answering("amzn1.echo-api.request.2"):
        assert _speak_words(api, "amzn1.echo-api.request.2", "Hi").status_code == 204
    assert _speak_words(FakeAlexaApi(), "r", "x" * 600).status_code == 400


def _message(answer: object) -> str:
    return str(answer["message"]) if isinstance(answer, dict) else ""


def test_the_fakes_progressive_speech_limit_is_600_characters_of_the_document_sent() -> None:
    # The boundary, as AlexaApi.progressive counts it (the whole SSML document): 600 taken,
    # 601 refused. The test above sends 617, which a limit off by a few would refuse too.
    api = FakeAlexaApi()
    with api.answering("amzn1.echo-api.request.1"):
        at_limit = _speak_words(api, "amzn1.echo-api.request.1", "x" * (600 - 15))
        past_it = _speak_words(api, "amzn1.echo-api.request.1", "x" * (601 - 15))
    assert len(f"<speak>{'x' * 585}</speak>") == 600
    assert (at_limit.status_code, past_it.status_code) == (204, 400)
    assert "601 characters as SSML; the limit is 600" in past_it.json()["message"]


def test_the_fake_refuses_a_progressive_response_of_more_than_30_seconds_of_pauses() -> None:
    # Amazon's "Send the User a Progressive Response": at most 30 s of audio. AlexaApi.progressive
    # counts the <break time> pauses and refuses more, unsent; the fake took 31 s from a skill
    # that sends its own (one chat --url drives), and any number of seconds.
    api = FakeAlexaApi()
    ten = "<break time='10s'/>"
    with api.answering("amzn1.echo-api.request.1"):
        at_limit = _speak_words(api, "amzn1.echo-api.request.1", f"Hmm{ten * 3}")
        past_it = _speak_words(api, "amzn1.echo-api.request.1", f"Hmm{ten * 3}<break time='1s'/>")
        # Only real elements count, not the text of a comment.
        commented = _speak_words(api, "amzn1.echo-api.request.1", f"Hmm{ten * 3}<!-- {ten} -->")
    assert (at_limit.status_code, past_it.status_code, commented.status_code) == (204, 400, 204)
    assert past_it.json()["message"] == (
        "progressive response speech holds 31 s of pauses; the limit is 30 s of audio"
    )


def test_the_fake_refuses_a_progressive_response_of_ssml_alexa_cannot_take() -> None:
    # Amazon's SSML reference holds a progressive response's speech as an answer's: a <break>
    # of at most 10 s, only the tags it lists, XML's escapes. The fake took any SSML document
    # from a skill that sends its own, where the test tools refuse such SSML in an answer.
    api = FakeAlexaApi()
    request_id = "amzn1.echo-api.request.1"
    with api.answering(request_id):
        answers = {
            words: _speak_words(api, request_id, words)
            for words in (
                "Wait<break time='20s'/>",
                "<mark name='a'/>Hi",
                "Tom & Jerry",
                "Tom &amp; Jerry<break time='10s'/>",
            )
        }
    said = {
        words: (answer.status_code, _message(answer.json()) if answer.content else "")
        for words, answer in answers.items()
    }
    assert said == {
        "Wait<break time='20s'/>": (
            400,
            "speech is SSML Alexa cannot take: <break time='20s'> is 20,000 ms; the limit is 10 s",
        ),
        "<mark name='a'/>Hi": (400, said["<mark name='a'/>Hi"][1]),
        "Tom & Jerry": (400, said["Tom & Jerry"][1]),
        "Tom &amp; Jerry<break time='10s'/>": (204, ""),
    }, said
    assert "<mark> is no SSML tag Alexa knows" in said["<mark name='a'/>Hi"][1]
    assert "a bare '&' at index 11" in said["Tom & Jerry"][1]


#: One of each class of fault the check of an answer's SSML speech refuses (`SsmlSpeech`).
_SPEECH_FAULTS = [
    "<speak>Hi\x01</speak>",  # a character XML cannot hold
    "<!DOCTYPE speak><speak>Hi</speak>",  # a DOCTYPE
    "<speak>Tom & Jerry</speak>",  # a bare "&"
    "<speak>caf&eacute;</speak>",  # an entity other than XML's five
    "<speak>a &#0; b</speak>",  # a reference to a character XML cannot hold
    "<speak>1 < 2</speak>",  # a "<" that starts no tag
    "<speak>Hi <break time='20s'/></speak>",  # past Amazon's limits
    "<speak>Hi <audio src='http://cdn.example.com/a.mp3'/></speak>",  # a URL Alexa cannot fetch
    "<speak><prosody rate='10%'>Hi</prosody></speak>",  # a prosody value out of range
    "<speak><lang>Hi</lang></speak>",  # without an attribute the reference requires
    "<speak><emphasis level='huge'>Hi</emphasis></speak>",  # a value it does not list
    "<speak><b>Hi</b></speak>",  # a tag it does not list
    "<speak><p>Hi</speak>",  # elements that do not nest
    "<speak>Hi<speak>there</speak></speak>",  # a <speak> inside the root
    "<speak>Hi</speak>there",  # text after the root
    "<speak>Hi</speak><speak>there</speak>",  # a second document after the root
    "<p>Hi</p></speak>x",  # (a fragment, wrapped: its stray end tag dropped, then sent)
    # After a prolog (sent from the root): the fault placed where it was written, as an answer's.
    "<!-- c --><speak>Tom & Jerry</speak>",
    "<?xml version='1.0'?><speak>1 < 2</speak>",
    "<!-- c --><speak>Hi\x01</speak>",
    "<!-- c --><speak>a ]]> b</speak>",
    "<!-- c --><speak><break time=1s/></speak>",
]


@pytest.mark.parametrize("markup", _SPEECH_FAULTS)
def test_a_progressive_response_is_held_to_the_checks_of_an_answers_speech(markup: str) -> None:
    # AlexaApi.progressive checked its elements only as an answer does; a document was composed
    # (speak(): text after the root, a <speak> in it, unwrapped and sent), where the answer's
    # speech refuses it. The same checks, said in the same words but for the field's name and
    # what Alexa would refuse ("the progressive response": it said "the response", the answer).
    try:
        answer = SsmlSpeech(Ssml(markup)).ssml
    except ResponseError as exc:
        answer = str(exc).replace("outputSpeech.ssml", "progressive response speech")
        answer = answer.replace("refuse the response", "refuse the progressive response")
    try:
        progressive = progressive_document(Ssml(markup))
    except ResponseError as exc:
        progressive = str(exc)
    assert progressive == answer


@pytest.mark.parametrize("markup", ["<speak> </speak>", "<speak><p></p><!-- x --></speak>"])
def test_a_progressive_response_that_says_nothing_is_refused_as_an_answers_speech_is(
    markup: str,
) -> None:
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml says nothing"):
        SsmlSpeech(Ssml(markup))
    with pytest.raises(ResponseError, match=r"^progressive response speech says nothing"):
        progressive_document(Ssml(markup))


@pytest.mark.parametrize(
    ("speech", "said"),
    [
        ("", "says nothing"),
        ("   ", "says nothing"),
        ("<speak></speak>", "says nothing"),
        ("<speak> <!-- hold on --> <p></p></speak>", "says nothing"),
        ("<speak>&#8203;</speak>", "says nothing"),
        ("<speak>Hi <audio src='http://cdn.example.com/a.mp3'/></speak>", "<audio src="),
        ("<speak><prosody volume='+9dB'>Hi</prosody></speak>", "<prosody volume='+9dB'>"),
        ("<speak><prosody rate='10%'>Hi</prosody></speak>", "<prosody rate='10%'>"),
        ("<speak><prosody pitch='+60%'>Hi</prosody></speak>", "<prosody pitch='+60%'>"),
    ],
)
def test_the_fake_refuses_the_progressive_speech_alexa_api_refuses(speech: str, said: str) -> None:
    # AlexaApi.progressive refuses speech that says nothing, an <audio> Alexa cannot fetch and a
    # <prosody> out of Amazon's range, unsent; the fake took them from a skill that sends its
    # own (one chat --url drives), so that a test of it saw them heard.
    with pytest.raises(ResponseError, match=re.escape(said) if speech else "non-empty"):
        progressive_document(Ssml(speech) if speech.startswith("<speak") else speech)
    api = FakeAlexaApi()
    body = {
        "header": {"requestId": "amzn1.echo-api.request.1"},
        "directive": {"type": "VoicePlayer.Speak", "speech": speech},
    }
    url = "https://api.amazonalexa.com/v1/directives"
    request = httpx.Request("POST", url, json=body, headers={"Authorization": "Bearer t"})
    with api.answering("amzn1.echo-api.request.1"):
        answer = api.handle(request)
        taken = api.handle(
            httpx.Request(
                "POST",
                url,
                json=body
                | {"directive": {"type": "VoicePlayer.Speak", "speech": "<speak>Hi</speak>"}},
                headers={"Authorization": "Bearer t"},
            )
        )
    assert answer.status_code == 400, answer.content
    # Amazon's model of the directive API's error (ask-sdk-model's services/directive/error.py)
    # has a numeric code no source names: the message alone, not the fake's "INVALID_DIRECTIVE".
    assert set(answer.json()) == {"message"}
    assert said in answer.json()["message"], answer.json()
    assert taken.status_code == 204


@pytest.mark.parametrize(
    "said",
    # (with its article: "not a AudioPlayer.PlaybackStarted" was said)
    ["a SessionEndedRequest", "an AudioPlayer.PlaybackStarted", "a CanFulfillIntentRequest"],
)
def test_the_fake_refuses_a_progressive_response_for_a_request_alexa_plays_none_for(
    said: str,
) -> None:
    # Amazon's "Send the User a Progressive Response": only while handling a LaunchRequest or
    # IntentRequest. A skill that sends its own (one chat --url drives) had the fake take one
    # for a SessionEndedRequest.
    from alexaskill.testing import RequestFactory

    request_type = said.partition(" ")[2]
    api = FakeAlexaApi()
    envelope = RequestFactory(skill_id=SKILL_ID).envelope(request_type)
    envelope["context"]["System"]["apiAccessToken"] = "t"
    request_id = envelope["request"]["requestId"]
    api.issued(envelope)
    with api.answering(request_id):
        refused = _speak(api, request_id)
    assert refused.status_code == 400
    assert f"not {said} (Alexa plays none)" in refused.json()["message"]
    # The request types Alexa plays them for are taken as before.
    launch = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    launch["context"]["System"]["apiAccessToken"] = "t"
    api.issued(launch)
    with api.answering(launch["request"]["requestId"]):
        assert _speak(api, launch["request"]["requestId"]).status_code == 204


def test_a_request_id_sent_again_as_a_launch_takes_progressive_responses_again() -> None:
    # The fake kept the type of the first request an id was sent with: an id a test reuses
    # (RequestFactory(request_id=...), a replayed file) first for a SessionEndedRequest, then
    # for a LaunchRequest had its progressive response refused (400, "not a SessionEndedRequest").
    from alexaskill.testing import RequestFactory

    api = FakeAlexaApi()
    factory = RequestFactory(skill_id=SKILL_ID)
    ended = factory.envelope("SessionEndedRequest")
    launch = factory.envelope("LaunchRequest")
    for envelope in (ended, launch):
        envelope["context"]["System"]["apiAccessToken"] = "t"
        envelope["request"]["requestId"] = "amzn1.echo-api.request.reused"
    api.issued(ended)
    with api.answering("amzn1.echo-api.request.reused"):
        assert _speak(api, "amzn1.echo-api.request.reused").status_code == 400
    api.issued(launch)
    with api.answering("amzn1.echo-api.request.reused"):
        assert _speak(api, "amzn1.echo-api.request.reused").status_code == 204


def test_the_fake_says_amazons_progressive_limits_in_the_clients_words() -> None:
    # The fake refused the 601st character, the 31st second of pauses and the sixth response of
    # a request in words of its own ("speech is 601 characters; at most 600"), where
    # AlexaApi.progressive says them otherwise ("... as SSML; the limit is 600"): a test of a
    # skill that sends its own (one chat --url drives) read another text than a skill of
    # alexaskill's. One text each now, the client's.
    ten = "<break time='10s'/>"
    api = FakeAlexaApi()
    request_id = "amzn1.echo-api.request.1"
    with api.answering(request_id):
        long = _speak_words(api, request_id, "x" * 586)
        paused = _speak_words(api, request_id, f"Hmm{ten * 3}<break time='1s'/>")
        # (the two refused above count toward the five, as Amazon counts those it receives:
        # the fourth "Hi" is the sixth)
        sixth = [_speak_words(api, request_id, "Hi") for _ in range(4)][-1]
    said = [answer.json()["message"] for answer in (long, paused, sixth)]
    clients = []
    for speech, sent in ((Ssml("x" * 586), 0), (Ssml(f"Hmm{ten * 3}<break time='1s'/>"), 0)):
        with pytest.raises(ResponseError) as raised:
            progressive_document(speech, sent)
        clients.append(str(raised.value))
    with pytest.raises(ResponseError) as raised:
        progressive_document("Hi", 5)
    clients.append(str(raised.value))
    assert said == clients
    assert clients == [
        "progressive response speech is 601 characters as SSML; the limit is 600",
        "progressive response speech holds 31 s of pauses; the limit is 30 s of audio",
        "at most 5 progressive responses per request; this would be number 6",
    ]
    # And a request Alexa plays none for, in the words AlexaApi.progressive raises.
    from alexaskill.testing import RequestFactory

    ended = RequestFactory(skill_id=SKILL_ID).envelope("SessionEndedRequest")
    ended["context"]["System"]["apiAccessToken"] = "t"
    api.issued(ended)
    with api.answering(ended["request"]["requestId"]):
        refused = _speak(api, ended["request"]["requestId"])
    assert refused.json()["message"] == (
        "a progressive response is only for a LaunchRequest or an IntentRequest, not a "
        "SessionEndedRequest (Alexa plays none)"
    )


def _speak_plain(api: FakeAlexaApi, request_id: str, text: str) -> httpx.Response:
    """A progressive response of plain ``text``, sent as it is (no ``<speak>`` root)."""
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": text},
    }
    url = "https://api.amazonalexa.com/v1/directives"
    request = httpx.Request("POST", url, json=body, headers={"Authorization": "Bearer t"})
    return api.handle(request)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 586,  # (601 characters as the document AlexaApi.progressive makes and counts)
        '"' * 100,  # (each quote escaped: &quot;)
        "Hmm <break time='31s'/>",  # (text, escaped: no pause)
        "x" * 585,
    ],
)
def test_the_fake_measures_plain_progressive_speech_as_the_client_does(text: str) -> None:
    # The fake measured plain text as sent, the client the <speak> document it makes of it
    # (escaped), so 586 to 600 characters passed the fake and were refused by the client; and
    # plain text that looks like a <break> was counted as a pause by the fake alone. Amazon's
    # page counts the speech, SSML: both now measure the document AlexaApi.progressive sends.
    api = FakeAlexaApi()
    with api.answering("amzn1.echo-api.request.1"):
        answer = _speak_plain(api, "amzn1.echo-api.request.1", text)
    said = answer.json()["message"] if answer.status_code == 400 else None
    expected: tuple[int, str | None] = (204, None)
    try:
        progressive_document(text)
    except ResponseError as exc:
        expected = (400, str(exc))
    assert (answer.status_code, said) == expected


@pytest.mark.parametrize("refusal", ["too long", "kind of fault", 503, (429, 1), "timeout"])
def test_the_fake_counts_the_progressive_responses_it_refuses_toward_the_five(
    refusal: object,
) -> None:
    # Amazon counts the progressive responses it receives, those it refuses too, as
    # AlexaApi.progressive counts each it sent that got an answer (or none in time): the fake
    # counted only those it took, so two refused (its own 400, or a fault's 503) left a skill
    # that sends its own five more where the client allows three.
    api = FakeAlexaApi()
    request_id = "amzn1.echo-api.request.1"
    with api.answering(request_id):
        for _ in range(2):
            if refusal == "too long":
                assert _speak_words(api, request_id, "x" * 600).status_code == 400
            elif refusal == "kind of fault":
                assert _speak_words(api, request_id, "Hmm<break time='31s'/>").status_code == 400
            else:
                api.faults = {"progressive": refusal}  # type: ignore[dict-item]
                try:
                    _speak_words(api, request_id, "Hi")
                except httpx.ReadTimeout:
                    assert refusal == "timeout"
                api.faults = {}
        taken = [_speak_words(api, request_id, "Hi") for _ in range(4)]
    assert [answer.status_code for answer in taken] == [204, 204, 204, 400]
    assert taken[-1].json()["message"] == (
        "at most 5 progressive responses per request; this would be number 6"
    )


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        # Six clips: Amazon's progressive-response page limits the audio (30 s), not the clips;
        # AlexaApi.progressive sends them, and the fake refused them by an answer's limit of five.
        ("<speak>" + "<audio src='https://cdn.example.com/a.mp3'/>" * 6 + "</speak>", None),
        # Said in the progressive response's words, not an answer's advice to leave it out.
        ("<speak> </speak>", "progressive response speech says nothing ('<speak> </speak>')"),
    ],
)
def test_the_fake_judges_a_progressive_response_by_its_own_limits_not_an_answers(
    markup: str, said: str | None
) -> None:
    try:
        progressive_document(Ssml(markup))
        sent = None
    except ResponseError as exc:
        sent = str(exc)
    api = FakeAlexaApi()
    with api.answering("amzn1.echo-api.request.1"):
        answer = _speak_words(api, "amzn1.echo-api.request.1", markup[7:-8])
    heard = _message(answer.json()) if answer.content else None
    assert (answer.status_code == 204, heard) == (said is None, sent), heard
    assert sent is None or sent.startswith(said or "?")


def test_a_directive_that_is_no_speak_is_refused_with_amazons_error_model() -> None:
    # The fake answered {"code": "INVALID_DIRECTIVE"}: a code of its own, where Amazon's model
    # of the directive API's error has a code that is a number (services/directive/error.py).
    api = FakeAlexaApi()
    url = "https://api.amazonalexa.com/v1/directives"
    body = {"header": {"requestId": "amzn1.echo-api.request.1"}, "directive": {"type": "X"}}
    answer = api.handle(
        httpx.Request("POST", url, json=body, headers={"Authorization": "Bearer t"})
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"message"}
