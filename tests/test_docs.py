"""What the documents name exists as named: the `alexaskill.x.NAME`s (the changelog's Unreleased
section's, and the docstrings' too), the repository's paths, the links and their anchors, each
command's options (and every option is named), the environment variables, the module map's
modules and the Installing table's extras.

That the documents run as written is tests/test_docs_runs.py's; that the skills they show work,
tests/test_docs_examples.py's.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from pathlib import Path
from typing import Any

from .docs_shared import DOCUMENTS, ROOT


def test_install_lines_name_real_extras() -> None:
    # The README's pip lines (a clone and a git URL): each requirement parses, and names only
    # extras pyproject.toml defines.
    import tomllib

    from packaging.requirements import Requirement

    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
            "optional-dependencies"
        ]
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installs = re.findall(r'pip install (?:-e )?"([^"]+)"', readme)
    assert any("git+" in spec for spec in installs)
    assert any(spec.startswith("./alexaskill[") for spec in installs)
    for spec in installs:
        named = spec.replace("./alexaskill[", "alexaskill[").replace(".[", "alexaskill[")
        requirement = Requirement(named.replace("REPOSITORY-URL", "https://example.org/a.git"))
        assert requirement.extras <= extras, spec


def _unreleased(changelog: str) -> str:
    return changelog.split("\n## Unreleased\n", 1)[1].split("\n## ", 1)[0]


def _resolves(dotted: str) -> bool:
    """Whether ``alexaskill.a.b`` (or ``alexaskill.a:b``) is a module or a name in one."""
    import importlib

    parts = dotted.replace(":", ".").split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                value = getattr(value, name)
        except AttributeError:
            return False
        return True
    return False


def test_the_alexaskill_names_the_documents_give_exist() -> None:
    # `alexaskill.x.NAME` in README.md and in the changelog's Unreleased section: importable as
    # written (the changelog named a constant in the module it had left). Not a module: the
    # loggers' names (`getLogger("alexaskill.security")`) and the SQLite file `alexaskill.db`.
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "alexaskill").rglob("*.py")
    )
    loggers = set(re.findall(r'getLogger\(\s*"(alexaskill\.[\w.]+)"', source))
    texts = {
        "README.md": (ROOT / "README.md").read_text(encoding="utf-8"),
        "CHANGELOG.md (Unreleased)": _unreleased(
            (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
        ),
    }
    wrong = []
    for document, text in texts.items():
        for dotted in set(re.findall(r"`(alexaskill(?:\.\w+)+(?::\w+)?)", text)):
            if dotted not in loggers | {"alexaskill.db"} and not _resolves(dotted):
                wrong.append(f"{document}: {dotted}")
    assert len(loggers) >= 2  # the walk finds them
    assert sorted(wrong) == []


def test_the_module_map_names_only_modules_there_are_each_in_one_row() -> None:
    # tests/test_layers.py checks that every module is named; this, that no row names one that
    # is not there (moved, renamed, removed) and that no module has two rows.
    from .module_map import module_map

    package = ROOT / "alexaskill"
    rows = module_map()
    named = [name for names, _ in rows for name in names]
    assert len(named) > 40 and "models" in named  # the table is found
    assert sorted(name for name in set(named) if named.count(name) > 1) == []
    missing = []
    for names, row in rows:
        first, what = row.split("|")[1:3]
        packages = [package / n for n in re.findall(r"`([^`]+)/`", first)]
        for name in re.findall(r"`([^`]+)`", first):
            if not (package / name).exists():
                missing.append(name)
        # (and the simulator's page: its scripts, stylesheet and HTML, in static/)
        for name in re.findall(r"`([\w/]+(?:\.py|\.js|\.css|\.html|/))`", what):
            places = packages or [package]
            if not any(list(place.rglob(name.rstrip("/"))) for place in places):
                missing.append(f"{name} ({'/'.join(sorted(names))})")
    assert missing == [], f"README's module map names what alexaskill/ does not hold: {missing}"


def test_the_module_maps_class_chain_of_skill_is_its_bases_in_order() -> None:
    # The app.py row drew Skill's chain without Finishing, LateSaying, Handling and Building,
    # each added (split out of a module grown too long) after the row was written.
    from alexaskill import Skill

    from .module_map import module_map

    [row] = [row for names, row in module_map() if names == {"app"}]
    drawn = re.findall(r"`(\w+)`", row.split("chain", 1)[1])
    bases = [cls.__name__ for cls in reversed(Skill.__mro__[1:-1])]
    assert drawn == bases, f"README's app.py row: {drawn}, Skill's bases: {bases}"


def _github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation (backticks too) dropped,
    spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _prose_lines(document: str) -> list[tuple[int, str]]:
    """``document``'s lines outside its fenced blocks, each with its number."""
    kept, fenced = [], False
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            kept.append((number, line))
    return kept


