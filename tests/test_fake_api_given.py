"""`FakeAlexaApi`'s data checked where the test gives it: a setting, a profile field or a list of
a kind Alexa never answers is refused at creation (and assignment), naming the argument, rather
than failing, or answering what Amazon never would, when the skill calls the API."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest

from alexaskill import Address, PhoneNumber
from alexaskill.testing import FakeAlexaApi, RequestFactory


@pytest.mark.parametrize(
    ("name", "wrong", "error", "said"),
    [
        # A str where a mapping is: the fake kept it, and failed the skill's call deep inside
        # ("'str' object has no attribute 'country_code'") or served it as it was.
        ("address", "8 rue de Rivoli, Paris", TypeError, r"address is '8 rue.*an Address"),
        ("address", ["Paris"], TypeError, r"address is \['Paris'\]: an Address"),
        ("address", PhoneNumber(country_code="+1"), TypeError, r"address is PhoneNumber"),
        (
            "address",
            Address(city=5),  # type: ignore[arg-type]
            ValueError,
            r"address\.city is 5: a string$",
        ),
        ("mobile_number", "+1 555 0100", TypeError, r"mobile_number is '\+1 555 0100'.*Phone"),
        ("mobile_number", 5550100, TypeError, r"mobile_number is 5550100: a PhoneNumber"),
        (
            "mobile_number",
            PhoneNumber(phone_number=5550100),  # type: ignore[arg-type]
            ValueError,
            r"mobile_number\.phoneNumber is 5550100: a string$",
        ),
        # A number (or a mapping) where a str is: served as JSON 5, which no Amazon answer is.
        ("given_name", 5, TypeError, r"given_name is 5: a str"),
        ("full_name", {"first": "Ada"}, TypeError, r"full_name is \{'first': 'Ada'\}: a str"),
        ("email", b"ada@example.com", TypeError, r"email is b'ada@example.com': a str"),
        ("time_zone", 5, TypeError, r"time_zone is 5: a str"),
        ("distance_units", 1, TypeError, r"distance_units is 1: a str"),
        ("temperature_unit", True, TypeError, r"temperature_unit is True: a str"),
        # A str Amazon never answers: its settings are one of two words; a name not set is a
        # 204 (None), never "".
        ("distance_units", "metric", ValueError, r"distance_units is 'metric'.*METRIC, IMPERIAL"),
        ("temperature_unit", "C", ValueError, r"temperature_unit is 'C'.*CELSIUS, FAHRENHEIT"),
        ("given_name", "", ValueError, r"given_name is '': .*None"),
        ("email", "   ", ValueError, r"email is '   ': .*None"),
        ("time_zone", "", ValueError, r"time_zone is '': .*None"),
    ],
)
def test_a_setting_of_the_wrong_kind_is_refused_where_it_is_given(
    name: str, wrong: Any, error: type[Exception], said: str
) -> None:
    with pytest.raises(error, match=said):
        FakeAlexaApi(**{name: wrong})
    api = FakeAlexaApi()
    with pytest.raises(error, match=said):
        setattr(api, name, wrong)
    assert getattr(api, name) is None  # (the value before stays)


def test_the_settings_alexa_answers_are_taken() -> None:
    api = FakeAlexaApi(
        time_zone="America/Los_Angeles",
        distance_units="IMPERIAL",
        temperature_unit="CELSIUS",
        full_name="Ada Lovelace",
        given_name="Ada",
        email="ada@example.com",
        address=Address(city="Paris"),
        mobile_number=PhoneNumber(country_code="+44", phone_number="7700900123"),
    )
    assert (api.distance_units, api.temperature_unit) == ("IMPERIAL", "CELSIUS")
    assert api.address == Address(city="Paris") and api.time_zone == "America/Los_Angeles"
    for name in ("time_zone", "distance_units", "given_name", "address", "mobile_number"):
        setattr(api, name, None)  # not set: Amazon's 204
        assert getattr(api, name) is None


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        # A city alone, or a name in the wrong case: taken, and the skill's call of the API
        # failed (or the first say() did) far from the mistake.
        ("Paris", r"^time_zone is 'Paris': no IANA time zone .*did you mean 'Europe/Paris'\?"),
        ("europe/paris", r"^time_zone is 'europe/paris': .*did you mean 'Europe/Paris'\?"),
        ("Mars/Olympus_Mons", r"^time_zone is 'Mars/Olympus_Mons': no IANA time zone .*UnknownZ"),
        ("/etc/passwd", r"^time_zone is '/etc/passwd': no IANA time zone"),
        # Files of the tz database zoneinfo reads, but no IANA name Alexa's settings answer:
        # taken, and a skill's test ran in a zone its users' devices never have.
        ("posix/Europe/Paris", r"^time_zone is 'posix/Europe/Paris': .*mean 'Europe/Paris'\?"),
        ("right/Europe/Paris", r"^time_zone is 'right/Europe/Paris': no IANA time zone"),
        ("posixrules", r"^time_zone is 'posixrules': no IANA time zone"),
        ("localtime", r"^time_zone is 'localtime': no IANA time zone"),
    ],
)
def test_a_time_zone_no_tz_database_has_is_refused_where_it_is_given(zone: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(time_zone=zone)
    api = FakeAlexaApi(time_zone="Asia/Tokyo")
    with pytest.raises(ValueError, match=said):
        api.time_zone = zone
    assert api.time_zone == "Asia/Tokyo"


def test_a_zone_this_machine_lacks_is_given_on_purpose_as_unknown_zone() -> None:
    # Amazon may answer a zone newer than this machine's tz database: a skill's error path, and
    # a test of it says so.
    from alexaskill.testing import UnknownZone

    api = FakeAlexaApi(time_zone=UnknownZone("Mars/Olympus_Mons"))
    assert api.time_zone == "Mars/Olympus_Mons"
    with pytest.raises(ValueError, match=r"UnknownZone\('Europe/Paris'\): a zone the tz data"):
        FakeAlexaApi(time_zone=UnknownZone("Europe/Paris"))


@pytest.mark.parametrize(
    ("zone", "meant"),
    [
        ("posix/Europe/Paris", "; did you mean 'Europe/Paris'?"),
        ("right/UTC", "; did you mean 'UTC'?"),
        ("localtime", ""),
    ],
)
def test_an_unknown_zone_zoneinfo_reads_is_refused_as_the_name_is(zone: str, meant: str) -> None:
    # UnknownZone("posix/Europe/Paris") was served as a zone no tz data here has, though the
    # skill's ZoneInfo read it: its test ran in Paris, the error path it meant never taken.
    import zoneinfo

    from alexaskill.testing import UnknownZone

    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pytest.skip(f"this machine's tz data has no {zone} (the tzdata package has none)")
    said = (
        f"time_zone is {zone!r}: no IANA time zone this machine knows, as Alexa answers one "
        f"('Europe/Paris'){meant} (UnknownZone is for a name the tz data here lacks: zoneinfo "
        "reads this one)"
    )
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(time_zone=UnknownZone(zone))
    assert str(given.value) == said
    api = FakeAlexaApi(time_zone="Asia/Tokyo")
    with pytest.raises(ValueError) as assigned:
        api.time_zone = UnknownZone(zone)
    assert str(assigned.value) == said
    assert api.time_zone == "Asia/Tokyo"


def test_the_cli_says_which_field_of_the_alexa_api_file_is_wrong(tmp_path: Any) -> None:
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.inputs import fake_alexa_api

    data = tmp_path / "api.json"
    data.write_text('{"mobile_number": "+1 555 0100"}', encoding="utf-8")
    with pytest.raises(UsageError, match=r"--alexa-api .*api.json: mobile_number is '\+1 555"):
        fake_alexa_api(str(data))


@pytest.mark.parametrize(
    ("name", "given", "said"),
    [
        # Both spellings of one field, Amazon's and the Python one: the later was kept and the
        # other dropped unnoticed, so a test could pass on a value it did not mean to give.
        ("address", {"postalCode": "75004", "postal_code": "75001"}, r"address: 'postalCode' an"),
        ("mobile_number", {"phone_number": "1", "phoneNumber": "2"}, r"mobile_number: 'phone_n"),
        (
            "in_skill_products",
            [{"productId": "p1"}, {"productId": "p2", "product_id": "p3"}],
            r"in_skill_products\[1\]: 'productId' and 'product_id'",
        ),
        ("reminders", [{"alertToken": "r1", "alert_token": "r2"}], r"reminders\[0\]: 'alertT"),
        (
            "reminders",
            [{"trigger": {"offsetInSeconds": 60, "offset_in_seconds": 120}}],
            r"reminders\[0\]\.trigger: 'offsetInSeconds' and 'offset_in_seconds' both",
        ),
        (
            "reminders",
            [{"alertInfo": {"spoken_info": {"content": []}, "spokenInfo": {"content": []}}}],
            r"reminders\[0\]\.alertInfo: 'spoken_info' and 'spokenInfo' both",
        ),
    ],
)
def test_a_field_given_under_both_its_names_is_refused(name: str, given: Any, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(**{name: given})
    api = FakeAlexaApi()
    before = getattr(api, name)
    with pytest.raises(ValueError, match=said):
        setattr(api, name, given)
    assert getattr(api, name) == before  # (the value before stays)


def test_an_address_is_answered_with_every_key_of_amazons_null_where_the_user_set_none() -> None:
    # Amazon's Device Address API answers all eight fields of an address, null where the user
    # set none (a live answer in alexa/alexa-skills-kit-sdk-for-nodejs issue 313); the fake
    # left the unset ones out, an answer a skill reading the JSON itself never gets.
    fake = FakeAlexaApi(address={"postalCode": "63101", "countryCode": "US"})
    envelope = RequestFactory().intent("Where")
    fake.issued(envelope)
    system = envelope["context"]["System"]
    url = f"https://api.amazonalexa.com/v1/devices/{system['device']['deviceId']}/settings/address"
    headers = {"Authorization": f"Bearer {system['apiAccessToken']}"}

    def answer(path: str) -> Any:
        return json.loads(anyio.run(fake.alexa_api_call, "GET", url + path, headers, None, None)[1])

    unset = dict.fromkeys(("addressLine1", "addressLine2", "addressLine3", "districtOrCounty"))
    assert answer("") == {
        **unset,
        "stateOrRegion": None,
        "city": None,
        "countryCode": "US",
        "postalCode": "63101",
    }
    fake.address = {"countryCode": "US"}
    assert answer("/countryAndPostalCode") == {"countryCode": "US", "postalCode": None}


@pytest.mark.parametrize(
    ("given", "answered"),
    [
        (
            PhoneNumber(country_code="+44", phone_number="7700900123"),
            {"countryCode": "+44", "phoneNumber": "7700900123"},
        ),
        (PhoneNumber(phone_number="5550100"), {"countryCode": None, "phoneNumber": "5550100"}),
        ({"country_code": "+1"}, {"countryCode": "+1", "phoneNumber": None}),
    ],
)
def test_a_mobile_number_is_answered_with_both_of_amazons_fields(
    given: Any, answered: dict[str, Any]
) -> None:
    # {"phoneNumber": "5550100"}: the unset field left out, where Amazon's Customer Profile API
    # answers an object of both, countryCode and phoneNumber (its reference's example, and
    # ask-sdk-model's ups PhoneNumber), as the fake answers every field of an address.
    from alexaskill import AlexaApi
    from alexaskill.models import decode_envelope

    fake = FakeAlexaApi(mobile_number=given)
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Call"))), client=fake)
    read = anyio.run(api.mobile_number)
    [call] = fake.calls
    assert call.answer == answered
    # (the skill reads a number without its phoneNumber as none: AlexaApi.mobile_number)
    number = answered["phoneNumber"] and PhoneNumber(
        country_code=answered["countryCode"], phone_number=answered["phoneNumber"]
    )
    assert read == (number or None)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"address": "a\x00" * 100}, r"^address is '(a|\\x00)+\.\.\.(a|\\x00)+': an Address"),
        ({"address": b"a\x00" * 100}, r"^address is b'(a|\\x00)+\.\.\.(a|\\x00)+': an Address"),
        ({"time_zone": "a\x00" * 100}, r"^time_zone is '(a|\\x00)+\.\.\.(a|\\x00)+': no IANA"),
        ({"faults": {"a\x00" * 100: 500}}, r"^faults names '(a|\\x00)+\.\.\.(a|\\x00)+', which"),
    ],
    ids=["str", "bytes", "zone", "fault"],
)
def test_a_value_refused_is_quoted_bounded_and_cut_between_its_escapes(
    given: dict[str, Any], said: str
) -> None:
    # Bounded by reprlib, which cut a repr at a fixed count, mid-escape ('a\x00a\x00a\...).
    with pytest.raises((TypeError, ValueError), match=said):
        FakeAlexaApi(**given)
