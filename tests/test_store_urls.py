"""Store URLs (`open_store`) and what a store is made from: what is taken, what is refused, and
no password shown in any refusal."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill import Skill, settings_from_env
from alexaskill.exceptions import ConfigurationError
from alexaskill.store import MemoryStore, RedisStore, SQLiteStore, open_store
from tests.conftest import SKILL_ID

# --- open_store -----------------------------------------------------------------------------------


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///skill.db")
    assert isinstance(relative, SQLiteStore) and relative.path == str(tmp_path / "skill.db")
    absolute = open_store(f"sqlite:///{tmp_path}/abs.db")
    assert isinstance(absolute, SQLiteStore) and absolute.path == f"{tmp_path}/abs.db"
    assert isinstance(open_store("memory://"), MemoryStore)
    redis_store = open_store("redis://localhost:6379/2")
    assert isinstance(redis_store, RedisStore)
    anyio.run(redis_store.aclose)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://user:hunter2@db/skill", "unknown store URL scheme 'postgres'"),
        ("skill.db", "has no scheme"),
        ("sqlite://", "sqlite:///relative.db"),
        ("sqlite:///", "sqlite:///relative.db"),
        ("sqlite://host/skill.db", "sqlite:///relative.db"),
        ("sqlite:///:memory:", "MemoryStore"),
        ("memory://x", "write memory://"),
        # A scheme mistyped: the message must not repeat the rest, which holds a password.
        ("redis:/:hunter2@cache:6379/0", "has no scheme"),
        ("redis//:hunter2@cache:6379/0", "has no scheme"),
        # Accepted by redis-py, then failing every request (TypeError when it connects) or
        # silently another database: refused when the skill starts.
        ("redis://:hunter2@cache:6379/0?sockettimeout=5", "unknown option 'sockettimeout'"),
        ("redis://:hunter2@cache/0?ssl_cert_reqs=none", "unknown option 'ssl_cert_reqs'"),
        ("redis://:hunter2@cache:6379/1O", "database must be a number"),
        ("redis://:hunter2@cache:6379/l", "database must be a number"),
        ("redis://:hunter2@cache:6379/2147483648", "from 0 to 2,147,483,647, below"),
    ],
)
def test_open_store_refuses_what_it_does_not_know(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        open_store(url)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        # A password holding "/", "?" or "#" unescaped ends the host part early: redis-py then
        # reads some of it as the port (a ValueError repeating it), the path or the query, or
        # takes "hunter2" for a port and connects without a password, naming the port.
        "redis://:hunter/2@cache:6379/0",
        "redis://:hunter#2@cache:6379/0",
        "redis://:hunter?2@cache:6379/0",
        "redis://:4242/hunter2@cache:6379/0",
        "redis://:4242#hunter2@cache:6379/0",
        "redis://:4242?hunter2@cache:6379/0",
        "rediss://user:4242/hunter2@cache/0",
        # A port that is not one, a query value that does not parse: ValueErrors of redis-py's.
        "redis://:hunter2@cache:port/0",
        "redis://:hunter2@cache:6379/0?socket_timeout=hunter2",
    ],
)
def test_a_redis_url_that_does_not_parse_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Redis store URL") as info:
        open_store(url)
    assert "hunter" not in str(info.value)
    assert "4242" not in str(info.value)


def test_a_redis_store_names_the_default_port() -> None:
    store = open_store("redis://:hunter2@cache/0")
    assert isinstance(store, RedisStore)
    assert store._where() == "Redis at cache:6379"
    anyio.run(store.aclose)


def test_open_store_takes_redis_options_and_databases_it_knows() -> None:
    for url in (
        "redis://cache:6379",
        "redis://cache:6379/",
        "redis://cache:6379/15?socket_timeout=1&health_check_interval=2",
        "rediss://cache/0?ssl_cert_reqs=none",
        "unix:///run/redis.sock?db=3",
    ):
        store = open_store(url)
        assert isinstance(store, RedisStore), url
        anyio.run(store.aclose)


def test_a_sqlite_url_naming_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a directory"):
        open_store(f"sqlite:///{tmp_path}/")
    with pytest.raises(ConfigurationError, match="is a directory"):
        SQLiteStore(tmp_path)


@pytest.mark.parametrize("url", [None, 42, b"memory://", Path("skill.db")])
def test_open_store_refuses_what_is_no_url(url: Any) -> None:
    # An AttributeError ('NoneType' object has no attribute 'partition'), or a TypeError: an
    # unset environment variable's None said nothing of the store.
    with pytest.raises(ConfigurationError, match="a store URL is a string"):
        open_store(url)


@pytest.mark.parametrize(
    "url", ["sqlite:////srv/skill.db?timeout=10", "sqlite:///skill.db?", "sqlite:///a.db?x"]
)
def test_a_sqlite_url_with_options_says_it_takes_none(url: str) -> None:
    # The message said to write sqlite:///relative.db or sqlite:////abs/path.db, the form the
    # URL already had: the query was the fault, and the timeout is the store's own option.
    with pytest.raises(ConfigurationError, match=r"takes no options .*SQLiteStore\("):
        open_store(url)


@pytest.mark.parametrize(
    "url",
    ["sqlite:///skill.db\n", "sqlite:///skill.db ", "sqlite:/// skill.db", "sqlite:///a\tb.db"],
)
def test_a_sqlite_url_whose_path_has_white_space_at_an_end_is_refused(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Taken: ALEXASKILL_STORE read from a file with its newline made "skill.db\n", another
    # file than skill.db, in silence; a restart with the URL fixed found none of its data.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match="white space, or holds a control character"):
        open_store(url)
    assert list(tmp_path.iterdir()) == []
    assert isinstance(open_store("sqlite:///my skill.db"), SQLiteStore)  # inner spaces are fine


def test_a_sqlite_path_with_a_nul_character_is_refused(tmp_path: Path) -> None:
    # Taken, and every load and save then raised ValueError ("embedded null byte"), not even
    # a StoreError: the path checks (os.path.isdir) take a NUL, SQLite's connect does not.
    with pytest.raises(ConfigurationError, match="NUL"):
        SQLiteStore(f"{tmp_path}/a\x00b.db")
    with pytest.raises(ConfigurationError, match="NUL"):
        open_store(f"sqlite:///{tmp_path}/a\x00b.db")


@pytest.mark.parametrize("given", [b"/tmp/attributes.db", 5, None])
def test_a_store_made_from_what_is_no_path_or_url_says_so(given: Any) -> None:
    # SQLiteStore(b"…") and RedisStore(None) raised TypeErrors about startswith and bytes-like
    # objects, naming neither the store nor what it wanted.
    with pytest.raises(ConfigurationError, match=r"SQLiteStore: the path is a str"):
        SQLiteStore(given)
    with pytest.raises(ConfigurationError, match=r"RedisStore: the URL is a string"):
        RedisStore(given)


@pytest.mark.parametrize(
    "url",
    [
        # Accepted, then each load and save failed with Redis's "value is not an integer or out
        # of range" (no database this large can be), or "DB index is out of range".
        "redis://:hunter2@cache:6379/99999999999999999999",
        "redis://:hunter2@cache:6379/2147483648",
        "redis://:hunter2@cache:6379?db=-1",
        "redis://:hunter2@cache:6379?db=99999999999999999999",
        "unix://:hunter2@/run/redis.sock?db=-3",
        # A digit to str.isdigit, not to int(): redis-py read it as database 0, unsaid.
        "redis://:hunter2@cache:6379/²",
    ],
)
def test_a_redis_database_no_redis_can_have_is_refused_when_the_store_is_made(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Redis store URL: the database") as info:
        open_store(url)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    ["redis://:hunter2@cache:6379?db=", "redis://:hunter2@cache:6379/?db=%20", "unix:///s?db="],
)
def test_a_redis_url_with_a_blank_database_option_is_refused(url: str) -> None:
    # redis-py skips a blank option: database 0, unsaid, where a variable meant to name one
    # (?db=$REDIS_DB) was empty.
    with pytest.raises(ConfigurationError, match="db= has no value") as info:
        open_store(url)
    assert "hunter2" not in str(info.value)


# --- no password shown ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "rediss://cache:6380/0?ssl_password=topsecret",
        "rediss://cache:6380/0?db=0&ssl_password=topsecret&ssl_cert_reqs=none",
        "redis://cache:6379/0?PASSWORD=topsecret",
        # redis-py decodes option names: ssl%5Fpassword is ssl_password.
        "rediss://cache:6380/0?ssl%5Fpassword=topsecret",
        "redis://cache:6379/0?p%61ssword=topsecret&db=0",
    ],
)
def test_a_store_url_is_shown_without_any_password_option(url: str) -> None:
    # redis-py takes ssl_password (the TLS key's passphrase) from the URL: Settings' repr,
    # logged at start-up, showed it, only the option named exactly password= being hidden.
    from alexaskill.settings import Settings
    from alexaskill.store.url import url_without_password

    shown = url_without_password(url)
    assert "topsecret" not in shown and "=***" in shown
    assert shown.startswith(url.partition("?")[0])
    assert "topsecret" not in repr(Settings(skill_ids=("x",), store=url))


@pytest.mark.parametrize(
    ("url", "shown", "password"),
    [
        # No '://': the user part is found all the same (it was all '***').
        ("127.0.0.1:8000", "127.0.0.1:8000", ""),
        ("AKID:topsecret@127.0.0.1:8000", "AKID:***@127.0.0.1:8000", "topsecret"),
        ("redis:/:topsecret@cache:6379/0", "redis:***@cache:6379/0", "/:topsecret"),
        # (With no scheme, what seems a host may be a scheme mistyped: up to the last '@'.)
        ("redis//:topsecret@cache:6379/0", "redis//:***@cache:6379/0", "topsecret"),
        ("127.0.0.1:8000/a@b", "127.0.0.1:***@b", "8000/a"),
        # An '@' after the host part ends (a path's, an option's): no password (it was read as
        # the end of a user part, the host and port hidden), but after a port, where it may end
        # a password of digits and an unencoded '/' (http://u:12/34@h): hidden, as before.
        ("http://h/a@b", "http://h/a@b", ""),
        ("http://h:8000/a@b", "http://h:***@b", "8000/a"),
        ("http://h:8000?x=a@b", "http://h:***@b", "8000?x=a"),
        ("http://[::1]:8000/a@b", "http://[::1]:8000/a@b", ""),
        ("http://u:topsecret@h:8000/a@b", "http://u:***@h:8000/a@b", "topsecret"),
        # A password holding an unencoded '/', '?' or '#' (the host part seems to end in it,
        # at what is no port): hidden still, up to its last '@'.
        ("redis://:top/secret@cache:6379/0", "redis://:***@cache:6379/0", "top/secret"),
        ("redis://u:top?secret@cache:6379/0", "redis://u:***@cache:6379/0", "top?secret"),
        ("redis://u:top#secret@cache", "redis://u:***@cache", "top#secret"),
        ("memory://user:top@secret@host", "memory://user:***@host", "top@secret"),
        # A password holding '://' in a URL without a scheme: what comes before it is no
        # scheme (a ':' in it), so the URL is read as one without (it was shown whole).
        ("AKID:top://secret@127.0.0.1:8000", "AKID:***@127.0.0.1:8000", "top://secret"),
        ("redis:/:top@cache:6379/0?x=http://y", "redis:***@cache:6379/0?x=http://y", "/:top"),
        # A user name in brackets before a password of digits and a '/' (it was read as an
        # IPv6 address and its port, and shown whole); an IPv6 or IPvFuture address is a host.
        ("redis://[user]:12/34@cache:6379/0", "redis://[user]:***@cache:6379/0", "12/34"),
        ("http://[AKID]:8000/a@b", "http://[AKID]:***@b", "8000/a"),
        # A password holding an '@' before its '://' in a URL without a scheme: its '://' is the
        # password's all the same (its '@' read as the user part's end, "ss://x" was shown).
        ("AKID:p@ss://x@127.0.0.1:8000", "AKID:***@127.0.0.1:8000", "p@ss://x"),
        ("AKID:p@ss://x/y@h", "AKID:***@h", "p@ss://x/y"),
        ("http://[fe80::1%25eth0]:8000/a@b", "http://[fe80::1%25eth0]:8000/a@b", ""),
        ("http://[v1.x:y]:8000/a@b", "http://[v1.x:y]:8000/a@b", ""),
    ],
)
def test_a_url_is_shown_with_only_its_password_hidden(
    url: str, shown: str | None, password: str
) -> None:
    from alexaskill.store.url import _passwords, url_without_password

    assert url_without_password(url) == (url if shown is None else shown)
    # What is hidden in botocore's words is that password, found by the same rule.
    assert _passwords(url) == ((password,) if password else ())


@pytest.mark.parametrize(
    ("endpoint", "shown", "password"),
    [
        ("http://h/a@b", "http://h/a@b", ""),
        ("AKID:top://secret@h:8000", "AKID:***@h:8000", "top://secret"),
        ("http://[AKID]:1/2@h", "http://[AKID]:***@h", "1/2"),
        ("AKID:p@ss://x@h:8000", "AKID:***@h:8000", "p@ss://x"),
    ],
)
def test_a_dynamodb_urls_endpoint_is_shown_as_a_url_of_its_own(
    endpoint: str, shown: str, password: str
) -> None:
    # Each endpoint_url of test_a_url_is_shown_with_only_its_password_hidden's rows, in a
    # dynamodb:// URL: hidden by the same rule as that URL alone would be.
    from alexaskill.store.url import _passwords, url_without_password

    url = f"dynamodb://t?endpoint_url={endpoint}"
    assert url_without_password(url) == f"dynamodb://t?endpoint_url={shown}"
    # botocore's words name the endpoint alone: its password is found there, not in the URL.
    assert _passwords(url) == ()
    assert _passwords(endpoint) == ((password,) if password else ())


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("http://u:12/34@h", "12/34"),
        ("redis://u:2?x#0@cache:6379/0", "2?x#0"),
        ("redis://default:4/AbC+9z@cache:6379/0", "4/AbC+9z"),  # a base64 password's shape
        ("dynamodb://skill?endpoint_url=http://AKID:8/s3cret@h:8000", "8/s3cret"),
    ],
)
def test_a_password_of_digits_then_a_slash_is_hidden_not_read_as_a_port(
    url: str, password: str
) -> None:
    # A host part of a name and digits with an '@' after it reads as a host and port as well
    # as a user and a password holding an unencoded '/', '?' or '#': it was shown whole, the
    # password with it. What cannot be told apart is hidden up to the '@'.
    from alexaskill.store.url import _passwords, url_without_password

    assert password not in url_without_password(url)
    assert "***@" in url_without_password(url)
    # (_passwords is given an endpoint: a dynamodb:// URL's endpoint_url.)
    assert _passwords(url.partition("endpoint_url=")[2] or url)[0] == password


def test_a_skill_given_a_store_url_as_bytes_does_not_show_it() -> None:
    # The refusal showed what it was given (its repr): a URL read as bytes (os.environb, a
    # secret manager) put its password in the message, as open_store's, naming the type, does
    # not.
    with pytest.raises(ConfigurationError, match="a store or a store URL") as raised:
        Skill(SKILL_ID, store=b"redis://:topsecret@cache:6379/0")  # type: ignore[arg-type]
    assert "topsecret" not in str(raised.value) and "bytes" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "dynamodb://user:topsecret@table",
        "dynamodb://user:topsecret@table?region=us-east-1",
        "memory://user:topsecret@",
        "memory://user:top@secret@host",
        "sqlite://user:topsecret@/skill.db",
        "sqlite:///skill.db?password=topsecret",
    ],
)
def test_every_store_url_refusal_hides_the_password(url: str) -> None:
    # The DynamoDB, memory and SQLite refusals showed the URL (or the table part) as given,
    # user:password@ included, where the Redis ones never did: one rule now, url_without_password.
    with pytest.raises(ConfigurationError) as raised:
        open_store(url)
    message = str(raised.value)
    assert "secret" not in message and "***" in message, message


def test_a_store_url_whose_scheme_swallowed_its_password_does_not_show_it() -> None:
    # A mistyped scheme (one slash) made everything up to a later '://' the "scheme", password
    # included, and the unknown-scheme refusal showed it.
    with pytest.raises(ConfigurationError, match="not a URL scheme") as raised:
        open_store("redis:/:topsecret@cache:6379/0?x=http://y")
    assert "topsecret" not in str(raised.value)


# --- Skill(…) without store=: ALEXASKILL_STORE ----------------------------------------------------


def test_a_skill_made_without_a_store_uses_the_one_alexaskill_store_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Skill(ids) took sqlite:///alexaskill.db whatever the variable said: only
    # settings_from_env() read it. A skill with its ids in code, deployed where ALEXASKILL_STORE
    # is set (the Docker image's /data, a Lambda function told to set it by the start's refusal),
    # used a file in the working directory, which on Lambda could not be made.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALEXASKILL_STORE", f" sqlite:///{tmp_path}/data/skill.db\n")
    (tmp_path / "data").mkdir()
    store = Skill(SKILL_ID).store
    assert isinstance(store, SQLiteStore) and store.path == f"{tmp_path}/data/skill.db"
    monkeypatch.setenv("ALEXASKILL_STORE", "memory://")
    assert isinstance(Skill(SKILL_ID).store, MemoryStore)


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_a_skill_made_without_a_store_and_no_alexaskill_store_uses_the_default(
    unset: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if unset is None:
        monkeypatch.delenv("ALEXASKILL_STORE", raising=False)
    else:
        monkeypatch.setenv("ALEXASKILL_STORE", unset)  # (empty is unset, as for the settings)
    store = Skill(SKILL_ID).store
    assert isinstance(store, SQLiteStore) and store.path == str(tmp_path / "alexaskill.db")


@pytest.mark.parametrize("given", ["sqlite:///alexaskill.db", "memory://"])
def test_a_store_given_to_the_skill_wins_over_alexaskill_store(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALEXASKILL_STORE", f"sqlite:///{tmp_path}/other.db")
    store = Skill(SKILL_ID, store=given).store
    assert not isinstance(store, SQLiteStore) or store.path == str(tmp_path / "alexaskill.db")


def test_the_skill_s_signature_says_where_a_store_not_given_comes_from() -> None:
    # help(Skill), an editor's hint and the API docs showed the default as `<object object at
    # 0x7f…>`, where they said 'sqlite:///alexaskill.db' before the variable was read.
    default = inspect.signature(Skill).parameters["store"].default
    assert repr(default) == "ALEXASKILL_STORE or 'sqlite:///alexaskill.db'"


def test_an_alexaskill_store_the_skill_cannot_open_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Said as open_store says it, and where the URL came from: the skill's code names none.
    monkeypatch.setenv("ALEXASKILL_STORE", "postgres://secret@db/skill")
    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID)
    assert str(info.value).startswith("ALEXASKILL_STORE: unknown store URL scheme 'postgres'")
    assert "secret" not in str(info.value)
    with pytest.raises(ConfigurationError, match=r"a store or a store URL .*, not NoneType"):
        Skill(SKILL_ID, store=None)  # type: ignore[arg-type]  # (None is no "not given")


@pytest.mark.parametrize(("unset", "is_"), [(None, "unset"), ("  ", "blank")])
def test_the_default_store_refused_is_said_as_the_default_not_as_the_variable(
    unset: str | None, is_: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ALEXASKILL_STORE unset, the default's refusal (here: alexaskill.db a directory) was said
    # "ALEXASKILL_STORE: SQLiteStore: …", as if the variable had named that URL; its reader
    # looked for a setting there was none of. Set but blank (`ALEXASKILL_STORE=` in an env
    # file), it was said "is unset", and its reader looked for no setting at all.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alexaskill.db").mkdir()
    if unset is None:
        monkeypatch.delenv("ALEXASKILL_STORE", raising=False)
    else:
        monkeypatch.setenv("ALEXASKILL_STORE", unset)
    said = (
        f"the default store 'sqlite:///alexaskill.db' (ALEXASKILL_STORE is {is_}): "
        "SQLiteStore: alexaskill.db is a directory; name a file in it"
    )
    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID)
    assert str(info.value) == said
    with pytest.raises(ConfigurationError) as info:  # the README's store=settings.store
        Skill(SKILL_ID, store=settings_from_env().store)
    assert str(info.value) == said


def test_a_skill_given_settings_from_env_store_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The README's way, `Skill(settings.skill_ids, store=settings.store)`: the refusal said
    # open_store's words alone, where `Skill(ids)` names the variable the URL came from.
    monkeypatch.setenv("ALEXASKILL_STORE", "postgres://secret@db/skill")
    settings = settings_from_env()
    assert settings.store == "postgres://secret@db/skill"  # (a str, as before)
    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID, store=settings.store)
    assert str(info.value).startswith("ALEXASKILL_STORE: unknown store URL scheme 'postgres'")
    assert "secret" not in str(info.value)
    # A URL of the code's own, and one made from the setting, are the code's: not the variable's.
    for url in ("postgres://db/skill", settings.store + "2"):
        with pytest.raises(ConfigurationError, match=r"^unknown store URL scheme 'postgres'"):
            Skill(SKILL_ID, store=url)
