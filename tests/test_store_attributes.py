"""`Attributes`, `PersonAttributes` and `DeviceAttributes`: their keys and saves, through the
skill. Saved only with an answer the user hears: test_store_attributes_saved.py."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError, ResponseError, StoreError
from alexaskill.models import decode_envelope
from alexaskill.responses import Response
from alexaskill.responses.encoding import data_refusal
from alexaskill.store import (
    Attributes,
    DeviceAttributes,
    MemoryStore,
    PersonAttributes,
    SQLiteStore,
    attributes_service,
)

from . import store_shared
from .conftest import SKILL_ID
from .processes import free_port
from .store_shared import CountingStore, _answer, _envelope, _event, _speech, counting_skill

# --- Attributes -----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_attributes_save_only_what_changed_and_only_if_anything_did() -> None:
    store = CountingStore()
    await store.update("user", {"count": 1, "cities": ["Paris"], "old": True}, ())
    store.updates.clear()
    attributes = await Attributes.load(store, _envelope())
    assert dict(attributes) == {"count": 1, "cities": ["Paris"], "old": True}
    attributes["count"] = 1  # the same value: not a change
    assert not attributes.changed
    assert await attributes.save() is False
    attributes["cities"].append("Oslo")  # changed in place: still seen
    del attributes["old"]
    attributes["new"] = {"a": 1}
    assert attributes.pending() == ({"cities": ["Paris", "Oslo"], "new": {"a": 1}}, ["old"])
    assert await attributes.save() is True
    assert await attributes.save() is False  # nothing new since
    assert store.updates == [("user", {"cities": ["Paris", "Oslo"], "new": {"a": 1}}, ["old"])]
    assert await store.load("user") == {"count": 1, "cities": ["Paris", "Oslo"], "new": {"a": 1}}


@pytest.mark.anyio
async def test_attributes_key_is_the_user_then_the_session_user() -> None:
    assert Attributes.key_for(_envelope("ctx-user", session_user="session-user")) == "ctx-user"
    assert Attributes.key_for(_envelope(None, session_user="session-user")) == "session-user"
    anonymous = await Attributes.load(MemoryStore(), _envelope(None))
    assert anonymous.key is None and dict(anonymous) == {}
    assert await anonymous.save() is False
    anonymous["x"] = 1
    with pytest.raises(ResponseError, match="names no user"):
        await anonymous.save()


def test_person_attributes_key_is_the_person_within_the_user() -> None:
    assert PersonAttributes.key_for(_envelope("u", person_id="p")) == "u/p"
    assert PersonAttributes.key_for(_envelope("u")) == "u"
    assert Attributes.key_for(_envelope("u", person_id="p")) == "u"
    assert not issubclass(PersonAttributes, Attributes)
    assert not issubclass(Attributes, PersonAttributes)


def test_device_attributes_key_is_the_device() -> None:
    envelope = _envelope("u", person_id="p")
    system = envelope.context.system if envelope.context is not None else None
    assert system is not None and system.device is not None
    key = DeviceAttributes.key_for(envelope)
    assert key == system.device.device_id
    assert key is not None and key.startswith("amzn1.ask.device.")
    event = _event()
    del event["context"]["System"]["device"]
    assert DeviceAttributes.key_for(decode_envelope(json.dumps(event))) is None
    assert not issubclass(DeviceAttributes, Attributes | PersonAttributes)
    with pytest.raises(ConfigurationError, match="not both"):
        attributes_service(MemoryStore(), per_person=True, per_device=True)


@pytest.mark.anyio
async def test_detached_attributes_for_unit_tests_save_nothing() -> None:
    attributes = Attributes({"count": 1})
    attributes["count"] += 1
    assert attributes.changed
    assert await attributes.save() is False
    assert repr(attributes) == "Attributes({'count': 2})"


def test_attribute_names_are_strings() -> None:
    attributes = Attributes()
    with pytest.raises(TypeError, match="strings, not an int"):
        attributes[1] = "x"  # type: ignore[index]


def test_attributes_service_takes_a_store_a_url_or_a_factory(tmp_path: Path) -> None:
    made: list[MemoryStore] = []

    def factory() -> MemoryStore:
        made.append(MemoryStore())
        return made[-1]

    skill = counting_skill(attributes=factory)
    assert made == []  # nothing opened before the first request that needs it
    _answer(skill, _envelope(intent="Count"))
    _answer(skill, _envelope(intent="Count"))
    assert len(made) == 1
    assert anyio.run(made[0].load, "user") == {"visits": 2}

    url_skill = counting_skill(attributes=f"sqlite:///{tmp_path}/url.db")
    _answer(url_skill, _envelope(intent="Count"))
    assert anyio.run(SQLiteStore(tmp_path / "url.db").load, "user") == {"visits": 1}

    # The type with its article ("a int" was said).
    with pytest.raises(ConfigurationError, match="not a store, store URL or store factory: an int"):
        attributes_service(42)  # type: ignore[arg-type]
    # "bytes" takes none: it is a plural ("a bytes" was said).
    with pytest.raises(ConfigurationError, match=r"store factory: bytes \("):
        attributes_service(b"sqlite:///x.db")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_device_attributes_without_a_device_say_so() -> None:
    # The message said "the request names no user" for DeviceAttributes too: a skill event,
    # which names its user but no device, sent the reader after the wrong id.
    attributes = DeviceAttributes({}, key=None, store=MemoryStore())
    attributes["room"] = "kitchen"
    with pytest.raises(ResponseError, match="names no device to save them for") as info:
        await attributes.save()
    assert data_refusal(info.value) == str(info.value)  # a data fault: one ERROR line
    person = PersonAttributes({}, key=None, store=MemoryStore())
    person["name"] = "Ann"
    with pytest.raises(ResponseError, match="names no user to save them for"):
        await person.save()


@pytest.mark.parametrize("who", ["user", "device"])
def test_attributes_changed_for_a_request_naming_no_one_are_one_error_line(
    who: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Attributes changed for a request without a user id (DeviceAttributes: without a device,
    # a skill event) were a plain ResponseError, logged with a traceback of alexaskill's save,
    # where the save's other refusals of what the handler did are one ERROR line.
    from alexaskill.app import APOLOGY

    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("GetWeather")
    def remember(attributes: Attributes, device: DeviceAttributes) -> Response:
        (attributes if who == "user" else device)["room"] = "kitchen"
        return speak("Remembered.")

    if who == "user":
        envelope = _envelope(user_id=None)
    else:
        event = _event()
        del event["context"]["System"]["device"]
        event["request"]["intent"] = {"name": "GetWeather", "confirmationStatus": "NONE"}
        envelope = decode_envelope(json.dumps(event))
    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        assert _speech(_answer(skill, envelope)) == APOLOGY
    assert store._data == {}  # nothing saved
    kind = "Attributes" if who == "user" else "DeviceAttributes"
    failed = f"handler failed for IntentRequest GetWeather ({__name__}.{remember.__qualname__})"
    said = f"{kind} changed, but the request names no {who} to save them for"
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert lines == [("ERROR", f"{failed}: {said}", None)]


# --- through the skill ----------------------------------------------------------------------------


def test_handler_attributes_survive_sessions_and_load_only_when_asked() -> None:
    store = CountingStore()
    skill = Skill(SKILL_ID)
    skill.add_service(Attributes, *attributes_service(store))
    skill.add_service(PersonAttributes, *attributes_service(store, per_person=True))

    @skill.intent("Visit")
    def visit(attributes: Attributes, person: PersonAttributes) -> Response:
        attributes["household"] = attributes.get("household", 0) + 1
        person["mine"] = person.get("mine", 0) + 1
        return speak(f"{attributes['household']} {person['mine']}")

    @skill.intent("Peek")
    def peek() -> Response:
        return speak("no attributes here")

    @skill.intent("Fail")
    def fail(attributes: Attributes) -> Response:
        attributes["household"] = 1000
        raise RuntimeError("boom")

    @skill.intent("Bad")
    def bad(attributes: Attributes) -> Response:
        attributes["when"] = {1, 2}
        return speak("not saved")

    assert "1 1" in _speech(_answer(skill, _envelope("u", person_id="alice", intent="Visit")))
    assert "2 1" in _speech(_answer(skill, _envelope("u", person_id="bob", intent="Visit")))
    assert "3 2" in _speech(_answer(skill, _envelope("u", person_id="alice", intent="Visit")))
    loads = store.loads
    _answer(skill, _envelope("u", intent="Peek"))
    assert store.loads == loads  # a handler that does not ask loads nothing

    updates = len(store.updates)
    assert "Sorry" in _speech(_answer(skill, _envelope("u", intent="Fail")))
    assert "Sorry" in _speech(_answer(skill, _envelope("u", intent="Bad")))
    assert len(store.updates) == updates  # a failed handler, or a bad value, saves nothing
    assert anyio.run(store.load, "u") == {"household": 3}
    assert anyio.run(store.load, "u/alice") == {"mine": 2}
    assert anyio.run(store.load, "u/bob") == {"mine": 1}


def test_person_attributes_without_a_speaker_are_the_users_attributes_in_one_request() -> None:
    # With no speaker recognised, PersonAttributes have the user's key, as documented: "the same
    # values as Attributes". Both made for one handler, each loaded and saved its own copy: an
    # increment of each showed 1 in both and saved 2, and a value set in one was not seen in
    # the other (which of the two saves won depended on their order).
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.intent("Visit")
    def visit(attributes: Attributes, person: PersonAttributes) -> Response:
        first = attributes.increment("visits")
        second = person.increment("visits")
        person["name"] = "Ann"
        return speak(f"{first} {second} {attributes['visits']} {attributes.get('name')}")

    @skill.intent("Rename")
    def rename(person: PersonAttributes, attributes: Attributes) -> Response:
        attributes.increment("visits")
        person["visits"] = 10  # replaces the increment, in both
        del attributes["name"]
        return speak(f"{person['visits']} {attributes['visits']} {person.get('name')}")

    @skill.intent("Fail")
    def fail(attributes: Attributes) -> Response:
        attributes["visits"] = 1000
        raise RuntimeError("boom")

    @skill.exception(RuntimeError)
    def sorry(exc: RuntimeError, person: PersonAttributes) -> Response:
        # Its PersonAttributes are not the failed handler's Attributes, changes and all.
        return speak(f"Sorry. {person['visits']}")

    assert _speech(_answer(skill, _envelope("u", intent="Visit"))) == "1 2 2 Ann"
    assert anyio.run(store.load, "u") == {"visits": 2, "name": "Ann"}
    assert _speech(_answer(skill, _envelope("u", intent="Rename"))) == "10 10 None"
    assert anyio.run(store.load, "u") == {"visits": 10}
    assert _speech(_answer(skill, _envelope("u", intent="Fail"))) == "Sorry. 10"
    assert anyio.run(store.load, "u") == {"visits": 10}
    # A recognised speaker's are their own.
    assert _speech(_answer(skill, _envelope("u", person_id="p", intent="Visit"))) == "11 1 11 None"
    assert anyio.run(store.load, "u") == {"visits": 11}
    assert anyio.run(store.load, "u/p") == {"visits": 1, "name": "Ann"}


@pytest.mark.parametrize("kind", ["sqlite", "redis", "dynamodb"])
def test_person_attributes_from_a_second_store_of_the_skills_database_are_one_item(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # attributes_service(url) opens a store of its own: given the skill's URL, it was a second
    # store over one file, not taken for the skill's, so without a speaker each kind loaded and
    # saved its own copy of the user's item: an increment set over in the other was added on
    # top of the value set (11 stored, not 10), and two increments each said 1.
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'attributes.db'}"
    elif kind == "redis":
        url = request.getfixturevalue("redis_url")
    else:
        endpoint = request.getfixturevalue("dynamodb_endpoint")
        table = f"attributes-{uuid.uuid4().hex}"
        url = f"dynamodb://{table}?endpoint_url={endpoint}&create_table=true"
        url += f"&timeout={store_shared.MOTO_TIMEOUT}"
    skill = Skill(SKILL_ID, store=url)
    second = attributes_service(url, per_person=True)
    skill.add_service(PersonAttributes, *second)

    @skill.intent("Visit")
    def visit(attributes: Attributes, person: PersonAttributes) -> Response:
        return speak(f"{attributes.increment('visits')} {person.increment('visits')}")

    @skill.intent("Rename")
    def rename(person: PersonAttributes, attributes: Attributes) -> Response:
        attributes.increment("visits")
        person["visits"] = 10  # replaces the increment, in both
        return speak(f"{person['visits']} {attributes['visits']}")

    user = f"user-{uuid.uuid4().hex}"  # one Redis serves the session's tests
    try:
        assert _speech(_answer(skill, _envelope(user, intent="Visit"))) == "1 2"
        assert anyio.run(skill.store.load, user) == {"visits": 2}
        assert _speech(_answer(skill, _envelope(user, intent="Rename"))) == "10 10"
        assert anyio.run(skill.store.load, user) == {"visits": 10}
    finally:
        anyio.run(skill.store.aclose)


def test_stores_of_other_files_or_memory_are_never_taken_for_one_database(tmp_path: Path) -> None:
    from alexaskill.store.service import _one_database

    one = SQLiteStore(tmp_path / "one.db")
    assert _one_database(one, SQLiteStore(tmp_path / "one.db"))
    assert not _one_database(one, SQLiteStore(tmp_path / "two.db"))
    assert not _one_database(MemoryStore(), MemoryStore())
    memory = MemoryStore()
    assert _one_database(memory, memory)


def _failing_store_url(backend: str, tmp_path: Path) -> str:
    """A store URL whose every load fails, for ``backend``."""
    if backend == "redis":
        return f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # nothing listens there
    return f"sqlite:///{tmp_path / 'garbage.db'}"  # made garbage once the skill has its store


@pytest.mark.parametrize("with_handler", [False, True])
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_store_that_fails_is_a_store_error_for_the_skill(
    backend: str, with_handler: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # README: @skill.exception(StoreError) answers any store failure, and the log gets one line
    # saying what failed. SQLite and Redis failures went out as their own exceptions instead.
    from alexaskill.app import APOLOGY
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=_failing_store_url(backend, tmp_path))
    (tmp_path / "garbage.db").write_bytes(b"not a database at all " * 200)  # (sqlite's only)

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"Visit {attributes.increment('visits')}.")

    if with_handler:

        @skill.exception(StoreError)
        def store_down(exc: StoreError) -> Response:
            return speak("I can't remember things right now.")

    client = TestClient(skill, raise_handler_errors=False)
    with caplog.at_level(logging.ERROR, logger="alexaskill"), client:
        result = client.intent("Count")
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    if with_handler:
        assert result.speech == "I can't remember things right now."
        assert errors == []
    else:
        assert result.speech == APOLOGY
        assert isinstance(result.handler_error, StoreError)
        [record] = errors
        assert record.exc_info is None
        assert record.getMessage() == (  # the first of its kind: no "(N more since ...)"
            f"attributes not loaded or saved for IntentRequest Count: {result.handler_error}"
        )
    assert "hunter2" not in caplog.text
