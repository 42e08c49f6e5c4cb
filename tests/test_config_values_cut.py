"""Values from the environment or a skill's configuration (a skill id, a log level, a trusted
proxy list, a DynamoDB store's URL) as their refusals quote them: cut as
alexaskill/shown_names.py cuts a long value. A value of 100,000 characters (an environment
variable holds that much) made a message as long, some of them twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alexaskill.dynamodb.url import dynamodb_store_from_url
from alexaskill.exceptions import ConfigurationError
from alexaskill.logs import _level
from alexaskill.proxies import check_forwarded_allow_ips
from alexaskill.settings import settings_from_env
from alexaskill.skill_id_env import skill_ids_from_env
from alexaskill.skill_ids_given import skill_ids

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 100_000 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _refusal(call: Callable[[], object]) -> str:
    with pytest.raises(ConfigurationError) as raised:
        call()
    return str(raised.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: skill_ids("amzn1 " + LONG),  # a space: no id
        lambda: skill_ids("amzn1.ask.skill.a-b-c-d-" + LONG),  # no UUID
        lambda: skill_ids("amzn1" + LONG),  # not amzn1.
        lambda: skill_ids_from_env(" ," * 50_000 + " " + LONG.replace("x", " ")[:-3]),
        lambda: settings_from_env({"ALEXASKILL_LOG_JSON": LONG}),
        lambda: settings_from_env({"ALEXASKILL_LOG_LEVEL": LONG}),
        lambda: _level(LONG),
        lambda: _level("1" * 5000),  # past 4,300 digits: int() refused it (ValueError)
        lambda: _level("²"),  # a digit to isdigit(), none to int() (ValueError)
        lambda: check_forwarded_allow_ips(LONG + "*"),
        lambda: check_forwarded_allow_ips("10.0.0.0/" + LONG),
        lambda: check_forwarded_allow_ips(LONG),
        lambda: check_forwarded_allow_ips([LONG], source="--forwarded-allow-ips"),
        lambda: dynamodb_store_from_url("dynamodb://" + LONG + "/"),
        lambda: dynamodb_store_from_url("dynamodb://" + LONG + "@"),
        lambda: dynamodb_store_from_url("dynamodb://t?" + LONG + "=1"),
        lambda: dynamodb_store_from_url("dynamodb://t?create_table=" + LONG),
        lambda: dynamodb_store_from_url("dynamodb://t?timeout=" + LONG),
    ],
    ids=[
        "skill-id-space",
        "skill-id-uuid",
        "skill-id-prefix",
        "env-skill-id-blank",
        "log-json",
        "env-log-level",
        "log-level",
        "log-level-digits",
        "log-level-superscript",
        "proxy-wildcard",
        "proxy-network",
        "proxy-address",
        "proxy-option-list",
        "dynamodb-table",
        "dynamodb-user",
        "dynamodb-option",
        "dynamodb-boolean",
        "dynamodb-timeout",
    ],
)
def test_a_long_configured_value_is_quoted_cut(call: Callable[[], object]) -> None:
    message = _refusal(call)
    assert len(message) < BOUND, message[:300]


@pytest.mark.parametrize(
    "call",
    [
        lambda: skill_ids("amzn1 " + LONG),
        lambda: settings_from_env({"ALEXASKILL_LOG_JSON": LONG}),
        lambda: _level(LONG),
        lambda: check_forwarded_allow_ips(LONG),
        lambda: dynamodb_store_from_url("dynamodb://t?timeout=" + LONG),
    ],
    ids=["skill-id", "log-json", "log-level", "proxy", "dynamodb"],
)
def test_the_cut_value_s_head_is_said(call: Callable[[], object]) -> None:
    assert "x" * 60 in _refusal(call)


#: An int whose repr Python refuses (past 4,300 digits).
HUGE = 10**5_000


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timestamp_tolerance", -HUGE),
        ("cache_size", -HUGE),
        ("max_chain_size", -HUGE),
        ("max_downloads", -HUGE),
        ("max_queued_downloads", -HUGE),
        ("download_timeout", -HUGE),
        ("failure_ttl", -HUGE),
        ("failure_cache_size", -HUGE),
        ("max_new_urls", -HUGE),
        ("new_url_interval", -HUGE),
        ("max_downloads", [LONG]),
        ("allow_sha1", LONG),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "value",
)
def test_a_verifier_option_refused_is_quoted_cut_in_its_words(option: str, value: object) -> None:
    # An int past 4,300 digits raised repr()'s ValueError ("Exceeds the limit") in place of
    # the refusal; a long value was quoted whole.
    from alexaskill.verify import Verifier

    message = _refusal(lambda: Verifier(**{option: value}))  # type: ignore[arg-type]
    assert f"{option} must be" in message, message[:300]
    assert len(message) < BOUND, message[:300]
