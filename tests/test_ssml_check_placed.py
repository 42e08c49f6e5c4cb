"""Tests for alexaskill.ssml_check (`ssml_error`) and the app's check of speech written by hand
(`alexaskill.responses.SsmlSpeech`): where a fault is said to be, in the text as written (after
a prolog, in a fragment), and what may come before a document's root (what Alexa would refuse,
said alike: tests/test_ssml_check.py)."""

from __future__ import annotations

import re

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml


@pytest.mark.parametrize(
    ("document", "fault"),
    [
        ("<!-- c --><speak>Tom & Jerry</speak>", "a bare '&' at index 21"),
        ("<?xml version='1.0'?>\n<speak>1 < 2</speak>", "a bare '<' at index 31"),
        ("<!-- c --><speak>caf&eacute;</speak>", "&eacute; at index 20 is no entity XML knows"),
        ("<!-- c --><speak>a <break time=1s/></speak>", "an unquoted attribute value at index 31"),
        ("<!-- c --><speak>a ]]> b</speak>", "']]>' in text at index 19"),
        ("<!-- c --><speak>a\x01</speak>", "U+0001 at index 18"),
    ],
)
def test_a_fault_after_a_prolog_is_placed_in_the_text_as_written(document: str, fault: str) -> None:
    # SsmlSpeech sends a document from its root, the prolog dropped: its faults were placed in
    # what is sent (index 11 for the first), where ssml_error places them in what the handler
    # wrote; both say the same words now, indices and all.
    with pytest.raises(ResponseError, match=re.escape(fault)):
        SsmlSpeech(Ssml(document))
    assert fault in (ssml.ssml_error(document) or ""), ssml.ssml_error(document)


@pytest.mark.parametrize(
    ("fragment", "fault"),
    [
        ("Tom & Jerry", "a bare '&' at index 4 ('Tom & Jerry')"),
        ("1 < 2", "a bare '<' at index 2 ('1 < 2')"),
        ("caf&eacute;", "&eacute; at index 3 is no entity XML knows"),
        # (In an element: text before a root of another name is said first by ssml_error,
        # tests/test_ssml_root.py, where the app wraps it in <speak>.)
        ("<s>a <break time=1s/></s>", "an unquoted attribute value at index 17"),
        ("a ]]> b", "']]>' in text at index 2"),
        ("a\x01", "U+0001 at index 1"),
    ],
)
@pytest.mark.parametrize("where", ["answer", "progressive"])
def test_a_fault_of_a_fragment_is_placed_in_the_fragment_as_written(
    fragment: str, fault: str, where: str
) -> None:
    # Ssml("Tom & Jerry") is wrapped in <speak> by the app: its fault was placed in the wrapped
    # document (index 11), where ssml_error places it in the text the handler wrote (4).
    from alexaskill.services.progressive import progressive_document

    with pytest.raises(ResponseError, match=re.escape(fault)):
        if where == "answer":
            SsmlSpeech(Ssml(fragment))
        else:
            progressive_document(Ssml(fragment))
    assert fault in (ssml.ssml_error(fragment) or ""), ssml.ssml_error(fragment)


@pytest.mark.parametrize(
    ("fragment", "said"),
    [
        # Quoted text a handler wrote that says "at index …" is its text, not a place.
        (
            '<emphasis level="at index 9">x</emphasis>',
            "<emphasis level='at index 9'> is not a value Alexa accepts",
        ),
        ('<break time="at index 8"/>', "<break time='at index 8'> is not a duration"),
        # An index into the src, not into the markup: no place of the fragment to move.
        (
            "<audio src='https://a b'/>",
            "<audio src='https://a b'> is no URL Alexa can fetch: it holds ' ' at index 9",
        ),
    ],
)
@pytest.mark.parametrize("where", ["answer", "progressive"])
def test_only_a_faults_own_place_is_moved_into_the_fragment(
    fragment: str, said: str, where: str
) -> None:
    # The place of a fragment's fault was found by reading "at index N" back out of its words,
    # the first one: a quoted value that said it, or an index into a URL, was "moved" by 7.
    from alexaskill.services.progressive import progressive_document

    with pytest.raises(ResponseError, match=re.escape(said)):
        if where == "answer":
            SsmlSpeech(Ssml(fragment))
        else:
            progressive_document(Ssml(fragment))


