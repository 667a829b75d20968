"""Bad input gets a form error with its own code, never a server error nor a database error."""

import datetime

import pytest
from axes.models import AccessAttempt
from django import forms
from django.test import Client as PasswordOnlyClient
from django.utils import timezone

from access.forms import (
    AccessApplicationForm,
    AgreementTerminationForm,
    DecisionForm,
    GrantScopeForm,
    RevocationForm,
    WorkerAgreementForm,
)
from atmt.forms import TEXT_MAX_LENGTH
from consent.forms import ConsentRecordForm, ConsentWithdrawForm
from records.forms import ClientSearchForm, PurposeForm
from sign_in.forms import SignInForm
from tests.factories import MunicipalityFactory, UserFactory, client_group

EXTREME_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"]


def date_error_codes(form: forms.BaseForm, field: str) -> set[str]:
    form.is_valid()
    return {error.code for error in form.errors.as_data().get(field, [])}


def scope_data(**changes) -> dict:
    today = timezone.localdate()
    return {
        "municipality": MunicipalityFactory(code="167").pk,
        "client_groups": [client_group("ohjaamo_youth").pk],
        "authority": "view",
        "first_day": today.isoformat(),
        "last_day": (today + datetime.timedelta(days=30)).isoformat(),
        "tasks": "Ohjaamon neuvonta",
        "decision": "approve",
    } | changes


@pytest.mark.django_db
@pytest.mark.parametrize("day", EXTREME_DATES)
@pytest.mark.parametrize("field", ["first_day", "last_day"])
@pytest.mark.parametrize("form_class", [AccessApplicationForm, DecisionForm, GrantScopeForm])
def test_grant_days_outside_their_bounds_are_form_errors(form_class, field, day):
    form = form_class(scope_data(**{field: day}))

    assert date_error_codes(form, field) & {"date_too_early", "date_too_late"}


@pytest.mark.django_db
@pytest.mark.parametrize("day", EXTREME_DATES)
def test_an_application_with_an_extreme_day_is_refused_not_a_server_error(client, setting, day):
    client.force_login(setting.worker)
    client.raise_request_exception = True

    response = client.post("/access-rights/apply/", scope_data(last_day=day))

    assert response.status_code == 200
    assert "last_day" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "day", "code"),
    [
        ("signed_on", "1999-12-31", "date_too_early"),
        ("signed_on", "0001-01-01", "date_too_early"),
        ("signed_on", "9999-12-31", "date_too_late"),
        ("signed_on", "tomorrow", "date_too_late"),
        ("valid_until", "9999-12-31", "date_too_late"),
        ("valid_until", "0001-01-01", "date_too_early"),
    ],
)
def test_consent_dates_keep_their_own_bounds(field, day, code):
    today = timezone.localdate()
    if day == "tomorrow":
        day = (today + datetime.timedelta(days=1)).isoformat()
    data = {"kind": "viewing", "status": "refused", "signed_on": today.isoformat()}
    data |= {"place": "ohjaamo", field: day}

    assert code in date_error_codes(ConsentRecordForm(data), field)


def test_the_bounds_are_named_in_the_error_and_on_the_widget():
    form = ConsentRecordForm({"signed_on": "1999-12-31"})
    form.is_valid()

    assert "2000" in form.errors["signed_on"][0]
    assert form.fields["signed_on"].widget.attrs["min"] == "2000-01-01"
    assert form.fields["signed_on"].widget.attrs["max"] == timezone.localdate().isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "field"),
    [(WorkerAgreementForm, "signed_on"), (AgreementTerminationForm, "notice_given_on")],
)
@pytest.mark.parametrize(
    ("day", "code"),
    [("9999-12-31", "date_too_late"), ("0001-01-01", "date_too_early"), ("1999-12-31", None)],
)
def test_agreement_days_keep_their_own_bounds(form_class, field, day, code, access_admin):
    extra = {"actor": access_admin} if form_class is WorkerAgreementForm else {}
    codes = date_error_codes(form_class({field: day}, **extra), field)

    assert (code or "date_too_early") in codes


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (RevocationForm, {"reason": "ok\x1b[31m"}, "reason"),
        (ConsentWithdrawForm, {"channel": "in_person", "note": "bell\x07"}, "note"),
        (PurposeForm, {"purpose": "meeting", "note": "back\x08space"}, "note"),
        (ClientSearchForm, {"last_name": "Virta\nnen"}, "last_name"),
        (ClientSearchForm, {"last_name": "Virta\tnen"}, "last_name"),
    ],
)
def test_text_refuses_control_characters(form_class, data, field):
    form = form_class(data)
    form.is_valid()

    assert "control_characters" in {e.code for e in form.errors.as_data().get(field, [])}


def test_a_multi_line_field_keeps_line_breaks_and_tabs():
    form = RevocationForm({"reason": "Ensimmäinen rivi\r\n\tsisennetty toinen"})

    assert form.is_valid(), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "data", "field", "limit"),
    [
        (RevocationForm, {}, "reason", TEXT_MAX_LENGTH),
        (AccessApplicationForm, None, "tasks", TEXT_MAX_LENGTH),
        (ConsentRecordForm, {}, "data_items", TEXT_MAX_LENGTH),
        (ConsentRecordForm, {}, "disclosure_purpose", TEXT_MAX_LENGTH),
        (SignInForm, {"password": "x"}, "username", 150),
        (WorkerAgreementForm, {}, "employment_area", 200),
    ],
)
def test_over_long_text_is_a_form_error(form_class, data, field, limit, db):
    data = scope_data() if data is None else data
    extra = {"actor": UserFactory()} if form_class is WorkerAgreementForm else {}
    form = form_class(data={**data, field: "a" * (limit + 1)}, **extra)
    form.is_valid()

    assert "max_length" in {e.code for e in form.errors.as_data()[field]}


@pytest.mark.django_db
def test_a_very_long_user_name_at_sign_in_is_a_form_error_and_the_lockout_still_counts():
    UserFactory(username="worker")
    browser = PasswordOnlyClient(raise_request_exception=True)

    response = browser.post("/sign-in/", {"username": "a" * 300, "password": "wrong"})

    assert response.status_code == 200
    codes = {e.code for e in response.context["form"].errors.as_data()["username"]}
    assert "max_length" in codes
    # The lockout record still works for the next sign-in.
    browser.post("/sign-in/", {"username": "worker", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="worker").get().failures_since_start == 1


@pytest.mark.django_db
def test_a_choice_beyond_any_database_key_is_a_form_error():
    form = AccessApplicationForm(scope_data(municipality="9" * 30, client_groups=["9" * 30]))
    form.is_valid()

    assert "invalid_choice" in {e.code for e in form.errors.as_data()["municipality"]}
    assert form.errors.as_data()["client_groups"]
