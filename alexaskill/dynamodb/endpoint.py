"""The endpoint URL of `DynamoDBStore`'s calls: whether botocore can use one, and where one a
client was made with came from (botocore's configuration, or the client's maker)."""

from __future__ import annotations

import os
import re
from typing import Any, Final

from ..exceptions import ConfigurationError
from ..store.url import url_without_password

__all__: list[str] = []

#: botocore's words for an endpoint URL it refuses as it makes a client (its
#: ``EndpointCreator.create_endpoint``, 1.34 to 1.44 alike), the URL as configured after them.
_INVALID: Final = "Invalid endpoint: "

#: The variables botocore takes an endpoint URL from, the first set first (its
#: ``ConfiguredEndpointProvider``), before the AWS profile's ``endpoint_url``.
_VARIABLES: Final = ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL")

#: A label of a host name: 1 to 63 letters, digits and inner hyphens (a region name is one).
_LABEL: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"

#: The host names botocore takes as it makes a client (its ``utils.is_valid_endpoint_url``,
#: 1.34 to 1.44 alike): labels joined by dots, one dot after them allowed, 255 characters at
#: most. Written here, not imported: botocore.utils costs ~70 ms of a cold start, which the
#: store's construction does not pay (botocore is imported at its first call).
#: tests/test_dynamodb_config.py holds the two to the same verdict, at the oldest botocore
#: pinned too. (botocore's own, a regex of ``\d`` and IGNORECASE, also takes a digit of
#: another script and the long s, U+017F: not ASCII, refused here.)
_HOST_NAME: Final = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?")

#: The longest host name botocore takes, in characters, a dot after it counted.
_MAX_HOST: Final = 255

#: An IPv6 address's zone botocore takes, after its ``%`` (its ``IPV6_ADDRZ_RE``, 1.34 to 1.44
#: alike): RFC 3986's unreserved characters. ipaddress takes any but ``%``; a ``%XX`` botocore
#: would take too is a second ``%``, refused by ipaddress (and urlsplit) already.
_ZONE: Final = re.compile(r"[A-Za-z0-9._!~-]+")


#: The characters botocore refuses anywhere in an endpoint URL (its ``UNSAFE_URL_CHARS``, 1.34
#: to 1.44 alike: urlsplit drops them). Other white space is refused only where it breaks the
#: host or the port; in a password or a path, botocore's calls go out with it.
_UNSAFE: Final = frozenset("\t\r\n")


def _usable(url: str) -> bool:
    """Whether botocore can use ``url`` for its calls: a host it takes (`_host_usable`), no
    tab or line break (`_UNSAFE`), no port past 65535 or not a number (else a ValueError out of
    every call, or out of the client's making)."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        # (.port checks the port: a ValueError)
        fine = host is not None and _host_usable(host) and (parts.port is None or parts.port >= 0)
    except ValueError:  # "Invalid IPv6 URL", "Port out of range 0-65535", a port not a number
        fine = False
    return fine and _UNSAFE.isdisjoint(url)


def _host_usable(host: str) -> bool:
    """Whether botocore takes ``host``, a URL's (``urlsplit``'s ``hostname``): a host name
    (`_HOST_NAME`), or an IPv6 address, its zone too (`_ZONE`), as botocore's other check has
    it (its ``is_valid_ipv6_endpoint_url``): '[fe80::1%25eth0]'."""
    if len(host) <= _MAX_HOST and _HOST_NAME.fullmatch(host):
        return True
    import ipaddress  # (here: only a host that is no name pays its import)

    try:
        zone = ipaddress.IPv6Address(host).scope_id
    except ValueError:
        return False
    return zone is None or _ZONE.fullmatch(zone) is not None


def _unusable(url: str, named: str) -> str:
    """The words for ``url``, which botocore cannot use, ``named`` as its option or source;
    without its password."""
    return (
        f"{named} {url_without_password(url)!r} is not a URL botocore can use: write "
        "http(s)://HOST[:PORT], e.g. http://127.0.0.1:8000"
    )


def _refused_url(words: str) -> str | None:
    """The URL of botocore's refusal of an endpoint (a ValueError's ``words``), None for other
    words: it repeats the URL whole, password and all."""
    before, found, url = words.partition(_INVALID)
    return url if found and not before else None


def _configured(session: Any) -> tuple[str, str] | None:
    """The endpoint URL botocore's ``session`` takes from its configuration for DynamoDB, and
    where it is (the words naming it), None for none. botocore's order (its
    ``ConfiguredEndpointProvider``, private, 1.34 to 1.44 alike), read through the session's
    public methods: the variables, then the profile's ``services`` section's ``dynamodb``,
    then the profile's own ``endpoint_url``; none if ``ignore_configured_endpoint_urls``."""
    try:
        if session.get_config_variable("ignore_configured_endpoint_urls"):
            return None
        found = [(os.environ.get(name), name) for name in _VARIABLES]
        profile = session.get_scoped_config()
        section = profile.get("services")
        services = session.full_config.get("services", {})
        service = services.get(section, {}).get("dynamodb", {})
        named = f"the AWS profile's [services {section}] dynamodb endpoint_url"
        found += [(service.get("endpoint_url"), named)]
        found += [(profile.get("endpoint_url"), "the AWS profile's endpoint_url")]
    except Exception:  # (a configuration botocore cannot read: its own error is said)
        return None
    return next(((url, named) for url, named in found if isinstance(url, str) and url), None)