def _prose(document: str) -> str:
    """``document`` without its fenced blocks."""
    return "\n".join(line for _, line in _prose_lines(document))


def _anchors(document: str) -> set[str]:
    anchors: set[str] = set()
    for heading in re.findall(r"^#+ (.+)$", _prose(document), re.MULTILINE):
        anchor = base = _github_anchor(heading)
        number = 0
        while anchor in anchors:  # GitHub's for a heading met again: -1, -2, …
            number += 1
            anchor = f"{base}-{number}"
        anchors.add(anchor)
    return anchors


def test_the_links_between_and_within_the_documents_resolve() -> None:
    broken = []
    for document in DOCUMENTS:
        links = re.findall(r"\]\(([^)\s]+)\)", _prose(document))
        assert document != "README.md" or len(links) > 50  # the links are found
        for link in links:
            if link.startswith(("http://", "https://")):
                continue
            path, _, anchor = link.partition("#")
            target = str((Path(document).parent / path).as_posix()) if path else document
            target = os.path.normpath(target)
            if not (ROOT / target).exists():
                broken.append(f"{document}: {link} (no file {target})")
            elif anchor and target.endswith(".md") and anchor not in _anchors(target):
                broken.append(f"{document}: {link} (no heading #{anchor} in {target})")
    assert broken == []


def test_the_options_the_readme_gives_a_command_are_the_commands() -> None:
    # `alexaskill chat … --flag`, in prose or in a command line: --flag is an option of chat.
    import argparse

    from alexaskill.cli import parser

    options: dict[str, set[str]] = {}
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                options[command] = {o for a in sub._actions for o in a.option_strings}
    text = re.sub(
        r"\\\n\s*", " ", (ROOT / "README.md").read_text(encoding="utf-8")
    )  # lines continued
    uses = re.findall(r"`([^`\n]*)`", text) + [
        line for line in text.splitlines() if "alexaskill " in line and "`" not in line
    ]
    unknown, seen = [], 0
    for use in uses:
        for command, rest in re.findall(r"\balexaskill ([a-z]+)((?: +[^ |;&]+)*)", use):
            if command not in options:
                continue  # prose: "alexaskill checks that …"
            seen += 1
            for option in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", rest):
                if option not in options[command]:
                    unknown.append(f"alexaskill {command} {option}")
    assert seen > 30  # the commands are found
    assert sorted(set(unknown)) == []


def test_the_alexaskill_names_the_docstrings_and_comments_give_exist() -> None:
    # As in the documents, in alexaskill's and the examples' own docstrings and comments: the
    # reader of `alexaskill.testing.SkillSwap` looks for it there (it is in testing.swap).
    files = [*(ROOT / "alexaskill").rglob("*.py"), *(ROOT / "examples").rglob("*.py")]
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    loggers = set(re.findall(r'getLogger\(\s*"(alexaskill\.[\w.]+)"', "\n".join(texts.values())))
    wrong = [
        f"{path.relative_to(ROOT)}: {dotted}"
        for path, text in texts.items()
        for dotted in set(re.findall(r"`+(alexaskill(?:\.\w+)+(?::\w+)?)", text))
        if dotted not in loggers | {"alexaskill.db"} and not _resolves(dotted)
    ]
    assert len(texts) > 100 and loggers  # the files are found
    assert sorted(wrong) == []


def test_every_option_of_every_command_is_in_the_readme() -> None:
    # What `alexaskill COMMAND --help` lists, the README names (`chat --device` it did not).
    import argparse

    from alexaskill.cli import parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unnamed, commands_seen = [], 0
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                commands_seen += 1
                assert f"alexaskill {command}" in readme, command
                for option in (o for a in sub._actions for o in a.option_strings):
                    if option.startswith("--") and option != "--help" and option not in readme:
                        unnamed.append(f"alexaskill {command} {option}")
    assert commands_seen >= 7
    assert unnamed == []


