"""DynamoDBStore and botocore's configuration files: one it cannot parse, a profile in neither,
each said with the file or variable and what to do (the region botocore refuses:
tests/test_dynamodb_errors.py). botocore reads them as it makes the client: nothing is sent,
yet the store points at moto's server, where a client made would be answered."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError

from .dynamodb_shared import USER
from .moto_server import botocore_data_once  # noqa: F401
from .store_shared import MOTO_TIMEOUT

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]

_FIX_CONFIG = (
    "correct it (a [default] or [profile name] line, then that profile's key = value lines), "
    "or set AWS_CONFIG_FILE to another file"
)
_FIX_CREDENTIALS = (
    "correct it (a [default] or [name] line, then that profile's key = value lines), "
    "or set AWS_SHARED_CREDENTIALS_FILE to another file"
)


async def _refusal(endpoint: str) -> str:
    store = DynamoDBStore("skill", endpoint_url=endpoint, timeout=MOTO_TIMEOUT)
    async with contextlib.aclosing(store):
        with pytest.raises(StoreError) as info:
            await store.load(USER)
    return str(info.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variable", "text", "line"),
    [
        ("AWS_CONFIG_FILE", "region = us-east-1\n", 1),  # no section
        ("AWS_CONFIG_FILE", "[default]\nregion = us-east-1\nnot a setting\n", 3),
        ("AWS_SHARED_CREDENTIALS_FILE", "[default\naws_access_key_id = x\n", 1),
    ],
    ids=["config", "config-line-3", "credentials"],
)
async def test_a_file_botocore_cannot_parse_is_said_with_its_variable_and_the_fix(
    variable: str,
    text: str,
    line: int,
    dynamodb_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # It said "GetItem failed (ConfigParseError: Unable to parse config file: …)": not which
    # of botocore's files it was, where it was named, nor what to do.
    broken = tmp_path / "broken"
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setenv(variable, str(broken))
    said = await _refusal(dynamodb_endpoint)
    if variable == "AWS_CONFIG_FILE":
        named, fix = f"the AWS config file ({variable})", _FIX_CONFIG
    else:
        named, fix = f"the AWS credentials file ({variable})", _FIX_CREDENTIALS
    assert said == (
        f"DynamoDB table 'skill': botocore cannot parse {named} for GetItem (Unable to parse "
        f"config file: {broken}; line {line}): {fix}"
    )


@pytest.mark.anyio
async def test_a_file_in_its_default_place_is_said_as_there_and_the_variable_unset(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_CONFIG_FILE")
    monkeypatch.setenv("HOME", str(tmp_path))
    broken = tmp_path / ".aws" / "config"
    broken.parent.mkdir()
    # (A line botocore's parser cannot place: none of it is shown, a secret's value may be one.)
    broken.write_text("[default]\n=secret-value\n", encoding="utf-8")
    said = await _refusal(dynamodb_endpoint)
    assert said == (
        "DynamoDB table 'skill': botocore cannot parse the AWS config file (~/.aws/config, "
        f"AWS_CONFIG_FILE unset) for GetItem (Unable to parse config file: {broken}; line 2): "
        f"{_FIX_CONFIG}"
    )
    assert "secret-value" not in said


@pytest.mark.anyio
@pytest.mark.parametrize("variable", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
async def test_a_profile_in_no_file_is_said_with_its_variable_and_the_files_looked_in(
    variable: str, dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # It said "GetItem failed (ProfileNotFound: The config profile (nope) could not be found)".
    monkeypatch.setenv(variable, "nope")
    config = tmp_path / "aws-config"
    config.write_text("[profile other]\nregion = us-east-1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    said = await _refusal(dynamodb_endpoint)
    assert said == (
        f"DynamoDB table 'skill': no AWS profile 'nope' for GetItem, which {variable} names: "
        f"add it to the AWS config file {config} ([profile nope]) or the credentials file "
        f"{tmp_path / 'no-aws-credentials'} ([nope]), or unset {variable} for the default "
        "profile (on Lambda the function's role gives the credentials)"
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variables", "profile", "named"),
    [
        ({"AWS_PROFILE": "dev"}, "dev", "the AWS profile 'dev' (AWS_PROFILE names it)"),
        # botocore reads AWS_DEFAULT_PROFILE first.
        (
            {"AWS_DEFAULT_PROFILE": "dev", "AWS_PROFILE": "other"},
            "dev",
            "the AWS profile 'dev' (AWS_DEFAULT_PROFILE names it)",
        ),
        ({}, "default", "the default AWS profile ([default])"),
        # Cut, as any value shown: a name of 5,000 characters made a line as long.
        ({"AWS_PROFILE": "d" * 5000}, "d" * 5000, "the AWS profile 'ddd"),
    ],
    ids=["aws_profile", "aws_default_profile", "default", "long"],
)
async def test_no_region_names_the_profile_botocore_read(
    variables: dict[str, str],
    profile: str,
    named: str,
    dynamodb_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # It said "or the AWS profile's region": not which profile botocore read, one AWS_PROFILE
    # names, where the author looking at [default] found none to set.
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "aws-config"
    section = "[default]" if profile == "default" else f"[profile {profile}]"
    config.write_text(f"{section}\noutput = json\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    said = await _refusal(dynamodb_endpoint)
    assert said.startswith("DynamoDB table 'skill': no AWS region for "), said
    assert f"or the region of {named}" in said and len(said) < 400, said


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variable", "kind"),
    [("AWS_CONFIG_FILE", "config"), ("AWS_SHARED_CREDENTIALS_FILE", "credentials")],
)
async def test_a_file_not_utf8_is_said_with_the_line_that_is_not(
    variable: str,
    kind: str,
    dynamodb_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # botocore's ConfigParseError carries a UnicodeDecodeError, which has no line: the line
    # said no line at all, where a file of another fault says its first line refused. (The
    # line's bytes are not shown: a credentials file's may be a secret.)
    broken = tmp_path / "broken"
    lines = b"[default]\r\nregion = us-east-1\n\n# s3cr\xe9t\nnot reached\n"
    # Long before the fault: configparser decodes in chunks, the error's offset is a chunk's.
    broken.write_bytes(b"# " + b"x" * 20_000 + b"\n" + lines)
    monkeypatch.setenv(variable, str(broken))
    said = await _refusal(dynamodb_endpoint)
    assert said == (
        f"DynamoDB table 'skill': botocore cannot parse the AWS {kind} file ({variable}) for "
        f"GetItem (Unable to parse config file: {broken}; line 5, not utf-8 text): save it as "
        f"utf-8 text, or set {variable} to another file"
    ), said


@pytest.mark.anyio
async def test_a_character_cut_by_the_bound_read_is_no_line_not_text(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The file is read again up to a bound (16 MiB). Its last character cut in two there was
    # decoded as if the file ended: a line of good UTF-8 said "not utf-8 text", where the
    # fault lay past the bound. No line is said of a file read only in part and valid so far.
    from alexaskill.dynamodb import errors

    monkeypatch.setattr(errors, "_MAX_CONFIG_BYTES", 64)
    broken = tmp_path / "broken"
    head = b"[default]\n#" + "é".encode() * 30  # (the 27th é's two bytes at 63 and 64)
    broken.write_bytes(head + b"\nregion = us-east-1\n# s3cr\xe9t\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    said = await _refusal(dynamodb_endpoint)
    assert said == (
        "DynamoDB table 'skill': botocore cannot parse the AWS config file (AWS_CONFIG_FILE) for "
        f"GetItem (Unable to parse config file: {broken}): save it as utf-8 text, or set "
        "AWS_CONFIG_FILE to another file"
    ), said
    # Within the bound, the line is said as before.
    monkeypatch.setattr(errors, "_MAX_CONFIG_BYTES", 16 * 1024 * 1024)
    assert "; line 4, not utf-8 text): save it" in await _refusal(dynamodb_endpoint)
