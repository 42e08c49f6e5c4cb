"""What a command is given, read and checked: option values (`nonempty_path`,
`given_skill_id`, `given_invocation`, `url_blemish`, `shown_url`), the ``--alexa-api`` file
(`fake_alexa_api`), the invocation name ``model`` suggests (`suggested_invocation`), JSON the
user wrote, refused with a key given twice in an object (`loads_once`), read from a file or
standard input (`file_text`, `stdin_text`: one document, `one_json`; what is not JSON said,
`json_said`), standard input at a terminal (`hint_at_a_terminal`), the fields of a
PlaybackFailed event `request` prints (`failed_playback`), and ``certify --timeout``'s default
(`ALEXA_TIMEOUT`). Split from `common`."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, TextIO

from ..json_once import NOT_UTF8, empty, is_long_number, not_json, too_large
from ..json_once import loads_once as json_loads_once
from ..shown_names import shown, shown_json, shown_value
from .common import UsageError, read_input, stdin_not_text

if TYPE_CHECKING:
    import datetime

    from ..testing import FakeAlexaApi

#: How long Alexa waits for an answer, about: ``certify --timeout``'s default; a probe not
#: answered by then fails. (Here, not in `endpoint`: the parser needs it, and `endpoint`
#: imports ssl, which only ``certify`` uses.)
ALEXA_TIMEOUT: Final = 8.0


def fake_alexa_api(path: str | None) -> FakeAlexaApi:
    """The fake Alexa service APIs a command's skill calls, with the data of ``--alexa-api``:
    ``path`` names a JSON object of `FakeAlexaApi` fields (``now`` a moment: `_fixed_clock`);
    None: a user who set nothing."""
    from ..testing import FakeAlexaApi

    if path is None:
        return FakeAlexaApi()
    label = f"--alexa-api {shown(path)}"
    text = file_text(path, label=label, what="a JSON object of FakeAlexaApi's fields")
    if not text.strip():  # (not "not JSON (…)")
        raise UsageError(
            f"{empty(label)}: write a JSON object of FakeAlexaApi's fields in it, as "
            '{"given_name": "Ada"}, or {} for a user who set nothing'
        )
    data = one_json(text, label, extra=lambda exc: None)
    if not isinstance(data, dict):
        raise UsageError(f"{label}: expected a JSON object")
    if "request" in data and "version" in data:  # a request file named by mistake
        raise UsageError(
            f"{label}: a request envelope, not what Alexa's service APIs answer: a "
            'JSON object of FakeAlexaApi\'s fields, as {"given_name": "Ada"}'
        )
    _check_fields(path, data, FakeAlexaApi)
    if data.get("now") is not None:
        data["now"] = _fixed_clock(path, data["now"])
    try:
        return FakeAlexaApi(**data)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{label}: {exc}") from None


def loads_once(text: str, label: str, *, root: str = "", **options: Any) -> Any:
    """`json.loads` of ``text`` (with ``options``), JSON the user wrote, named ``label`` in a
    message: an object with a key given twice is a `UsageError` (`json_once.KeysOnce`); what
    is not JSON raises as `json.loads` does, for the caller to say."""
    return json_loads_once(text, label, root=root, error=UsageError, **options)


def stdin_text(label: str, what: str) -> str:
    """Standard input's text, at most `MAX_INPUT_BYTES`, a byte order mark first dropped (a
    Windows editor's, no mistake): a `UsageError` for more, as too large for ``what`` (its
    message starting with ``label``), or for bytes that are not UTF-8."""
    import sys

    from . import common

    limit = common.MAX_INPUT_BYTES  # (looked up now: a test lowers it)
    try:
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:  # (characters: as many bytes at least)
            raise UsageError(too_large(label, limit, what))
        # Under the C and C.UTF-8 locales Python reads standard input with surrogateescape:
        # bytes that are not UTF-8 arrive as lone surrogates, which no JSON document carries.
        text.encode("utf-8")
    except UnicodeDecodeError as exc:
        raise stdin_not_text(exc) from None
    except UnicodeEncodeError:
        raise UsageError(f"standard input: {NOT_UTF8}") from None
    return text.removeprefix("\ufeff")


def file_text(path: str, *, label: str, what: str) -> str:
    """The text of the file at ``path`` (`read_input`, which says ``label`` and ``what``),
    UTF-8, a byte order mark first dropped: a `UsageError` for bytes that are not UTF-8."""
    data = read_input(path, label=label, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{label}: {NOT_UTF8}") from None


def one_json(text: str, label: str, *, extra: Callable[[json.JSONDecodeError], str | None]) -> Any:
    """The one JSON document of ``text`` (`loads_once`: a key given twice is refused), named
    ``label``: a `UsageError` for what is not JSON (`json_said`), said ``extra(exc)`` when a
    document is followed by more ("Extra data": several put together) and it says something."""
    with json_said(label, extra=extra):
        return loads_once(text, label)


@contextlib.contextmanager
def json_said(
    label: str, *, extra: Callable[[json.JSONDecodeError], str | None] | None = None
) -> Iterator[None]:
    """Around the decoding of JSON the user wrote (`one_json`'s, or a document of several
    read one at a time, as ``replay -`` reads standard input): a `UsageError` naming ``label``
    for what is not JSON, nested too deeply or holding a number too long to read, said
    ``extra(exc)`` for "Extra data" when it says something."""
    try:
        yield
    except json.JSONDecodeError as exc:
        said = extra(exc) if extra is not None and exc.msg == "Extra data" else None
        raise UsageError(said or not_json(label, exc)) from None
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, ValueError) and not is_long_number(exc):
            raise  # (no reading's to say)
        raise UsageError(not_json(label, exc)) from None


def _fixed_clock(path: str, value: object) -> Callable[[], datetime.datetime]:
    """``now`` in an ``--alexa-api`` file, which holds no clock: a moment, ISO 8601 with its
    offset (``2031-03-14T09:00:00Z``), the fake's fixed now (`FakeAlexaApi.now`). One without
    an offset is refused, not read in some zone: the file's ``time_zone`` is the device's,
    which a fake's now, a moment, does not depend on."""
    import datetime

    try:
        moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    # (each part bounded, as request_session quotes a status: a now of 100,000 characters, or
    # a list as long, made a message as long)
    quoted = shown_json(value)
    if moment is None:
        raise UsageError(
            f"--alexa-api {shown(path)}: now {quoted}: expected an ISO 8601 moment, as "
            "2031-03-14T09:00:00Z"
        )
    if moment.utcoffset() is None:
        # (the moment's own text, as long as a moment is: fromisoformat reads any digits of a
        # second's fraction, and keeps six)
        written = moment.isoformat()
        raise UsageError(
            f"--alexa-api {shown(path)}: now {quoted} names no offset: give the moment with one, "
            f"as {written}Z or {written}+01:00"
        )
    return lambda: moment


