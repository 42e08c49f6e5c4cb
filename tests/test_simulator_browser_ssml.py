"""The simulator's page (static/ssml.js) reads SSML as `alexaskill.hearing` does, in a real
browser: the words, pauses and clips, where the voice changes, the characters said one by one.

The server, the browser and the helpers: tests/simulator_browser.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, Final

from alexaskill import graphemes as graphemes_module
from alexaskill.graphemes import graphemes
from alexaskill.hearing import spoken_text
from tests.grapheme_cuts import CUT_AS_THE_PAGE_CUTS

# --- the page's reading of SSML, against alexaskill.hearing's -----------------------------------

#: SSML the page (static/ssml.js) reads as `alexaskill.hearing.spoken_text` (pauses shown) does:
#: `.speech`, `chat` and `replay` say the words, pauses and clips the simulator says.
_READ_ALIKE: Final = [
    'Hello<break time="1s"/> <break time="500ms"/><audio src="https://example.com/a.mp3"/>'
    '<sub alias="aluminium">Al</sub> done',
    "<speak>a<break/>b</speak>",
    'a<break strength="strong"/><break strength="strong"/>b',
    'a<break strength="x-strong"/><break time="1s"/>b',
    'a <break time="1s"/> b <break time="1s"/> c',
    # No pause, the words still apart: not "ab", one word to the voice.
    'a<break strength="x-weak"/>b',
    'a<break strength="none"/>b',
    'a<break time="20s"/>b',  # past Alexa's 10 s
    'a<break time=".5s"/>b',
    'a<break time=" 1.5S "/>b',
    'a<break time="2 s"/>b',  # no duration (Amazon's SSML reference): a medium break
    'a<break time="-1s"/>b',
    'a<break time="1e9s"/>b',
    'a<break time="\u0662s"/>b',  # an Arabic-Indic two
    # White space round a time is XML 1.0's alone (space, tab, CR, LF), as alexaskill.ssml
    # reads it: the page's \s took U+3000 and U+00A0 too, and paused 2 s.
    'a<break time="\u30002s"/>b',
    'a<break time="2s\u00a0"/>b',
    'a<break time="\ufeff2s"/>b',
    'a<audio src="clip.mp3"/>b',
    # A clip without a source plays nothing (Alexa refuses it: ssml_error says so); the words
    # on either side apart all the same, as around a clip.
    "a<audio/>b",
    'a<audio src=""/>b',
    'a <audio src=" "/> b',
    # White space around a source is none of its URL: the clip of the URL within, on both
    # sides (the page's player fetches it so), as ssml_error takes any src.
    'a<audio src=" https://example.com/a.mp3 "/>b',
    'a<audio src="\n\thttps://example.com/b.mp3  "/>b',
    # Only the white space both sides share: not U+0085 (Python's str.strip took it away) nor
    # U+FEFF (JavaScript's trim did), each a character of the URL, as in XML 1.0.
    'a<audio src="https://example.com/a.mp3\x85"/>b',
    'a<audio src="\ufeffhttps://example.com/a.mp3\u3000"/>b',
    "<sub>no alias</sub> here",
    'call <say-as interpret-as="cardinal">12</say-as> now',
    '<prosody rate="slow">slowly</prosody> said',
    '<amazon:effect name="whispered">quietly</amazon:effect> said',
    '<lang xml:lang="fr-FR">bonjour</lang> friend',
    '<phoneme alphabet="ipa" ph="p\u026a\u02c8k\u0251\u02d0n">pecan</phoneme> pie',
    '<w role="amazon:VB">read</w> it',
    '<voice name="Kendra">hi</voice> there',
    "Tom &amp; Jerry",
    "<speak>Tom & Jerry</speak>",  # not XML: the words, tags stripped
    "plain words",
    # A sentence's pause after it, a paragraph's before and after (Amazon's SSML reference).
    "<s>One.</s><s>Two.</s>",
    "one<s>two</s>three",
    "<p>One.</p><p>Two.</p>",
    'a<p>b<s>c</s></p><break time="1s"/>d',
    # Letters and digits one by one (say-as characters, spell-out, digits), a say-as apart.
    'call <say-as interpret-as="spell-out">abc</say-as> now',
    'call <say-as interpret-as="characters">ab</say-as> now',
    'call <say-as interpret-as="digits">123</say-as> now',
    '<say-as interpret-as="digits">a12b</say-as>',
    '<say-as interpret-as="characters">a<break/>b</say-as>',
    'call<say-as interpret-as="cardinal">12</say-as>now',
    # A character beyond U+FFFF (an emoji, a CJK ideograph of plane 2) is one character, not
    # the two halves of its UTF-16 pair, which no voice can say.
    'a <say-as interpret-as="characters">x\U0001f600y</say-as> b',
    '<say-as interpret-as="spell-out">\U00020000\u4e00</say-as>',
    # A character of several code points is said whole (Intl.Segmenter's graphemes on the page):
    # a skin tone, a flag, a letter and its combining accent, a ZWJ sequence, a keycap, tags.
    'a <say-as interpret-as="characters">x\U0001f44d\U0001f3fdy</say-as> b',
    '<say-as interpret-as="spell-out">\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea\U0001f1eb</say-as>',
    '<say-as interpret-as="characters">cafe\u0301</say-as>',
    '<say-as interpret-as="characters">\U0001f468\u200d\U0001f469\u200d\U0001f467a</say-as>',
    '<say-as interpret-as="characters">a\u200db\u2764\ufe0f\u200d\U0001f525</say-as>',
    '<say-as interpret-as="spell-out">1\ufe0f\u20e3\U0001f3f4\U000e0067\U000e0062\U000e0065'
    "\U000e006e\U000e0067\U000e007f!</say-as>",
    '<say-as interpret-as="characters">\u0301a\u0915\u093f</say-as>',
    # Cut as Unicode 17's grapheme clusters are (UAX #29): an Indic conjunct, Hangul jamo, Thai's
    # SARA AM, Myanmar's vowel sign AA apart, a ZWJ sequence of pictographs of any category.
    '<say-as interpret-as="characters">\u0915\u094d\u0937\u093f\u0995\u09cd\u09b7</say-as>',
    '<say-as interpret-as="spell-out">\u1100\u1161\u11a8\u0e01\u0e33\u1000\u102c</say-as>',
    '<say-as interpret-as="characters">#\ufe0f\u20e3\U0001f642\u200d\u2194\ufe0f\u00b0\u200d'
    "\u2764</say-as>",
    # The words of an element that shapes the voice apart, whatever its values; others joined.
    "<emphasis>very</emphasis>good",
    '<prosody rate="medium">a</prosody>b',
    'a<amazon:effect name="whispered">b</amazon:effect>c',
    'a<amazon:effect name="other">b</amazon:effect>c',
    'a<lang xml:lang="fr-FR">b</lang>c',
    'a<voice name="Kendra">b</voice>c',
    'a<w role="amazon:VB">b</w>c',
    'a<sub alias="x">y</sub>b',  # the alias in place of its words
    # No white space of XML 1.0, each read as a character alike: U+0085 (NEL; Python's \s took
    # it for a space) and U+FEFF (JavaScript's \s took it for one); first, U+FEFF is the byte
    # order mark, neither markup nor text. The white space both share stays white space.
    "a\x85b",
    "<speak>a \x85 b</speak>",
    "a\ufeffb",
    "a\ufeff",
    "\ufeff<speak>ab</speak>",
    "a\u00a0\u3000\u2028b",
    "a\x85b & c",  # not XML: read as text
    # Only XML's white space before and after a <speak> root: U+3000 before it is text, and
    # the document a part of the speech; after it, no XML (read as text). The page trimmed
    # both away with its wider white space, and read the pause alexaskill.hearing did not.
    "\u3000<speak>a<break time='1s'/>b</speak>",
    "<speak>a<break time='1s'/>b</speak>\u3000",
    "\u00a0<speak>a<break time='1s'/>b</speak>\u2028",
    " \n<speak>a<break time='1s'/>b</speak>\r\n",
    # Comments and CDATA sections, which Alexa takes, read as XML: spoken_text fell back to the
    # words alone at any "<!", its pauses and aliases lost, where the page read them.
    '<speak>Hi <!-- x --><break time="1s"/> there</speak>',
    '<speak>Hi <sub alias="aluminium">Al</sub><!-- c --></speak>',
    '<speak>a <![CDATA[1 < 2]]><break time="1s"/>b</speak>',
    "<!-- c --><speak>a<break time='1s'/>b</speak>",
    # A "<!" that opens nothing XML reads (refused by the app and ssml_error), or a DOCTYPE:
    # no document to either, the words with the tags stripped, as any markup that is no XML.
    "<speak>Hi <!foo> there</speak>",
    "<speak>Hi <!-> there</speak>",
    "<speak>Hi <![CDATA> there</speak>",
    "<!DOCTYPE speak><speak>a<break time='1s'/>b</speak>",
]

#: Where the page reads for the voice and `spoken_text` for text, apart by nature. The SSML: (the
#: page's reading, `spoken_text`'s). None: pauses and clips are shown as the page says them, and
#: what only a voice has (rate, pitch, volume, language) is held by the test below, not here.
_READ_APART: Final[dict[str, tuple[str, str]]] = {}


def _as_spoken_text(segments: list[dict[str, Any]]) -> str:
    """The page's reading (`ssmlSegments`), written as `spoken_text` writes it, pauses shown."""
    said = []
    for segment in segments:
        if segment["kind"] == "text":
            said.append(segment["text"])
        elif segment["kind"] == "break":
            ms = segment["ms"]
            said.append(f"[pause {ms / 1000:.1f} s]" if ms % 1000 else f"[pause {ms / 1000:.0f} s]")
        else:
            said.append(f"[audio: {segment['src']}]")
    return " ".join(said)


