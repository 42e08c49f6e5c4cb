"""DynamoDBStore's configuration: its URL and options, each refused at start if unusable, and
botocore loaded on first use only (test_dynamodb.py has the layout, and names the file of each
other concern: errors, retries, the table's making, a save's UpdateItem, ...).
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any
from urllib.parse import urlencode

import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError
from alexaskill.store import open_store
from alexaskill.testing import DEFAULT_SKILL_ID

from .dynamodb_shared import ROOT, event_dict, new_table
from .fake_dynamodb import RecordingClient
from .store_shared import MOTO_TIMEOUT

pytestmark = pytest.mark.oldest_dependencies


def test_open_store_reads_every_option() -> None:
    store = open_store(
        "dynamodb://my-skill.attributes?region=eu-west-1&endpoint_url=http://127.0.0.1:8000"
        "&partition_key_name=pk&attribute_name=data&create_table=true&timeout=1.5"
    )
    assert isinstance(store, DynamoDBStore)
    assert (store.table, store.region, store.endpoint_url) == (
        "my-skill.attributes",
        "eu-west-1",
        "http://127.0.0.1:8000",
    )
    assert (store.partition_key_name, store.attribute_name) == ("pk", "data")
    assert store.create_table is True and store.timeout == 1.5
    plain = open_store("dynamodb://skill")
    assert isinstance(plain, DynamoDBStore)
    assert (plain.partition_key_name, plain.attribute_name) == ("id", "attributes")
    assert plain.create_table is False and plain.region is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("dynamodb://", "write dynamodb://TABLE"),
        ("dynamodb://a/b", "write dynamodb://TABLE"),
        ("dynamodb://ab", "not a DynamoDB table name"),
        ("dynamodb://bad$name", "not a DynamoDB table name"),
        ("dynamodb://skill?regoin=us-east-1", "unknown option 'regoin'"),
        ("dynamodb://skill?region=a&region=b", "given twice"),
        ("dynamodb://skill?region=", "has no value"),
        ("dynamodb://skill?create_table=maybe", "not true or false"),
        ("dynamodb://skill?timeout=0", "not a number of seconds"),
        ("dynamodb://skill?timeout=soon", "not a number of seconds"),
        ("dynamodb://skill?endpoint_url=127.0.0.1:8000", "must start with http"),
        ("dynamodb://skill?attribute_name=id", "two non-empty names"),
    ],
)
def test_bad_urls_are_configuration_errors(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_store(url)


def test_without_botocore_the_store_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "botocore" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ConfigurationError, match=r"pip install 'alexaskill\[dynamodb\]'"):
        open_store("dynamodb://skill?region=us-east-1")


_LAZY = """
import sys
from alexaskill import Attributes, Skill, speak

# No deadline: a first invocation that imports botocore and creates the table took over the
# default 7 s on a loaded machine, answered "taking longer" without saving (as it should), and
# the next one said "Visit 1.". A timeout of store_shared.MOTO_TIMEOUT, not 3 s: moto can be
# that slow to answer then.
skill = Skill(
    "{skill_id}",
    store="dynamodb://{table}?endpoint_url={endpoint}&create_table=true&timeout={timeout:g}",
    deadline=None,
)

@skill.intent("GetWeather")
def weather(attributes: Attributes):
    attributes["n"] = attributes.get("n", 0) + 1
    return speak(f"Visit {{attributes['n']}}.")

@skill.launch
def launch():
    return speak("Hello.")

