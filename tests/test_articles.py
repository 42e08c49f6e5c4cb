"""The article before a name in a message's words (alexaskill/articles.py): by the name's sound.

Its names: a request's type (``request.type``, any Amazon sends: rules.py, rules_dialog.py) and
a Python type's name (a value JSON cannot hold: store/base.py), a class of the skill's own too.
"""

from __future__ import annotations

import pytest

from alexaskill.articles import with_article


@pytest.mark.parametrize(
    "said",
    [
        "a LaunchRequest",
        "an Alexa.Presentation.APL.UserEvent",
        "an IntentRequest",
        "a set",
        "an ellipsis",
        "an object",
        # A "u" said "you": a word's (user, unit, usual, utility) or the letter's (an initialism).
        "a User",
        "a UserDict",
        "a UnionType",
        "a Unicode",
        "a UUID",
        "a URL",
        "a usage",
        "a Utility",
        # Else a vowel: "a Unknown" and "a Umbrella" were said.
        "an Unknown",
        "an UnknownRequest",
        "an Umbrella",
        "an Unhandled",
        "an Update",
        "an Unavailable",
        "an Uninstalled",
        "an ugly",
        "an Ultra",
        "a U",
    ],
)
def test_a_name_gets_its_article_by_its_sound(said: str) -> None:
    assert with_article(said.partition(" ")[2]) == said
