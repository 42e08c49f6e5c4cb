"""The test client's PKI: the skill trusts it only while a client lives, it is kept on disk
safely, and it signs requests dated any day."""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Request, Response, Skill, speak
from alexaskill.testing import RequestFactory, TestClient, TestPKI
from tests.conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies

# --- trust: the test PKI, for the client's lifetime only -----------------------------------------


def test_the_skill_trusts_the_test_pki_only_while_the_client_lives() -> None:
    own = TestPKI(key_set=1)
    verifier = own.verifier()
    skill = Skill(SKILL_ID, verifier=verifier)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    test_signed = {"Content-Type": "application/json", **TestPKI.default().sign(body)}
    own_signed = {"Content-Type": "application/json", **own.sign(body)}
    with TestClient(skill) as client:
        assert skill.verifier is not verifier
        assert client.post(body, test_signed).speech == "hello"
        assert client.post(body, own_signed).status_code == 400
    assert skill.verifier is verifier
    http = StarletteClient(skill)
    assert http.post("/", content=body, headers=test_signed).status_code == 400
    assert http.post("/", content=body, headers=own_signed).status_code == 200


def test_a_skill_without_its_own_verifier_still_verifies_after_the_client() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    with TestClient(skill) as client:
        assert client.intent("Hello").speech == "hello"
    assert skill.verifier is not None
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    # The app was built while the client lived: it must not now answer unsigned requests.
    response = StarletteClient(skill).post(
        "/", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_close_is_idempotent_and_nested_clients_unwind() -> None:
    verifier = TestPKI(key_set=1).verifier()
    skill = Skill(SKILL_ID, verifier=verifier)
    outer = TestClient(skill)
    inner = TestClient(skill, pki=TestPKI(key_set=2))
    inner.close()
    inner.close()
    outer.close()
    assert skill.verifier is verifier


def test_clients_closed_out_of_order_give_the_skill_its_own_back() -> None:
    # The first client closed restored nothing (it was not the last opened), and the second
    # then restored what it had found: the first one's test verifier, trusted for good.
    verifier = TestPKI(key_set=1).verifier()
    skill = Skill(SKILL_ID, verifier=verifier)
    api, listener = skill.api_client, skill.on_handler_error
    first = TestClient(skill)
    second = TestClient(skill, pki=TestPKI(key_set=3))
    installed = skill.verifier
    first.close()
    assert skill.verifier is installed  # the second client's, while it lives
    second.close()
    assert skill.verifier is verifier
    assert skill.api_client is api and skill.on_handler_error is listener


def test_what_was_set_while_a_client_was_open_is_left_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from alexaskill import Verifier

    skill = Skill(SKILL_ID)
    client = TestClient(skill)
    mine = Verifier()
    skill.verifier = mine  # set by the test itself, after the client was opened
    with caplog.at_level(logging.WARNING, "alexaskill"):
        client.close()
    assert skill.verifier is mine
    [record] = caplog.records
    assert record.name == "alexaskill.security"
    assert "skill.verifier was replaced while the client was open" in record.getMessage()


def test_a_client_on_a_skill_already_served_says_so(caplog: pytest.LogCaptureFixture) -> None:
    # Its verifier swapped for one trusting the test PKI alone, silently, while it served.
    skill = Skill(SKILL_ID)
    skill.launch(lambda: speak("hi"))
    with StarletteClient(skill), caplog.at_level(logging.WARNING, "alexaskill"):
        client = TestClient(skill)
        assert client.launch().speech == "hi"
        client.close()
    [record] = caplog.records
    assert record.name == "alexaskill.security"
    assert "has started already" in record.getMessage() and SKILL_ID in record.getMessage()
    # A skill only test clients started is no served skill.
    caplog.clear()
    fresh = Skill(SKILL_ID)
    fresh.launch(lambda: speak("hi"))
    with caplog.at_level(logging.WARNING, "alexaskill"):
        for _ in range(2):
            with TestClient(fresh) as client:
                assert client.launch().speech == "hi"
    assert caplog.records == []


def test_a_request_signed_by_another_pki_is_refused() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    with TestClient(skill) as client:
        refused = client.post(
            body, {"Content-Type": "application/json", **TestPKI(key_set=1).sign(body)}
        )
        assert refused.status_code == 400
        assert refused.error is not None and "signature" in refused.error
        assert client.intent("Hello").status_code == 200


# --- the PKI kept on disk ------------------------------------------------------------------------


def test_pki_save_and_load_round_trip(tmp_path: Path) -> None:
    pki = TestPKI(key_set=1)
    path = pki.save(tmp_path / "pki")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = TestPKI.load(tmp_path / "pki", cert_url="https://s3.amazonaws.com/echo.api/x.pem")
    assert loaded.cert_url == "https://s3.amazonaws.com/echo.api/x.pem"
    assert loaded.chain_pem == pki.chain_pem
    assert loaded.signature(b"body") == pki.signature(b"body")


@pytest.mark.parametrize("sha1", [False, True], ids=["SHA-256", "SHA-1"])
def test_a_signature_is_over_the_bytes_the_body_shows(sha1: bool) -> None:
    # A view with a step was signed as cryptography read it: at its floor (45.0.1) the bytes
    # under the view's start, not those it shows; later, a BufferError (not contiguous).
    pki = TestPKI.default()
    body = b'{"version": "1.0", "request": {"type": "LaunchRequest"}}'
    spaced = bytes(byte for pair in zip(body, b" " * len(body), strict=True) for byte in pair)
    signed = pki.signature(body, sha1=sha1)
    for given in (memoryview(spaced)[::2], memoryview(body), bytearray(body)):
        assert pki.signature(given, sha1=sha1) == signed  # type: ignore[arg-type]
    assert pki.sign(memoryview(spaced)[::2]) == pki.sign(body)  # type: ignore[arg-type]


def test_load_or_create_makes_one_pki_and_then_keeps_it(tmp_path: Path) -> None:
    first = TestPKI.load_or_create(tmp_path)
    second = TestPKI.load_or_create(tmp_path)
    assert first.signature(b"x") == second.signature(b"x")
    assert first.signature(b"x") != TestPKI.default().signature(b"x")
    assert [p.name for p in tmp_path.iterdir()] == [TestPKI.FILE_NAME]


def test_load_or_create_issues_expired_certificates_again(tmp_path: Path) -> None:
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    TestPKI(key_set=1, valid_at=long_ago, not_after=long_ago).save(tmp_path)
    renewed = TestPKI.load_or_create(tmp_path)
    assert renewed.not_after > datetime.datetime.now(datetime.UTC)
    assert renewed.signature(b"x") == TestPKI(key_set=1).signature(b"x")
    assert TestPKI.load(tmp_path).leaf == renewed.leaf


def test_a_damaged_pki_file_says_how_to_recover(tmp_path: Path) -> None:
    (tmp_path / TestPKI.FILE_NAME).write_bytes(TestPKI.default().chain_pem)
    (tmp_path / TestPKI.FILE_NAME).chmod(0o600)  # (as `save` writes it: others' is refused)
    with pytest.raises(ValueError, match="delete the file"):
        TestPKI.load_or_create(tmp_path)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX's")
def test_a_pki_others_can_write_or_read_is_refused(tmp_path: Path) -> None:
    # ALEXASKILL_DEV_PKI_DIR=/tmp/alexaskill-dev, made 0777 earlier: whoever planted a PKI there
    # (keys they hold) had `serve --dev` trust it.
    shared = tmp_path / "shared"
    TestPKI(key_set=7).save(shared)
    key = shared / TestPKI.FILE_NAME
    shared.chmod(0o777)
    for load in (TestPKI.load, TestPKI.load_or_create):
        with pytest.raises(PermissionError, match=r"writable by group or others .*; chmod go-w"):
            load(shared)
    shared.chmod(0o755)  # listable is fine; the key itself is private
    key.chmod(0o644)
    with pytest.raises(PermissionError, match=r"readable or writable by group or others"):
        TestPKI.load(shared)
    key.chmod(0o600)
    assert TestPKI.load(shared).signature(b"x") == TestPKI(key_set=7).signature(b"x")
    if os.getuid() == 0:  # only root can give a file to another user
        os.chown(key, 65534, -1)
        with pytest.raises(PermissionError, match="belongs to another user"):
            TestPKI.load(shared)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX's")
def test_a_pki_is_made_in_a_new_0700_directory_and_never_chmods_an_existing_one(
    tmp_path: Path,
) -> None:
    made = tmp_path / "made" / "dev-pki"
    TestPKI.load_or_create(made)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert stat.S_IMODE((made / TestPKI.FILE_NAME).stat().st_mode) == 0o600
    # ALEXASKILL_DEV_PKI_DIR=. or ~: a directory of the user's, listable by others, is used as
    # it is (the key file is private), never made 0700 behind the user's back.
    listable = tmp_path / "listable"
    listable.mkdir()
    listable.chmod(0o755)
    TestPKI.load_or_create(listable)
    assert stat.S_IMODE(listable.stat().st_mode) == 0o755
    assert stat.S_IMODE((listable / TestPKI.FILE_NAME).stat().st_mode) == 0o600
    # Group-writable (umask 002): without a key there is nothing to distrust yet, but a key
    # made there could be replaced by the group, so none is made.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o775)
    with pytest.raises(FileNotFoundError):
        TestPKI.load(shared)
    with pytest.raises(PermissionError, match=r"writable by group or others .*; chmod go-w /"):
        TestPKI.load_or_create(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o775
    assert list(shared.iterdir()) == []


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2020, 2, 29, 9, 30, tzinfo=datetime.UTC),
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3),
        datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC),
    ],
    ids=["leap-day-2020", "three-days-ago", "2040"],
)
def test_a_client_clock_at_any_date_is_verified(moment: datetime.datetime) -> None:
    # The shared test PKI is valid from yesterday for a year: a test dated otherwise was refused
    # ("signing certificate not yet valid"), passing today and failing the day after tomorrow.
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch(request: Request) -> Response:
        return speak(f"It is {request.timestamp[:10]}.")

    with TestClient(skill, now=lambda: moment) as client:
        answer = client.launch()
    assert answer.status_code == 200, answer.error
    assert answer.speech == f"It is {moment.date().isoformat()}."
    # The same through the pytest plugin's skill_client, which hands the client the shared PKI
    # (the test_pki fixture): it was refused, "signing certificate not yet valid".
    with TestClient(skill, pki=TestPKI.default(), now=lambda: moment) as client:
        answer = client.launch()
    assert answer.status_code == 200, answer.error


