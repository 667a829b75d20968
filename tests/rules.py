"""The rules table of docs/rules.md, and the check that holds it and the tests to each other.

A test names the rules it proves with `@pytest.mark.rule("000-4-consent", ...)`. The check
(`rule_problems`) finds a test naming an id the table does not have, and a rule marked
`implemented` or `partly` that no test names; tests/conftest.py runs it on every collection and
turns each problem into a collection error. Nothing here imports Django.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
RULES_FILE = TESTS_DIR.parent / "docs" / "rules.md"
# Where a problem about the table itself, or about a rule no test names, is reported.
RULES_NODE_ID = "docs/rules.md"

STATES = ("implemented", "partly", "not yet", "not ours")
# A rule in one of these states must be named by at least one test.
TESTED_STATES = frozenset({"implemented", "partly"})
SEEDS = ("000", "001", "002", "003", "004")
CONCERNS = frozenset(
    {
        "case worker",
        "supervisor",
        "access administrator",
        "labour authority",
        "municipality",
        "client",
        "system",
    }
)
# Seed number, section as the seed numbers it (4, 10, 4a), a slug of lowercase words.
ID_FORMAT = re.compile(r"(?P<seed>\d{3})-(?P<section>\d+[a-z]?)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)")
COLUMNS = ("id", "source", "rule", "concerns", "state", "notes")


class RulesTableError(ValueError):
    """docs/rules.md cannot be read as a rules table; the message names the line."""


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    statement: str
    concerns: tuple[str, ...]
    state: str
    notes: str
    line: int


@dataclass(frozen=True)
class Problem:
    """One thing wrong, reported as a collection error at `node_id`."""

    node_id: str
    message: str


def parse_rules(text: str) -> dict[str, Rule]:
    """The rules of the first Markdown table whose first header cell is `id`, by id.

    Raises RulesTableError for a missing table, a row of the wrong shape, an id that is
    malformed or repeated, a state outside STATES, a concern outside CONCERNS, or a source
    that does not start with the seed and section the id names.
    """
    lines = text.splitlines()
    start = next((number for number, line in enumerate(lines) if _cells(line)[:1] == ["id"]), None)
    if start is None:
        raise RulesTableError("no table whose first column is 'id'")
    if tuple(_cells(lines[start])) != COLUMNS:
        raise RulesTableError(f"line {start + 1}: the columns must be {' | '.join(COLUMNS)}")
    rules: dict[str, Rule] = {}
    for number in range(start + 2, len(lines)):
        if not lines[number].lstrip().startswith("|"):
            break
        rule = _rule(_cells(lines[number]), line=number + 1)
        if rule.id in rules:
            raise RulesTableError(
                f"line {rule.line}: the id {rule.id} is already on line {rules[rule.id].line}"
            )
        rules[rule.id] = rule
    if not rules:
        raise RulesTableError(f"line {start + 1}: the table has no rows")
    return rules


def load_rules(path: Path = RULES_FILE) -> dict[str, Rule]:
    return parse_rules(path.read_text(encoding="utf-8"))


def _cells(line: str) -> list[str]:
    line = line.strip()
    if not line.startswith("|"):
        return []
    return [cell.strip() for cell in line.strip("|").split("|")]


def _rule(cells: list[str], *, line: int) -> Rule:
    if len(cells) != len(COLUMNS):
        raise RulesTableError(f"line {line}: {len(cells)} cells, not {len(COLUMNS)}")
    rule_id, source, statement, concerns, state, notes = cells
    rule_id = rule_id.strip("`")
    match = ID_FORMAT.fullmatch(rule_id)
    if match is None or match["seed"] not in SEEDS:
        raise RulesTableError(f"line {line}: {rule_id!r} is not an id like 000-4-consent")
    if not source.startswith(f"{match['seed']} §{match['section']}"):
        raise RulesTableError(
            f"line {line}: the source of {rule_id} must start with "
            f"'{match['seed']} §{match['section']}', as its id says"
        )
    if state not in STATES:
        raise RulesTableError(
            f"line {line}: the state of {rule_id} is {state!r}, not one of {', '.join(STATES)}"
        )
    concerned = tuple(part.strip() for part in concerns.split(","))
    if unknown := [part for part in concerned if part not in CONCERNS]:
        raise RulesTableError(f"line {line}: {rule_id} concerns unknown parties {unknown}")
    if not statement or (not notes and state != "implemented"):
        raise RulesTableError(f"line {line}: {rule_id} needs a statement, and notes unless done")
    return Rule(rule_id, source, statement, concerned, state, notes, line)


def rule_ids_of(item) -> list[object]:
    """What the item's rule markers name, in order; "" for a marker that names nothing."""
    named: list[object] = []
    for mark in item.iter_markers("rule"):
        named.extend(mark.args or [""])
    return named


def rule_problems(
    states: Mapping[str, str],
    named: Iterable[tuple[str, Sequence[object]]],
    *,
    whole_suite: bool,
) -> list[Problem]:
    """What is wrong between the rules table and the tests that name its rules.

    `states` maps each rule id to its state; `named` gives each collected test's node id with
    the ids its rule markers name. An id the table lacks is always a problem. A rule whose state
    is in TESTED_STATES that no test names is one only for the whole suite (`whole_suite`):
    a developer running one file has collected only some of the tests that name rules.
    """
    problems = []
    tested = set()
    for node_id, rule_ids in named:
        for rule_id in rule_ids:
            if rule_id == "":
                problems.append(Problem(node_id, "@pytest.mark.rule names no rule id"))
            elif not isinstance(rule_id, str):
                problems.append(Problem(node_id, f"@pytest.mark.rule({rule_id!r}) is not an id"))
            elif rule_id not in states:
                problems.append(
                    Problem(node_id, f"names the rule {rule_id}, which is not in {RULES_NODE_ID}")
                )
            else:
                tested.add(rule_id)
    if whole_suite:
        problems.extend(
            Problem(
                RULES_NODE_ID,
                f"the rule {rule_id} is marked {state}, but no test names it: add "
                f'@pytest.mark.rule("{rule_id}") to a test that proves it',
            )
            for rule_id, state in states.items()
            if state in TESTED_STATES and rule_id not in tested
        )
    return problems


def collects_whole_suite(
    args: Sequence[str], *, invocation_dir: Path, tests_dir: Path = TESTS_DIR
) -> bool:
    """Whether a run with these path arguments collects every test under `tests_dir`.

    True when an argument names `tests_dir` itself or a folder above it (a plain `pytest` from
    the project's root gets `tests` from the `testpaths` setting); false when every argument
    names a file, a node id or a folder inside it.
    """
    for arg in args:
        if "::" in arg:
            continue
        path = (invocation_dir / arg).resolve()
        if tests_dir == path or tests_dir.is_relative_to(path):
            return True
    return False
