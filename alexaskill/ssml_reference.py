"""Amazon's SSML reference as tables: the values of each attribute it enumerates, the attributes
each tag requires, those that say what to speak.

What both the builders of `alexaskill.ssml` and the checks of `alexaskill.ssml_attributes`
(hand-written SSML, in the app and the test tools) read; kept apart so that neither grows past a
module's size.
"""

from __future__ import annotations

from typing import Final

__all__: list[str] = []  # tables for alexaskill.ssml and alexaskill.ssml_attributes

_BREAK_STRENGTHS: Final = ("none", "x-weak", "weak", "medium", "strong", "x-strong")
_EMPHASIS_LEVELS: Final = ("strong", "moderate", "reduced")
_INTERPRET_AS: Final = (
    "characters",
    "spell-out",
    "cardinal",
    "number",
    "ordinal",
    "digits",
    "fraction",
    "unit",
    "date",
    "time",
    "telephone",
    "address",
    "interjection",
    "expletive",
)
_DATE_FORMATS: Final = ("mdy", "dmy", "ymd", "md", "dm", "ym", "my", "d", "m", "y")
#: Amazon's SSML reference, ``<phoneme alphabet>``: IPA, X-SAMPA, and Amazon's own for
#: Cantonese (Jyutping), Mandarin (Pinyin) and Japanese (Pronunciation Kana, Yomigana).
_ALPHABETS: Final = (
    "ipa",
    "x-sampa",
    "x-amazon-jyutping",
    "x-amazon-pinyin",
    "x-amazon-pron-kana",
    "x-amazon-yomigana",
)
#: ``<w role>``, as Amazon's SSML reference writes it now: what `alexaskill.ssml.w` writes.
_WORD_ROLES: Final = ("amazon:VB", "amazon:VBD", "amazon:NN", "amazon:SENSE_1")
#: The same roles as the reference wrote them before (its first example was ``<w
#: role="ivona:VBD">read</w>``): SSML written from it is taken, though the builder writes the
#: names above. Not Amazon Polly's ``amazon:DT``, ``amazon:IN``, ``amazon:JJ`` or
#: ``amazon:DEFAULT``, which Alexa's reference has never listed.
_EARLIER_WORD_ROLES: Final = ("ivona:VB", "ivona:VBD", "ivona:NN", "ivona:SENSE_1")
_EFFECTS: Final = ("whispered",)
_EMOTIONS: Final = ("excited", "disappointed")
_INTENSITIES: Final = ("low", "medium", "high")
_DOMAINS: Final = ("conversational", "long-form", "music", "news", "fun")
#: The attributes whose values Amazon's SSML reference enumerates, by (tag, attribute): the
#: builders of `alexaskill.ssml` refuse any other; one written by hand `ssml_error` names, and
#: the app refuses where the speech is built (`alexaskill.ssml_attributes._value_error`, the one
#: check of both).
#: Compared case and all (``level="Strong"`` is refused): XML attribute values are
#: case-sensitive, Amazon's SSML reference lists each value and writes every example in lower
#: case (W3C's SSML 1.1, which it follows, defines them so), and says nothing of another case
#: being taken. Amazon Polly's emphasis page capitalises "Strong" as a label in a list, but its
#: example writes ``level="strong"``; a value Alexa may not read is worse refused here than
#: refused by Alexa, the response and all.
_ENUMERATED: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("break", "strength"): _BREAK_STRENGTHS,
    ("emphasis", "level"): _EMPHASIS_LEVELS,
    ("say-as", "interpret-as"): _INTERPRET_AS,
    ("say-as", "format"): _DATE_FORMATS,
    ("phoneme", "alphabet"): _ALPHABETS,
    ("w", "role"): _WORD_ROLES,
    ("amazon:effect", "name"): _EFFECTS,
    ("amazon:emotion", "name"): _EMOTIONS,
    ("amazon:emotion", "intensity"): _INTENSITIES,
    ("amazon:domain", "name"): _DOMAINS,
}
#: Values taken besides those of `_ENUMERATED`, though never suggested: an unknown role is told
#: the names the reference writes now (what `alexaskill.ssml.w` takes), not the earlier ones.
_ALSO_TAKEN: Final[dict[tuple[str, str], tuple[str, ...]]] = {("w", "role"): _EARLIER_WORD_ROLES}


#: The attributes Amazon's SSML reference gives each tag that it writes them on: what it says
#: (an emotion without an intensity, a ``<sub>`` without its alias) is undefined without them.
#: ``<emphasis>`` (moderate) and ``<prosody>`` have defaults; ``<p>``, ``<s>`` take none.
#: ``<phoneme>``'s ``alphabet`` has none (W3C's SSML leaves it to the processor; Amazon Polly's
#: phoneme page: "Two attributes are required"), so ``ph="pIk@n"`` says nothing sure without it.
_REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "amazon:domain": ("name",),
    "amazon:effect": ("name",),
    "amazon:emotion": ("name", "intensity"),
    "audio": ("src",),
    "lang": ("xml:lang",),
    "phoneme": ("alphabet", "ph"),
    "say-as": ("interpret-as",),
    "sub": ("alias",),
    "voice": ("name",),
    "w": ("role",),
}


#: The attribute of each tag that says what to speak in place of the element's text, never
#: blank (`alexaskill.ssml_attributes._saying_error`).
_SAYING: Final[dict[str, str]] = {"sub": "alias", "phoneme": "ph"}
