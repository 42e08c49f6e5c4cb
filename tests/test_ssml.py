"""Tests for alexaskill.ssml: each builder, its checks, and the attribute values it writes.

Escaping: tests/test_ssml_escape.py; composition: tests/test_ssml_compose.py and
tests/test_ssml_compose_open.py; the plain text of SSML (`strip_tags`): tests/test_ssml_text.py;
SSML written by hand, as the app and `ssml_error` refuse it: tests/test_ssml_check.py; the
limits of a speech as a whole: tests/test_ssml_limits.py."""

from __future__ import annotations

import datetime
import enum
from typing import Any
from xml.etree import ElementTree

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.ssml import Ssml


def test_public_names() -> None:
    assert sorted(ssml.__all__) == ssml.__all__
    for name in ssml.__all__:
        assert getattr(ssml, name).__doc__, name


# --- break ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("500ms", '<break time="500ms"/>'),
        ("2s", '<break time="2s"/>'),
        ("1.5s", '<break time="1.5s"/>'),
        ("10s", '<break time="10s"/>'),
        ("10000ms", '<break time="10000ms"/>'),
        (" 1S ", '<break time="1s"/>'),  # white space round it and the unit's case: forgiven
        (".5s", '<break time=".5s"/>'),
        (750, '<break time="750ms"/>'),
        (250.4, '<break time="250ms"/>'),
        (10_000, '<break time="10000ms"/>'),
        (9_999.6, '<break time="10000ms"/>'),  # rounded to the limit, which is allowed
        (datetime.timedelta(seconds=3), '<break time="3000ms"/>'),
        (datetime.timedelta(milliseconds=1), '<break time="1ms"/>'),
    ],
)
def test_break_time(time: str | float | datetime.timedelta, expected: str) -> None:
    assert ssml.break_(time) == expected


@pytest.mark.parametrize(
    "time",
    ["10.5s", "10001ms", "11s", 10_001, 10_000.4, datetime.timedelta(seconds=10, milliseconds=1)],
)
def test_break_over_ten_seconds_fails(time: str | float | datetime.timedelta) -> None:
    with pytest.raises(ResponseError, match=r"<break time=.*the limit is 10 s"):
        ssml.break_(time)


@pytest.mark.parametrize("time", ["20s", 20_000, datetime.timedelta(seconds=20)])
def test_a_break_over_the_limit_says_its_milliseconds_with_thousands_separators(
    time: str | float | datetime.timedelta,
) -> None:
    # As the other messages write sizes: "is 20000 ms" was said, the limit "10 s" beside it.
    with pytest.raises(ResponseError, match=r"> is 20,000 ms; the limit is 10 s$"):
        ssml.break_(time)
    found = ssml.ssml_error('<speak>Wait<break time="20s"/></speak>')
    assert found == "<break time='20s'> is 20,000 ms; the limit is 10 s"


@pytest.mark.parametrize("time", ["2 s", "2", "s", "-1s", "1m", "fast", "", "1.s", "\u0663s"])
def test_break_time_format_is_checked(time: str) -> None:
    with pytest.raises(ResponseError, match="<break time="):
        ssml.break_(time)


def test_break_rejects_negative_and_odd_types() -> None:
    with pytest.raises(ResponseError, match="negative"):
        ssml.break_(-5)
    with pytest.raises(ResponseError, match="negative"):
        ssml.break_(datetime.timedelta(seconds=-1))
    with pytest.raises(ResponseError, match="<break time>"):
        ssml.break_(True)
    with pytest.raises(ResponseError, match="<break time>"):
        ssml.break_([1])  # type: ignore[arg-type]


def test_break_strength() -> None:
    assert ssml.break_(strength="x-strong") == '<break strength="x-strong"/>'
    assert ssml.break_() == "<break/>"
    with pytest.raises(ResponseError, match="<break strength='long'>"):
        ssml.break_(strength="long")
    with pytest.raises(ResponseError, match="not both"):
        ssml.break_("1s", strength="weak")


# --- the other builders -------------------------------------------------------------------------


