"""The pytest plugin: its fixtures, their clients closed at teardown, and what loading it costs
a user's suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest

from alexaskill import Attributes, Response, Session, Skill, ask, speak
from alexaskill.testing import TestClient, TestPKI
from tests.conftest import OTHER_SKILL_ID, SKILL_ID
from tests.recording_skill import recording_skill

pytestmark = pytest.mark.oldest_dependencies

pytest_plugins = ["pytester"]


# --- the pytest plugin ---------------------------------------------------------------------------


def test_plugin_fixtures(skill_client: Callable[..., TestClient], test_pki: TestPKI) -> None:
    assert test_pki is TestPKI.default()
    skill, seen = recording_skill()
    client = skill_client(skill, locale="de-DE")
    assert isinstance(client, TestClient)
    assert client.pki is test_pki
    assert client.intent("Count").speech == "1"
    assert seen[-1]["locale"] == "de-DE"


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_skill_client_in_an_async_test(skill_client: Callable[..., TestClient]) -> None:
    # The client is synchronous: it runs the skill on an event loop of its own, in a thread,
    # so an async test calls it as it is (its own loop waits meanwhile).
    skill = Skill(SKILL_ID)

    @skill.intent("Wait")
    async def wait(session: Session) -> Response:
        await anyio.sleep(0)
        session.attributes["n"] = session.attributes.get("n", 0) + 1
        return ask(str(session.attributes["n"]))

    client = skill_client(skill)
    assert [client.intent("Wait").speech for _ in range(2)] == ["1", "2"]


def test_skill_client_keeps_attributes_off_the_skills_own_store(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)  # the default store: alexaskill.db, in the working directory

    @skill.intent("Remember")
    def remember(attributes: Attributes) -> Response:
        attributes["seen"] = True
        return speak("ok")

    own = skill.store
    client = skill_client(skill, store="memory://")
    assert client.intent("Remember").speech == "ok"
    assert skill.store is client.store is not own
    assert anyio.run(client.store.load, client.user_id) == {"seen": True}
    assert not Path("alexaskill.db").exists()


def test_plugin_closes_its_clients_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_closing=f"""
        from alexaskill import Skill, speak
        from alexaskill.testing import TestPKI

        VERIFIER = TestPKI(key_set=1).verifier()
        SKILL = Skill("{SKILL_ID}", verifier=VERIFIER)
        SKILL.add_intent_handler("Hello", lambda: speak("hello"))

        def test_uses_a_client(skill_client):
            first = skill_client(SKILL)
            second = skill_client(SKILL, locale="en-GB")
            assert first.intent("Hello").speech == "hello"
            assert second.intent("Hello").speech == "hello"
            assert SKILL.verifier is not VERIFIER

        def test_the_verifier_is_back():
            assert SKILL.verifier is VERIFIER
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=2)


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    # It loads in every pytest run of anyone who has alexaskill installed: beyond the package
    # itself, it may bring in nothing (the test client, certificates and HTTP come with use).
    code = (
        "import sys, alexaskill, pytest; before = set(sys.modules); "
        "import alexaskill.pytest_plugin; "
        "print(sorted(set(sys.modules) - before), [m for m in ('alexaskill.testing', "
        "'alexaskill.verify', 'cryptography', 'httpx') if m in sys.modules])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        env=env,
    ).stdout
    assert output.strip() == "['alexaskill.pytest_plugin'] []"


