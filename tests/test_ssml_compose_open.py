"""Tests for alexaskill.ssml_compose: an `Ssml` part that leaves markup open, or cut short, is
refused by every composer (`ssml.speak`, the builders, ``+``, ``*``, ``join``), in the words the
app says of it as speech; markup ended, and plain text that looks open, compose."""

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


#: The composers that take a str part into SSML (not ``str + str``, ``str * 2``, ``str.join``,
#: which are Python's alone: no SSML to test).
_OF_A_STR = {
    name: compose
    for name, compose in COMPOSERS.items()
    if name not in ("part + str", "str + part", "part * 2", "part.join")
}


@pytest.mark.parametrize("text", ["a <!-- b", "x<![CDATA[", "y <?note z", "c -->", "]]>"])
@pytest.mark.parametrize("compose", _OF_A_STR.values(), ids=_OF_A_STR.keys())
def test_plain_text_that_looks_left_open_is_said(compose: Callable[[str], str], text: str) -> None:
    # A str part is plain text, escaped: its "<!--" opens nothing, and it is said as written.
    # The app and the checker take what is composed, as speech and as the document sent.
    composed = compose(text)
    assert isinstance(composed, Ssml), composed
    speech = SsmlSpeech(composed)
    assert ssml.ssml_error(speech.ssml) is None, speech.ssml
    assert text in ssml.strip_tags(speech.ssml)


#: Parts that end in markup cut short: a "<" whose tag, comment, CDATA section or processing
#: instruction does not end in the part, or a bare "<" (both no XML: the app refuses them).
CUT_SHORT = [
    *("a <", "a <!", "a <!-", "a <![CDATA", "a <p", "a </p", "<p>x</p>a <!-", "1 < 2"),
    "<speak>x</speak> <",
    *('a <p a=">"', "a <sub alias='>'", 'a <sub alias=">" '),  # (a ">" in a quoted value ends none)
    *('x <p a="<>"', "x <p a='<>'", 'x <p a="<>" b="c"'),  # (nor does a "<" and ">" there)
    # (nor a whole tag there, a value left open holding it: the tag ends no markup either)
    *(' <p a="<p>', 'x <p a="<a>"', "x <p a='b <br/>", 'x <p a="<p>" b="<p>'),
]


@pytest.mark.parametrize("part", CUT_SHORT)
@pytest.mark.parametrize("compose", COMPOSERS.values(), ids=COMPOSERS.keys())
def test_an_ssml_part_ending_in_markup_cut_short_is_refused_in_the_apps_words(
    compose: Callable[[str], str], part: str
) -> None:
    # Only a comment, CDATA section or processing instruction left open was refused: the plain
    # text after "<!-" or "<" went into the part's markup (below), or the result was refused
    # far from the call, in the composed text's terms.
    with pytest.raises(ResponseError) as refused:
        compose(Ssml(part))
    assert str(refused.value) == f"SSML part {part!r}: {_app_says(part)}"


#: Parts whose markup cut short a ``<speak>`` tag that composing drops ended: the end tag of the
#: part's root, or a stray root tag of a fragment (the text after it went into the markup).
CUT_BY_A_ROOT_TAG = [
    *("<speak>x <p</speak>", "<speak>x <</speak>", "<speak>x </p</speak>\n"),
    *("<speak>x <!-</speak>", "<speak>x <![CDATA</speak>", "<!-- c --><speak>x <p</speak>"),
    '<speak>x <p a=">"</speak>',
    '<speak>x <p a="<>"</speak>',
    '<speak>x <p a="<p>"</speak>',
]
#: The same, in a fragment: only the composers that unwrap it drop its stray root tags.
FRAGMENT_CUT_BY_A_ROOT_TAG = [
    *("x <p</speak>", "a <p</speak> >b</p>", "x <p<speak>y", 'x <p a=">"<speak>y'),
    'x <p a="<>"<speak>y',
    'x <p a="<p>"<speak>y',
]
_UNWRAPPING = {
    name: COMPOSERS[name]
    for name in ("speak", "speak, last", "element", "part + document", "join of a document")
}


@pytest.mark.parametrize("part", CUT_BY_A_ROOT_TAG)
@pytest.mark.parametrize("compose", COMPOSERS.values(), ids=COMPOSERS.keys())
def test_a_document_part_whose_root_tag_ends_markup_cut_short_is_refused_in_the_apps_words(
    compose: Callable[[str], str], part: str
) -> None:
    # Composing drops the root's tags: speak(Ssml("<speak>x <p</speak>"), "y") sent
    # "<speak>x <py</speak>", the next text in the tag; "<!-" was said as a processing
    # instruction left open, where the app says "a '<!'".
    with pytest.raises(ResponseError) as refused:
        compose(Ssml(part))
    assert str(refused.value) == f"SSML part {part!r}: {_app_says(part)}"