def test_emphasis() -> None:
    assert ssml.emphasis("really") == '<emphasis level="moderate">really</emphasis>'
    assert ssml.emphasis("a<b", level="reduced") == '<emphasis level="reduced">a&lt;b</emphasis>'
    with pytest.raises(ResponseError, match=r"<emphasis level='loud'>.*'strong'"):
        ssml.emphasis("x", level="loud")


def test_say_as() -> None:
    assert ssml.say_as("12345", "digits") == '<say-as interpret-as="digits">12345</say-as>'
    assert ssml.say_as("20240101", "date", format="ymd") == (
        '<say-as interpret-as="date" format="ymd">20240101</say-as>'
    )
    with pytest.raises(ResponseError, match="<say-as interpret-as='roman'>"):
        ssml.say_as("IV", "roman")
    with pytest.raises(ResponseError, match="<say-as format='yyyy'>"):
        ssml.say_as("2024", "date", format="yyyy")
    with pytest.raises(ResponseError, match="only goes with interpret-as='date'"):
        ssml.say_as("12", "digits", format="ymd")


def test_audio() -> None:
    assert ssml.audio("https://example.com/a.mp3?x=1&y=2") == (
        '<audio src="https://example.com/a.mp3?x=1&amp;y=2"/>'
    )
    sound = "soundbank://soundlibrary/animals/amzn_sfx_bear_groan_roar_01"
    assert ssml.audio(sound) == f'<audio src="{sound}"/>'
    with pytest.raises(ResponseError, match=r"<audio src='http://example\.com/a\.mp3'>"):
        ssml.audio("http://example.com/a.mp3")
    assert ssml.audio("HTTPS://Example.com") == '<audio src="HTTPS://Example.com"/>'
    assert ssml.audio("https://[2001:db8::1]:8443/a.mp3")
    assert ssml.audio("https://127.0.0.1:8443/a.mp3")  # loopback: local tests serve clips
    assert ssml.audio("soundbank://SoundLibrary/x")  # a host name in either case


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("https://", "names no host"),
        ("https:///a.mp3", "names no host"),
        ("https:/example.com/a.mp3", "names no host"),
        ("https://:443/a.mp3", "names no host"),
        ("https://example.com:x/a.mp3", "not a URL"),
        ("https://example.com:0/a.mp3", "port 0"),
        ("https://[::1/a.mp3", "not a URL"),
        ("https://cdn.example.com/my clip.mp3", r"holds ' ' at index 26.*%20"),
        ("https://cdn.example.com/a.mp3\n", r"holds '\\n'"),
        ("ftp://example.com/a.mp3", "HTTPS only"),
        ("example.com/a.mp3", "HTTPS only"),
        ("", "HTTPS only"),
        ("soundbank://", "soundbank://soundlibrary/<path>"),
        ("soundbank://soundlibrary", "soundbank://soundlibrary/<path>"),
        ("soundbank://soundlibrary/", "soundbank://soundlibrary/<path>"),
        ("soundbank:/soundlibrary/x", "soundbank://soundlibrary/<path>"),
        ("soundbank://x/y", "soundbank://soundlibrary/<path>"),  # Amazon's library's only host
        ("soundbank://soundlibraryx/y", "soundbank://soundlibrary/<path>"),
    ],
)
def test_audio_refuses_a_url_alexa_cannot_fetch(src: str, why: str) -> None:
    refused = rf"SSML <audio src=.*> is no URL Alexa can fetch.*{why}"
    with pytest.raises(ResponseError, match=refused):
        ssml.audio(src)


def test_audio_refuses_a_url_longer_than_speech_can_hold() -> None:
    src = "https://cdn.example.com/" + "a" * 7946
    assert len(ssml.speak(ssml.audio(src))) == 8000
    with pytest.raises(ResponseError, match=r"<audio src=.*8,001 characters as speech.*8,000"):
        ssml.audio(src + "a")
    with pytest.raises(ResponseError, match=r"8,004 characters as speech"):
        ssml.audio(src[:-1] + "&")  # escaped as &amp;: 3 more


