"""`DynamoDBStore` never shows the password of an ``endpoint_url``
(``http://USER:PASSWORD@host``)."""

from __future__ import annotations

import logging
import os
import types
from pathlib import Path
from typing import Any

import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError, StoreError
from alexaskill.settings import Settings
from alexaskill.store import open_store
from alexaskill.store.url import url_without_password

from .moto_server import botocore_data_once  # noqa: F401
from .processes import free_port
from .store_shared import MOTO_TIMEOUT

pytestmark = [
    pytest.mark.usefixtures("aws_env", "botocore_data_once"),
    pytest.mark.oldest_dependencies,
]

SECRET = "s3cr%2Fet"  # percent-encoded in the URL; "s3cr/et" once decoded


def _shown(text: str) -> None:
    """Fail if ``text`` holds the password, as written or decoded."""
    assert "s3cr" not in text, text


def _all_said(exc: BaseException) -> str:
    """``exc``'s message and those of the exceptions it was raised from (a logged traceback)."""
    said: list[str] = []
    seen: BaseException | None = exc
    while seen is not None:
        said.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(said)


def test_the_repr_and_the_url_of_a_store_hide_the_password() -> None:
    # repr() showed endpoint_url as given: it is in the log line the app writes as it starts.
    store = DynamoDBStore("skill", endpoint_url=f"http://AKID:{SECRET}@127.0.0.1:8000")
    _shown(repr(store))
    assert "endpoint_url='http://AKID:***@127.0.0.1:8000'" in repr(store)
    url = f"dynamodb://skill?region=eu-west-1&endpoint_url=http://AKID:{SECRET}@127.0.0.1:8000"
    # The option's value is percent-decoded once: its '/' ends the host part, and botocore
    # could not use it (refused at start); encoded twice, the URL works.
    with pytest.raises(ConfigurationError, match="is not a URL botocore can use") as refused:
        open_store(url)
    _shown(str(refused.value))
    _shown(repr(open_store(url.replace("%2F", "%252F"))))
    for shown in (url, url.replace("://AKID", "%3A%2F%2FAKID").replace("@", "%40")):
        _shown(url_without_password(shown))
        _shown(repr(Settings(skill_ids=("x",), store=shown)))
        assert "region=eu-west-1" in url_without_password(shown)