@pytest.mark.parametrize("option", ["valid_at", "not_before", "not_after"])
def test_a_pki_dated_by_a_time_without_a_zone_is_refused_naming_it(option: str) -> None:
    # TestPKI(valid_at=datetime(2026, 12, 5)) was taken, and a client with a clock then failed
    # with "can't compare offset-naive and offset-aware datetimes".
    naive = datetime.datetime(2026, 12, 5, 9, 30)
    told = rf"^TestPKI\({option}=\.\.\.\) is an aware datetime .*, not datetime\.datetime\(2026"
    with pytest.raises(TypeError, match=told):
        TestPKI(**{option: naive})  # type: ignore[arg-type]


def test_a_pki_of_a_certificate_url_that_is_no_str_is_refused() -> None:
    # cert_url=5 was taken, and the client's first request failed inside httpx ("Header value
    # must be str or bytes, not <class 'int'>").
    with pytest.raises(TypeError, match=r"^TestPKI\(cert_url=\.\.\.\) is a URL, a str .*not 5$"):
        TestPKI(cert_url=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        # include_root="no" counted as true; key_set="1" failed with "can only concatenate str
        # (not "int") to str", keys of two with "tuple index out of range".
        ("include_root", "no", r"^TestPKI\(include_root=\.\.\.\) is True or False, not 'no'$"),
        ("key_set", "1", r"^TestPKI\(key_set=\.\.\.\) is a whole number, 0 or more, not '1'$"),
        ("key_set", -1, r"^TestPKI\(key_set=\.\.\.\) is a whole number, 0 or more, not -1$"),
        ("keys", (1, 2), r"^TestPKI\(keys=\.\.\.\) is three RSA private keys"),
    ],
)
def test_a_pki_option_of_the_wrong_kind_is_refused_naming_it(
    option: str, value: object, said: str
) -> None:
    with pytest.raises(TypeError, match=said):
        TestPKI(**{option: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [1, 1900, 1950, 9999])
def test_a_pki_valid_at_a_moment_it_cannot_certify_says_which_it_can(year: int) -> None:
    # TestPKI(valid_at=1900) said "The not valid before date must be on or after 1950 January
    # 1).", cryptography's, and valid_at=9999 "date value out of range": its CAs' certificates
    # begin a year before valid_at and end two after.
    moment = datetime.datetime(year, 6, 1, tzinfo=datetime.UTC)
    said = r"^TestPKI\(valid_at=\.\.\.\): .*from 1951-01-02 and before 9998-01-01"
    with pytest.raises(ValueError, match=said):
        TestPKI(valid_at=moment)


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(1951, 1, 2, tzinfo=datetime.UTC),
        datetime.datetime(9997, 12, 30, 12, tzinfo=datetime.UTC),
        datetime.datetime(9997, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    ],
)
def test_a_pki_valid_at_the_edges_of_what_it_can_certify_signs(moment: datetime.datetime) -> None:
    # The last moment allowed was 9997-12-30 00:00, though the message said "to 9997-12-30" and
    # a PKI valid on any day of 9997 is made (its CAs end two years after, in 9999).
    pki = TestPKI(valid_at=moment)
    assert pki.not_before <= moment <= pki.not_after
    assert pki.sign(b"{}")