def test_prosody() -> None:
    assert ssml.prosody("hi", rate="slow") == '<prosody rate="slow">hi</prosody>'
    assert ssml.prosody("hi", rate="150%", pitch="+10%", volume="-6dB") == (
        '<prosody rate="150%" pitch="+10%" volume="-6dB">hi</prosody>'
    )
    assert ssml.prosody("hi", pitch="x-low", volume="x-loud") == (
        '<prosody pitch="x-low" volume="x-loud">hi</prosody>'
    )
    assert ssml.prosody("hi", rate="20%", pitch="-33.3%")
    assert ssml.prosody("hi", pitch="+50%")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": "very fast"}, "<prosody rate='very fast'>"),
        ({"rate": "19%"}, "below the minimum of 20%"),
        ({"pitch": "10%"}, "<prosody pitch='10%'>"),
        ({"pitch": "+51%"}, "outside -33.3% to \\+50%"),
        ({"pitch": "-34%"}, "outside"),
        ({"volume": "6dB"}, "<prosody volume='6dB'>"),
        ({"volume": "quiet"}, "<prosody volume='quiet'>"),
        ({}, "needs a rate, a pitch or a volume"),
    ],
)
def test_prosody_checks(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        ssml.prosody("x", **kwargs)


def test_p_and_s() -> None:
    assert ssml.p("a & b", ssml.s("c")) == "<p>a &amp; b<s>c</s></p>"
    assert ssml.s() == "<s></s>"


def test_sub() -> None:
    assert ssml.sub("Al", "aluminium") == '<sub alias="aluminium">Al</sub>'


def test_phoneme() -> None:
    ipa = "p\u026a\u02c8k\u0251\u02d0n"  # pecan
    assert ssml.phoneme("pecan", ipa) == f'<phoneme alphabet="ipa" ph="{ipa}">pecan</phoneme>'
    assert ssml.phoneme("x", 'p"i', alphabet="x-sampa") == (
        '<phoneme alphabet="x-sampa" ph="p&quot;i">x</phoneme>'
    )
    with pytest.raises(ResponseError, match="<phoneme alphabet='arpabet'>"):
        ssml.phoneme("x", "y", alphabet="arpabet")
    with pytest.raises(ResponseError, match="<phoneme ph> is empty"):
        ssml.phoneme("x", "")


@pytest.mark.parametrize(
    ("alphabet", "ph", "text"),
    [
        ("x-amazon-jyutping", "sing2", "\u9192"),
        ("x-amazon-pinyin", "bo2", "\u8584"),
        ("x-amazon-pron-kana", "\u30d2\u30ed\u30ab'\u30ba", "\u6d69\u4e00"),
        ("x-amazon-yomigana", "\u3072\u308d\u304b\u305a", "\u6d69\u4e00"),
    ],
)
def test_phoneme_takes_amazons_own_alphabets(alphabet: str, ph: str, text: str) -> None:
    # Amazon's SSML reference lists Cantonese, Mandarin and Japanese alphabets besides ipa and
    # x-sampa: the builder refused them ("is not allowed; use one of 'ipa', 'x-sampa'"), and
    # ssml_error said a hand-written one was "not one Alexa knows".
    element = ssml.phoneme(text, ph, alphabet=alphabet)
    written = ph.replace("'", "&apos;")
    assert element == f'<phoneme alphabet="{alphabet}" ph="{written}">{text}</phoneme>'
    assert ssml.ssml_error(ssml.speak(element)) is None
    hand_written = f'<speak><phoneme alphabet="{alphabet}" ph="x">{text}</phoneme></speak>'
    assert ssml.ssml_error(hand_written) is None


def test_lang() -> None:
    assert ssml.lang("Bonjour", "fr-FR") == '<lang xml:lang="fr-FR">Bonjour</lang>'
    with pytest.raises(ResponseError, match="<lang xml:lang='french'>"):
        ssml.lang("x", "french")


def test_voice() -> None:
    assert ssml.voice("Hi", "Matthew") == '<voice name="Matthew">Hi</voice>'
    assert ssml.voice("Salut", "Céline") == '<voice name="Céline">Salut</voice>'
    with pytest.raises(ResponseError, match="<voice name='Matt\"hew'>"):
        ssml.voice("x", 'Matt"hew')
    with pytest.raises(ResponseError, match="<voice name=''>"):
        ssml.voice("x", "")


def test_w() -> None:
    assert ssml.w("read", "amazon:VBD") == '<w role="amazon:VBD">read</w>'
    with pytest.raises(ResponseError, match="<w role='noun'>"):
        ssml.w("x", "noun")


def test_amazon_effect() -> None:
    assert ssml.amazon_effect("secret") == (
        '<amazon:effect name="whispered">secret</amazon:effect>'
    )
    with pytest.raises(ResponseError, match="<amazon:effect name='shouted'>"):
        ssml.amazon_effect("x", "shouted")


def test_amazon_emotion() -> None:
    assert ssml.amazon_emotion("Yes!", "excited", "high") == (
        '<amazon:emotion name="excited" intensity="high">Yes!</amazon:emotion>'
    )
    assert 'intensity="medium"' in ssml.amazon_emotion("oh", "disappointed")
    with pytest.raises(ResponseError, match="<amazon:emotion name='angry'>"):
        ssml.amazon_emotion("x", "angry")
    with pytest.raises(ResponseError, match="<amazon:emotion intensity='max'>"):
        ssml.amazon_emotion("x", "excited", "max")


def test_amazon_domain() -> None:
    assert ssml.amazon_domain("Headlines", "news") == (
        '<amazon:domain name="news">Headlines</amazon:domain>'
    )
    with pytest.raises(ResponseError, match="<amazon:domain name='sports'>"):
        ssml.amazon_domain("x", "sports")


def test_builders_nest() -> None:
    markup = ssml.speak(ssml.p(ssml.emphasis(ssml.say_as("42", "cardinal"), "strong")))
    assert markup == (
        '<speak><p><emphasis level="strong"><say-as interpret-as="cardinal">42</say-as>'
        "</emphasis></p></speak>"
    )


def test_a_break_of_not_a_number_is_refused() -> None:
    # NaN passed both limit checks and crashed round() with a ValueError.
    with pytest.raises(ResponseError, match=r"SSML <break time> is negative or not a number"):
        ssml.break_(float("nan"))


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (lambda: ssml.voice("x", None), r"<voice name=None>"),  # type: ignore[arg-type]
        (lambda: ssml.lang("x", None), r"<lang xml:lang=None>"),  # type: ignore[arg-type]
        (lambda: ssml.prosody("x", rate=80), r"<prosody rate=80>"),  # type: ignore[arg-type]
        (lambda: ssml.prosody("x", pitch=5), r"<prosody pitch=5>"),  # type: ignore[arg-type]
        (lambda: ssml.prosody("x", volume=2), r"<prosody volume=2>"),  # type: ignore[arg-type]
    ],
)
def test_an_attribute_that_is_not_a_str_is_refused_by_name(build: Any, named: str) -> None:
    # These raised AttributeError or "TypeError: expected string or bytes-like object".
    with pytest.raises(ResponseError, match=f"SSML {named}"):
        build()


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "\x0b"])
def test_a_blank_sub_alias_or_phoneme_is_refused(blank: str) -> None:
    # Alexa refuses an empty <phoneme ph>, and a blank <sub alias> leaves the text unsaid; both
    # were built as they came (a control character becomes a space, so it is blank too).
    with pytest.raises(ResponseError, match=r"SSML <sub alias> is (empty|blank)"):
        ssml.sub("Al", blank)
    with pytest.raises(ResponseError, match=r"SSML <phoneme ph> is (empty|blank)"):
        ssml.phoneme("pecan", blank)