def _configured_unusable(session: Any) -> str | None:
    """The endpoint URL botocore's ``session`` took from its configuration for DynamoDB
    (`_configured`), if botocore cannot use it, else None: for a ValueError out of the client's
    making whose words name no URL (urlsplit's "Invalid IPv6 URL"), or name it with its
    password (the netloc, in its NFKC refusal)."""
    found = _configured(session)
    return found[0] if found is not None and not _usable(found[0]) else None


def _source(url: str, session: Any) -> str:
    """Where botocore's ``session`` took ``url``, the endpoint the store's own client was made
    with (or it without its password), from: the variable set to it, else the AWS profile's
    ``endpoint_url``, its ``services`` section's if the configuration has it there
    (`_configured`: none if botocore is told to ignore them)."""
    found = _configured(session)
    if found is not None and url_without_password(found[0]) == url_without_password(url):
        return found[1]
    return "the AWS profile's endpoint_url"


def _client_source(url: str) -> str:
    """Where the endpoint a client given was made with, ``url`` (or it without its password),
    came from, as far as the client and the environment tell (read now: its maker may have set
    another since): its ``create_client(endpoint_url=…)`` or the variable botocore reads, the
    first set (`_VARIABLES`), if that is the same URL, else the client's own
    ``meta.endpoint_url``.

    Never one of the two alone: whether botocore read the variable for this client is its
    ``ignore_configured_endpoint_urls``, which its maker's session profile or ``Config`` may
    have set (over the variable, for a ``Config``), and the client keeps neither: not its
    session (nothing on it leads there), and its ``meta.config``, made afresh by botocore's
    ClientArgsCreator, 1.34 to 1.44 alike, has None there whatever the maker's ``Config``
    said. The environment's profile, read in their stead, named a client made on a session of
    another profile (``boto3.Session(profile_name=…)``) by the ``create_client`` it was given
    no endpoint in. So too no profile's ``endpoint_url`` is named: which profile is unknown."""
    value, name = next(((os.environ[n], n) for n in _VARIABLES if os.environ.get(n)), ("", ""))
    if value and url_without_password(value) == url_without_password(url):
        # Both named: botocore takes an endpoint_url= given over the variable and records
        # neither apart (ClientArgsCreator.compute_client_args, 1.34 to 1.44, merges them before
        # meta.endpoint_url, the endpoint rules' input and the Config; only its endpoint
        # discovery's handlers, private, are left out for an endpoint_url= given).
        return f"from its create_client(endpoint_url=…) or {name} (the same URL)"
    return "its meta.endpoint_url"


def _check_given_endpoint(url: str | None) -> None:
    """`ConfigurationError` for the endpoint a client given was made with, ``url`` (None: AWS's
    own), if botocore cannot use it: else every call failed with botocore's ValueError."""
    if url is not None and not _usable(url):
        raise ConfigurationError(f"DynamoDBStore: {_unusable(url, _client_endpoint_named(url))}")


def _client_endpoint_named(url: str) -> str:
    """The words naming ``url`` (or it without its password), the endpoint a client given was
    made with, and where it came from: its maker gave the store no ``endpoint_url``."""
    return f"the endpoint of the client given (client=), {_client_source(url)},"


def _endpoint(client: Any) -> str | None:
    """The endpoint URL a botocore ``client`` was made with (botocore's public
    ``meta.endpoint_url``): the one given or configured, else AWS's own for its region; None
    for a stand-in that has none. Its password, if any, is hidden from botocore's words
    whichever it is: AWS's has none."""
    endpoint = getattr(getattr(client, "meta", None), "endpoint_url", None)
    return endpoint if isinstance(endpoint, str) and endpoint else None


def _given(client: Any, endpoint: str) -> bool:
    """Whether ``endpoint``, ``client``'s (`_endpoint`), was given or configured
    (``endpoint_url=``, botocore's ``AWS_ENDPOINT_URL_DYNAMODB``), not AWS's own for its
    region: for the log lines to name it, where they name the region for AWS's."""
    # botocore says so publicly nowhere (1.34 to 1.44): ``meta.endpoint_url`` is either, and
    # which, its host cannot tell reliably (amazonaws.com, api.aws, China's and the isolated
    # partitions' domains, a VPC endpoint's). Its endpoint rules' input is read, privately,
    # for this alone: the URL and its password come from the public attribute above.
    builtins = getattr(getattr(client, "_ruleset_resolver", None), "_builtins", None)
    if isinstance(builtins, dict):
        return builtins.get("SDK::Endpoint") == endpoint
    # A botocore of another layout: AWS's own URL has no port or user part, a local server's
    # (DynamoDB Local, moto, LocalStack) a port.
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(endpoint)
        return parts.port is not None or "@" in parts.netloc
    except ValueError:  # a port not a number: no URL of AWS's
        return True
