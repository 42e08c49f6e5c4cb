"""What a user hears of SSML (`alexaskill.hearing`)."""

from __future__ import annotations

import json
import re

import pytest

from alexaskill import ssml
from alexaskill.hearing import spoken_text
from tests.grapheme_cuts import CUT_AS_THE_PAGE_CUTS


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
    # Pauses with only spaces between are one, as the simulator shows them; x-weak is none (and
    # adds nothing to the strong break a sentence ends with).
    assert spoken_text(markup, pauses=True) == (
        "Hello [pause 1.5 s] [audio: https://example.com/a.mp3] aluminium & co quietly "
        "Tom & Jerry [pause 0.6 s] done"
    )
    assert spoken_text('a<break strength="strong"/>b', pauses=True) == "a [pause 0.6 s] b"
    assert spoken_text("<speak>a<break/>b</speak>", pauses=True) == "a [pause 0.3 s] b"
    assert spoken_text("plain words") == "plain words"
    assert spoken_text("<speak>Tom & Jerry</speak>") == "Tom & Jerry"  # not XML: stripped


def test_markup_nested_past_the_recursion_limit_is_read_as_plain_words() -> None:
    # SSML from a remote server (chat --url, replay --url) nested 1,200 deep: RecursionError.
    deep = "<speak>" + "<p>" * 1200 + "x" + "</p>" * 1200 + "</speak>"
    assert spoken_text(deep) == "x"


@pytest.mark.parametrize(
    ("time", "shown"),
    [
        ("2s", "[pause 2 s]"),
        (" 1.5S ", "[pause 1.5 s]"),
        (".5s", "[pause 0.5 s]"),
        ("700ms", "[pause 0.7 s]"),
        ("20s", "[pause 10 s]"),  # past Alexa's limit: the longest pause it makes
        # No duration by Amazon's SSML reference, refused by ssml.break_ and by the check of
        # hand-written SSML: read as a <break> with no time (medium strength), as "soon" is.
        ("2 s", "[pause 0.3 s]"),
        ("\u0662s", "[pause 0.3 s]"),  # an Arabic-Indic two
        ("soon", "[pause 0.3 s]"),
        ("-1s", "[pause 0.3 s]"),
        ("1e9s", "[pause 0.3 s]"),
    ],
)
def test_a_break_time_is_read_as_the_builders_read_it(time: str, shown: str) -> None:
    assert spoken_text(f'a<break time="{time}"/>b', pauses=True) == f"a {shown} b"


def test_a_lone_surrogate_is_read_as_a_replacement_character() -> None:
    # An answer's JSON may escape half a character ("\ud800"): json.loads gives a str the XML
    # parser cannot encode. It was a UnicodeEncodeError out of chat, replay and .speech.
    body = json.loads('{"ssml": "<speak>caf\\ud800 <break time=\\"1s\\"/> open</speak>"}')
    assert spoken_text(body["ssml"], pauses=True) == "caf\ufffd [pause 1 s] open"
    assert spoken_text("a\udfff b") == "a\ufffd b"


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ('a<break strength="strong"/><break strength="strong"/>b', "a [pause 1.2 s] b"),
        ("a<break/> <break/>b", "a [pause 0.6 s] b"),
        ('a<break strength="x-strong"/><break time="1s"/>b', "a [pause 1.9 s] b"),
        ('a<break time="1s"/><break strength="weak"/>b', "a [pause 1.3 s] b"),
    ],
)
def test_breaks_by_strength_in_a_row_are_one_pause_as_breaks_by_time_are(
    markup: str, shown: str
) -> None:
    # A pause by strength was an int, and only a float before it was merged into: two strong
    # breaks showed as two pauses where two timed ones showed as one.
    assert spoken_text(markup, pauses=True) == shown


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        # A sentence ends as a strong break does, a paragraph has an x-strong break before and
        # after (Amazon's SSML reference, <s> and <p>); pauses in a row are one.
        ("<s>One.</s><s>Two.</s>", "One. [pause 0.6 s] Two. [pause 0.6 s]"),
        ("one<s>two</s>three", "one two [pause 0.6 s] three"),
        ("<p>One.</p><p>Two.</p>", "[pause 0.9 s] One. [pause 1.8 s] Two. [pause 0.9 s]"),
        ('a<p>b<s>c</s></p><break time="1s"/>d', "a [pause 0.9 s] b c [pause 2.5 s] d"),
    ],
)
def test_sentences_and_paragraphs_are_heard_with_their_pauses(markup: str, shown: str) -> None:
    # Read as words alone: the simulator's page paused after each <s> and around each <p>,
    # chat and replay showed no pause there.
    assert spoken_text(markup, pauses=True) == shown
    assert spoken_text(markup) == re.sub(r"\s*\[pause [\d.]+ s\]\s*", " ", shown).strip()


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        # Letters and digits said one by one (Amazon's SSML reference, say-as characters,
        # spell-out and digits), a say-as's words apart from those around it.
        ('call <say-as interpret-as="spell-out">abc</say-as> now', "call a b c now"),
        ('call <say-as interpret-as="characters">ab</say-as> now', "call a b now"),
        ('call <say-as interpret-as="digits">123</say-as> now', "call 1 2 3 now"),
        ('<say-as interpret-as="digits">a12b</say-as>', "a 1 2 b"),
        ('<say-as interpret-as="characters">a<break/>b</say-as>', "a b"),
        ('call<say-as interpret-as="cardinal">12</say-as>now', "call 12 now"),
    ],
)
def test_say_as_letters_and_digits_are_heard_one_by_one(markup: str, shown: str) -> None:
    # They were read as written ("call abc now"), where the simulator's page said each letter.
    assert spoken_text(markup, pauses=True) == shown


