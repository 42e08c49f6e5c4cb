"""Tests for alexaskill.ssml_compose: how `Ssml` values compose (`ssml.speak`, ``+``, ``*``,
``join``): documents unwrapped into one root, and what is refused of a part (a part that leaves
markup open or cut short: tests/test_ssml_compose_open.py; escaping: tests/test_ssml_escape.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import ssml, ssml_compose
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml

# --- composition ----------------------------------------------------------------------------------


def test_user_text_cannot_inject_tags() -> None:
    evil = "</speak><audio src='https://evil.example/x.mp3'/><speak>"
    document = ssml.speak("You said ", evil)
    assert "<audio" not in document
    assert document.count("<speak>") == 1
    assert document == (
        "<speak>You said &lt;/speak&gt;&lt;audio src=&apos;https://evil.example/x.mp3&apos;/&gt;"
        "&lt;speak&gt;</speak>"
    )


def test_attribute_values_cannot_break_out() -> None:
    markup = ssml.sub("Al", 'x" onload="y')
    assert markup == '<sub alias="x&quot; onload=&quot;y">Al</sub>'


def test_ssml_plus_str_escapes_the_str() -> None:
    result = Ssml("<break/>") + "a<b"
    assert type(result) is Ssml
    assert result == "<break/>a&lt;b"


def test_str_plus_ssml_escapes_the_str() -> None:
    result = "a&b" + Ssml("<break/>")
    assert type(result) is Ssml
    assert result == "a&amp;b<break/>"


def test_ssml_plus_ssml_keeps_both() -> None:
    result = Ssml("<p>a</p>") + Ssml("<p>b</p>")
    assert type(result) is Ssml
    assert result == "<p>a</p><p>b</p>"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: ssml.speak("Hello") + ssml.speak("World"), "<speak>HelloWorld</speak>"),
        (lambda: ssml.speak("Hi") + " you & me", "<speak>Hi you &amp; me</speak>"),
        (lambda: "Hi & " + ssml.speak("you"), "<speak>Hi &amp; you</speak>"),
        (lambda: Ssml(" ").join([ssml.speak("a"), "b&c"]), "<speak>a b&amp;c</speak>"),
        (lambda: ssml.speak("a") * 2, "<speak>aa</speak>"),
        (lambda: ssml.speak(ssml.speak("a") + ssml.speak("b")), "<speak>ab</speak>"),
        (
            lambda: ssml.speak(Ssml("<speak>a</speak>"), " ", Ssml("<speak>b</speak>")),
            "<speak>a b</speak>",
        ),
    ],
    # (A lone part of two roots run together is composed with nothing: as written, refused as
    # speech, tests/test_ssml_values.py.)
    ids=["doc+doc", "doc+str", "str+doc", "join", "repeat", "speak-of-sum", "speak-of-two-docs"],
)
def test_documents_compose_into_one_speak_root(make: Any, expected: str) -> None:
    # Two <speak> roots side by side are not XML: Alexa refuses the response. Each result must
    # have one root, so that "SSML documents compose" holds for the operators too.
    result = make()
    assert isinstance(result, Ssml)  # Ssml, or its builders' kind (ssml_compose._Checked)
    assert result == expected
    assert ssml.ssml_error(result) is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: ssml.speak("Hi ", ssml.break_("1s"), ssml.audio("https://cdn.example.com/a.mp3")),
        lambda: ssml.p(ssml.emphasis("a <b>"), ssml.break_(strength="weak")) + "c & d",
        lambda: "a" + ssml.break_() * 2,
        lambda: Ssml(", ").join(["x", ssml.s("y"), ssml.speak("z")]),
        lambda: ssml.speak(Ssml("no tag &amp; no check needed"), ssml.break_()),
    ],
)
def test_the_builders_ssml_is_marked_checked(make: Any) -> None:
    # SsmlSpeech does not check again the <break> and <audio> elements the builders checked.
    assert type(make()) is ssml_compose._Checked


@pytest.mark.parametrize(
    "make",
    [
        lambda: ssml.speak("Hi ", Ssml("<break time='20s'/>")),
        lambda: ssml.p(Ssml("<audio src='http://x/a.mp3'/>")),
        lambda: ssml.speak("Hi") + Ssml("<break time='20s'/>"),
        lambda: Ssml("<break time='20s'/>") + ssml.break_(),
        lambda: Ssml("<break time='20s'/>") * 2,
        lambda: Ssml("<speak>Hi<break time='20s'/></speak>") + ssml.speak("more"),
    ],
)
def test_ssml_with_a_hand_written_tag_is_not_marked_checked(make: Any) -> None:
    # A hand-written part may hold a tag the builders never saw: speech checks it.
    assert type(make()) is Ssml


def test_adding_a_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Ssml("a") + 1  # type: ignore[operator]


def test_join_escapes_plain_parts() -> None:
    result = Ssml(", ").join(["cats & dogs", ssml.emphasis("mice", "strong")])
    assert isinstance(result, Ssml)
    assert result == 'cats &amp; dogs, <emphasis level="strong">mice</emphasis>'


def test_repetition_stays_ssml() -> None:
    assert type(Ssml("<break/>") * 2) is Ssml
    assert 2 * Ssml("<break/>") == "<break/><break/>"


def _made(compose: Callable[[], str]) -> tuple[type, str]:
    """What ``compose`` makes (its type and text), or the error it raises (its type and words)."""
    try:
        made = compose()
    except ResponseError as refused:
        return ResponseError, str(refused)
    return type(made), made


@pytest.mark.parametrize(
    "part",
    [
        *("a <!--", "x<![CDATA[", "a <", "<bre", "<speak>a <!--", "<speak>x <p</speak>"),
        *("<!DOCTYPE x><speak>a</speak>", "<speak>a</speak>", "<break/>", "a"),
    ],
)
@pytest.mark.parametrize("count", [-1, 0, 1, 2])
def test_a_product_is_the_join_of_as_many_copies(part: str, count: int) -> None:
    # Ssml("a <!--") * 0 was refused, the part said to leave a comment open, though no copy of
    # it is placed: an empty product has no part left open, as the empty join, taken, has none.
    assert _made(lambda: Ssml(part) * count) == _made(lambda: Ssml("").join([Ssml(part)] * count))
    assert _made(lambda: count * Ssml(part)) == _made(lambda: Ssml(part) * count)
    if count <= 0:
        assert Ssml(part) * count == ""


@pytest.mark.parametrize(
    "document",
    [
        "<speak>a</speak><speak>b</speak>",
        "<speak>a</speak>b",
        "<speak/>x</speak>",
        "<speak xml:lang='en-US'>hi</speak>",
    ],
)
def test_one_copy_of_a_document_is_the_document_speak_makes_of_it(document: str) -> None:
    # Ssml("<speak>a</speak><speak>b</speak>") * 1 made one root of its two, "<speak>ab</speak>",
    # which an answer sent, where the same Ssml given as speech, or speak() of it, is refused:
    # one copy, or a join of one part, is the document composed with nothing, as speak() makes
    # it (its faults refused where it is used; its root's attributes kept).
    alone = _made(lambda: ssml.speak(Ssml(document)))
    assert _made(lambda: Ssml(document) * 1) == alone
    assert _made(lambda: 1 * Ssml(document)) == alone
    assert _made(lambda: Ssml(" ").join([Ssml(document)])) == alone
    if "hi" not in document:
        with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: "):
            SsmlSpeech(Ssml(document) * 1)


@pytest.mark.parametrize("nothing", ["", Ssml("")], ids=["str", "Ssml"])
@pytest.mark.parametrize(
    "document", ["<speak>a</speak><speak>b</speak>", "<speak a='1'>hi</speak>"]
)
def test_a_document_plus_nothing_is_the_document_speak_makes_of_it(
    document: str, nothing: str
) -> None:
    # Ssml("<speak>a</speak><speak>b</speak>") + "" (or "" + it) made one root of its two, as
    # `* 1` did: nothing added on either side, the document is composed with nothing.
    alone = _made(lambda: ssml.speak(Ssml(document)))
    assert _made(lambda: Ssml(document) + nothing) == alone
    assert _made(lambda: nothing + Ssml(document)) == alone
    # speak() and join() of it and empty parts merged its roots: an empty part places nothing.
    assert _made(lambda: ssml.speak(Ssml(document), nothing)) == alone
    assert _made(lambda: ssml.speak(nothing, Ssml(document), nothing)) == alone
    assert _made(lambda: Ssml("").join([Ssml(document), nothing])) == alone
    assert _made(lambda: Ssml("").join([nothing, Ssml(document), nothing])) == alone
    # A separator placed between them is something composed with it.
    assert Ssml(" ").join([Ssml(document), nothing]) == ssml.speak(Ssml(document), " ")


@pytest.mark.parametrize("separator", ["<speak>x</speak>", "<speak>x</speak><speak>y</speak>"])
@pytest.mark.parametrize("parts", [[], ["a"], [Ssml("<p>a</p>")], [Ssml("<speak>a</speak>b")]])
def test_a_separator_left_unused_makes_no_document(separator: str, parts: list[str]) -> None:
    # Ssml("<speak>x</speak>").join(["a"]) made "<speak>a</speak>", and join([]) "<speak></speak>",
    # though a join of one part is the part and of none "" (str.join): the separator, unused,
    # is not placed, as `* 0` places no copy of a part.
    assert _made(lambda: Ssml(separator).join(parts)) == _made(lambda: Ssml("").join(parts))


@pytest.mark.parametrize(
    "outside",
    [" ", "\n", " \t\r\n", "<!-- c -->", "<?p x?>", " <!-- c -->\n<?p?> "],
    ids=["space", "newline", "all four", "comment", "instruction", "all three"],
)
def test_what_stands_round_a_documents_root_is_dropped_alike(outside: str) -> None:
    # The white space, comments and processing instructions before a document's root were
    # dropped, and those after it moved inside the root ("<speak>a  </speak>",
    # "<speak>a<!-- c -->b</speak>"): both are outside it now.
    document = Ssml(f"{outside}<speak>a</speak>{outside}")
    assert ssml.speak(document) == "<speak>a</speak>"
    assert ssml.speak(document, "b") == "<speak>ab</speak>"
    assert ssml.speak("b", document) == "<speak>ba</speak>"
    assert document + "b" == "<speak>ab</speak>"
    assert Ssml("").join([document, document]) == "<speak>aa</speak>"
    assert ssml.p(document) == "<p>a</p>"
    assert ssml.speak(Ssml(f"<speak/>{outside}"), "b") == "<speak>b</speak>"
    # Inside the root, or between two roots composed, they stay.
    assert ssml.speak(Ssml(f"<speak>a{outside}</speak>"), "b") == f"<speak>a{outside}b</speak>"
    two = Ssml(f"<speak>a</speak>{outside}<speak>b</speak>{outside}")
    assert ssml.speak(two, "c") == f"<speak>a{outside}bc</speak>"


@pytest.mark.parametrize("where", ["{}<speak>a</speak>", "<speak>a</speak>{}"])
def test_a_comment_dropped_round_a_documents_root_is_refused_if_no_xml(where: str) -> None:
    # Dropped, it would never reach the app's check, which refuses the document given whole.
    document = Ssml(where.format("<!-- a -- b -->"))
    with pytest.raises(ResponseError, match=r"^outputSpeech\.ssml: '--' inside a comment"):
        SsmlSpeech(document)
    with pytest.raises(ResponseError, match=r"^SSML part .*: '--' inside a comment"):
        ssml.speak(document, "c")


def test_f_string_is_plain_text() -> None:
    # Documented: formatting yields a plain str, which speech treats as text.
    assert type(f"{Ssml('<break/>')}") is str


def test_repr_shows_the_type() -> None:
    assert repr(Ssml("<p>x</p>")) == "Ssml('<p>x</p>')"


@pytest.mark.parametrize(
    "document",
    ["<speak/>", "<speak />", "<speak xml:lang='en-US'/>", "<speak\n/>"],
)
def test_an_empty_speak_document_composes_without_a_nested_root(document: str) -> None:
    # "<speak/>" was left inside the new root ("<speak><speak/>hi</speak>"): a <speak> nested
    # in <speak>, where composing promises one document with one root.
    empty = Ssml(document)
    assert ssml.speak(empty, "hi") == "<speak>hi</speak>"
    assert empty + "hi" == "<speak>hi</speak>"
    assert "hi" + empty == "<speak>hi</speak>"
    assert Ssml(" ").join([empty, "hi"]) == "<speak> hi</speak>"
    assert empty * 2 == "<speak></speak>"


@pytest.mark.parametrize(
    ("document", "inner"),
    [
        ("<speak>Say <![CDATA[<speak>]]> now</speak>", "Say <![CDATA[<speak>]]> now"),
        ("<speak>Say <![CDATA[</speak><speak/>]]></speak>", "Say <![CDATA[</speak><speak/>]]>"),
        ("<speak>Hi<!-- <speak> --> there<!-- </speak> --></speak>", None),
        ("<speak>Hi <![CDATA[<?xml version='1.0'?>]]><!-- <?xml version='1.0'?> --></speak>", None),
        # (the prolog before the root is dropped, as ever: a processing instruction in it kept)
        ("<!-- <speak> --><speak>Hi<?note <speak>?></speak>", "Hi<?note <speak>?>"),
    ],
)
def test_only_real_speak_tags_are_unwrapped_not_their_text_in_a_comment_or_cdata(
    document: str, inner: str | None
) -> None:
    # A <speak> (or an XML declaration) inside a CDATA section is text Alexa says, and inside a
    # comment or a processing instruction text it skips: composing dropped it as if it were a
    # real tag, changing what was said ("Say now") or written.
    if inner is None:
        inner = document.removeprefix("<speak>").removesuffix("</speak>")
    for composed in (
        ssml.speak(Ssml(document)),
        Ssml(document) + "",
        "" + Ssml(document),
        Ssml("").join([Ssml(document)]),
    ):
        assert composed == f"<speak>{inner}</speak>", composed
        assert ssml.ssml_error(composed) is None, composed
        assert SsmlSpeech(composed).ssml == composed
    assert ssml.p(Ssml(document)) == f"<p>{inner}</p>"


def test_a_speak_root_with_a_greater_than_in_an_attribute_is_unwrapped_whole() -> None:
    # XML allows ">" in a quoted attribute value; the root's start tag ended there, and the
    # rest of it ('b">') was spoken.
    document = Ssml("""<speak xml:lang="en-US" data-note='a>b'>Hi</speak>""")
    assert ssml.speak(document, " there") == "<speak>Hi there</speak>"
    assert ssml.p(document) == "<p>Hi</p>"


# --- speak ----------------------------------------------------------------------------------------


def test_speak_wraps_parts() -> None:
    assert ssml.speak("Hello ", ssml.break_("1s"), " world") == (
        '<speak>Hello <break time="1s"/> world</speak>'
    )


def test_speak_unwraps_nested_documents() -> None:
    inner = ssml.speak("one")
    assert ssml.speak(inner, " two") == "<speak>one two</speak>"
    # Alone, composed with nothing, its root's attributes kept (as the app sends it as speech).
    lang = Ssml('<speak xml:lang="en-US">hi</speak>')
    assert ssml.speak(lang) == '<speak xml:lang="en-US">hi</speak>'
    assert ssml.speak(lang, "!") == "<speak>hi!</speak>"


@pytest.mark.parametrize(
    "document",
    [
        "<speak>a</speak>",
        "<?xml version='1.0'?>\n<speak>a</speak>",
        "<!-- c --><speak version='1.1'>a</speak>\n<!-- d -->",
        "<speak>a<p>b</p></speak><?pi x?>",
        "<speak >a<speak>b</speak></speak >",
        "<speak>a</speak><speak>b</speak>",
        "\u3000<speak>a</speak>",
        "<speak>a<!-- </speak> --></speak>",
    ],
)
def test_whole_documents_compose_into_one_the_app_takes(document: str) -> None:
    # speak() unwraps each part's <speak> root (its prolog dropped): whole documents, side by
    # side or with text, make one document the app sends. Alone, one whose markup runs past
    # its root is composed with nothing, as written (tests/test_ssml_values.py).
    lone = [] if document.count("<speak") > 1 else [(Ssml(document),)]
    for parts in (*lone, ("x ", Ssml(document), Ssml(document))):
        composed = ssml.speak(*parts)
        assert SsmlSpeech(composed).ssml == composed
        assert ssml.ssml_error(composed) is None, composed


@pytest.mark.parametrize(
    ("part", "inner"),
    [
        ("<?xml version='1.0'?>a", "a"),  # an XML declaration is only allowed first
        ('\n<?xml version="1.0" encoding="UTF-8"?>a <p>b</p>', "\na <p>b</p>"),
        ("a</speak>", "a"),  # a stray end tag of the root
    ],
)
def test_speak_drops_a_declaration_and_stray_root_tags_of_a_fragment(part: str, inner: str) -> None:
    # speak() kept them inside the composed root ("<speak><?xml …?>a</speak>",
    # "<speak>a</speak></speak>"): no XML, refused by the app far from the call.
    composed = ssml.speak(Ssml(part))
    assert composed == f"<speak>{inner}</speak>"
    assert ssml.ssml_error(composed) is None, composed
    assert ssml.speak("x ", Ssml(part)) == f"<speak>x {inner}</speak>"
    # Speech wraps such markup as written, and refuses it as ssml_error refuses the document it
    # is wrapped in (tests/test_ssml_agreement.py): composing is ssml.speak's, asked for.
    with pytest.raises(ResponseError):
        SsmlSpeech(Ssml(part))
    assert ssml.ssml_error(f"<speak>{part}</speak>") is not None


@pytest.mark.parametrize(
    ("part", "at"),
    [
        ("Hi <?xml version='1.0'?>", 3),
        ("<p>a</p><?xml version='1.0'?>", 8),
        ("a <s><?xml version='1.0'?>b</s>", 5),
    ],
)
def test_a_declaration_inside_a_fragment_is_refused_not_dropped(part: str, at: int) -> None:
    # Only one that starts the fragment (after XML's white space) is a prolog to drop: one
    # after text or a tag stands inside the <speak> the fragment is wrapped in, which
    # ssml_error refuses; speak() dropped it (found by tests/test_ssml_agreement.py's
    # generator, run on fragments).
    said = rf"^SSML part .*: an XML declaration past the start at index {at} "
    with pytest.raises(ResponseError, match=said):
        ssml.speak(Ssml(part))
    with pytest.raises(ResponseError, match="an XML declaration past the start"):
        SsmlSpeech(Ssml(part))
    assert "an XML declaration past the start" in (ssml.ssml_error(f"<speak>{part}</speak>") or "")


def test_a_document_with_a_doctype_is_refused_where_it_is_composed() -> None:
    # Its DOCTYPE (which may declare entities the document uses) cannot be unwrapped with its
    # root: speak() put it inside the composed <speak>, no XML, and the app refused that
    # speech where the handler returned it, far from the call that made it.
    part = Ssml('<!DOCTYPE speak [<!ENTITY n "Ann">]><speak>Hi &n;</speak>')
    said = r"^SSML part '<!DOCTYPE speak \[.*' has a DOCTYPE: Amazon's SSML has none"
    with pytest.raises(ResponseError, match=said):
        ssml.speak("a ", part)
    with pytest.raises(ResponseError, match=said):
        ssml.p(part)
    # +, * and join refuse it as speak() does (they took it for no document: it stayed first,
    # and only the app refused the speech's DOCTYPE, far from here).
    composers: tuple[Callable[[], object], ...] = (
        lambda: part + "x",
        lambda: "x" + part,
        lambda: Ssml("<p>x</p>") + part,
        lambda: part * 2,
        lambda: Ssml(" ").join(["x", part]),
        lambda: part.join(["x", "y"]),
    )
    for compose in composers:
        with pytest.raises(ResponseError, match=said):
            compose()
    # Text of a comment is no DOCTYPE.
    commented = Ssml("<speak>a<!-- <!DOCTYPE x> --></speak>")
    assert ssml.speak(commented) == "<speak>a<!-- <!DOCTYPE x> --></speak>"


@pytest.mark.parametrize(
    ("document", "fault"),
    [
        ("<!-- a -- b --><speak>Hi</speak>", "'--' inside a comment at index 7"),
        ("<!-- a ---><speak>Hi</speak>", "'--' inside a comment at index 7"),
        ("<!-- ok -->\n<!-- a -- b --><speak>Hi</speak>", "'--' inside a comment at index 19"),
        ("<? x?><speak>Hi</speak>", "a processing instruction without a name at index 2"),
        ("<?XML x?><speak>Hi</speak>", "'XML' as a processing instruction's name at index 2"),
    ],
)
def test_a_documents_prolog_is_checked_where_it_is_composed(document: str, fault: str) -> None:
    # speak() dropped a part's prolog unread: a comment no XML reads before <speak> vanished,
    # while SsmlSpeech and ssml_error refused the same document. Refused alike now, where the
    # parts are composed (as a DOCTYPE is: the app never sees the prolog speak() drops).
    part = Ssml(document)
    said = rf"^SSML part '.*': {re.escape(fault)}"
    composers: tuple[Callable[[], object], ...] = (
        lambda: ssml.speak(part),
        lambda: ssml.speak("a ", part),
        lambda: ssml.p(part),
        lambda: part + "x",
        lambda: "x" + part,
        lambda: part * 2,
        lambda: Ssml(" ").join(["x", part]),
    )
    for compose in composers:
        with pytest.raises(ResponseError, match=said):
            compose()
    with pytest.raises(ResponseError, match=re.escape(fault)):
        SsmlSpeech(part)
    assert fault in (ssml.ssml_error(document) or "")
    # A prolog XML reads is dropped as before.
    assert ssml.speak(Ssml("<!-- ok --><?note x?>\n<speak>Hi</speak>")) == "<speak>Hi</speak>"


@pytest.mark.parametrize(
    ("document", "fault"),
    [
        ("<speak x=1>Hi</speak>", "an unquoted attribute value at index 9"),
        ("<!-- c --><speak a='1' a='2'>Hi</speak>", "a twice in one tag at index 23"),
        (
            "<speak>Hi <?xml version='1.0'?></speak>",
            "an XML declaration past the start at index 10",
        ),
        (
            "<speak>Hi</speak>\n<?xml version='1.0'?>",
            "an XML declaration past the start at index 18",
        ),
    ],
)
def test_what_composing_drops_of_a_document_is_checked_first(document: str, fault: str) -> None:
    # speak() drops a document's root tags and every XML declaration: a root tag XML cannot
    # read, or a declaration inside or after the root, vanished, while SsmlSpeech and
    # ssml_error refused the same document (found by tests/test_ssml_agreement.py).
    with pytest.raises(ResponseError, match=rf"^SSML part .*: {re.escape(fault)}"):
        ssml.speak("a ", Ssml(document))
    with pytest.raises(ResponseError, match=re.escape(fault)):
        SsmlSpeech(Ssml(document))
    assert fault in (ssml.ssml_error(document) or "")


def test_speak_keeps_a_plain_str_that_looks_like_a_document_as_text() -> None:
    assert ssml.speak("<speak>x</speak>") == "<speak>&lt;speak&gt;x&lt;/speak&gt;</speak>"


def test_speak_of_nothing() -> None:
    assert ssml.speak() == "<speak></speak>"
