"""alexaskill.proxies: uvicorn's list of trusted proxies (``FORWARDED_ALLOW_IPS``), checked."""

from __future__ import annotations

import logging

import pytest

from alexaskill import ConfigurationError, settings_from_env


@pytest.mark.parametrize(
    ("value", "everyone"),
    [
        ("127.0.0.1,::1", False),  # uvicorn's own default
        (" 10.0.0.5 , 10.1.0.0/16 ", False),
        ("fd00::/8,192.168.0.0/16", False),
        ("10.0.0.5,", False),  # an empty entry matches no address: harmless
        ("", False),  # no proxy trusted at all
        ("/run/proxy.sock,unix:/run/other.sock", False),  # uvicorn's literals for Unix sockets
        ("*", True),
        (" * ", True),
    ],
)
def test_forwarded_allow_ips_uvicorn_reads_as_meant_pass(value: str, everyone: bool) -> None:
    from alexaskill.proxies import check_forwarded_allow_ips

    assert check_forwarded_allow_ips(value) is everyone


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("10.0.0.0/33", "'10.0.0.0/33' is not an IP network"),
        (
            "10.0.0.1/8",
            "'10.0.0.1/8' is not an IP network (10.0.0.1/8 has host bits set): 10.0.0.0/8?",
        ),
        ("localhost,", "'localhost' is not an IP address"),
        ("proxy.internal", "'proxy.internal' is not an IP address"),
        ("[::1]", "'[::1]' is not an IP address"),
        ("10.0.0.1 10.0.0.2", "'10.0.0.1 10.0.0.2' is not an IP address"),
        ("*,10.0.0.5", "'*' trusts every address only on its own"),
    ],
)
def test_forwarded_allow_ips_typos_are_refused(value: str, said: str) -> None:
    # uvicorn takes any entry it cannot read for a name to compare the client's address with,
    # silently: each of these trusted no proxy at all (the '*' one: only 10.0.0.5).
    from alexaskill.proxies import check_forwarded_allow_ips

    with pytest.raises(ConfigurationError) as raised:
        check_forwarded_allow_ips(value, source="--forwarded-allow-ips")
    message = str(raised.value)
    assert message.startswith(f"--forwarded-allow-ips {value!r}: "), message
    assert said in message, message


def test_settings_from_env_checks_forwarded_allow_ips() -> None:
    # What the Docker image's uvicorn reads: a typo there now stops the app at start, in one line.
    with pytest.raises(ConfigurationError, match=r"^FORWARDED_ALLOW_IPS='10.0.0.0/33': "):
        settings_from_env({"FORWARDED_ALLOW_IPS": "10.0.0.0/33"})
    settings_from_env({"FORWARDED_ALLOW_IPS": "10.0.0.0/8"})
    settings_from_env({"FORWARDED_ALLOW_IPS": "*"})  # allowed; said when the server starts


def test_trusting_every_address_is_said_once_on_the_security_logger(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill import proxies

    monkeypatch.setattr(proxies, "_said_trusting_everyone", False)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        proxies.say_trusting_everyone("FORWARDED_ALLOW_IPS")
        proxies.say_trusting_everyone("--forwarded-allow-ips")
    [record] = caplog.records
    assert (record.name, record.levelno) == ("alexaskill.security", logging.WARNING)
    assert record.getMessage().startswith("FORWARDED_ALLOW_IPS='*': X-Forwarded-For")
