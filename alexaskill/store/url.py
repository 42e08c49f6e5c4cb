"""The store a URL names: `open_store`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Final

from ..articles import type_with_article
from ..exceptions import ConfigurationError
from ..shown_names import shown_value
from .base import DEFAULT_STORE, Store, _is_store, _lacking

__all__ = [
    "STORE_FROM_ENV",
    "open_store",
    "store_from_env",
    "store_given",
    "store_url_from_env",
    "url_without_password",
]


def open_store(url: str) -> Store:
    """The store a URL names: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``,
    ``redis://host:port/db`` (or ``rediss://``, ``unix://``), ``dynamodb://TABLE?region=…``
    (`alexaskill.dynamodb.DynamoDBStore`), or ``memory://``.

    Nothing is opened yet: connections are made on first use.
    """
    if not isinstance(url, str):
        raise ConfigurationError(
            f"a store URL is a string, not {type_with_article(url)}: {_STORE_URLS}"
        )
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        # Not the URL itself: a scheme mistyped (redis:/:secret@host) leaves its password in it.
        raise ConfigurationError(f"the store URL has no scheme (no '://'): {_STORE_URLS}")
    # The one rule for every scheme: a message shows the URL only as url_without_password
    # makes it, its password hidden (called where a message needs it: it imports urllib.parse,
    # milliseconds of a Lambda cold start).
    if scheme == "sqlite":
        if "?" in rest:
            shown = url_without_password(url)
            raise ConfigurationError(
                f"SQLite store URL {shown!r}: it takes no options (?…); for a timeout, give "
                "the store itself: SQLiteStore('skill.db', timeout=10)"
            )
        path = rest[1:]
        # (A NUL is SQLiteStore's to refuse, by name.)
        if path != path.strip() or not path.replace("\0", "").isprintable():
            # A newline from a file or a variable named another file, made there in silence:
            # the attributes saved to it were not found under the name meant.
            shown = url_without_password(url)
            raise ConfigurationError(
                f"SQLite store URL {shown!r}: the path starts or ends with white space, or holds "
                "a control character (a newline from a file or variable?)"
            )
        if not rest.startswith("/") or len(rest) < 2:
            shown = url_without_password(url)
            raise ConfigurationError(
                f"SQLite store URL {shown!r}: write sqlite:///relative.db or sqlite:////abs/path.db"
            )
        from .sqlite import SQLiteStore  # each store's module loads when its URL is used

        return SQLiteStore(path)
    if scheme in ("redis", "rediss", "unix"):
        from .redis import RedisStore

        return RedisStore(url)
    if scheme == "memory":
        if rest:
            shown = url_without_password(url)
            raise ConfigurationError(f"memory store URL {shown!r}: write memory://")
        from .memory import MemoryStore

        return MemoryStore()
    if scheme == "dynamodb":
        from ..dynamodb import dynamodb_store_from_url

        return dynamodb_store_from_url(url)
    # Only the scheme goes into the message: the rest of a URL may hold a password. And only
    # a scheme: with a slash missing (redis:/:secret@host…?x=http://…) it runs to a later '://'.
    if not _SCHEME.fullmatch(scheme):
        raise ConfigurationError(
            f"the store URL starts with what is not a URL scheme (a '/' missing?): {_STORE_URLS}"
        )
    raise ConfigurationError(f"unknown store URL scheme {shown_value(scheme)}: {_STORE_URLS}")


def store_given(store: Store | str) -> Store:
    """The store given to ``Skill(store=…)``: a store, or one opened from its URL.

    `ConfigurationError` for anything else, a store's class first: it has the methods, so it
    was taken for a store, and each load and the shutdown's close called them unbound.
    """
    if isinstance(store, _UrlFromEnv):
        return _open_from_env(store)
    if isinstance(store, str):
        return open_store(store)
    if isinstance(store, type):
        name = store.__name__
        raise ConfigurationError(
            f"the skill takes a store or a store URL, not the class {name}: give one, {name}(…)"
        )
    if not _is_store(store):
        lacking = _lacking(store)
        if lacking is not None:
            raise ConfigurationError(
                f"the skill's store {lacking}: a store has the methods load, update and aclose"
            )
        raise ConfigurationError(
            # The type only: a URL as bytes, say, would show its password.
            f"the skill takes a store or a store URL (sqlite:///skill.db), not "
            f"{type(store).__name__}: "
            "a store has the methods load, update and aclose"
        )
    return store


class _FromEnv:
    """The default of ``Skill(store=…)``, not given (None is refused, as an unset setting's
    value): `store_from_env`. Its repr is the default that ``help(Skill)``, an editor's hint
    and the API docs show, so it says where the store comes from, not ``<object …>``."""

    def __repr__(self) -> str:
        return f"ALEXASKILL_STORE or {DEFAULT_STORE!r}"


#: ``Skill(store=…)`` not given: `store_from_env`'s store (`_FromEnv`).
STORE_FROM_ENV: Final[Any] = _FromEnv()


class _UrlFromEnv(str):
    """A store URL read from ``ALEXASKILL_STORE`` (`store_url_from_env`): a str, which
    `store_given` refuses naming the variable, as `store_from_env` does. A mark on the value,
    not a check of the URL when the settings are read: that would open the store (import its
    client, make it) to find its faults, or say them twice; and a skill given the setting the
    README's way, ``Skill(…, store=settings.store)``, gets the same refusal as one given none.
    What is made from it (``settings.store + "?x"``, a `dataclasses.replace`) is a plain str."""

    __slots__ = ()


class _DefaultUrl(_UrlFromEnv):
    """`DEFAULT_STORE`, read for ``ALEXASKILL_STORE`` unset: its refusal says it is the
    default, not "ALEXASKILL_STORE: …", which sent its reader looking for a setting not made."""

    __slots__ = ()
    #: How the variable named no URL, in its refusal's words.
    variable_is = "unset"


class _BlankUrl(_DefaultUrl):
    """`DEFAULT_STORE`, read for ``ALEXASKILL_STORE`` set blank (``ALEXASKILL_STORE=`` in an env
    file): said so, not "unset", which sent its reader looking for no setting at all."""

    __slots__ = ()
    variable_is = "blank"


def store_url_from_env(environ: Mapping[str, str]) -> str:
    """``ALEXASKILL_STORE`` in ``environ``, without white space at its ends; `DEFAULT_STORE`
    when it is unset or blank (`alexaskill.settings_from_env`, `store_from_env`). A store made
    from it and refused is refused saying where the URL came from (`store_given`)."""
    given = environ.get("ALEXASKILL_STORE")
    url = "" if given is None else given.strip()
    if url:
        return _UrlFromEnv(url)
    return _DefaultUrl(DEFAULT_STORE) if given is None else _BlankUrl(DEFAULT_STORE)


def store_from_env() -> Store:
    """The store of a `Skill` given no ``store=``: the one ``ALEXASKILL_STORE`` names, as
    `alexaskill.settings_from_env` reads it, else `DEFAULT_STORE`. `ConfigurationError` saying
    where a URL refused came from (the variable, or the default): the skill's code names none."""
    return _open_from_env(store_url_from_env(os.environ))


