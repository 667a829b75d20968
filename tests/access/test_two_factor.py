"""Two-factor sign-in: enrolment, codes, recovery codes, lockout, reset and recent sign-in."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import AccessApplication
from audit.actions import Action
from audit.models import AccessEvent
from demo.two_factor import current_code
from sign_in.two_factor import AUTHENTICATED_AT
from tests.factories import TEST_PASSWORD, MunicipalityFactory, client_group
from tests.sign_in import authenticator, code_now

SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"
ENROL = "/sign-in/enrol/"
CONFIRM = "/sign-in/confirm/"
WRONG_CODE = "000000"


def sign_in_with_password(client, user, password=TEST_PASSWORD):
    return client.post(SIGN_IN, {"username": user.username, "password": password})


def enter_code(client, code, next_url="/"):
    return client.post(CODE, {"code": code, "next": next_url})


def wrong_code_for(user) -> str:
    right = code_now(user)
    return WRONG_CODE if right != WRONG_CODE else "111111"


@pytest.fixture
def enrolled(password_only_client, supervisor):
    """The supervisor, enrolled, signed in with the password only."""
    authenticator(supervisor)
    sign_in_with_password(password_only_client, supervisor)
    return supervisor


def two_factor_history(user) -> list[AccessEvent]:
    """The typed events about the user's two-factor sign-in."""
    return list(
        AccessEvent.objects.filter(
            target_type="access.user",
            target_id=str(user.pk),
            action__in=[Action.TWO_FACTOR_ENROLLED, Action.TWO_FACTOR_RESET],
        )
    )


def enrol(client, user) -> list[str]:
    """Enrol through the pages, as at a first sign-in; return the recovery codes shown."""
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(ENROL, {"code": current_code(device), "next": "/"}).status_code == 302
    page = client.get("/sign-in/recovery-codes/?next=/")
    return re.findall(r"<code>([a-z0-9-]{29})</code>", page.text)


# Enrolment


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_new_user_is_sent_to_enrol_after_the_password(password_only_client, case_worker):
    response = sign_in_with_password(password_only_client, case_worker)
    home = password_only_client.get(response.url)

    assert home.url == "/sign-in/enrol/?next=%2F"


def test_the_enrolment_page_shows_a_qr_code_and_the_key_to_type(password_only_client, case_worker):
    sign_in_with_password(password_only_client, case_worker)

    page = password_only_client.get(ENROL)

    device = TOTPDevice.objects.get(user=case_worker, confirmed=False)
    assert "<svg" in page.text
    typed_key = re.search(r'data-testid="manual-key">([A-Z2-7 ]+)<', page.text).group(1)
    assert len(typed_key.replace(" ", "")) == 32  # 20 bytes in base32
    assert "otpauth" not in page.text  # the address is inside the QR code only
    # A reload shows the same key: the app may have been set up with the first one.
    assert password_only_client.get(ENROL).text.count(typed_key) == 1
    assert TOTPDevice.objects.filter(user=case_worker).count() == 1
    assert device.confirmed is False


def test_enrolling_gives_ten_recovery_codes_once_and_signs_in(password_only_client, case_worker):
    sign_in_with_password(password_only_client, case_worker)

    codes = enrol(password_only_client, case_worker)

    assert len(codes) == 10 == len(set(codes))
    assert password_only_client.get("/").status_code == 200
    assert password_only_client.get("/sign-in/recovery-codes/").status_code == 302  # gone
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored.isdisjoint(code.replace("-", "") for code in codes)
    [history] = two_factor_history(case_worker)
    assert history.action == Action.TWO_FACTOR_ENROLLED
    assert history.actor == case_worker


def test_a_wrong_enrolment_code_enrols_nothing(password_only_client, case_worker):
    sign_in_with_password(password_only_client, case_worker)
    password_only_client.get(ENROL)

    response = password_only_client.post(ENROL, {"code": WRONG_CODE})

    assert response.status_code == 200
    assert "Koodi ei täsmää" in response.text
    assert not TOTPDevice.objects.filter(user=case_worker, confirmed=True).exists()
    assert password_only_client.get("/").status_code == 302