def test_a_faults_place_is_carried_as_a_number() -> None:
    # The words say the place; the fault carries it as an int beside them, which is what the
    # app reads to say a fragment's fault of the fragment.
    with pytest.raises(ResponseError) as raised:
        SsmlSpeech(Ssml('<p title="at index 7">Tom & Jerry</p>'))
    assert "a bare '&' at index 26 (" in str(raised.value)
    assert raised.value.args[0].at == 26


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        *(("\u3000<speak>Hi</speak>", "'\\u3000'"), ("\xa0\n<speak>Hi</speak>", "'\\xa0\\n'")),
        *(("<!-- c -->Hi <speak>a</speak>", "'Hi '"), ("\ufeffx<speak>a</speak>", "'x'")),
        *(("x <!-- c --><speak>a</speak>", "'x '"), ("x <?p?>\n<speak>a</speak>", "'x '")),
    ],
)
def test_text_before_the_root_is_said_as_text_after_it_is(markup: str, text: str) -> None:
    # XML's white space is a space, a tab, a CR, a LF: before the root, " " is taken and
    # "\u3000" is text (Alexa parses SSML as XML), which ssml_error said in expat's words,
    # "not well-formed XML (not well-formed (invalid token): line 1, column 0)".
    assert ssml.ssml_error(" \n<speak>Hi</speak>") is None
    assert ssml.ssml_error(markup) == (
        f"{text} before its <speak> root: Alexa parses SSML as XML, which holds nothing before "
        "the root but white space (a space, a tab, a CR, a LF), comments and processing "
        "instructions; put it inside <speak>"
    )


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        *(("\u3000<speak>Hi</speak>", "'\\u3000'"), ("a<speak>b</speak>", "'a'")),
        *(("Hi<speak/>", "'Hi'"), ("x <!-- c --><speak>a</speak>", "'x '")),
    ],
)
def test_text_before_a_root_is_said_by_the_app_as_by_ssml_error(fragment: str, text: str) -> None:
    # The app wraps SSML that does not start with its root in one, and said "<speak> inside or
    # after its <speak> root (… wrapped in one)" where ssml_error says the text before the root.
    from alexaskill.services.progressive import progressive_document

    said = ssml.ssml_error(fragment)
    assert said is not None and said.startswith(f"{text} before its <speak> root: "), said
    for build, field in (
        (lambda: SsmlSpeech(Ssml(fragment)), "outputSpeech.ssml"),
        (lambda: progressive_document(Ssml(fragment)), "progressive response speech"),
    ):
        with pytest.raises(ResponseError) as refused:
            build()
        assert str(refused.value) == f"{field}: {said}"


@pytest.mark.parametrize(
    "markup",
    ["x <p>a</p><speak>b</speak>", "<p>a</p><speak>b</speak>", "<speak>a</speak><speak>b</speak>"],
)
def test_only_the_app_says_it_wrapped_markup_in_a_root(markup: str) -> None:
    # ssml_error said "(SSML not starting with its root is wrapped in one)" of a second <speak>,
    # though it wraps nothing; the app wraps markup that does not start with its root alone.
    said = ssml.ssml_error(markup)
    assert said is not None
    if markup.startswith("<speak>"):
        assert said.startswith("<speak> inside or after its <speak> root: "), said
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    if markup.startswith("<speak>"):
        assert str(refused.value) == f"outputSpeech.ssml: {said}"
    else:
        assert str(refused.value).startswith(
            "outputSpeech.ssml: <speak> inside or after its <speak> root (SSML not starting with "
            "its root is wrapped in one): "
        ), refused.value


@pytest.mark.parametrize(
    "markup",
    [
        *("<p>a</p><speak>b</speak>", "<p>a<speak>b</speak></p>"),
        *("<!-- <speak> --><p>a</p><speak>b</speak>", "<?pi <speak>?><p>a</p><speak/>"),
    ],
)
def test_a_speak_after_a_root_of_another_name_is_said_of_that_root(markup: str) -> None:
    # ssml_error said "<speak> inside or after its <speak> root" though the root is <p>.
    assert ssml.ssml_error(markup) == "the root element is <p>, not <speak>"


@pytest.mark.parametrize(
    ("markup", "root"),
    [
        *(("<p>a</p>x", "p"), ("<p>a</p><p>b</p>", "p"), ("<p>a</p>x<speak>b</speak>", "p")),
        *(("<p>a</p><!-- c --> x", "p"), ("<s>a</s>y", "s")),
        ("<emphasis>a</emphasis>y", "emphasis"),
    ],
)
def test_text_after_a_root_of_another_name_is_said_of_that_root(markup: str, root: str) -> None:
    # ssml_error said "'x' after its <speak> root" though the root is <p>.
    assert ssml.ssml_error(markup) == f"the root element is <{root}>, not <speak>"
    SsmlSpeech(Ssml(markup.replace("x<speak>b</speak>", "x")))  # the app wraps it: no root fault


@pytest.mark.parametrize("fragment", ["a<speak>b</speak>", "Tom & x<speak>b</speak>"])
def test_a_fragment_is_said_whatever_fault_the_app_met_first(fragment: str) -> None:
    # _in_fragment said text before a root only of an error starting with "{field}: ": one the
    # app's checks met first in other words (a limit of the whole speech) was kept as it was.
    from alexaskill.responses.ssml_elements import _in_fragment

    said = ssml.ssml_error(fragment)
    document = f"<speak>{fragment}</speak>"
    for words in ("outputSpeech.ssml says nothing", f"outputSpeech.ssml: {said}"):
        error = _in_fragment("outputSpeech.ssml", ResponseError(words), document, fragment)
        assert str(error) == f"outputSpeech.ssml: {said}"
