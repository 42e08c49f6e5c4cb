"""Tests for alexaskill.ssml_compose: what `ssml.speak`, ``+``, ``*`` and ``join`` refuse of a part
(tests/test_ssml.py has the composition of documents and the builders)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml

#: What each way of composing makes of a ``part`` (and plain or builders' text round it).
COMPOSERS: dict[str, Callable[[str], str]] = {
    "speak": lambda part: ssml.speak(part, "y"),
    "speak, last": lambda part: ssml.speak("y", part),
    "element": lambda part: ssml.p(part),
    "part + str": lambda part: part + "y",
    "str + part": lambda part: "y" + part,
    "part + Ssml": lambda part: part + Ssml("y"),
    "Ssml + part": lambda part: Ssml("y") + part,
    "part + document": lambda part: part + ssml.speak("y"),
    "part * 2": lambda part: part * 2,
    "join": lambda part: Ssml(" ").join([part, "y"]),
    "join, last": lambda part: Ssml(" ").join(["y", part]),
    "part.join": lambda part: part.join(["y", "z"]),
    "join of a document": lambda part: Ssml(" ").join([part, ssml.speak("y")]),
}
#: A comment, a CDATA section, a processing instruction, each left open by the part. (Not a
#: CDATA section after the root: the app refuses one there, open or not, where composing keeps
#: it, ended, inside the composed root: ``<speak>x<![CDATA[y]]>z</speak>``.)
LEFT_OPEN = [
    "a <!-- b",
    "x<![CDATA[",
    "y <?note z",
    "x <?note",
    "<speak>x</speak><!-- b",
    "<speak>x<!-- b</speak>",
    "<p>x</p><!--",
]


def _app_says(part: str) -> str:
    """What the app says of ``part`` given as speech (`SsmlSpeech`), its field's name left out."""
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(part))
    return str(refused.value).removeprefix("outputSpeech.ssml: ")


@pytest.mark.parametrize("part", LEFT_OPEN)
@pytest.mark.parametrize("compose", COMPOSERS.values(), ids=COMPOSERS.keys())
def test_an_ssml_part_left_open_is_refused_by_every_composer_in_the_apps_words(
    compose: Callable[[str], str], part: str
) -> None:
    # speak() and the builders refused such a part, "+", "*" and "join" only where a side was a
    # <speak> document: Ssml("a <!-- b") + "y" made "a <!-- by", the plain text swallowed, and
    # was refused (or, closed by a later part, taken) far from the call. And a part without a
    # root was said to hold "the rest of the speech", where the app says of it, as speech,
    # that it holds the root's end too: one wording now.
    with pytest.raises(ResponseError) as refused:
        compose(Ssml(part))
    assert str(refused.value) == f"SSML part {part!r}: {_app_says(part)}"


def test_a_cdata_section_left_open_after_the_root_is_refused_where_it_is_composed() -> None:
    part = "<speak>x</speak><![CDATA["
    said = re.escape(f"SSML part {part!r}: a CDATA section left open at index 16 ")
    for compose in COMPOSERS.values():
        with pytest.raises(ResponseError, match=f"^{said}"):
            compose(Ssml(part))


@pytest.mark.parametrize("part", LEFT_OPEN)
def test_the_checker_says_a_part_left_open_as_the_app(part: str) -> None:
    # What the composer and the app say of the part is what the test tools say of the document
    # the app sends for it (a part without a root is wrapped in one: its place is said in it).
    document = part if part.startswith("<speak>") else f"<speak>{part}</speak>"
    said = ssml.ssml_error(document)
    assert said is not None
    if document == part:
        assert _app_says(part) == said
    else:
        app = _app_says(part)
        assert app.split(": ", 1)[1] == said.split(": ", 1)[1], (app, said)
        assert said.startswith(app.split(" at index ", 1)[0]), (app, said)


@pytest.mark.parametrize("text", ["a <!-- b", "x<![CDATA[", "y <?note z", "c -->", "]]>"])
@pytest.mark.parametrize("compose", COMPOSERS.values(), ids=COMPOSERS.keys())
def test_plain_text_that_looks_left_open_is_said(compose: Callable[[str], str], text: str) -> None:
    # A str part is plain text, escaped: its "<!--" opens nothing, and it is said as written.
    # The app and the checker take what is composed, as speech and as the document sent.
    composed = compose(text)
    if not isinstance(composed, Ssml):  # (str + str: no SSML at all)
        return
    speech = SsmlSpeech(composed)
    assert ssml.ssml_error(speech.ssml) is None, speech.ssml
    assert text in ssml.strip_tags(speech.ssml)


def test_markup_ended_is_composed_by_every_composer() -> None:
    ended = Ssml("a <!-- b --> c <![CDATA[d]]> <?note e?>")
    for name, compose in COMPOSERS.items():
        composed = compose(ended)
        assert ssml.ssml_error(SsmlSpeech(composed).ssml) is None, name
    assert ssml.speak(Ssml("<speak>x</speak><!-- b -->"), "y") == "<speak>x<!-- b -->y</speak>"