@pytest.mark.parametrize("option", ["not_before", "not_after"])
@pytest.mark.parametrize("year", [1, 1900, 1950, 9999])
def test_a_pki_bound_it_cannot_certify_says_which_it_can(option: str, year: int) -> None:
    # valid_at was checked only when a bound defaulted from it: TestPKI(not_before=1940,
    # not_after=1941) said cryptography's "The not valid before date must be on or after 1950
    # January 1).", not_after=9999 "date value out of range" (the CAs' end a year later).
    moment = datetime.datetime(year, 6, 1, tzinfo=datetime.UTC)
    other = "not_after" if option == "not_before" else "not_before"
    given: dict[str, Any] = {
        option: moment,
        other: datetime.datetime(2030 if other == "not_after" else 2020, 1, 1, tzinfo=datetime.UTC),
    }
    shown = re.escape(moment.isoformat())
    said = rf"^TestPKI\({option}=\.\.\.\): {shown} is no date .*1951-01-01 to 9998-12-30$"
    alone: dict[str, Any] = {option: moment}
    for options in (alone, given):
        with pytest.raises(ValueError, match=said):
            TestPKI(**options)


def test_a_pki_takes_bounds_up_to_the_first_and_last_it_can_certify() -> None:
    first = datetime.datetime(1951, 1, 1, tzinfo=datetime.UTC)
    last = datetime.datetime(9998, 12, 30, tzinfo=datetime.UTC)
    assert (
        TestPKI(not_before=first, not_after=first + datetime.timedelta(days=2)).not_before == first
    )
    assert TestPKI(not_before=last - datetime.timedelta(days=2), not_after=last).not_after == last


@pytest.mark.parametrize(
    "given",
    [
        {"not_before": (2030, 1, 1), "not_after": (2020, 1, 1)},
        {"not_after": (1960, 1, 1)},  # before the default not_before (a day before now)
        {"not_before": (9990, 1, 1)},  # after the default not_after (a year after now)
    ],
)
def test_a_pki_whose_leaf_would_end_before_it_begins_says_so_in_its_words(
    given: dict[str, tuple[int, int, int]],
) -> None:
    # Each said cryptography's "The not valid after date must be after the not valid before
    # date.", naming no option, nor the default that the bound given was set against.
    options: dict[str, Any] = {
        name: datetime.datetime(*ymd, tzinfo=datetime.UTC) for name, ymd in given.items()
    }
    said = r"^TestPKI\(\.\.\.\): its leaf would end \(not_after .*\) before it begins \(not_before"
    with pytest.raises(ValueError, match=said):
        TestPKI(**options)