def _open_from_env(url: str) -> Store:
    """`open_store` of a URL from ``ALEXASKILL_STORE``: its refusal names the variable, or says
    the URL is the default, the variable unset or blank (`_DefaultUrl`)."""
    try:
        return open_store(url)
    except ConfigurationError as exc:
        if isinstance(url, _DefaultUrl):
            where = f"the default store {DEFAULT_STORE!r} (ALEXASKILL_STORE is {url.variable_is})"
        else:
            where = "ALEXASKILL_STORE"
        raise ConfigurationError(f"{where}: {exc}") from None


def url_without_password(url: str) -> str:
    """``url`` with its password, in the user part or a ``…password=`` option, as ``***``: for
    showing a store URL (a repr, a log line). A ``dynamodb://`` URL's is the one of its
    ``endpoint_url`` option, percent-encoded or not; one without ``://``, or whose first
    ``://`` follows what is no scheme (``AKID:top://secret@host``), is read whole as what
    follows a scheme (``user:password@host``)."""
    import urllib.parse

    scheme, sep, rest = _scheme_split(url)
    if scheme.lower() == "dynamodb":
        table, question, query = rest.partition("?")
        query = re.sub(
            r"(?<![^?&;])(endpoint_url=)([^&;#]*)",
            lambda found: found[1] + url_without_password(urllib.parse.unquote(found[2])),
            query,
        )
        return f"{scheme}{sep}{_user_password_hidden(table)}{question}{query}"
    rest = _user_password_hidden(rest, bool(sep))
    # Any option named ...password (redis-py takes ssl_password, the TLS key's passphrase),
    # its name read as redis-py reads it, percent-decoded (ssl%5Fpassword is ssl_password).
    rest = re.sub(r"(?<=[?&;])([^=&;#]*)=[^&;#]*", _password_option_hidden, rest)
    return f"{scheme}{sep}{rest}"


def _scheme_split(url: str) -> tuple[str, str, str]:
    """``url``'s scheme, ``://`` and the rest; ``""``, ``""`` and ``url`` for a URL without a
    scheme (127.0.0.1:8000, user:password@host)."""
    scheme, sep, rest = url.partition("://")
    # What comes before a '://' is no scheme if a scheme cannot be written so: the '://' is a
    # password's (AKID:top://secret@host), or a later option's (redis:/:secret@host?x=http://y),
    # and the user part is found in the whole URL.
    if not sep or not _SCHEME.fullmatch(scheme):
        return "", "", url
    return scheme, sep, rest


def _password_option_hidden(option: re.Match[str]) -> str:
    """A URL's ``name=value`` option, its value as ``***`` if the name holds a secret."""
    import urllib.parse

    name = urllib.parse.unquote_plus(option[1])
    return f"{option[1]}=***" if _is_password_option(name) else option[0]