# Codes at sign-in


@pytest.mark.rule("001-9-personal-sign-in")
def test_the_right_code_completes_the_sign_in(password_only_client, enrolled):
    response = enter_code(password_only_client, code_now(enrolled), next_url="/access-log/")

    assert response.url == "/access-log/"
    assert password_only_client.get("/access-log/").status_code == 200


@pytest.mark.rule("001-9-personal-sign-in")
def test_a_code_is_accepted_only_once(password_only_client, enrolled, client):
    code = code_now(enrolled)
    enter_code(password_only_client, code)

    client.post(SIGN_IN, {"username": enrolled.username, "password": TEST_PASSWORD})
    response = enter_code(client, code)

    assert response.status_code == 200
    assert "Koodi on väärä" in response.text


def test_a_next_address_elsewhere_is_ignored(password_only_client, enrolled):
    response = enter_code(password_only_client, code_now(enrolled), "https://example.com/")

    assert response.url == "/"


@pytest.mark.rule("001-9-personal-sign-in")
def test_five_wrong_codes_lock_the_account(password_only_client, enrolled):
    wrong = wrong_code_for(enrolled)
    for _ in range(4):
        assert enter_code(password_only_client, wrong).status_code == 200

    fifth = enter_code(password_only_client, wrong)

    assert fifth.status_code == 429
    assert "Käyttäjätunnus on lukittu" in fifth.text
    assert "_auth_user_id" not in password_only_client.session  # signed out
    failures = AccessFailureLog.objects.filter(username=enrolled.username)
    assert failures.count() == 5
    attempt = AccessAttempt.objects.get(username=enrolled.username)
    assert wrong not in attempt.post_data
    assert "code=********************" in attempt.post_data
    assert sign_in_with_password(password_only_client, enrolled).status_code == 429


def test_wrong_passwords_and_wrong_codes_count_together(password_only_client, supervisor):
    authenticator(supervisor)
    for _ in range(3):
        sign_in_with_password(password_only_client, supervisor, "wrong-password")
    sign_in_with_password(password_only_client, supervisor)
    wrong = wrong_code_for(supervisor)

    assert enter_code(password_only_client, wrong).status_code == 200
    assert enter_code(password_only_client, wrong).status_code == 429


def test_a_complete_sign_in_forgives_earlier_failures(password_only_client, enrolled):
    wrong = wrong_code_for(enrolled)
    for _ in range(4):
        enter_code(password_only_client, wrong)

    enter_code(password_only_client, code_now(enrolled))

    assert not AccessAttempt.objects.filter(username=enrolled.username).exists()


# Recovery codes


def test_a_recovery_code_signs_in_once(password_only_client, client, case_worker):
    sign_in_with_password(password_only_client, case_worker)
    codes = enrol(password_only_client, case_worker)
    client.post(SIGN_IN, {"username": case_worker.username, "password": TEST_PASSWORD})

    used = enter_code(client, codes[0].upper(), "/")
    message = client.get("/").text

    assert used.url == "/"
    assert "9 koodia jäljellä" in message
    client.logout()
    client.post(SIGN_IN, {"username": case_worker.username, "password": TEST_PASSWORD})
    assert enter_code(client, codes[0]).status_code == 200  # used up


# Reset by an administrator


@pytest.mark.rule("001-9-personal-sign-in")
def test_an_administrator_resets_a_lost_device(client, access_admin, supervisor):
    colleague_session = type(client)()
    colleague_session.force_login(supervisor)
    client.force_login(access_admin)

    response = client.post(f"/access-rights/users/{supervisor.pk}/two-factor-reset/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    [history] = two_factor_history(supervisor)
    assert history.action == Action.TWO_FACTOR_RESET
    assert history.actor == access_admin
    # The supervisor's open session lost its second factor with the device.
    assert colleague_session.get("/access-log/").url.startswith(ENROL)


def test_nobody_resets_their_own_device(client, access_admin):
    client.force_login(access_admin)

    response = client.post(f"/access-rights/users/{access_admin.pk}/two-factor-reset/")

    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=access_admin).exists()
    assert two_factor_history(access_admin) == []


