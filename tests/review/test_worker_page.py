"""The supervisor's page of one worker: scope, the figures, the picture and its table, the
timeline with its explanations, the look at the page logged, fail closed."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from atmt.identity_codes import holds_identity_code
from audit.actions import Action
from audit.models import AccessEvent
from review.activity import Share
from review.rules import OUT_OF_HOURS
from review.search import PAGE_SIZE
from review.services import rule_setting_change
from review.trail import Explanation
from review.worker_activity import DEFAULT_DAYS, DayCount, Figures
from review.worker_views import WORKER_OUT_OF_SCOPE
from tests.factories import ClientFactory
from tests.log import block_access_event_inserts
from tests.review.conftest import event_of
from tests.review.trails import DAY, at, look, recorded, searched

pytestmark = pytest.mark.rule("000-8-review")

# Sunday 1.11.2026 to Saturday 7.11.2026; DAY is the Wednesday between.
FIRST, LAST = DAY - datetime.timedelta(days=3), DAY + datetime.timedelta(days=3)
PERIOD = {"period_from": FIRST.isoformat(), "period_to": LAST.isoformat()}


def page_of_worker(supervising, worker, **query):
    return supervising.get(f"/access-log/workers/{worker.pk}/", query)


@pytest.fixture
def week(office):
    """The worker's week: explained, out-of-hours, denied and limited looks, a search, a change;
    and events that do not count (outside the period, a colleague's)."""
    worker = office.worker
    a, b, c = office.client, ClientFactory(last_name="Toinen"), ClientFactory(last_name="Kolmas")
    planted = {
        "explained": look(worker, a, at(DAY, 10)),
        "entry": recorded(worker, a, at(DAY, 11)),
        "denied": look(worker, a, at(DAY, 13), denied=True, reasons=["consent_missing"]),
        "evening": look(worker, b, at(DAY, 22)),
        "search": searched(worker, [b], at(DAY + datetime.timedelta(days=1), 8)),
        "limited": event_of(
            worker,
            client=b,
            occurred_at=at(DAY + datetime.timedelta(days=1), 9),
            decision=AccessEvent.Decision.LIMITED,
            reason_codes=["consent_missing"],
        ),
        "saturday": look(worker, c, at(LAST, 12)),
    }
    look(worker, c, at(LAST + datetime.timedelta(days=1), 12))  # the day after the period
    look(office.colleague, a, at(DAY, 10))
    return planted


def test_the_figures_of_the_period(supervising, office, week):
    response = page_of_worker(supervising, office.worker, **PERIOD)

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert response.context["figures"] == Figures(
        looks=5,  # the search and the entry are not looks; the limited one is
        clients=3,
        denied=1,
        out_of_hours=2,  # 22:00 on the Wednesday, and the Saturday
        explained=Share(part=1, whole=3),  # of the three allowed looks, the entry explains one
    )
    assert response.context["figures"].explained.percent == 33
    assert [(day.day, day.looks, day.out_of_hours) for day in response.context["days"]] == [
        (FIRST, 0, 0),
        (FIRST + datetime.timedelta(days=1), 0, 0),
        (FIRST + datetime.timedelta(days=2), 0, 0),
        (DAY, 3, 1),
        (DAY + datetime.timedelta(days=1), 1, 0),
        (DAY + datetime.timedelta(days=2), 0, 0),
        (LAST, 1, 1),
    ]


def test_out_of_hours_follows_the_rule_in_force(supervising, office, week):
    rule_setting_change(
        actor=office.supervisor, rule=OUT_OF_HOURS, enabled=True, values={"ends_at": 23}
    )

    response = page_of_worker(supervising, office.worker, **PERIOD)

    assert response.context["figures"].out_of_hours == 1  # the Saturday only
    rows = {row.event.pk: row.out_of_hours for row in response.context["rows"]}
    assert rows[week["evening"].pk] is False
    assert rows[week["saturday"].pk] is True


class Marks(HTMLParser):
    """The data-* attributes of the bars, of the table's rows and cells, and every link."""

    def __init__(self):
        super().__init__()
        self.bars: dict[str, tuple[int, int]] = {}
        self.rows: dict[str, list[int]] = {}
        self.rects: list[dict[str, str]] = []
        self.links: list[str] = []
        self._row: str | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"] or "")
        if tag == "g" and "data-looks" in attributes:
            looks, out = int(attributes["data-looks"]), int(attributes["data-out-of-hours"])
            self.bars[attributes["data-day"]] = (looks, out)
        if tag == "rect" and "x" in attributes and attributes["x"].endswith("%"):
            self.rects.append(attributes | {"day": list(self.bars)[-1]})
        if tag == "tr" and "data-day" in attributes:
            self._row = attributes["data-day"]
            self.rows[self._row] = []
        counted = "data-looks" in attributes or "data-out-of-hours" in attributes
        if tag == "td" and self._row and counted:
            self._cell = self._row

    def handle_data(self, data):
        if self._cell and data.strip():
            self.rows[self._cell].append(int(data))
            self._cell = None

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None


def marks(response) -> Marks:
    parser = Marks()
    parser.feed(response.text)
    return parser


def test_the_pictures_bars_hold_the_tables_numbers(supervising, office, week):
    response = page_of_worker(supervising, office.worker, **PERIOD)

    found = marks(response)
    assert len(found.bars) == 7  # a slot for each day, the empty ones too
    assert found.bars == {day: tuple(numbers) for day, numbers in found.rows.items()}
    assert found.bars[DAY.isoformat()] == (3, 1)
    # The bars' heights are the numbers, on one scale: the in-hours part, then the out-of-hours.
    heights = {}
    for rect in found.rects:
        kind = rect["class"].removeprefix("looks-chart__")
        heights[rect["day"], kind] = float(rect["height"])
    scale = heights[DAY.isoformat(), "in-hours"] / 2
    assert heights[DAY.isoformat(), "out-of-hours"] == pytest.approx(scale)
    assert heights[LAST.isoformat(), "out-of-hours"] == pytest.approx(scale)
    assert heights[(DAY + datetime.timedelta(days=1)).isoformat(), "in-hours"] == pytest.approx(
        scale
    )
    assert len(found.rects) == 4  # no bar at all on the empty days


def test_the_picture_is_named_for_screen_readers_and_uses_no_inline_style(
    supervising, office, week
):
    text = page_of_worker(supervising, office.worker, **PERIOD).text

    svg = re.search(r"<svg class=\"looks-chart__picture\"[^>]*>", text)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert 'aria-labelledby="looks-chart-title"' in svg.group(0)
    assert '<title id="looks-chart-title">' in text
    assert "style=" not in text
    assert "<style" not in text


def test_the_timeline_lists_every_event_with_its_explanations(supervising, office, week):
    response = page_of_worker(supervising, office.worker, **PERIOD)

    rows = {row.event.pk: row for row in response.context["rows"]}
    in_period = [event.pk for event in week.values()]
    assert list(rows) == sorted(in_period, reverse=True)  # newest first, nothing hidden
    assert rows[week["explained"].pk].explanations == (Explanation.ENTRY,)
    assert rows[week["evening"].pk].unexplained
    assert rows[week["saturday"].pk].unexplained
    # Only an allowed look needs explaining.
    for name in ("denied", "limited", "search", "entry"):
        assert rows[week[name].pk].explanations is None
    text = response.text
    assert f'data-explanation="{Explanation.ENTRY.value}"' in text
    assert text.count('data-mark="unexplained"') == 2
    assert text.count('data-mark="out-of-hours"') == 2


def test_the_timeline_is_keyset_paged(supervising, office):
    events = [
        look(office.worker, office.client, at(DAY, 9) + datetime.timedelta(minutes=n))
        for n in range(PAGE_SIZE + 5)
    ]

    first = page_of_worker(supervising, office.worker, **PERIOD)
    older = page_of_worker(
        supervising, office.worker, **PERIOD, before=first.context["page"].older_than
    )

    assert [row.event.pk for row in first.context["rows"]] == [e.pk for e in events[::-1][:50]]
    assert [row.event.pk for row in older.context["rows"]] == [e.pk for e in events[:5][::-1]]
    assert older.context["page"].newer_than == events[4].pk
    assert f"before={events[5].pk}" in first.text
    assert f"period_from={FIRST.isoformat()}" in first.text  # the link keeps the period


def test_without_a_period_the_page_shows_the_last_30_days(supervising, office):
    before = timezone.localdate()
    response = page_of_worker(supervising, office.worker)
    after = timezone.localdate()

    period = response.context["period"]
    assert response.status_code == 200
    assert period.last in {before, after}  # today, even across a midnight
    assert (period.last - period.first).days + 1 == DEFAULT_DAYS
    assert len(response.context["days"]) == DEFAULT_DAYS


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"period_from": "2026-02-30"}, "period_from", "invalid"),
        ({"period_from": "1999-12-31", "period_to": "2000-01-05"}, "period_from", "date_too_early"),
        ({"period_from": "2026-11-05", "period_to": "2026-11-04"}, "period_to", "period_reversed"),
        (  # 367 days
            {"period_from": "2025-11-01", "period_to": "2026-11-02"},
            "period_from",
            "period_too_long",
        ),
        ({"period_to": "2100-01-01"}, "period_to", "date_too_late"),
        ({"before": "x"}, "before", "invalid"),
        ({"before": "1", "after": "1"}, "__all__", "both_ways"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_shown(
    supervising, office, week, query, field, code
):
    response = page_of_worker(supervising, office.worker, **query)

    assert response.status_code == 400
    assert response.context["form"].has_error(field, code)
    assert "rows" not in response.context
    assert not AccessEvent.objects.filter(actor=office.supervisor).exists()


def test_a_year_and_a_day_of_a_leap_year_is_the_longest_period(supervising, office):
    response = page_of_worker(
        supervising, office.worker, period_from="2023-12-07", period_to="2024-12-06"
    )

    assert response.status_code == 200
    assert len(response.context["days"]) == 366


def test_the_look_at_the_page_is_logged_with_its_code(supervising, office, week):
    page_of_worker(supervising, office.worker, **PERIOD)

    (logged,) = AccessEvent.objects.filter(actor=office.supervisor)
    assert logged.action == Action.LOG_WORKER_VIEWED
    assert logged.decision == AccessEvent.Decision.ALLOWED
    assert logged.details == {"worker": office.worker.pk} | PERIOD
    assert logged.client is None
    assert logged.result_count == len(week)


def test_a_supervisor_of_joensuu_gets_a_404_for_a_liperi_worker_and_it_is_logged(
    supervising, office
):
    look(office.stranger, office.client, at(DAY, 10))

    response = page_of_worker(supervising, office.stranger, **PERIOD)

    assert response.status_code == 404
    assert office.client.last_name not in response.text
    (logged,) = AccessEvent.objects.filter(actor=office.supervisor)
    assert logged.action == Action.LOG_WORKER_VIEWED
    assert logged.decision == AccessEvent.Decision.DENIED
    assert logged.reason_codes == [WORKER_OUT_OF_SCOPE]
    assert logged.details == {"worker": office.stranger.pk}


def test_no_such_worker_is_the_same_404(supervising, office):
    response = supervising.get("/access-log/workers/999999/")

    assert response.status_code == 404
    assert AccessEvent.objects.get(actor=office.supervisor).reason_codes == [WORKER_OUT_OF_SCOPE]


def test_a_case_worker_cannot_open_the_page(worker_client, office):
    assert worker_client.get(f"/access-log/workers/{office.worker.pk}/").status_code == 403


def test_nothing_is_shown_when_the_look_cannot_be_logged(supervising, office, week):
    block_access_event_inserts()

    response = page_of_worker(supervising, office.worker, **PERIOD)

    assert response.status_code == 503
    assert office.client.last_name not in response.text
    assert "looks-chart" not in response.text
    assert not AccessEvent.objects.filter(actor=office.supervisor).exists()


def plant(office, count: int) -> None:
    """`count` looks of the worker's over the week at as many clients, half of them explained."""
    for n in range(count):
        client = ClientFactory()
        when = at(FIRST + datetime.timedelta(days=n % 7), 6 + n % 16)
        look(office.worker, client, when, denied=n % 5 == 4)
        if n % 2:
            recorded(office.worker, client, when + datetime.timedelta(hours=1))


@pytest.mark.parametrize("count", [1, 80])
def test_the_page_costs_the_same_few_queries_whatever_the_number_of_events(
    supervising, office, count, django_assert_max_num_queries
):
    plant(office, count)

    with django_assert_max_num_queries(19):
        response = page_of_worker(supervising, office.worker, **PERIOD)

    assert response.status_code == 200
    assert response.context["figures"].looks == count


def test_no_link_on_the_page_carries_an_identity_code(supervising, office, week):
    response = page_of_worker(supervising, office.worker, **PERIOD)

    links = marks(response).links
    assert any("/client/" in link for link in links)
    for link in links:
        assert not holds_identity_code(link), link
    assert office.client.identity_code not in response.text
    assert office.client.identity_code[:6] + "-****" in response.text  # shown masked


def test_the_search_results_and_the_event_page_link_to_the_worker(supervising, office):
    event = event_of(office.worker, client=office.client)
    worker_page = f"/access-log/workers/{office.worker.pk}/"

    assert worker_page in supervising.get("/access-log/").text
    assert worker_page in supervising.get(f"/access-log/events/{event.pk}/").text


def test_the_day_counts_know_their_hours():
    assert DayCount(DAY, looks=3, out_of_hours=1).in_hours == 2