def test_the_environment_variables_the_readme_names_are_read() -> None:
    # Each ALEXASKILL_… variable README.md names is read by alexaskill (its settings, the CLI)
    # or, for the test suite's own, by tests/.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(ALEXASKILL_[A-Z0-9_]*[A-Z0-9])\b", readme))
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("alexaskill", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "test_docs.py"
    )
    assert {"ALEXASKILL_SKILL_ID", "ALEXASKILL_STORE"} <= named
    assert sorted(name for name in named if f'"{name}"' not in code) == []


def test_the_variables_the_test_suite_reads_are_in_the_readme() -> None:
    # The other way round: each variable the suite keeps for itself (tests/run_guards.py, which
    # clears the rest of ALEXASKILL_*) is one a developer sets, so README.md names it (the long
    # fuzz run's ALEXASKILL_FUZZ_RUNS and _SEED were said only in the fuzz modules' docstrings).
    from tests.run_guards import _SUITES_OWN, _SUITES_OWN_PREFIX

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _SUITES_OWN_PREFIX in readme
    assert sorted(name for name in _SUITES_OWN if name not in readme) == []


def test_the_installing_table_has_a_row_for_each_extra_naming_what_it_brings() -> None:
    import tomllib

    from packaging.requirements import Requirement

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    section = (
        (ROOT / "README.md")
        .read_text(encoding="utf-8")
        .split("\n## Installing\n", 1)[1]
        .split("\n## ")[0]
    )
    rows = {
        cells[1].strip().strip("`"): cells[2]
        for cells in (line.split("|") for line in section.splitlines())
        if len(cells) > 3 and cells[1].strip().startswith("`")
    }
    assert sorted(rows) == sorted(extras)
    for extra, requirements in extras.items():
        if extra == "test":
            continue  # "the above, ruff, mypy": all of it is in .ci/run's install
        brings = {name.strip() for name in rows[extra].split(",")}
        assert brings == {Requirement(r).name for r in requirements}, extra


#: The longest line of the README's prose, as of the code (pyproject.toml's line-length).
_PROSE_WIDTH = 100


def test_no_line_of_the_readme_s_prose_is_longer_than_the_code_s() -> None:
    # Lines of 101 to 210 characters had crept in, each edit wrapping its own words only. A
    # fenced block's line and a table's row stay whole (a command, a row: Markdown has no
    # continuation for either), and so does a line of one word (a link's address) or of one
    # inline code span (an answer quoted as the suite compares it: test_docs_examples).
    long = [
        f"README.md:{number}: {len(line)} characters"
        for number, line in _prose_lines("README.md")
        if len(line) > _PROSE_WIDTH
        and not line.lstrip().startswith("|")
        and " " in line.strip()
        and not re.fullmatch(r"\s*`[^`]+`[.,;:]?\s*", line)
    ]
    assert long == []


def test_the_repository_paths_the_documents_name_exist() -> None:
    # `tests/test_x.py`, `examples/…`, `alexaskill/…`: where a reader goes next (benchmarks'
    # README sent them to alexaskill/dynamodb.py, a package since).
    missing = []
    for document in DOCUMENTS:
        text = (ROOT / document).read_text(encoding="utf-8")
        folders = r"(?:tests|examples|benchmarks|alexaskill|docs|\.ci)"
        for path in set(re.findall(rf"(?<![\w/.-])({folders}/[\w./-]*\w)", text)):
            if not (ROOT / path).exists():
                missing.append(f"{document}: {path}")
    assert sorted(missing) == []


def test_the_top_level_options_are_in_the_readme() -> None:
    # `alexaskill --help` lists --version, which the README never named.
    from alexaskill.cli import parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    options = [o for a in parser()._actions for o in a.option_strings if o.startswith("--")]
    assert "--version" in options
    assert [o for o in options if o != "--help" and f"alexaskill {o}" not in readme] == []


#: The end of a sentence: a full stop (or ! or ?), closing marks after it, but no ellipsis
#: ("where is the ..." goes on in the next line, inside its quotation).
_SENTENCE_END = re.compile(r"""(?<!\.\.)[.!?][)"'`\u201d\u2019]*$""")


def _orphan_tails(changelog: str) -> list[str]:
    """The changelog's continuation lines that begin in lower case right after a line of a row
    that ends a sentence: the tail of another version of a row, not this row's words."""
    lines = changelog.splitlines()
    return [
        f"CHANGELOG.md:{number}: {line.strip()}"
        for number, (before, line) in enumerate(itertools.pairwise(lines), start=2)
        if re.match(r"  [a-z]", line)
        and before.startswith(("- ", "  "))
        and _SENTENCE_END.search(before.rstrip())
    ]