@pytest.mark.parametrize("persona", ["case_worker", "supervisor"])
def test_only_access_administrators_reset_devices(client, request, persona, access_admin):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(f"/access-rights/users/{access_admin.pk}/two-factor-reset/")

    assert response.status_code == 403
    assert two_factor_history(access_admin) == []


# A recent sign-in before decisions


@pytest.fixture
def application(case_worker, supervisor):
    joensuu = MunicipalityFactory(code="167")
    application = AccessApplication.objects.create(
        applicant=case_worker,
        applied_by=supervisor,
        municipality=joensuu,
        authority="view",
        valid_from=timezone.now(),
        valid_until=timezone.now() + datetime.timedelta(days=30),
        tasks="Ohjaamon neuvonta",
    )
    application.client_groups.set([client_group("ohjaamo_youth")])
    return application


def sign_in_minutes_ago(client, minutes):
    session = client.session
    session[AUTHENTICATED_AT] = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
    session.save()


def decide_url(application):
    return f"/access-rights/applications/{application.pk}/"


def test_a_decision_within_five_minutes_of_signing_in_needs_nothing_more(
    client, access_admin, application
):
    client.force_login(access_admin)
    sign_in_minutes_ago(client, 4)

    assert client.get(decide_url(application)).status_code == 200


@pytest.mark.rule("001-9-personal-sign-in")
def test_an_older_sign_in_is_asked_to_confirm_and_the_decision_waits(
    client, access_admin, application
):
    client.force_login(access_admin)
    sign_in_minutes_ago(client, 6)

    response = client.post(decide_url(application), {"decision": "reject", "reason": "Ei"})

    assert response.url == f"{CONFIRM}?next=%2Faccess-rights%2Fapplications%2F{application.pk}%2F"
    application.refresh_from_db()
    assert application.status == AccessApplication.Status.PENDING


def test_the_password_and_a_code_renew_the_sign_in(client, access_admin, application):
    client.force_login(access_admin)
    sign_in_minutes_ago(client, 6)

    response = client.post(
        CONFIRM,
        {
            "password": TEST_PASSWORD,
            "code": code_now(access_admin),
            "next": decide_url(application),
        },
    )

    assert response.url == decide_url(application)
    assert client.get(decide_url(application)).status_code == 200


@pytest.mark.parametrize("wrong", ["password", "code"])
def test_a_wrong_password_or_code_renews_nothing_and_counts(
    client, access_admin, application, wrong
):
    client.force_login(access_admin)
    sign_in_minutes_ago(client, 6)
    form = {"password": TEST_PASSWORD, "code": code_now(access_admin)}
    form[wrong] = wrong_code_for(access_admin) if wrong == "code" else "wrong-password"

    response = client.post(CONFIRM, form)

    assert response.status_code == 200
    assert "Salasana tai koodi on väärä" in response.text
    assert client.get(decide_url(application)).url.startswith(CONFIRM)
    assert AccessFailureLog.objects.filter(username=access_admin.username).count() == 1


# The demo's code command


def test_demo_code_prints_a_code_the_sign_in_accepts(password_only_client, enrolled, capsys):
    call_command("demo_code", enrolled.username)
    code = capsys.readouterr().out.strip()

    assert enter_code(password_only_client, code).url == "/"


@pytest.mark.rule("001-9-personal-sign-in")
@pytest.mark.parametrize(
    "path",
    [
        "/access-rights/applications/1/",
        "/access-rights/grants/1/revoke/",
        "/access-rights/grants/1/change/",
        "/access-rights/agreements/new/",
        "/access-rights/agreements/1/terminate/",
        "/access-rights/agreements/1/duties-changed/",
        "/access-rights/locked-accounts/",
        "/access-rights/users/1/two-factor-reset/",
    ],
)
def test_every_decision_page_asks_for_a_recent_sign_in(client, access_admin, path):
    client.force_login(access_admin)
    sign_in_minutes_ago(client, 6)

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 302
        assert response.url.startswith(f"{CONFIRM}?next=")