@pytest.mark.parametrize("part", FRAGMENT_CUT_BY_A_ROOT_TAG)
@pytest.mark.parametrize("compose", _UNWRAPPING.values(), ids=_UNWRAPPING.keys())
def test_a_fragment_whose_stray_root_tag_ends_markup_cut_short_is_refused_in_the_apps_words(
    compose: Callable[[str], str], part: str
) -> None:
    # speak(Ssml("a <p</speak> >b</p>")) sent "<speak>a <p >b</p></speak>": a tag made of
    # markup the app refuses given as speech.
    with pytest.raises(ResponseError) as refused:
        compose(Ssml(part))
    assert str(refused.value) == f"SSML part {part!r}: {_app_says(part)}"


def test_plain_text_never_finishes_a_parts_markup() -> None:
    # speak(Ssml("a <!-"), "- b --", Ssml(">")) sent "<speak>a <!-- b --></speak>": the text
    # "- b --" finished the part's "<!-" into a comment, and "b" was never said; and
    # Ssml("a <") + "p" + Ssml(">b</p>") made the text "p" a tag. Each part alone is refused.
    with pytest.raises(ResponseError, match=r"^SSML part 'a <!-': a '<!' at index 2 "):
        ssml.speak(Ssml("a <!-"), "- b --", Ssml(">"))
    with pytest.raises(ResponseError, match=r"^SSML part 'a <': a bare '<' at index 2 "):
        Ssml("a <") + "p" + Ssml(">b</p>")
    # A tag is written in one part, as a comment is (those split in two were composed).
    with pytest.raises(ResponseError, match=r"^SSML part '<bre': '<' in the tag name at index 4 "):
        Ssml("<bre") + Ssml("ak time='20s'/>")


def test_markup_ended_is_composed_by_every_composer() -> None:
    ended = Ssml("a <!-- b --> c <![CDATA[d]]> <?note e?>")
    for name, compose in COMPOSERS.items():
        composed = compose(ended)
        assert ssml.ssml_error(SsmlSpeech(composed).ssml) is None, name
    # Ended, not left open: taken, and dropped after the root as the prolog is.
    assert ssml.speak(Ssml("<speak>x</speak><!-- b -->"), "y") == "<speak>xy</speak>"


def test_a_quoted_gt_in_ended_markup_is_no_markup_cut_short() -> None:
    # The check of markup cut short reads a ">" in a quoted value as the app does, no end, and
    # so it reads a ">" in a comment after a quote: each part below ends its markup.
    composed = Ssml('a <sub alias=">">') + "b" + Ssml("</sub>")
    assert composed == 'a <sub alias=">">b</sub>'
    assert Ssml('a <!-- "b > c -->') + "d" == 'a <!-- "b > c -->d'
    assert ssml.speak(Ssml('<speak>a <!-- "b > c --></speak>'), "d") == (
        '<speak>a <!-- "b > c -->d</speak>'
    )
    assert ssml.ssml_error(ssml.speak(composed)) is None


@pytest.mark.parametrize("part", ["x <!->", "x <![CDATA>"])
def test_a_tag_like_piece_ended_is_composed_and_said_by_the_app(part: str) -> None:
    # Neither is a comment, a CDATA section or an instruction, and each ends in ">": nothing is
    # swallowed. Both were refused as "a processing instruction left open"; the app says the
    # composed speech's "<!" as it says "<!foo>"'s.
    assert Ssml(part) + "y" == f"{part}y"
    assert ssml.speak(Ssml(part), "y") == f"<speak>{part}y</speak>"
    assert _app_says(f"{part}y").startswith("a '<!' at index 2 ")


@pytest.mark.parametrize(
    ("part", "cut"),
    [
        ("<speak>a</speak><!-- c --><speak>b <</speak>", "a bare '<' at index 35 "),
        ("<speak>a</speak> <speak>b <p</speak>", "'<' in the tag name at index 28 "),
        ("<speak>a</speak> b <p</speak>", "'<' in the tag name at index 21 "),
        ("<speak>a</speak> <p<speak>b</speak>", "'<' in the tag name at index 19 "),
        ("<speak>Tom & Jerry <</speak>", "a bare '<' at index 19 "),
    ],
)
@pytest.mark.parametrize("compose", COMPOSERS.values(), ids=COMPOSERS.keys())
def test_a_part_cut_short_after_another_fault_is_refused_naming_the_cut_too(
    compose: Callable[[str], str], part: str, cut: str
) -> None:
    # Two roots, or text after the root, which composing takes (it unwraps them), were the one
    # fault said ("<speak> inside or after its <speak> root"): the "<" cut short, why the part
    # is refused, went unsaid. It is said first, then the app's first fault of the part (a
    # fault of its own, there without the markup cut short too).
    with pytest.raises(ResponseError) as refused:
        compose(Ssml(part))
    said = str(refused.value)
    assert said.startswith(f"SSML part {part!r}: {cut}"), said
    assert said.endswith(f"; given whole as speech, the app says first: {_app_says(part)}"), said