@pytest.mark.parametrize("blank", [Ssml("&#32;"), Ssml(" &#10;&#x9; "), Ssml("&#13;")])
def test_a_sub_alias_or_phoneme_given_ssml_is_blank_as_xml_reads_it(blank: Ssml) -> None:
    # The blank check read the references as written: phoneme("x", Ssml("&#32;")) wrote
    # ph=" ", which Alexa refuses as empty.
    with pytest.raises(ResponseError, match=r"^SSML <sub alias> is blank \(Ssml\("):
        ssml.sub("Al", blank)
    with pytest.raises(ResponseError, match=r"^SSML <phoneme ph> is blank \(Ssml\("):
        ssml.phoneme("pecan", blank)


def test_a_sub_alias_or_phoneme_with_something_to_say_is_kept_as_given() -> None:
    assert ssml.sub("Al", " aluminium ") == '<sub alias=" aluminium ">Al</sub>'
    assert ssml.sub("No.", 5) == '<sub alias="5">No.</sub>'  # type: ignore[arg-type]
    assert ssml.phoneme("x", " p ") == '<phoneme alphabet="ipa" ph=" p ">x</phoneme>'


def test_an_attribute_given_ssml_is_its_text_escaped() -> None:
    # Ssml was put in the attribute as it was: a quote in it ended the attribute, and the
    # builder's markup was no XML (Alexa refuses the response).
    quoted = ssml.sub("x", Ssml('say "hi"'))
    assert quoted == '<sub alias="say &quot;hi&quot;">x</sub>'
    assert ssml.ssml_error(ssml.speak(quoted)) is None
    # Escaped text is the text it says, escaped once.
    assert ssml.sub("x", ssml.escape("Tom & Jerry")) == '<sub alias="Tom &amp; Jerry">x</sub>'
    assert (
        ssml.phoneme("x", Ssml("p&apos;i")) == '<phoneme alphabet="ipa" ph="p&apos;i">x</phoneme>'
    )
    with pytest.raises(ResponseError, match=r"SSML <sub alias> is given markup"):
        ssml.sub("x", ssml.break_())