handler = skill.lambda_handler
event = {event}
assert "botocore" not in sys.modules, "imported with the skill"
launch = dict(event, request=dict(event["request"], type="LaunchRequest"))
launch["request"].pop("intent")
handler(launch, None)
assert "botocore" not in sys.modules, "imported for a handler that uses no attributes"
answers = [handler(event, None) for _ in range(2)]
assert "botocore" in sys.modules
print(*(answer["response"]["outputSpeech"]["text"] for answer in answers), sep="|")
"""


def test_botocore_loads_on_first_use_only_and_lambda_keeps_attributes(
    dynamodb_endpoint: str,
) -> None:
    program = _LAZY.format(
        skill_id=DEFAULT_SKILL_ID,  # the id of the sample event it is sent
        table=new_table(),
        endpoint=dynamodb_endpoint,
        timeout=MOTO_TIMEOUT,
        event=repr(event_dict()),
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Visit 1.|Visit 2.", result.stderr


@pytest.mark.parametrize("timeout", [float("inf"), 1e308, 86401, "3", True, float("nan"), 0])
def test_a_timeout_botocore_cannot_keep_is_refused(timeout: Any) -> None:
    # inf and 1e308 were taken (the URL refused inf only), and every call then failed with
    # botocore's "timestamp out of range for platform time_t"; "3" raised a bare TypeError,
    # and True was taken as 1 s.
    with pytest.raises(ConfigurationError, match="DynamoDBStore: timeout") as refused:
        DynamoDBStore("skill", region="us-east-1", timeout=timeout)
    if not isinstance(timeout, str | bool):  # (a number: the bound said, 86400 before)
        assert "at most 86,400 s (a day)" in str(refused.value), refused.value
    if isinstance(timeout, float) and timeout > 0:
        with pytest.raises(ConfigurationError, match="timeout"):
            open_store(f"dynamodb://skill?region=us-east-1&timeout={timeout!r}")
    assert DynamoDBStore("skill", region="us-east-1", timeout=86400).timeout == 86400


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("partition_key_name", 5),
        ("attribute_name", b"attributes"),
        ("region", 5),
        ("endpoint_url", 8000),
        ("create_table", "yes"),
    ],
)
def test_an_option_of_the_wrong_type_is_refused_at_construction(option: str, value: object) -> None:
    # Taken: every call then failed on botocore's parameter check (endpoint_url: an
    # AttributeError out of the constructor instead of the ConfigurationError).
    options: dict[str, Any] = {option: value}
    with pytest.raises(ConfigurationError, match=f"DynamoDBStore: {option} must be .*not"):
        DynamoDBStore("skill-table", client=object(), **options)


@pytest.mark.parametrize(
    "region", ["us east", "", "us-east-1 ", "-us-east-1", "eu_west_1", "123", "0"]
)
def test_a_region_botocore_refuses_is_refused_at_construction(region: str) -> None:
    # Taken: every load and save then failed with botocore's InvalidRegionError (a StoreError
    # each request), the skill having started fine. All digits too: a host label, refused by
    # botocore's validate_region_name (1.34 to 1.44), where one with a letter is taken.
    with pytest.raises(ConfigurationError, match="is not an AWS region name"):
        DynamoDBStore("skill-table", region=region)
    for fine in ("us-east-1", "1a", "a1"):
        assert DynamoDBStore("skill-table", region=fine).region == fine


@pytest.mark.parametrize("option", ["region", "table"])
def test_a_long_region_or_table_name_refused_is_shown_cut(option: str) -> None:
    # Quoted whole: a region (or table name) of 5,000 characters made a message as long.
    name = "us-" + "x" * 4_990 + "-east!"
    table, region = (name, None) if option == "table" else ("skill-table", name)
    with pytest.raises(ConfigurationError) as caught:
        DynamoDBStore(table, region=region)
    said = str(caught.value)
    assert "'us-xxx" in said and "xx-east!' (4,999 characters)" in said and "…" in said, said
    assert len(said) < 300, said


@pytest.mark.parametrize("region", ["123", "0", "1a", "a1", "us-east-1", "-1", "1-"])
def test_the_stores_check_of_a_region_is_botocores(region: str) -> None:
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name

    try:
        validate_region_name(region)
        takes = True
    except InvalidRegionError:
        takes = False
    try:
        DynamoDBStore("skill-table", region=region)
        taken = True
    except ConfigurationError:
        taken = False
    assert taken is takes


def test_a_store_url_region_botocore_refuses_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="is not an AWS region name"):
        open_store("dynamodb://skill-table?region=us%20east")


class _TableLike:
    """Shaped as boto3's ``Table`` (and its service resource): item methods without
    ``TableName``, and a ``meta`` that holds the client."""

    class meta:  # (boto3's attribute name)
        client = RecordingClient()

    def get_item(self, **params: Any) -> dict[str, Any]:
        raise AssertionError("not to be called")

    def update_item(self, **params: Any) -> dict[str, Any]:
        raise AssertionError("not to be called")


def test_a_client_that_is_not_a_dynamodb_client_is_refused_at_construction() -> None:
    # Taken: every load and save then failed with an AttributeError (or botocore's parameter
    # check, for a boto3 Table), not at start. The message names the type, never the value.
    with pytest.raises(ConfigurationError, match=r"boto3 resource \(_TableLike\).*meta\.client"):
        DynamoDBStore("skill", client=_TableLike())
    with pytest.raises(ConfigurationError, match=r"a str has no get_item, update_item$") as caught:
        DynamoDBStore("skill", client="SECRET-KEY")
    assert "SECRET" not in str(caught.value)
    # The type with its article ("a object has no" was said).
    with pytest.raises(ConfigurationError, match=r"; an object has no get_item, update_item$"):
        DynamoDBStore("skill", client=object())
    with pytest.raises(ConfigurationError, match=r"has no describe_table, create_table$"):
        DynamoDBStore("skill", client=RecordingClient(), create_table=True)
    DynamoDBStore("skill", client=RecordingClient())  # a stand-in with what is called is fine


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"region": "eu-west-1"}, "region="),
        ({"endpoint_url": "http://u:s3cret@127.0.0.1:8000"}, "endpoint_url="),
        (
            {"region": "eu-west-1", "endpoint_url": "http://127.0.0.1:8000"},
            "region= and endpoint_url=",
        ),
    ],
)
def test_a_region_or_endpoint_url_with_a_client_given_is_refused_at_construction(
    options: dict[str, Any], named: str
) -> None:
    # Taken without a word: the client given makes every call in its own region, at its own
    # endpoint, so the store looked in the client's while its log lines named the store's.
    with pytest.raises(ConfigurationError) as caught:
        DynamoDBStore("skill", client=RecordingClient(), **options)
    said = str(caught.value)
    assert f"DynamoDBStore: {named} not used with client=" in said, said
    assert "region_name=" in said and "s3cret" not in said


@pytest.mark.parametrize(
    "endpoint_url",
    [
        "http://[::1",
        "http://",
        "http://host:99999",
        "http://ho st",
        "http://127.0.0.1:8000/a\tb",  # a tab or a line break anywhere: botocore's refusal
        "https://:s3cret@[::1:8000",
        # A host botocore refuses as it makes the client: taken, refused at the first call.
        "http://AKID:s3cret@ho_st:8000",
        "http://-host:8000",
        "http://a..b:8000",
        # An IPv6 zone of a character botocore's pattern refuses (not RFC 3986's unreserved).
        "http://AKID:s3cret@[fe80::1%25eth0+]:8000",
        # A full-width '@' or ':' (NFKC's '@', ':'), which urlsplit refuses: the password shown.
        "http://AKID:s3cret\uff20127.0.0.1:8000",
        "http://AKID\uff1as3cret@127.0.0.1:8000",
    ],
)
def test_an_endpoint_url_botocore_cannot_use_is_refused_at_construction(
    endpoint_url: str,
) -> None:
    # Taken: every load and save then raised botocore's ValueError ("Invalid IPv6 URL",
    # "Invalid endpoint", "Port out of range"), no StoreError, the skill having started fine;
    # or its first said the URL refused, a mistake found only once a request came.
    with pytest.raises(ConfigurationError, match="is not a URL botocore can use") as caught:
        DynamoDBStore("skill-table", region="us-east-1", endpoint_url=endpoint_url)
    assert "s3cret" not in str(caught.value)
    with pytest.raises(ConfigurationError, match="is not a URL botocore can use"):
        open_store(f"dynamodb://skill-table?region=us-east-1&endpoint_url={endpoint_url}")
    for fine in (
        "http://127.0.0.1:8000",
        "https://dynamodb.eu-west-1.amazonaws.com",
        # A scheme in capitals: botocore (urlsplit) reads it in any case.
        "HTTP://127.0.0.1:8000",
        "Https://dynamodb.eu-west-1.amazonaws.com",
        "http://[::1]",
        "http://[fe80::1%25en_0.~!-]:8000",
        "http://127.0.0.1:8000/a b",  # white space out of the host and port: botocore's fine
    ):
        DynamoDBStore("skill-table", region="us-east-1", endpoint_url=fine)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "999.1.1.1",
        "localhost",
        "dynamodb.eu-west-1.amazonaws.com",
        "Host-1.EXAMPLE",
        "host.",
        "host..",
        ".host",
        "ho_st",
        "-host",
        "host-",
        "a..b",
        "a" * 63,
        "a" * 64,
        ".".join(["a" * 63] * 4),  # 255 characters
        ".".join(["a" * 63] * 4) + "a",
        ".".join(["a" * 63] * 4) + ".",
        "xn--mlaut-jva.de",
        "ümlaut.de",
        "h%41",
        "h*",
        "[::1]",
        "[fe80::1%25eth0]",
        "[fe80::1%eth0]",
        "[fe80::1%25en_0.~!-]",
        "[fe80::1%25]",
        "[fe80::1%]",
        # A zone of other characters: ipaddress takes them, botocore refuses them.
        "[fe80::1%25eth0+]",
        "[fe80::1%(x)]",
        "[fe80::1%25,]",
        "[fe80::1%25eth%30]",
        "[::ffff:1.2.3.4]",
        "[1:2:3:4:5:6:7:8]",
        "[1:2:3:4:5:6:7:8:9]",
        "[v1.x]",
        "[::g]",
    ],
)
def test_the_stores_check_of_a_host_is_botocores(host: str) -> None:
    # The store's own rule, written for construction not to import botocore, took hosts
    # botocore refuses as it makes a client (an underscore): the same verdict, at the oldest
    # botocore pinned too (oldest_dependencies).
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    from alexaskill.dynamodb.endpoint import _usable

    url = f"http://{host}:8000"
    try:
        takes = bool(is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url))
    except ValueError:  # urlsplit's, out of botocore's check: "Invalid IPv6 URL"
        takes = False
    assert _usable(url) is takes


@pytest.mark.parametrize("missing", ["jmespath", "dateutil", "urllib3"])
def test_botocore_without_its_dependencies_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    # botocore installed alone (``pip install --no-deps``, a layer that vendors it): the store
    # was made, and every first request failed with a ModuleNotFoundError, a handler error.
    import importlib.util

    from alexaskill.dynamodb import DynamoDBStore

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == missing else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    expected = rf"{missing}.*pip install 'alexaskill\[dynamodb\]'"
    with pytest.raises(ConfigurationError, match=expected):
        open_store("dynamodb://skill?region=us-east-1")
    with pytest.raises(ConfigurationError, match=expected):
        DynamoDBStore("skill", region="us-east-1")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"attribute_name": ""}, "partition_key_name and attribute_name must be two non-empty"),
        ({"attribute_name": "id"}, "partition_key_name and attribute_name must be two non-empty"),
        ({"attribute_name": "a" * 65_536}, r"attribute_name .*65,536 bytes.* 64 KB"),
        ({"attribute_name": "é" * 32_768}, r"attribute_name .*65,536 bytes.* 64 KB"),
        ({"attribute_name": "data\ud800"}, r"attribute_name .*half a surrogate pair"),
        ({"partition_key_name": "k" * 256}, r"partition_key_name .*256 characters.* 255"),
        ({"partition_key_name": "\udc00"}, r"partition_key_name .*half a surrogate pair"),
    ],
)
def test_a_column_name_dynamodb_refuses_is_refused_at_construction(
    options: dict[str, Any], said: str
) -> None:
    # An attribute name of 64 KB or more, or one holding half a surrogate pair (no UTF-8), was
    # taken: the first load or save then failed, as a StoreError quoting DynamoDB's validation
    # or a UnicodeEncodeError out of botocore; so was a key name past DynamoDB's 255 characters,
    # refused at the table's creation. The longest each takes is taken.
    with pytest.raises(ConfigurationError, match=f"^DynamoDBStore: {said}"):
        DynamoDBStore("skill-table", client=RecordingClient(), **options)
    (value,) = options.values()
    if value and (value.isascii() or "é" in value):  # (no URL holds "", nor a surrogate)
        with pytest.raises(ConfigurationError, match=said):
            open_store(f"dynamodb://skill-table?region=us-east-1&{urlencode(options)}")
    longest = DynamoDBStore(
        "skill-table",
        client=RecordingClient(),
        partition_key_name="k" * 255,
        attribute_name="é" * 32_767 + "a",
    )
    assert len(longest.attribute_name.encode()) == 65_535