@pytest.mark.parametrize(
    "url",
    [
        f"dynamodb://?endpoint_url=http://AKID:{SECRET}@127.0.0.1:8000",  # no table
        f"dynamodb://skill/x?endpoint_url=http://AKID:{SECRET}@127.0.0.1:8000",
        f"dynamodb://skill?endpoint_url=AKID:{SECRET}@127.0.0.1:8000",  # no http://
        f"dynamodb://skill?endpoint_url=http://AKID:{SECRET}@127.0.0.1:8000&x",  # not name=value
    ],
)
def test_a_store_url_refused_does_not_repeat_the_password(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        open_store(url)
    _shown(str(info.value))


@pytest.mark.anyio
async def test_a_store_error_does_not_repeat_the_password(dynamodb_endpoint: str) -> None:
    # The messages named the endpoint as given, and so did botocore's, in the error and in
    # the exception it was raised from (a traceback, if a skill logs one).
    port = free_port()  # nothing listens there now
    unreachable = DynamoDBStore(
        "skill", endpoint_url=f"http://AKID:{SECRET}@127.0.0.1:{port}", timeout=20
    )
    with pytest.raises(StoreError, match="cannot reach DynamoDB at") as info:
        await unreachable.load("user")
    _shown(_all_said(info.value))
    assert f"http://AKID:***@127.0.0.1:{port}" in str(info.value)
    await unreachable.aclose()

    with_password = dynamodb_endpoint.replace("http://", f"http://AKID:{SECRET}@")
    missing = DynamoDBStore("no-such-table", endpoint_url=with_password, timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError, match="does not exist") as info:
        await missing.load("user")
    _shown(_all_said(info.value))
    await missing.aclose()


@pytest.mark.parametrize("where", ["endpoint_url", "AWS_ENDPOINT_URL_DYNAMODB", "client"])
@pytest.mark.anyio
async def test_an_endpoint_whose_password_has_white_space_is_used(
    where: str, dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore refuses white space only in the host and the port (and a tab or a line break
    # anywhere): the store refused any, a URL botocore uses, at construction (endpoint_url=,
    # a client given) or at each call (botocore's configuration).
    endpoint = dynamodb_endpoint.replace("http://", "http://AKID:s3cr\u00a0e t@")
    client = None
    if where == "endpoint_url":
        store = DynamoDBStore("no-such-table", endpoint_url=endpoint, timeout=MOTO_TIMEOUT)
    elif where == "client":
        import botocore.session

        client = botocore.session.get_session().create_client(
            "dynamodb", region_name="us-east-1", endpoint_url=endpoint
        )
        store = DynamoDBStore("no-such-table", client=client, timeout=MOTO_TIMEOUT)
    else:
        monkeypatch.setenv(where, endpoint)
        store = DynamoDBStore("no-such-table", timeout=MOTO_TIMEOUT)
    try:
        with pytest.raises(StoreError, match="does not exist") as info:  # moto's answer
            await store.load("user")
    finally:
        await store.aclose()
        if client is not None:
            client.close()
    _shown(_all_said(info.value) + repr(store))


@pytest.mark.anyio
async def test_a_store_error_through_a_client_given_names_its_endpoint_not_its_password() -> None:
    # A client given made with an endpoint: the line said "region us-east-1", not where the
    # client looked, and repeated botocore's words, the password in them.
    import botocore.config
    import botocore.session

    port = free_port()  # nothing listens there now
    # One attempt: botocore 1.34's retries of a refused connection (its legacy mode, the
    # oldest dependencies' run) took 25 s, past the store's 20 s, which then said its timeout.
    once = botocore.config.Config(retries={"mode": "standard", "max_attempts": 1})
    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=f"http://AKID:{SECRET}@127.0.0.1:{port}",
        config=once,
    )
    try:
        store = DynamoDBStore("skill", client=client, timeout=20)
        with pytest.raises(StoreError, match="cannot reach DynamoDB at") as info:
            await store.load("user")
    finally:
        client.close()
    _shown(_all_said(info.value))
    assert f"cannot reach DynamoDB at http://AKID:***@127.0.0.1:{port} for GetItem" in str(
        info.value
    )


@pytest.mark.anyio
async def test_a_store_error_through_botocores_endpoint_setting_names_it_not_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The store's own client takes botocore's AWS_ENDPOINT_URL_DYNAMODB (as a client given
    # does): the line said "region us-east-1", not where the client looked, and repeated
    # botocore's words, the password in them, with a traceback of them chained.
    port = free_port()  # nothing listens there now
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://AKID:{SECRET}@127.0.0.1:{port}")
    store = DynamoDBStore("skill", timeout=20)
    with pytest.raises(StoreError, match="cannot reach DynamoDB at") as info:
        await store.load("user")
    await store.aclose()
    _shown(_all_said(info.value))
    assert f"cannot reach DynamoDB at http://AKID:***@127.0.0.1:{port} for GetItem" in str(
        info.value
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        f"http://AKID:{SECRET}@127.0.0.1:notaport",  # made into a client, refused at each call
        f"http://AKID:{SECRET}@",  # refused by botocore as it makes the client
        # A ValueError out of urlsplit as botocore makes the client, its words without the URL
        # (said as "making it failed (ValueError: Invalid IPv6 URL)", its traceback logged) or
        # with it, password and all (the netloc, in the NFKC one: a '#' written full-width).
        f"http://AKID:{SECRET}@[::1",
        f"http://AKID:{SECRET}\uff03@127.0.0.1:8000",
        f"http://AKID:{SECRET}\ufe6b127.0.0.1:8000",  # a small '@' (NFKC's '@'): not hidden
        "127.0.0.1:8000",  # no scheme, no password: said as written, not as '***'
    ],
)
@pytest.mark.anyio
async def test_a_malformed_endpoint_of_botocores_setting_is_refused_without_its_password(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Refused by botocore as it made the client, its words, the password in them, were the
    # store's error and its logged traceback; refused at each call, botocore's ValueError
    # came out of every load and save, a crash and not a StoreError.
    caplog.set_level(logging.INFO, logger="alexaskill")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    store = DynamoDBStore("skill", timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError, match="is not a URL botocore can use") as info:
        await store.load("user")
    await store.aclose()
    _shown(_all_said(info.value))
    _shown(caplog.text)
    assert "ValueError" not in caplog.text  # nor botocore's words, nor a traceback of them
    assert "AWS_ENDPOINT_URL_DYNAMODB" in str(info.value)
    assert url_without_password(endpoint) in str(info.value)
    if "AKID" not in endpoint:
        assert f"AWS_ENDPOINT_URL_DYNAMODB {endpoint!r} is not" in str(info.value)


_SERVICES = "services = local\n[services local]\ndynamodb =\n  endpoint_url = {url}\n"
_IN_SERVICES = "the AWS profile's [services local] dynamodb endpoint_url"


@pytest.mark.parametrize(
    ("profile", "named"),
    [
        ("endpoint_url = {url}\n", "the AWS profile's endpoint_url"),
        (_SERVICES, _IN_SERVICES),
        # Both: botocore takes the services section's (the profile's is fine, or malformed).
        ("endpoint_url = http://127.0.0.1:8000\n" + _SERVICES, _IN_SERVICES),
        ("endpoint_url = http://[::2\n" + _SERVICES, _IN_SERVICES),
    ],
)
@pytest.mark.anyio
async def test_a_malformed_endpoint_of_the_aws_profile_is_refused_in_the_stores_words(
    profile: str, named: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The profile's endpoint_url (in AWS_CONFIG_FILE, aws_env's file), made into a ValueError
    # without the URL by botocore: said as "making it failed (ValueError: Invalid IPv6 URL)".
    # Its services section's was said as "the AWS profile's endpoint_url", not found there.
    caplog.set_level(logging.INFO, logger="alexaskill")
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text(
        "[default]\n" + profile.format(url=f"http://AKID:{SECRET}@[::1"), encoding="utf-8"
    )
    store = DynamoDBStore("skill", timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError) as info:
        await store.load("user")
    await store.aclose()
    _shown(_all_said(info.value) + caplog.text)
    assert "ValueError" not in caplog.text
    said = str(info.value)
    assert said.startswith(f"DynamoDB table 'skill': {named}"), said
    assert said.endswith(
        " endpoint_url 'http://AKID:***@[::1' is not a URL botocore can use: write "
        "http(s)://HOST[:PORT], e.g. http://127.0.0.1:8000"
    ), said


@pytest.mark.anyio
async def test_an_endpoint_botocore_is_told_to_ignore_is_not_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: botocore calls AWS's own endpoint, and a ValueError
    # out of the client's making (a region botocore refuses, from the environment) is its own,
    # not the configured endpoint's, which the store must not blame.
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://AKID:{SECRET}@[::1")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "123")
    store = DynamoDBStore("skill", timeout=MOTO_TIMEOUT)
    with pytest.raises(StoreError, match="AWS_DEFAULT_REGION is '123', not a region") as info:
        await store.load("user")
    await store.aclose()
    _shown(_all_said(info.value))
    assert "AWS_ENDPOINT_URL" not in str(info.value)


def test_only_botocores_own_refusal_of_an_endpoint_is_read_for_its_url() -> None:
    # The words of botocore's create_endpoint start so; other words that hold them are not it.
    from alexaskill.dynamodb.endpoint import _refused_url

    assert _refused_url("Invalid endpoint: http://h:x") == "http://h:x"
    assert _refused_url("Provided region_name 'Invalid endpoint: x' is no region") is None
    assert _refused_url("Invalid IPv6 URL") is None


def test_a_client_given_with_a_malformed_endpoint_is_refused_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore makes the client, and refused each call with a ValueError, not a StoreError.
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://AKID:{SECRET}@127.0.0.1:notaport")
    said = _client_refused()
    assert "the client given (client=)" in said
    assert "AWS_ENDPOINT_URL_DYNAMODB" in said


def _client_refused(**made_with: Any) -> str:
    """What `DynamoDBStore` says refusing a client botocore made (``made_with`` its
    ``create_client``'s arguments) for its endpoint: checked to hide the password."""
    import botocore.session

    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", **made_with
    )
    return _refusal_of(client)


def _refusal_of(client: Any) -> str:
    """What `DynamoDBStore` says refusing ``client`` (a botocore client, closed after) for its
    endpoint: checked to hide the password."""
    try:
        with pytest.raises(ConfigurationError, match="is not a URL botocore can use") as info:
            DynamoDBStore("skill", client=client)
    finally:
        client.close()
    _shown(_all_said(info.value))
    return str(info.value)


_NOT_A_PORT = f"http://AKID:{SECRET}@127.0.0.1:notaport"
_IGNORE = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
_CREATE_CLIENT = "from its create_client(endpoint_url=…)"
_EITHER = f"{_CREATE_CLIENT} or AWS_ENDPOINT_URL (the same URL)"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        # botocore told to ignore the variables, as a rule: a Config of the client's own may
        # have told it otherwise, which the client does not keep (both named).
        (
            {"AWS_ENDPOINT_URL_DYNAMODB": _NOT_A_PORT, _IGNORE: "TRUE"},
            f"{_CREATE_CLIENT} or AWS_ENDPOINT_URL_DYNAMODB (the same URL)",
        ),
        # botocore reads the first variable set: a second one set to the URL is not its source.
        (
            {"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000", "AWS_ENDPOINT_URL": _NOT_A_PORT},
            "its meta.endpoint_url",
        ),
        # No variable: the client's endpoint, as the client has it (not a guess at its
        # create_client or "the AWS profile's endpoint_url", a profile the client may not use).
        ({}, "its meta.endpoint_url"),
        # The variable is the URL given to create_client too, which botocore puts first: the
        # client keeps no trace of which it was given, so both are named (it was said to come
        # from AWS_ENDPOINT_URL, which botocore did not read).
        ({"AWS_ENDPOINT_URL": _NOT_A_PORT}, _EITHER),
        ({"AWS_ENDPOINT_URL": _NOT_A_PORT, _IGNORE: "false"}, _EITHER),
    ],
)
def test_a_client_given_is_named_by_where_botocore_took_its_endpoint(
    variables: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    said = _client_refused(endpoint_url=_NOT_A_PORT)
    shown = "'http://AKID:***@127.0.0.1:notaport'"
    assert said.startswith(
        f"DynamoDBStore: the endpoint of the client given (client=), {named}, {shown} is not"
    ), said


@pytest.mark.parametrize(
    ("config", "variables"),
    [
        ("[default]\nignore_configured_endpoint_urls = true\n", {}),
        (
            "[default]\n[profile dev]\nignore_configured_endpoint_urls = TRUE\n",
            {"AWS_PROFILE": "dev"},
        ),
        ("[default]\nignore_configured_endpoint_urls = false\n", {_IGNORE: "True"}),
        # A file botocore cannot read.
        ("[default\nignore_configured_endpoint_urls = true\n", {}),
    ],
    ids=["default", "aws_profile", "variable_true", "unreadable"],
)
def test_a_client_given_is_named_alike_whatever_the_environment_tells_botocore_to_ignore(
    config: str, variables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment's ignore_configured_endpoint_urls (its variable, AWS_PROFILE's profile)
    # says nothing of a client made on a session of another profile, or with a Config of its
    # own, neither of which the client keeps: both sources named, and no botocore Session made
    # to read the environment's (one with its ~120 built-in handlers cost ~25 ms of CPU).
    import botocore.session

    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=_NOT_A_PORT
    )
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(config, encoding="utf-8")
    monkeypatch.setenv("AWS_ENDPOINT_URL", _NOT_A_PORT)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    made: list[object] = []
    monkeypatch.setattr(botocore.session.Session, "_register_builtin_handlers", made.append)
    monkeypatch.setattr(botocore.session.Session, "get_config_variable", made.append)
    said = _refusal_of(client)
    assert f"(client=), {_EITHER}, 'http://AKID:***@127.0.0.1:notaport' is not" in said
    assert made == []