def test_no_changelog_row_has_the_tail_of_another_version_of_a_row() -> None:
    # Commits replayed onto a changed CHANGELOG left the ending of one version of a row after
    # another row that had ended (`… not NoneType".` then `  deadline, named too (…)`), or kept
    # both endings of one row: nothing said which was the row's text. A row's next line starts
    # in lower case only where its sentence goes on.
    sample = (
        "- A row that ends here.\n  around them.\n"
        '- A row quoting "where is the ...\n  parcel" goes on. So\n  does this one.\n'
    )
    assert _orphan_tails(sample) == ["CHANGELOG.md:2: around them."]
    assert _orphan_tails((ROOT / "CHANGELOG.md").read_text(encoding="utf-8")) == []


def _changelog_rows(changelog: str) -> list[tuple[int, list[str]]]:
    """Each row of the changelog (a `- ` line and the indented lines after it): the number of its
    first line and its words, in lower case."""
    rows: list[tuple[int, list[str]]] = []
    in_row = False
    for number, line in enumerate(changelog.splitlines(), start=1):
        if line.startswith("- "):
            rows.append((number, []))
            in_row = True
        elif not line.startswith("  "):
            in_row = False
        if in_row:
            rows[-1][1].extend(re.findall(r"\w+", line.lower()))
    return rows


def _rows_said_twice(changelog: str) -> list[str]:
    """Pairs of rows where the shorter one's words, in order, are nearly all in the other: an
    older version of a row left beside the one a later commit wrote anew."""
    rows = _changelog_rows(changelog)
    # Word triples find the few pairs worth comparing word by word: difflib over all of the
    # changelog's ~2,000 rows, two by two, would take minutes.
    triples = [{tuple(w[i : i + 3]) for i in range(len(w) - 2)} for _, w in rows]
    holders: dict[tuple[str, ...], list[int]] = {}
    for index, row_triples in enumerate(triples):
        for triple in row_triples:
            holders.setdefault(triple, []).append(index)
    twice = []
    for first, row_triples in enumerate(triples):
        shared: dict[int, int] = {}
        for triple in row_triples:
            for other in holders[triple]:
                if other > first:
                    shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            if count < 0.6 * min(len(row_triples), len(triples[other])):
                continue
            a, b = rows[first][1], rows[other][1]
            blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            # 0.95: the stale versions found held 96-97% of their words in the newer row; the
            # nearest rows of two changes (one on the response's deadline, one on the body's)
            # share 91%.
            if sum(block.size for block in blocks) >= 0.95 * min(len(a), len(b)):
                twice.append(f"CHANGELOG.md:{rows[first][0]} and :{rows[other][0]}")
    return twice


def test_no_changelog_row_says_its_change_twice() -> None:
    # Commits that wrote a row anew, naming more (a Language's openers and bounds, then its
    # joiners and negations too), left the older version beside it: a reader met one change
    # twice, the second time with less of it.
    sample = (
        "- `Store` with a `client=`: a load Redis did not answer in time names the client's\n"
        "  timeouts.\n"
        "- A request cancelled as its deadline passed is answered `cancelled`.\n"
        "- `Store` with a `client=`: a load Redis did not answer in time, or a database Redis\n"
        "  lacks, names the client's timeouts.\n"
        "- A request cancelled as its body's deadline passed is answered 503.\n"
    )
    assert _rows_said_twice(sample) == ["CHANGELOG.md:1 and :4"]
    assert _rows_said_twice((ROOT / "CHANGELOG.md").read_text(encoding="utf-8")) == []


def test_the_invocation_names_the_readme_gives_pass_amazons_requirements() -> None:
    # A new user copies the README's names into the console. "First 10 minutes" chatted with
    # `--invocation "the cafe"`, and `alexaskill model` warned of it at once: "a two-word name may
    # not use the article, preposition or pronoun 'the'".
    from alexaskill.interaction.invocation import invocation_name_warnings, invocation_problems

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    given = re.findall(r'--invocation (?:([a-z]{2}-[A-Z]{2})=)?"([^"\n]+)"', readme)
    given += [("", name) for name in re.findall(r'\binvocation="([^".\n][^"\n]*)"', readme)]
    assert len(given) > 5, given
    for locale, name in given:
        locale = locale or "en-US"
        said = invocation_problems(name, locale) + invocation_name_warnings(name, locale)
        assert said == [], (name, locale, said)
