"""The page that tells every member of staff how their use is screened (759/2004 §21): the
rules in force, exactly, with their thresholds; the others as not in use; no look written."""

import pytest

from audit.models import AccessEvent
from review import rules
from review.screening import rules_in_force
from review.services import rule_setting_change

pytestmark = pytest.mark.rule("000-8-review")

WATCHED = "/screening/"


@pytest.fixture
def some_rules_on(supervisor):
    rule_setting_change(actor=supervisor, rule=rules.OUT_OF_HOURS, enabled=True, values={})
    rule_setting_change(actor=supervisor, rule=rules.UNSERVED, enabled=True, values={})
    rule_setting_change(actor=supervisor, rule=rules.DENIALS, enabled=True, values={})
    rule_setting_change(actor=supervisor, rule=rules.DENIALS, enabled=False, values={})
    rule_setting_change(
        actor=supervisor, rule=rules.OUT_OF_HOURS, enabled=True, values={"ends_at": 17}
    )


def test_a_case_worker_sees_exactly_the_rules_in_force(client, case_worker, some_rules_on):
    client.force_login(case_worker)

    page = client.get(WATCHED)

    assert page.status_code == 200
    in_use = [state.rule.code for state in page.context["in_use"]]
    assert in_use == [rules.OUT_OF_HOURS, rules.UNSERVED] == list(rules_in_force())
    for rule in rules.RULES:
        shown = f'data-testid="watched-rule-{rule.code}"' in page.text
        unused = f'data-testid="unused-rule-{rule.code}"' in page.text
        assert (shown, unused) == (rule.code in in_use, rule.code not in in_use), rule.code
    night = page.context["in_use"][0]
    assert dict((t.code, value) for t, value in night.thresholds)["ends_at"] == 17


def test_with_no_rule_in_force_every_rule_is_listed_as_not_in_use(client, case_worker):
    client.force_login(case_worker)

    page = client.get(WATCHED)

    assert page.context["in_use"] == []
    assert page.text.count('data-testid="unused-rule-') == len(rules.RULES)


@pytest.mark.parametrize(
    "persona", ["case_worker", "supervisor", "access_admin", "labour_official", "outsider"]
)
def test_every_member_of_staff_may_read_it_and_it_is_no_look(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    before = AccessEvent.objects.count()

    assert client.get(WATCHED).status_code == 200
    assert AccessEvent.objects.count() == before


def test_the_case_workers_home_and_every_page_link_to_it(client, case_worker):
    client.force_login(case_worker)

    home = client.get("/")

    assert home.text.count(f'href="{WATCHED}"') == 2  # the home page's text and the footer