def _check_fields(path: str, data: dict[str, Any], kind: type) -> None:
    """A `UsageError` naming the first key of ``data`` that is no field of the dataclass
    ``kind`` (with the nearest field), rather than Python's error for a keyword argument."""
    import dataclasses

    from ..typos import close_matches

    fields = sorted(field.name for field in dataclasses.fields(kind) if field.init)
    for key in data:
        if key not in fields:
            near = close_matches(str(key), fields)
            hint = f"did you mean {near[0]}?" if near else f"its fields: {', '.join(fields)}"
            # (cut, with its length: a key of 100,000 characters made a message as long)
            raise UsageError(
                f"--alexa-api {shown(path)}: {shown_value(key)} is not a field of "
                f"{kind.__name__} ({hint})"
            )


def nonempty_path(what: str, *, stdin: bool = False) -> Callable[[str], str]:
    """An argparse ``type`` for an option naming a file: the path as given, or an error for an
    empty one, which names ``what`` to give ("a request file"). Opened, "" read as the current
    directory (": is a directory") or as no file (" : no such file"). ``-`` is standard input
    where it is read (``stdin``), else an error (./- names a file called so)."""

    def path(text: str) -> str:
        if not text:
            raise argparse.ArgumentTypeError(f"empty path: name {what}")
        if text == "-" and not stdin:
            raise argparse.ArgumentTypeError(f"- (standard input) is not read here: name {what}")
        return text

    return path