_PROFILE_IGNORES = "[default]\nignore_configured_endpoint_urls = true\n[profile dev]\n"


@pytest.mark.parametrize("made", ["profile", "config"])
def test_a_client_with_a_profile_or_config_of_its_own_is_not_judged_by_the_environments(
    made: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment's ignore_configured_endpoint_urls was taken for the client's: botocore
    # read AWS_ENDPOINT_URL for a client made on a session of a profile that does not ignore
    # it (or with a Config(ignore_configured_endpoint_urls=False), over the variable), which
    # no create_client(endpoint_url=…) was given, and the words said that one alone. The
    # client keeps neither its profile nor that setting (botocore 1.34 to 1.44): both named.
    import botocore.session
    from botocore.config import Config

    Path(os.environ["AWS_CONFIG_FILE"]).write_text(_PROFILE_IGNORES, encoding="utf-8")
    monkeypatch.setenv("AWS_ENDPOINT_URL", _NOT_A_PORT)
    if made == "profile":
        session = botocore.session.Session(profile="dev")
        config = None
    else:
        monkeypatch.setenv(_IGNORE, "true")
        session = botocore.session.Session()
        config = Config(ignore_configured_endpoint_urls=False)
    client = session.create_client("dynamodb", region_name="us-east-1", config=config)
    assert client.meta.endpoint_url == _NOT_A_PORT  # (botocore read the variable)
    said = _refusal_of(client)
    assert f"(client=), {_EITHER}, 'http://AKID:***@127.0.0.1:notaport'" in said


class _ClientOfAnotherLayout:
    """A DynamoDB client with botocore's public ``meta.endpoint_url`` and none of its private
    attributes (a botocore whose layout changed): every call refused as unreachable."""

    def __init__(self, endpoint: str) -> None:
        self.meta = types.SimpleNamespace(endpoint_url=endpoint, region_name="us-east-1")

    def get_item(self, **params: Any) -> dict[str, Any]:
        import botocore.exceptions

        raise botocore.exceptions.EndpointConnectionError(endpoint_url=self.meta.endpoint_url)

    update_item = get_item


@pytest.mark.parametrize(
    "endpoint",
    [
        f"http://AKID:{SECRET}@127.0.0.1:8000",
        # Either is no URL of AWS's own: said as given, not as the region.
        f"http://AKID:{SECRET}@dynamodb.internal",
        "http://127.0.0.1:8000",
    ],
)
@pytest.mark.anyio
async def test_the_password_of_a_client_given_is_hidden_whatever_botocores_private_layout(
    endpoint: str,
) -> None:
    # The endpoint (and its password) was read from botocore's private rule-set resolver only:
    # a client without it, botocore's words named the endpoint, password and all. (The
    # stand-in connects nowhere.)
    store = DynamoDBStore("skill", client=_ClientOfAnotherLayout(endpoint))
    with pytest.raises(StoreError, match="cannot reach DynamoDB at") as info:
        await store.load("user")
    _shown(_all_said(info.value))
    assert f"cannot reach DynamoDB at {url_without_password(endpoint)} for GetItem" in str(
        info.value
    )
    # AWS's own endpoint (no port, no user part) is said as the region, as botocore's is.
    aws = DynamoDBStore(
        "skill", client=_ClientOfAnotherLayout("https://dynamodb.us-east-1.amazonaws.com")
    )
    with pytest.raises(StoreError, match="cannot reach DynamoDB at region us-east-1 for GetItem"):
        await aws.load("user")
