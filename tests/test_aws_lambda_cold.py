"""AWS Lambda's cold start: what a plain-text skill's import and first call leave undone.

The SSML scanners' regular expressions hold XML's name characters (tens of thousands of code
points: milliseconds each to compile); a skill that speaks plain text never needs them, so they
are compiled when first used, not at import, and a request type's decoder is made on its first
request (`benchmarks/README.md`, "Cold start on AWS Lambda").
"""

from __future__ import annotations

import json
import re

import pytest

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError
from alexaskill.messages import PROGRESSIVE_SPEECH
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml
from alexaskill.ssml_cut import _read
from alexaskill.ssml_scan import _markup
from alexaskill.testing import DEFAULT_SKILL_ID
from alexaskill.xml_markup import _NAME_START, _name, _well_formed_tag
from alexaskill.xml_text import _not_xml

from .fresh_python import run_fresh
from .lambda_events import event

#: A Python that records in ``compiled`` every pattern compiled. `re._compile`, not
#: `re.compile`: re.match, re.search, re.sub... compile through it, never through re.compile.
_RECORDING = """
import json, re, sys
compiled = []
_compile = re._compile
re._compile = lambda pattern, flags: compiled.append(pattern) or _compile(pattern, flags)
"""

#: A plain-text skill on Lambda, its import and first call, in a Python that records every
#: pattern compiled (`_RECORDING`) from before alexaskill is imported; then the request types
#: whose decoders were made.
_COMPILED = (
    _RECORDING
    + """
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler

skill = Skill(sys.argv[1])

@skill.intent("GetWeather")
def weather(city: str = "Paris"):
    return speak(f"Sunny in {city}")

answer = handler(skill)(json.loads(sys.stdin.read()), None)
assert answer["response"]["outputSpeech"]["text"].startswith("Sunny in"), answer
from alexaskill.models.envelope import _DECODERS
patterns = [p for p in compiled if isinstance(p, str)]
print(json.dumps({"compiled": patterns, "decoders": [*_DECODERS]}))
"""
)


def _cold_start() -> dict[str, list[str]]:
    """What `_COMPILED` prints, run in a fresh Python."""
    body = json.dumps(event("IntentRequest.GetWeather"))
    said: dict[str, list[str]] = run_fresh(_COMPILED, DEFAULT_SKILL_ID, input=body, timeout=120)
    return said


def test_a_plain_text_cold_start_compiles_no_ssml_scanner() -> None:
    compiled = _cold_start()["compiled"]
    assert compiled, "nothing was compiled: the recording missed the imports"
    # XML's name characters (the tag scans, XML names) and the lone surrogates (characters XML
    # cannot hold): the costly classes, each milliseconds of a cold start.
    costly = [p for p in compiled if _NAME_START in p or "\ud800-\udfff" in p]
    assert costly == []


def test_the_recording_sees_the_patterns_re_module_functions_compile() -> None:
    # re.match, re.search, re.sub...: each compiles its pattern (and caches it) without calling
    # re.compile; a scanner written as one at import went unrecorded, and its cost unseen.
    calls = {
        "match": "re.match('match_here', '')",
        "search": "re.search('search_here', '')",
        "fullmatch": "re.fullmatch('fullmatch_here', '')",
        "sub": "re.sub('sub_here', '', '')",
        "subn": "re.subn('subn_here', '', '')",
        "split": "re.split('split_here', '')",
        "findall": "re.findall('findall_here', '')",
        "finditer": "list(re.finditer('finditer_here', ''))",
    }
    source = _RECORDING + "\n".join(calls.values()) + "\nprint(json.dumps({'c': compiled}))\n"
    recorded = run_fresh(source, timeout=120)["c"]
    assert [name for name in calls if f"{name}_here" not in recorded] == []


def test_a_cold_start_makes_the_decoder_of_its_request_type_alone() -> None:
    # One decoder a request type (45 of them) read every request class's annotations at import.
    assert _cold_start()["decoders"] == ["IntentRequest"]


def test_the_scanners_compiled_on_first_use_are_the_patterns_they_were() -> None:
    # Compiled once, kept: each call gives the same pattern object, `re`'s own cache emptied
    # between the two (it alone would give the same object).
    for compiled in (_name, _well_formed_tag, _markup, _read, _not_xml):
        first = compiled()
        re.purge()
        assert isinstance(first, re.Pattern) and compiled() is first
    # With their flag (re.DOTALL): a comment or CDATA section over lines is one piece, its tags
    # text, to the scan (`_markup`) and to composing's read (`_read`); speech holding one is sent
    # as written. No other test tells `_markup` without the flag from it.
    multiline = "Hi <!-- a\n<break time='20s'/> --> <![CDATA[b\n<c>]]> there"
    pieces = ["<!-- a\n<break time='20s'/> -->", "<![CDATA[b\n<c>]]>"]
    assert [piece.group() for piece in _markup().finditer(multiline)] == pieces
    read = _read().fullmatch(multiline)
    assert read is not None and read.group(1) == pieces[-1]
    assert SsmlSpeech(Ssml(f"<speak>{multiline}</speak>")).ssml == f"<speak>{multiline}</speak>"
    assert _name().fullmatch("speak") and not _name().fullmatch("1speak")
    assert _well_formed_tag().fullmatch('<break time="1s"/>')
    assert not _well_formed_tag().fullmatch("<break time=1s/>")
    assert _not_xml().search("a\x00b") and not _not_xml().search("a\tb")


def test_the_default_progressive_speech_is_one_amazon_takes() -> None:
    # `Skill` checks the progressive speech it is given, but not the default (the same verdict
    # every time): the check would compile the SSML scanners at every cold start.
    from alexaskill.services.progressive import progressive_document

    assert progressive_document(PROGRESSIVE_SPEECH) == f"<speak>{PROGRESSIVE_SPEECH}</speak>"
    with pytest.raises(ConfigurationError, match="progressive_speech: "):
        Skill(DEFAULT_SKILL_ID, progressive_speech="<speak>One moment</speak>")