def _page_reads(page: Any, markups: list[str]) -> list[list[dict[str, Any]]]:
    """The page's reading of each of ``markups`` (window.alexaskillSimulator.ssmlSegments)."""
    return page.evaluate(  # type: ignore[no-any-return]
        "(markups) => markups.map((markup) => window.alexaskillSimulator.ssmlSegments(markup))",
        markups,
    )


def test_the_page_reads_ssml_as_alexaskill_hearing_does(page: Any) -> None:
    # static/ssml.js and alexaskill/hearing.py read SSML apart (JavaScript for the page's voice,
    # Python for .speech, chat and replay): nothing held them to one reading. The page ran the
    # words on either side of a break without a pause, or of a sentence's start, together
    # ("ab", "onetwo": one word to the voice).
    markups = [*_READ_ALIKE, *_READ_APART]
    readings = dict(zip(markups, map(_as_spoken_text, _page_reads(page, markups)), strict=True))
    unlike = {
        markup: (readings[markup], spoken_text(markup, pauses=True))
        for markup in _READ_ALIKE
        if readings[markup] != spoken_text(markup, pauses=True)
    }
    assert unlike == {}
    apart = {markup: (readings[markup], spoken_text(markup, pauses=True)) for markup in _READ_APART}
    assert apart == _READ_APART


