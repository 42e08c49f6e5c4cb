"""Tests for alexaskill.directives: the JSON and checks of AudioPlayer, VideoApp, APL and
Connections directives, typed or written as dicts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import directives
from alexaskill.directives import APL, AudioMetadata, AudioPlayer, Connections, VideoApp
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response, directive_kind, encode_response, speak

from .directives_shared import URL, one, wire
from .responses_shared import APLA

# --- AudioPlayer ----------------------------------------------------------------------------------


def test_play_json_nests_the_stream() -> None:
    assert one(AudioPlayer.Play(URL, "ep-42", offset_in_milliseconds=1500)) == {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": URL, "token": "ep-42", "offsetInMilliseconds": 1500}},
    }
    longest = one(AudioPlayer.Play(URL, "ep-42", offset_in_milliseconds=2**63 - 1))
    assert longest["audioItem"]["stream"]["offsetInMilliseconds"] == 2**63 - 1  # (Amazon's long)


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
        ({"url": "https://x.example/" + "a" * 8000}, r"stream.url is 8,018 characters; the limit"),
        ({"token": ""}, r"audioItem.stream.token must be a non-empty str"),
        ({"token": "t" * 1025}, r"stream.token is 1,025 characters; the limit is 1,024"),
        (
            {"play_behavior": "ENQUEUE", "expected_previous_token": "t" * 1025},
            r"stream.expectedPreviousToken is 1,025 characters; the limit is 1,024",
        ),
        ({"offset_in_milliseconds": -1}, r"offsetInMilliseconds must be an int of 0 or more"),
        ({"offset_in_milliseconds": 1.5}, r"offsetInMilliseconds must be an int of 0 or more"),
        ({"offset_in_milliseconds": True}, r"offsetInMilliseconds must be an int of 0 or more"),
        # (past Amazon's long: accepted here, it failed only as the reply was encoded)
        (
            {"offset_in_milliseconds": 2**63},
            r"at most 2\*\*63-1 \(a long\), not 9223372036854775808$",
        ),
        (
            {"offset_in_milliseconds": 10**5000},
            r"at most 2\*\*63-1 \(a long\), not <an int of 16,610 bits>$",
        ),
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
        (_raw_play(token="t" * 1025), r"stream.token is 1,025 characters; the limit is 1,024"),
        (
            _raw_play(playBehavior="ENQUEUE", expectedPreviousToken="t" * 1025),
            r"stream.expectedPreviousToken is 1,025 characters; the limit is 1,024",
        ),
        (_raw_play(offsetInMilliseconds=-1), r"offsetInMilliseconds must be an int of 0 or more"),
        (_raw_play(offsetInMilliseconds=2**63), r"at most 2\*\*63-1 \(a long\), not 9223"),
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
        ("Episode 42", r" must be an object, not a str$"),
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
        (1.1, r'RenderDocument document "version" must be a string such .*, not a float 1\.1$'),
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


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (None, r'RenderDocument document has no "mainTemplate" \(the layout shown first'),
        ([], r'RenderDocument document "mainTemplate" must be a mapping \(a layout\), not a list$'),
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
