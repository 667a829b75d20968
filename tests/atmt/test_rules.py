"""docs/rules.md reads as a table of well-formed rules, and the check that holds it and the tests'
`@pytest.mark.rule(...)` markers together finds what it must (tests/rules.py)."""

from pathlib import Path

import pytest

from tests.rules import (
    CONCERNS,
    ID_FORMAT,
    RULES_NODE_ID,
    STATES,
    TESTS_DIR,
    RulesTableError,
    collects_whole_suite,
    load_rules,
    parse_rules,
    rule_problems,
)

HEADER = "| id | source | rule | concerns | state | notes |\n|---|---|---|---|---|---|\n"


def table(*rows: str) -> str:
    return "# Rules\n\nSome text.\n\n" + HEADER + "".join(f"{row}\n" for row in rows) + "\nAfter.\n"


CONSENT_ROW = "| 000-4-consent | 000 §4 | The client has consented. | client | implemented | |"


# The table itself


def test_the_table_has_its_rules_with_unique_well_formed_ids():
    rules = load_rules()  # refuses a repeated or malformed id, naming its line

    assert 30 <= len(rules) <= 90
    assert all(ID_FORMAT.fullmatch(rule_id) for rule_id in rules)
    assert {rule.state for rule in rules.values()} == set(STATES)
    assert all(set(rule.concerns) <= CONCERNS for rule in rules.values())


def test_every_rule_not_done_says_what_is_missing_or_whose_it_is():
    rules = load_rules()

    for rule in rules.values():
        if rule.state == "partly":
            assert "**Missing:**" in rule.notes, rule.id
        elif rule.state != "implemented":
            assert rule.notes, rule.id


def test_the_capabilities_still_to_come_are_named_not_yet():
    rules = load_rules()
    not_yet = " ".join(rule.notes for rule in rules.values() if rule.state == "not yet")

    for capability in (
        "The client's data copy",
        "The four-year purge",
    ):
        assert capability in not_yet, capability


def test_a_well_formed_table_is_read_with_its_state_and_line():
    rules = parse_rules(table(CONSENT_ROW))

    assert list(rules) == ["000-4-consent"]
    assert rules["000-4-consent"].state == "implemented"
    assert rules["000-4-consent"].line == 7


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((CONSENT_ROW, CONSENT_ROW), "already on line 7"),
        ((CONSENT_ROW.replace("implemented", "done"),), "not one of"),
        ((CONSENT_ROW.replace("implemented", "Implemented"),), "not one of"),
        ((CONSENT_ROW.replace("000-4-consent", "000-4-Consent"),), "not an id"),
        ((CONSENT_ROW.replace("000-4-consent", "007-4-consent"),), "not an id"),
        ((CONSENT_ROW.replace("000-4-consent", "0-4-consent"),), "not an id"),
        ((CONSENT_ROW.replace("000 §4", "000 §5"),), "must start with '000 §4'"),
        ((CONSENT_ROW.replace("| client |", "| employer |"),), "unknown parties"),
        ((CONSENT_ROW.replace("| implemented | |", "| partly | |"),), "needs a statement"),
        ((CONSENT_ROW.replace(" | client", ""),), "5 cells, not 6"),
        ((), "no rows"),
    ],
    ids=[
        "repeated-id",
        "unknown-state",
        "capitalised-state",
        "capital-in-id",
        "no-such-seed",
        "short-seed",
        "source-not-the-id",
        "unknown-concern",
        "partly-without-notes",
        "missing-cell",
        "empty",
    ],
)
def test_a_malformed_table_is_refused_naming_the_problem(rows, message):
    with pytest.raises(RulesTableError, match=message):
        parse_rules(table(*rows))


def test_a_text_without_a_rules_table_is_refused():
    with pytest.raises(RulesTableError, match="no table"):
        parse_rules("| seed | § |\n|---|---|\n| 002 | 4 |\n")


# The check, on a collection made up here

STATES_BY_ID = {
    "000-4-consent": "implemented",
    "000-5-nothing-without-consent": "partly",
    "000-8-review": "not yet",
    "003-5-no-plain-email": "not ours",
}
EVERY_TESTED_RULE = [
    ("tests/a.py::test_one", ["000-4-consent"]),
    ("tests/b.py::test_two", ["000-5-nothing-without-consent", "000-4-consent"]),
]


@pytest.mark.parametrize("whole_suite", [True, False])
def test_a_collection_naming_every_tested_rule_has_no_problem(whole_suite):
    assert rule_problems(STATES_BY_ID, EVERY_TESTED_RULE, whole_suite=whole_suite) == []


@pytest.mark.parametrize("whole_suite", [True, False])
def test_an_unknown_rule_id_is_reported_at_its_test_on_any_collection(whole_suite):
    named = [*EVERY_TESTED_RULE, ("tests/c.py::test_three", ["000-4-consent", "000-4-concent"])]

    [problem] = rule_problems(STATES_BY_ID, named, whole_suite=whole_suite)

    assert problem.node_id == "tests/c.py::test_three"
    assert "000-4-concent" in problem.message


@pytest.mark.parametrize(
    ("rule_id", "message"),
    [("", "names no rule id"), (4, "is not an id")],
    ids=["empty-marker", "not-a-string"],
)
def test_a_marker_that_names_no_id_is_reported(rule_id, message):
    named = [*EVERY_TESTED_RULE, ("tests/c.py::test_three", [rule_id])]

    [problem] = rule_problems(STATES_BY_ID, named, whole_suite=False)

    assert (problem.node_id, message in problem.message) == ("tests/c.py::test_three", True)


@pytest.mark.parametrize("missing", ["000-4-consent", "000-5-nothing-without-consent"])
def test_a_done_rule_no_test_names_is_reported_when_the_whole_suite_is_collected(missing):
    named = [(node_id, [i for i in ids if i != missing]) for node_id, ids in EVERY_TESTED_RULE]

    [problem] = rule_problems(STATES_BY_ID, named, whole_suite=True)

    assert problem.node_id == RULES_NODE_ID
    assert missing in problem.message
    assert STATES_BY_ID[missing] in problem.message


def test_a_done_rule_no_test_names_is_not_reported_for_part_of_the_suite():
    assert rule_problems(STATES_BY_ID, [], whole_suite=False) == []


def test_rules_not_yet_done_or_not_ours_need_no_test():
    problems = rule_problems(STATES_BY_ID, [], whole_suite=True)

    assert len(problems) == 2
    for rule_id in ("000-8-review", "003-5-no-plain-email"):
        assert not any(rule_id in problem.message for problem in problems)


# Which runs collect the whole suite

ROOT = TESTS_DIR.parent


@pytest.mark.parametrize(
    ("args", "invocation_dir", "whole"),
    [
        (["tests"], ROOT, True),
        (["."], ROOT, True),
        ([str(TESTS_DIR)], Path("/"), True),
        (["."], TESTS_DIR, True),
        (["tests/atmt/test_rules.py"], ROOT, False),
        (["tests/access"], ROOT, False),
        (["tests/access", "tests/atmt"], ROOT, False),
        (["tests::test_x"], ROOT, False),
        (["tests/atmt/test_rules.py::test_x"], ROOT, False),
        (["."], TESTS_DIR / "access", False),
        ([], ROOT, False),
    ],
)
def test_only_a_run_naming_the_tests_folder_or_above_is_the_whole_suite(
    args, invocation_dir, whole
):
    assert collects_whole_suite(args, invocation_dir=invocation_dir) is whole