def _probes(page: Any) -> list[str]:
    """Text around the first and last code point of each range of `alexaskill.graphemes`' tables
    and those just outside it, and around every character the page's Unicode has and this
    Python's Unicode database does not (a mark of a newer script, a letter alone to Python
    without the tables): after a letter, before one, before a mark, after and before a ZWJ with a
    pictograph, within a conjunct, twice."""
    tables = [ranges for _, ranges in (*graphemes_module._TABLES, *graphemes_module._NEWER)]
    tables += [graphemes_module._LINKERS, graphemes_module._CONSONANTS]
    tabled = [span for ranges in tables for span in ranges.spans()]
    edges = {code for first, last in tabled for code in (first - 1, first, last, last + 1)}
    unknown = [
        [first, last]
        for first, last in _runs(
            code for code in range(0x110000) if unicodedata.category(chr(code)) == "Cn"
        )
    ]
    newer: list[int] = page.evaluate(
        """(runs) => runs.flatMap(([first, last]) => {
          const known = [];
          for (let code = first; code <= last; code++) {
            if (!/\\p{gc=Cn}/u.test(String.fromCodePoint(code))) known.push(code);
          }
          return known;
        })""",
        unknown,
    )
    # Python 3.11 knows Unicode 14, the page's Chromium 17 (a Python of Unicode 17 knows all).
    assert newer or int(unicodedata.unidata_version.split(".")[0]) >= 17
    probes = []
    for code in sorted((edges | set(newer)) - set(range(0xD800, 0xE000))):  # (no UTF-16 halves)
        char = chr(code)
        probes += [f"a{char}", f"{char}a", f"{char}\u0301", f"\u2764\u200d{char}"]
        probes += [f"{char}\u200d\u2764", f"\u0915{char}\u0915", f"\u0915\u094d{char}\u0915"]
        probes.append(char * 2)
    return probes