def test_an_attribute_given_ssml_reads_its_references_as_xml_does() -> None:
    # html.unescape read &#x85; (and &#128; to &#159;) as Windows-1252 does ("…"), where XML,
    # and the check of a hand-written value (`_attribute_value`), read U+0085; and it read
    # HTML's &eacute; as "é", an entity XML does not know: refused now, as the checker refuses
    # it (tests/test_xml_references.py).
    assert ssml.sub("x", Ssml("a&#x85;b")) == '<sub alias="a\x85b">x</sub>'
    assert ssml.sub("x", Ssml("&#150;")) == '<sub alias="\x96">x</sub>'


@pytest.mark.parametrize(
    ("value", "written", "text"),
    [
        (Ssml("a&#10;b"), "a&#10;b", "a\nb"),
        (Ssml("a&#xA;b&#9;c&#13;d"), "a&#10;b&#9;c&#13;d", "a\nb\tc\rd"),
        (Ssml("a\nb\tc"), "a&#10;b&#9;c", "a\nb\tc"),  # the text it says, as references
        ("a\nb\tc", "a&#10;b&#9;c", "a\nb\tc"),
    ],
)
def test_an_attribute_keeps_the_white_space_of_its_text(
    value: str, written: str, text: str
) -> None:
    # Read as "a\nb", Ssml("a&#10;b") was written as a newline, which XML's attribute-value
    # normalisation reads as a space, where the "&#10;" written by hand stays a newline.
    element = ssml.sub("x", value)
    assert element == f'<sub alias="{written}">x</sub>'
    assert ElementTree.fromstring(element).get("alias") == text  # (as XML reads it)
    assert ssml.ssml_error(ssml.speak(element)) is None
    assert ssml.phoneme("x", value) == f'<phoneme alphabet="ipa" ph="{written}">x</phoneme>'


