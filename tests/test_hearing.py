"""What a user hears of SSML (`alexaskill.hearing`)."""

from __future__ import annotations

from alexaskill import ssml
from alexaskill.hearing import spoken_text


def test_spoken_text_is_what_the_user_hears() -> None:
    markup = ssml.speak(
        "Hello",
        ssml.break_("1s"),
        " ",
        ssml.break_("500ms"),
        ssml.audio("https://example.com/a.mp3"),
        ssml.sub("Al", "aluminium & co"),
        ssml.amazon_effect("quietly"),
        ssml.s("Tom & Jerry"),
        ssml.break_(strength="x-weak"),
        "done",
    )
    assert spoken_text(markup) == (
        "Hello [audio: https://example.com/a.mp3] aluminium & co quietly Tom & Jerry done"
    )
    # Pauses with only spaces between are one, as the simulator shows them; x-weak is none.
    assert spoken_text(markup, pauses=True) == (
        "Hello [pause 1.5 s] [audio: https://example.com/a.mp3] aluminium & co quietly "
        "Tom & Jerry done"
    )
    assert spoken_text('a<break strength="strong"/>b', pauses=True) == "a [pause 0.6 s] b"
    assert spoken_text("<speak>a<break/>b</speak>", pauses=True) == "a [pause 0.3 s] b"
    assert spoken_text("plain words") == "plain words"
    assert spoken_text("<speak>Tom & Jerry</speak>") == "Tom & Jerry"  # not XML: stripped


def test_markup_nested_past_the_recursion_limit_is_read_as_plain_words() -> None:
    # SSML from a remote server (chat --url, replay --url) nested 1,200 deep: RecursionError.
    deep = "<speak>" + "<p>" * 1200 + "x" + "</p>" * 1200 + "</speak>"
    assert spoken_text(deep) == "x"