def _is_password_option(name: str) -> bool:
    """Whether the option ``name`` (of a store URL, or of the connection made from it) holds a
    secret: any name that ends in ``password``, in any case (redis-py's ``password``, and its
    ``ssl_password``, the TLS key's passphrase). What `url_without_password` hides in a URL,
    and `RedisStore` in Redis's error messages."""
    return name.lower().endswith("password")


#: The characters NFKC makes '@' or ':' (U+FF20 and U+FE6B, U+FF1A, U+FE55 and U+FE13: the
#: full-width and small forms), each to the ASCII one. urlsplit's NFKC check reads them so and
#: refuses the URL, whose words then show it: the user part they end is a password all the same.
_NFKC_SEPARATORS: Final = str.maketrans("\uff20\ufe6b\uff1a\ufe55\ufe13", "@@:::")


#: A URL scheme as RFC 3986 writes it (section 3.1): a letter, then letters, digits, '+', '-', '.'.
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


#: A host part (a URL's after its ``://``, up to a ``/``, ``?`` or ``#``) that is a host and
#: maybe a port, no user part: a bracketed address, or a name, then ``:`` and digits.
_HOST_AND_PORT: Final = re.compile(r"(?:\[[^\[\]@]*\]|[^\[\]:@]+)(?::[0-9]+)?")


def _password_at(rest: str, schemed: bool = True) -> tuple[int, int] | None:
    """Where the password of ``rest``'s user part (``rest``: a URL after its ``://``, or a URL
    without one, not ``schemed``) starts and ends, None for a URL without one."""
    # Found in a copy with NFKC's '@' and ':' made ASCII, one character for one: the places
    # are ``rest``'s, which is cut there as written.
    written = rest.translate(_NFKC_SEPARATORS)
    host_part = re.split(r"[/?#]", written, maxsplit=1)[0]
    # Not schemed, a '://' where the host part ends is a password's (AKID:p@ss://x@host,
    # `_scheme_split`): the host part is read after it, and an '@' before it ends no user part.
    after = 0
    if not schemed and host_part.endswith(":") and written.startswith("//", len(host_part)):
        after = len(host_part) + 2
        host_part = written[:after] + re.split(r"[/?#]", written[after:], maxsplit=1)[0]
    # (Without '://', a scheme mistyped may be what seems a host: redis//:secret@host. In
    # brackets, only an address is a host: [user]:12/34@h is a user part, as Python reads it.)
    if (
        schemed
        and "@" not in host_part
        and _HOST_AND_PORT.fullmatch(host_part)
        and not (":" in host_part and "@" in written and not _ip_literal(host_part))
    ):
        # A host and maybe a port, and no '@' after a port (http://h/a@b): no user part. A
        # name and a port, then an '@' (http://h:8000/a@b), is hidden up to the '@' below:
        # it reads as well as a user and a password of digits before an unencoded '/', '?'
        # or '#' (http://u:12/34@h), which no rule can tell apart, and a port and a path
        # hidden cost less than a password shown.
        return None
    # An '@' in the host part ends the user part; else the host part seems to end in a
    # password holding an unencoded '/', '?' or '#' (what follows its ':' is no port), which
    # is taken up to the last '@'.
    user, at, _ = (host_part if "@" in host_part[after:] else written).rpartition("@")
    name, colon, _ = user.partition(":")
    return (len(name) + 1, len(user)) if at and colon else None


def _ip_literal(host_part: str) -> bool:
    """Whether ``host_part`` (a URL's, up to a ``/``, ``?`` or ``#``) starts with an address in
    brackets, IPv6 (a zone after it too) or IPvFuture (RFC 3986, section 3.2.2): else what is
    in them is a name, a user's as well as a host's."""
    if not host_part.startswith("["):
        return False
    inside = host_part[1 : host_part.find("]")]
    if inside[:1] in ("v", "V"):
        return re.fullmatch(r"[vV][0-9A-Fa-f]+\.[^\[\]@]+", inside) is not None
    import ipaddress  # (here: only a host part in brackets pays its import)

    try:
        ipaddress.IPv6Address(inside)
    except ValueError:
        return False
    return True


def _user_password_hidden(rest: str, schemed: bool = True) -> str:
    """``rest`` (a URL after its ``://``, or one without, not ``schemed``) with the password
    of its user part as ``***``."""
    found = _password_at(rest, schemed)
    return rest if found is None else f"{rest[: found[0]]}***{rest[found[1] :]}"


def _passwords(url: str | None) -> tuple[str, ...]:
    """The password of ``url``'s user part, as written and percent-decoded (none: empty): to
    hide in other programs' words (botocore's) that repeat the URL."""
    import urllib.parse

    if not url:
        return ()
    _, sep, rest = _scheme_split(url)
    found = _password_at(rest, bool(sep))
    password = "" if found is None else rest[found[0] : found[1]]
    return tuple(sorted({password, urllib.parse.unquote(password)} - {""}, key=len, reverse=True))


_STORE_URLS: Final = (
    "use sqlite:///path.db, redis://host:port/db, dynamodb://TABLE?region=REGION or memory://"
)