def test_an_audio_url_given_as_ssml_is_read_as_xml_reads_it() -> None:
    # Put in as it was: a raw "&" of a query string (or a quote) made markup Alexa refuses. Read
    # as XML reads it, its "&amp;" is an "&", escaped again; a bare "&" is no XML, refused as
    # the checker refuses it (tests/test_xml_references.py).
    clip = ssml.audio(Ssml("https://cdn.example.com/a.mp3?x=1&amp;y=2"))
    assert clip == '<audio src="https://cdn.example.com/a.mp3?x=1&amp;y=2"/>'
    assert ssml.ssml_error(ssml.speak(clip)) is None
    with pytest.raises(ResponseError, match=r"^SSML <audio src> value .*: a bare '&' at index 33"):
        ssml.audio(Ssml("https://cdn.example.com/a.mp3?x=1&y=2"))


@pytest.mark.parametrize(
    ("time", "said"), [(float("inf"), "infms"), (10**400, "infms"), (1e300, "1e\\+300ms")]
)
def test_a_break_past_any_number_is_refused_as_over_the_limit(time: float, said: str) -> None:
    # round() of infinity raised OverflowError, and float() of a huge int too: a traceback
    # where the builder says what is wrong; 1e300 was said in 301 digits.
    with pytest.raises(ResponseError, match=rf"^SSML <break time='{said}.*the limit is 10 s"):
        ssml.break_(time)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ssml.prosody("x", rate="\u0663\u0660%"),  # Arabic-Indic "30%"
        lambda: ssml.prosody("x", pitch="+\u0663%"),
        lambda: ssml.prosody("x", volume="+\u0663dB"),
        lambda: ssml.prosody("x", rate="\uff13\uff10%"),  # fullwidth "30%"
    ],
)
def test_prosody_numbers_are_ascii_digits(build: Any) -> None:
    # "\d" took any Unicode digit, and Python's float() reads them: the builder sent
    # rate="٣٠%", a number to Python and none to Alexa.
    with pytest.raises(ResponseError, match=r"^SSML <prosody (rate|pitch|volume)="):
        build()
    assert ssml.prosody("x", rate="30%", pitch="+3%", volume="+3dB") == (
        '<prosody rate="30%" pitch="+3%" volume="+3dB">x</prosody>'
    )


def test_a_break_strength_given_as_a_str_enum_member_is_written_as_its_value() -> None:
    class Pause(str, enum.Enum):  # noqa: UP042  (str() of a member says "Pause.WEAK")
        WEAK = "weak"

    # The member passed the check (it equals "weak") and was written with str():
    # <break strength="Pause.WEAK"/>, a strength Alexa does not know.
    assert ssml.break_(strength=Pause.WEAK) == '<break strength="weak"/>'


@pytest.mark.parametrize("volume", ["+100dB", "+6dB", "+4.1dB", "+4.09dB"])
def test_prosody_volume_above_alexas_maximum_is_refused(volume: str) -> None:
    # Amazon's SSML reference: "The maximum positive value is about +4.08dB". '+100dB' was
    # accepted and sent.
    with pytest.raises(
        ResponseError,
        match=rf"^SSML <prosody volume='\{volume}'> is above Alexa's maximum of \+4\.08dB",
    ):
        ssml.prosody("x", volume=volume)


@pytest.mark.parametrize("volume", ["+4.08dB", "+4dB", "+0dB", "-100dB", "-6.5dB", "x-loud"])
def test_prosody_volume_within_alexas_range_is_kept(volume: str) -> None:
    assert ssml.prosody("x", volume=volume) == f'<prosody volume="{volume}">x</prosody>'


@pytest.mark.parametrize("time", ["5 sec", "", "2", "1m", "-1s"])
def test_the_builder_says_a_time_that_is_no_duration_as_the_checker_does(time: str) -> None:
    # break_ had words of its own ("is not a duration like '500ms' or '2s'", without the
    # checker's "at most 10 s"): the checker's rule and words (`_break_error`), the builder's
    # forgiving of case and white space ("5S" written "5s") kept.
    checker = ssml.ssml_error(f'<speak>Wait<break time="{time}"/>now</speak>')
    with pytest.raises(ResponseError) as refused:
        ssml.break_(time)
    assert str(refused.value) == f"SSML {checker}"
    assert str(ssml.break_(" 5S ")) == '<break time="5s"/>'
