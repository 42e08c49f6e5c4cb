"""The names a handler is registered under, checked at registration: a request type Alexa never
sends (empty, or a misspelling of a known one, said with the name meant; one not known is
warned of) and an intent name Amazon's build refuses (with the name meant)."""

from __future__ import annotations

import logging
import re

from .builtin_intents import CUSTOM_NAME, check_builtin_intent
from .exceptions import ConfigurationError
from .handler_signature import describe
from .request_types import SENT, meant_member, meant_request_type, namespace_members
from .shown_names import shown, shown_value

__all__ = ["check_intent_name", "check_request_type"]

logger = logging.getLogger("alexaskill")


def check_request_type(name: object, func: object, warned: set[str]) -> None:
    """Refuse a request type Alexa never sends: empty, or a misspelling of a known one (another
    case, a slip or two off: `meant_request_type`). Other names are taken with a WARNING, once
    for each of them in ``warned`` (the skill's): Amazon adds request types, and alexaskill
    cannot tell a new one from a typo further off."""
    if not isinstance(name, str) or not name.strip():
        # (quoted cut: a list holding a name of 5,000 characters made a line)
        raise ConfigurationError(f"{describe(func)}: {shown_value(name)} is no request type")
    if name in SENT:
        return
    # (a 5,000-character name made a line as long, twice where the intent hint repeats it)
    said = shown(name, quoted=True)
    meant = meant_request_type(name)
    if meant is not None:
        raise ConfigurationError(
            f"{describe(func)}: {said} is not a request type Alexa sends; did you mean {meant}?"
        )
    if name != name.strip() or any(c.isspace() for c in name):
        raise ConfigurationError(f"{describe(func)}: {said}: a request type has no spaces")
    refused = f"{describe(func)}: {said} is not a request type Alexa sends"
    intent_hint = f"; an intent's name? @skill.intent({said})"
    if "" in name.split("."):  # (no type of Amazon's has one: Alexa never sends such a name)
        raise ConfigurationError(f"{refused}: a part between its dots is empty")
    if name[:7].upper() == "AMAZON.":
        raise ConfigurationError(refused + intent_hint)
    if "." not in name:
        # Every request type but the core ones (LaunchRequest, …) has a namespace.
        meant = meant_member(name)
        core = ", ".join(sorted(known for known in SENT if "." not in known))
        raise ConfigurationError(
            f"{refused}{f'; did you mean {meant}?' if meant else intent_hint} (a request type "
            f"is one of {core}, or has a namespace: AudioPlayer.PlaybackStarted)"
        )
    namespace = name.rpartition(".")[0]
    known = namespace_members(namespace)
    if known is not None and known[0] != namespace:  # (Amazon's names are case-sensitive)
        raise ConfigurationError(f"{refused}: its namespace is written {known[0]}")
    if name in warned:
        return  # (a handler and hooks of the type: one line says it)
    warned.add(name)
    of_it = f" ({namespace} requests are {', '.join(known[1])})" if known else ""
    logger.warning(
        "%s: %s is no request type alexaskill knows Alexa to send%s: taken as one Amazon may "
        "have added since, called only if Alexa sends it; check its spelling in Amazon's "
        "Request Types Reference",
        describe(func),
        said,
        of_it,
    )


def check_intent_name(name: object, func: object) -> None:
    if not isinstance(name, str) or not name:
        what = "is a string" if not isinstance(name, str) else "must not be empty"
        raise ConfigurationError(
            f"{describe(func)}: the handler needs the intent's name, which {what}: like "
            f"'GetWeather', not {shown_value(name)}"
        )
    try:
        check_builtin_intent(name)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{describe(func)}: {exc}") from None
    if name[:7].upper() == "AMAZON." or CUSTOM_NAME.fullmatch(name):
        return
    said = shown(name, quoted=True)
    words = re.findall(r"[A-Za-z]+", name)
    like = "".join(word[0].upper() + word[1:] for word in words)
    if words and not re.search(r"[0-9]|[^\x00-\x7f]", name):
        hint = f"; like {shown(like, quoted=True)}"
    else:
        hint = " (spell numbers out)" if re.search("[0-9]", name) else ""
    raise ConfigurationError(
        f"{describe(func)}: {said} is no intent name Amazon takes: an intent name is ASCII "
        f"letters and underscores, starting with a letter{hint}"
    )