def given_skill_id(text: str) -> str:
    """``--skill-id``'s type: an id given empty (or blank) is an error, not the default id, as
    is one holding a space or a control character (sent, it would be another skill's id) or a
    byte that is not UTF-8 (which no request can carry: replay failed with a traceback)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "empty: name the skill's id (amzn1.ask.skill.…), or leave --skill-id out for the "
            "default"
        )
    if any("\ud800" <= char <= "\udfff" for char in text):  # (a byte that is not UTF-8)
        raise argparse.ArgumentTypeError(f"{shown(text, quoted=True)}: not UTF-8 text")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise argparse.ArgumentTypeError(
            f"{shown(text, quoted=True)} holds a space or control character, which no skill id has "
            "(amzn1.ask.skill.…)"
        )
    return text


#: The ``type`` of the options and arguments naming a file of each kind.
MODEL_FILE = nonempty_path("an ASK CLI interaction model file, e.g. en-US.json")
MODEL = nonempty_path("an ASK CLI interaction model file (en-US.json) or an APP (app:skill)")
REQUEST_FILE = nonempty_path("a request file, or - for standard input", stdin=True)
ANSWER_FILE = nonempty_path("a file of the skill's answer, or - for standard input", stdin=True)
CAPTURE_FILE = nonempty_path("a captured request file (serve --capture writes them)")
PEM_FILE = nonempty_path("a PEM file of CA certificates")
MANIFEST_FILE = nonempty_path("the skill's manifest, e.g. skill-package/skill.json")
ALEXA_API_FILE = nonempty_path('a JSON file of FakeAlexaApi\'s fields, as {"given_name": "Ada"}')
CERT_CHAIN_FILE = nonempty_path("the PEM file of the certificate chain to serve")
PRIVATE_KEY_FILE = nonempty_path("the PEM file of the certificate's private key")


def alexa_api_reaches(url: str | None, path: str | None) -> None:
    """A usage error for ``--alexa-api`` (``path``) with a ``--url`` to another machine: the
    fake is served on 127.0.0.1 only, so the skill there never calls it (it calls Amazon's)."""
    from .common import is_local_url
    from .replay_url import check_url

    if url is None or path is None:
        return
    check_url(url)  # a URL that is none is said so, not as one to another machine
    if not is_local_url(url):
        raise UsageError(
            f"--alexa-api {shown(path)}: the fake Alexa APIs are served only to a skill on this "
            f"machine, and {shown_url(url)} is not (its skill calls Amazon's): drop --alexa-api"
        )


def hint_at_a_terminal(err: TextIO, command: str, what: str) -> None:
    """Say on ``err`` that ``command`` reads ``what`` from standard input, when that is a
    terminal: it waits for typing, which looked like a hang. Said nowhere when piped."""
    import sys

    try:
        typed = sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        typed = False
    if typed:
        end = "Ctrl-Z, Enter" if sys.platform == "win32" else "Ctrl-D"
        err.write(f"alexaskill {command}: reading {what} from the terminal; {end} ends\n")
        err.flush()


def given_invocation(text: str) -> str:
    """``--invocation``'s type: a name given empty or blank (``--invocation "$NAME"``, the
    variable unset), also as ``LOCALE=`` (`model`'s one-locale form), is an error naming the
    option, not "the invocation name is empty" from the model's checks."""
    from ..locales import is_locale

    locale, equals, name = text.partition("=")
    one_locale = bool(equals) and is_locale(locale.strip())
    if not (name if one_locale else text).strip():
        where = f" for {locale.strip()}" if one_locale else ""
        raise argparse.ArgumentTypeError(
            f"empty{where}: give the invocation name users say to open the skill "
            '(--invocation "<your skill\'s invocation name>")'
        )
    return text


def suggested_invocation(app: str, locales: Sequence[str] = ("en-US",)) -> tuple[str, str]:
    """An invocation name to suggest for ``app`` (``tea_timer:skill`` -> ``tea timer``) in the
    models of ``locales``, and why its module's name is not the one suggested ("" if it is, or
    if it makes no name of two words where one will not do). The name is the module's, past
    generic ones (``app``, ``main``, ...), if Amazon's build takes it and certification would
    not object to it in each of them (their own rules: Latin letters in English, the Japanese
    wake words, launch phrases, "アプリ", no word in Latin letters but an initialism's; one
    word only in German, a compound, and Japanese, whose words are not counted) and, written
    in Latin letters, by the English words (a module's name is in English as often as not);
    else a placeholder."""
    import re

    from ..interaction.invocation import (
        first_non_latin,
        invocation_name_warnings,
        invocation_problems,
        latin_word_in_japanese,
    )

    one_word = all(locale.startswith(("de-", "ja-")) for locale in locales)
    placeholder = "<your skill's invocation name>" if one_word else "<two or more words>"
    module = re.sub(r"\.py$", "", app.partition(":")[0].replace("\\", "/"))
    generic = {"app", "application", "main", "server", "skill", "lambda_function", "__init__"}
    names = [part for part in re.split(r"[/.]", module) if part.lower() not in generic]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", names[-1]) if names else ""
    name = " ".join(re.split(r"[\W_]+", words.lower())).strip()
    if not name or (len(name.split()) < 2 and not one_word):
        return placeholder, ""
    refused = []
    for locale in locales:
        refused += invocation_problems(name, locale) + invocation_name_warnings(name, locale)
        # (a module's word in Latin letters is an English one more often than an acronym)
        english = latin_word_in_japanese(name) if locale.startswith("ja-") else None
        refused += [english] if english is not None else []
    # A name in Latin letters may be English whatever the locale; one with letters of another
    # script is judged by its locale's rules alone (English ones refuse it: Latin letters only).
    if first_non_latin(name) is None:
        refused += invocation_problems(name, "en-US")
        if len(name.split()) > 1:  # (one word: the locale's own rule says whether it may be)
            refused += invocation_name_warnings(name, "en-US")
    if refused:
        return placeholder, f"the module's name will not do: {refused[0]}"
    return name, ""


def url_blemish(url: str) -> str | None:
    """What no URL holds and ``url`` does: a space or a control character (a quoting
    mistake, or a line end pasted in), which httpx would send on, percent-encoded in a path,
    looked up in a host; None if it holds neither."""
    if any(char.isspace() or not char.isprintable() for char in url):
        return "holds a space or a control character, which no URL has (a space in a path is %20)"
    return None


def shown_url(url: str) -> str:
    """``url`` as a message may quote it: a password in it (``http://ann:pw@host/``) shown as
    ``***`` (``http://ann:***@host/``). Only text is looked at: a URL that is none is kept."""
    import re

    # The user info ends at the authority's last "@" (one in a password may be unescaped).
    return re.sub(r"^([A-Za-z][\w+.-]*://[^/?#@:]*):[^/?#]*@", r"\1:***@", url)


def failed_playback(request_type: str, fields: dict[str, Any]) -> None:
    """Complete ``fields`` of an ``AudioPlayer.PlaybackFailed`` event (its token and offset
    set) as Alexa sends it, and as `chat` and the simulator do: with the ``error`` and the
    ``currentPlaybackState`` the player was in (playing that stream), unless given."""
    if request_type != "AudioPlayer.PlaybackFailed":
        return
    fields.setdefault("error", {"type": "MEDIA_ERROR_UNKNOWN", "message": "unknown"})
    state = {"token": fields["token"], "offsetInMilliseconds": fields["offsetInMilliseconds"]}
    fields.setdefault("currentPlaybackState", {**state, "playerActivity": "PLAYING"})