def _runs(codes: Iterable[int]) -> list[tuple[int, int]]:
    """``codes`` (ascending) as runs of consecutive code points: (first, last)."""
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def test_alexaskill_cuts_text_into_characters_as_the_page_does(page: Any) -> None:
    # alexaskill.graphemes (the characters spoken_text says one by one) against the page's
    # Intl.Segmenter. Indic conjuncts, Hangul jamo, Thai's SARA AM, an emoji ZWJ sequence of a
    # pictograph no "So" symbol and Myanmar's vowel sign AA were cut otherwise, and the marks and
    # controls of Unicode 15 to 17, which Python 3.11's Unicode (14.0) does not know, cut apart.
    # A Chromium of another Unicode version than 17 may cut some otherwise: then the tables need
    # it (tools/graphemes_newer.py).
    texts = [text for text, _ in CUT_AS_THE_PAGE_CUTS] + ["a\r\nb\n\r", "\u200b\u0301"]
    texts += _probes(page)
    assert len(texts) > 2000  # the tables' edges, each in eight texts
    # One text for the page to cut (each text sent apart took seconds a thousand), each between
    # two NULs: a control, which nothing joins (GB4, GB5), a character of its own.
    joined = "\x00".join(texts)
    assert "\x01" not in joined
    cut = page.evaluate(
        """(text) => {
          const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
          return Array.from(segmenter.segment(text), (part) => part.segment).join("\\x01");
        }""",
        joined,
    )
    page_cuts: list[list[str]] = [[]]
    for character in cut.split("\x01"):
        if character == "\x00":
            page_cuts.append([])
        else:
            page_cuts[-1].append(character)
    unlike = {
        text: (page_cut, graphemes(text)) for text, page_cut in zip(texts, page_cuts, strict=True)
    }
    assert {text: cuts for text, cuts in unlike.items() if cuts[0] != cuts[1]} == {}


def test_the_page_trims_plain_text_of_the_white_space_alexaskill_hearing_knows(page: Any) -> None:
    # The page trimmed PlainText with JavaScript's trim(), which takes U+FEFF away, where
    # alexaskill.hearing takes only its own white space (ssml_check._WHITE_SPACE) for any.
    texts = [" \u3000Hi\n", "\ufeffHi\x85", "\ufeff"]
    segments = page.evaluate(
        "(texts) => texts.map((text) => window.alexaskillSimulator.speechSegments("
        "{type: 'PlainText', text}))",
        texts,
    )
    assert [[segment["text"] for segment in said] for said in segments] == [
        ["Hi"],
        ["\ufeffHi\x85"],
        ["\ufeff"],
    ]


def test_the_page_shapes_its_voice_as_the_ssml_says(page: Any) -> None:
    # What the voice is given besides the words (spoken_text has none of it): the rate, pitch,
    # volume and language of each part, a clip's URL, a pause's length.
    markup = (
        '<prosody rate="slow" pitch="+10%">Slow</prosody><break time="2s"/>'
        '<amazon:effect name="whispered">soft</amazon:effect>'
        '<lang xml:lang="fr-FR">bonjour</lang><audio src="https://example.com/a.mp3"/>'
        '<emphasis level="strong">now</emphasis>'
    )
    plain = {"rate": 1, "pitch": 1, "volume": 1, "lang": None}
    assert _page_reads(page, [markup]) == [
        [
            {"kind": "text", "text": "Slow", **plain, "rate": 0.8, "pitch": 1.1},
            {"kind": "break", "ms": 2000},
            {"kind": "text", "text": "soft", **plain, "rate": 0.9, "volume": 0.4},
            {"kind": "text", "text": "bonjour", **plain, "lang": "fr-FR"},
            {"kind": "audio", "src": "https://example.com/a.mp3"},
            {"kind": "text", "text": "now", **plain, "rate": 0.85},
        ]
    ]


def test_the_page_reads_a_prosody_value_within_xml_white_space_alone(page: Any) -> None:
    # The page trimmed a percentage with trim(), which takes U+3000, U+00A0 and U+FEFF away too,
    # where alexaskill reads values within XML 1.0's white space alone (space, tab, CR, LF): a
    # rate of "\u300080%" is none the reference writes, so the voice keeps its own.
    markups = [
        '<prosody rate=" 80% ">a</prosody>',
        '<prosody rate="\u300080%">a</prosody>',
        '<prosody pitch="+10%\u00a0">a</prosody>',
        '<prosody volume="\ufeffsoft">a</prosody>',
        '<prosody rate=" slow ">a</prosody>',
    ]
    readings = [
        [segment.get("rate"), segment.get("pitch"), segment.get("volume")]
        for [segment] in _page_reads(page, markups)
    ]
    assert readings == [[0.8, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [0.8, 1, 1]]


def test_the_page_says_an_element_that_shapes_the_voice_apart_whatever_its_values(
    page: Any,
) -> None:
    # The page said the words of a <prosody>, an <amazon:effect> or a <lang> apart from those
    # around them only when its values changed the voice: "ab" for rate="medium", "a b" for
    # rate="slow". Now apart always, as alexaskill.hearing reads them.
    markups = [
        '<prosody rate="medium">a</prosody>b',
        'a<amazon:effect name="other">b</amazon:effect>c',
        '<lang xml:lang="en-US"><lang xml:lang="en-US">a</lang>b</lang>',
    ]
    readings = [_as_spoken_text(segments) for segments in _page_reads(page, markups)]
    assert readings == ["a b", "a b c", "a b"]