@pytest.mark.parametrize(
    ("letters", "shown"),
    [
        ("x\U0001f44d\U0001f3fdy", "x \U0001f44d\U0001f3fd y"),  # a skin tone
        (
            "\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea\U0001f1eb",
            "\U0001f1eb\U0001f1f7 \U0001f1e9\U0001f1ea \U0001f1eb",
        ),
        ("cafe\u0301", "c a f e\u0301"),  # a combining accent
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467a",
            "\U0001f468\u200d\U0001f469\u200d\U0001f467 a",
        ),
        ("a\u200db\u2764\ufe0f\u200d\U0001f525", "a\u200d b \u2764\ufe0f\u200d\U0001f525"),
        ("1\ufe0f\u20e3!", "1\ufe0f\u20e3 !"),  # a keycap
        (
            "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f!",
            "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f !",
        ),
        ("\u0301a\u0915\u093f", "\u0301 a \u0915\u093f"),  # a spacing mark
    ],
)
def test_say_as_letters_are_heard_a_character_at_a_time_not_a_code_point(
    letters: str, shown: str
) -> None:
    # Said a code point at a time, 👍🏽 was "👍 🏽", a flag two letters, "é" an "e" and an accent.
    for how in ("characters", "spell-out"):
        assert spoken_text(f'<say-as interpret-as="{how}">{letters}</say-as>') == shown


@pytest.mark.parametrize(("text", "characters"), CUT_AS_THE_PAGE_CUTS)
def test_say_as_letters_are_cut_into_characters_as_the_page_cuts_them(
    text: str, characters: list[str]
) -> None:
    # UAX #29 roughly: Indic conjuncts were two characters (क्षि "क् षि"), Hangul jamo and Thai's
    # SARA AM one per code point, a ZWJ sequence of a pictograph no "So" symbol ("🙂‍↔️") two, "°"
    # after a ZWJ joined, and Myanmar's vowel sign AA joined its consonant, where the page cut
    # them otherwise.
    for how in ("characters", "spell-out"):
        assert spoken_text(f'<say-as interpret-as="{how}">{text}</say-as>') == " ".join(characters)


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("<emphasis>very</emphasis>good", "very good"),
        ('<prosody rate="medium">a</prosody>b', "a b"),
        ('a<amazon:effect name="whispered">b</amazon:effect>c', "a b c"),
        ('a<lang xml:lang="fr-FR">b</lang>c', "a b c"),
        # Elements that leave the voice as it is join words, as the page's voice does.
        ('a<voice name="Kendra">b</voice>c', "abc"),
        ('a<w role="amazon:VB">b</w>c', "abc"),
    ],
)
def test_words_are_apart_where_the_voice_changes(markup: str, shown: str) -> None:
    # Amazon's SSML reference does not say whether a tag parts words; the simulator's page says
    # the words of an element that shapes the voice (emphasis, prosody, amazon:effect, lang)
    # apart from those around it. They were run together ("verygood").
    assert spoken_text(markup, pauses=True) == shown


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        # U+0085 (NEL) is a character XML 1.0 holds, but none of its white space (a line end in
        # XML 1.1 only): kept, as the page keeps it. Python's \s took it for a space ("a b").
        ("a\x85b", "a\x85b"),
        ("<speak>a \x85 b</speak>", "a \x85 b"),
        ("\x85a\x85", "\x85a\x85"),
        # U+FEFF inside the text is a zero-width no-break space, no white space either (the
        # page's JavaScript \s took it for one, and "a b"); first, the byte order mark, which
        # XML 1.0 says is neither markup nor text: left out (spoken_text said "\ufeff ab").
        ("a\ufeffb", "a\ufeffb"),
        ("\ufeff<speak>ab</speak>", "ab"),
        ("\ufeffab", "ab"),
        ("a\ufeff", "a\ufeff"),
        # The white space both readers share stays white space: a no-break space, an
        # ideographic space, a line separator.
        ("a\u00a0\u3000\u2028b", "a b"),
        # Not XML (a bare "&"): read as text, with the same white space.
        ("a\x85b & c", "a\x85b & c"),
    ],
)
def test_nel_and_zero_width_no_break_space_are_no_white_space(markup: str, shown: str) -> None:
    assert spoken_text(markup, pauses=True) == shown