def test_the_testing_extra_brings_what_the_plugin_needs() -> None:
    import tomllib

    project = tomllib.loads(
        (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    )
    extras = project["project"]["optional-dependencies"]
    names = {req.split(">")[0].split(";")[0].strip() for req in extras["testing"]}
    assert names == {"pytest", "httpx2"}
    assert "alexaskill[testing]" in extras["test"]  # CI's suite runs with what users get


def test_a_users_suite_runs_warning_free_under_w_error(tmp_path: Path) -> None:
    # A skill author's suite, with what `pip install "alexaskill[testing]"` brings: Starlette's
    # test client must not warn (it does with httpx alone), or -W error fails every test.
    (tmp_path / "test_hello.py").write_text(
        "from alexaskill import Skill, speak\n\n"
        f"skill = Skill('{SKILL_ID}')\n\n"
        "@skill.launch\ndef launch():\n    return speak('hello')\n\n"
        "def test_launch(skill_client):\n"
        "    assert skill_client(skill).launch().speech == 'hello'\n",
        encoding="utf-8",
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "pytest",
            "-q",
            "-W",
            "error",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 passed" in completed.stdout
    assert "warning" not in completed.stdout.lower()


def test_the_suite_fails_when_a_test_writes_into_the_working_directory(
    pytester: pytest.Pytester,
) -> None:
    # tests/conftest.py's guard, run on a suite with one careless test and one careful one.
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(
        test_writes="""
        from pathlib import Path

        def test_careless():
            Path("alexaskill.db").write_text("")

        def test_careful(tmp_path):
            (tmp_path / "alexaskill.db").write_text("")
        """
    )
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*tests wrote into the working directory*: alexaskill.db"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    (pytester.path / "alexaskill.db").unlink()
    assert pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "-k", "careful").ret == 0


def test_plugin_closes_every_client_when_one_fails_at_its_close(
    pytester: pytest.Pytester,
) -> None:
    # A client whose close raised (a progressive response sent after the answer) stopped the
    # teardown: the clients made before it stayed open, their skills trusting the test PKI for
    # the rest of the session.
    pytester.makepyfile(
        test_closing=f"""
        from alexaskill import Skill, speak
        from alexaskill.testing import TestPKI

        VERIFIER = TestPKI(key_set=1).verifier()
        FIRST = Skill("{SKILL_ID}", verifier=VERIFIER)
        FIRST.add_intent_handler("Hello", lambda: speak("hello"))
        SECOND = Skill("{OTHER_SKILL_ID}")
        SECOND.add_intent_handler("Hello", lambda: speak("hello"))

        def test_a_client_fails_at_its_close(skill_client):
            skill_client(FIRST)
            second = skill_client(SECOND)

            def late(when="at the request after"):
                raise RuntimeError(f"late progressive {{when}}")

            second._check_late_progressive = late

        def test_the_first_clients_verifier_is_back():
            assert FIRST.verifier is VERIFIER
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: late progressive at its close*"])


def test_the_factory_refuses_a_client_once_its_test_is_over(pytester: pytest.Pytester) -> None:
    # A factory kept past its test (in a module global, a class attribute) made a client that
    # no teardown closed: the skill trusted the test PKI for the rest of the session.
    pytester.makepyfile(
        test_kept=f"""
        import pytest
        from alexaskill import Skill, speak
        from alexaskill.testing import TestPKI

        VERIFIER = TestPKI(key_set=1).verifier()
        SKILL = Skill("{SKILL_ID}", verifier=VERIFIER)
        SKILL.add_intent_handler("Hello", lambda: speak("hello"))
        KEPT = []

        def test_keeps_the_factory(skill_client):
            KEPT.append(skill_client)

        def test_uses_it_later():
            with pytest.raises(RuntimeError) as caught:
                KEPT[0](SKILL)
            assert "test_keeps_the_factory" in str(caught.value)
            assert "function-scoped" in str(caught.value)
            assert SKILL.verifier is VERIFIER
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=2)


def test_a_client_kept_past_its_test_says_its_test_closed_it(pytester: pytest.Pytester) -> None:
    # It said "its with block is over, or close() was called": neither, for a client the
    # fixture made, which its test's teardown closed.
    pytester.makepyfile(
        test_kept=f"""
        import pytest
        from alexaskill import Skill, speak

        SKILL = Skill("{SKILL_ID}", store="memory://")
        SKILL.add_intent_handler("Hello", lambda: speak("hello"))
        KEPT = []

        def test_keeps_a_client(skill_client):
            KEPT.append(skill_client(SKILL))

        def test_uses_it_later():
            with pytest.raises(RuntimeError, match="this TestClient is closed") as caught:
                KEPT[0].intent("Hello")
            assert "the test whose skill_client made it ended" in str(caught.value)
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=2)