def test_a_sub_alias_is_heard_in_place_of_its_words() -> None:
    # The alias stands where its words stood, as the simulator's page says it: "a<sub>" in a
    # word is one word to the page's voice; spoken_text put spaces around it ("a x b").
    assert spoken_text('a<sub alias="x">y</sub>b') == "axb"
    assert spoken_text('a <sub alias="x">y</sub> b') == "a x b"


@pytest.mark.parametrize("clip", ["<audio/>", '<audio src=""/>', '<audio src=" "></audio>'])
def test_a_clip_without_a_source_is_heard_as_nothing(clip: str) -> None:
    # Nothing plays (Alexa refuses such SSML: ssml_error says so); the words on either side are
    # apart, as around a clip. spoken_text wrote "[audio: ]", where the simulator's page said
    # "ab"; both say "a b" now.
    for pauses in (False, True):
        assert spoken_text(f"a{clip}b", pauses=pauses) == "a b"
        assert spoken_text(f"a{clip}b", pauses=pauses, clips=False) == "a b"


def test_a_clip_s_source_is_heard_without_the_white_space_around_it() -> None:
    # The URL within, as the simulator's page plays and shows it: spoken_text kept a space before
    # the "]" ("[audio: https://example.com/a.mp3 ]"), the page both spaces.
    for clip in (
        '<audio src=" https://example.com/a.mp3 "/>',
        "<audio src='\thttps://example.com/a.mp3\n'/>",
    ):
        assert spoken_text(f"a{clip}b") == "a [audio: https://example.com/a.mp3] b"
        assert spoken_text(f"a{clip}b", clips=False) == "a b"


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        # Only XML 1.0's white space comes before a root: U+3000 (or U+00A0, U+2028) is text, so
        # the document is a part of the speech, as `SsmlSpeech` composes it. (Heard the same
        # before hearing took xml_text's definition: its prefix, taking any white space, was
        # replaced with the root's start tag, the U+3000 with it. A pin, not a fix.)
        ("\u3000<speak>a<break time='1s'/>b</speak>", "a [pause 1 s] b"),
        ("\u00a0\u2028<speak>a<break time='1s'/>b</speak>", "a [pause 1 s] b"),
        (" \t\r\n<speak>a<break time='1s'/>b</speak>", "a [pause 1 s] b"),
        ("<speak/>", ""),
    ],
)
def test_only_xml_white_space_comes_before_a_speak_root(markup: str, shown: str) -> None:
    assert spoken_text(markup, pauses=True) == shown
    # One definition of a document's start: where xml_text finds the root, hearing finds it.
    from alexaskill import hearing, xml_text

    for text in ("\u3000<speak>a</speak>", " <speak>a</speak>", "<speak-x>a</speak-x>", "<speak/>"):
        assert (hearing._AMAZON_PREFIX.match(text) is not None) == (
            xml_text._speak_root(text) >= 0
        ), text


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ('<speak>Hi <!-- x --><break time="1s"/> there</speak>', "Hi [pause 1 s] there"),
        ('<speak>Hi <sub alias="aluminium">Al</sub><!-- c --></speak>', "Hi aluminium"),
        ('<speak>a <![CDATA[1 < 2]]><break time="1s"/>b</speak>', "a 1 < 2 [pause 1 s] b"),
        ("<!-- c --><speak>a<break time='1s'/>b</speak>", "a [pause 1 s] b"),
        # No XML, or a DOCTYPE (whose entities are never expanded): the words, tags stripped.
        ("<speak>Hi <!foo> there</speak>", "Hi there"),
        ("<!DOCTYPE speak><speak>a<break time='1s'/>b</speak>", "a b"),
    ],
)
def test_ssml_with_a_comment_or_a_cdata_section_is_heard_as_xml_reads_it(
    markup: str, shown: str
) -> None:
    # Any "<!" made spoken_text (.speech, chat, replay) fall back to strip_tags, guarding against
    # a DOCTYPE's entities: a comment or a CDATA section, which Alexa takes, lost the pauses and
    # said a <sub>'s words for its alias, where the simulator's page (static/ssml.js) read them.
    assert spoken_text(markup, pauses=True) == shown
