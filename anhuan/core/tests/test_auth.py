"""Sign-in rules: Chinese login page, lockout after repeated failures, idle timeout, POST-only sign-out.

The lockout runs through the real django-axes middleware and backend with the
project's settings (AXES_FAILURE_LIMIT failures lock the user name).
"""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
LOGOUT_URL = reverse("logout")
HOME_URL = reverse("home")
PASSWORD = "Correct#Horse7"


@pytest.fixture
def officer(db):
    user = make_user("xindu_officer", "environment", "130503")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password=PASSWORD, username="xindu_officer"):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


# --- login page ------------------------------------------------------------------


def test_login_page_is_open(client):
    assert client.get(LOGIN_URL).status_code == 200


def test_login_page_language_is_chinese(client):
    assert '<html lang="zh-hans">' in client.get(LOGIN_URL).content.decode()


def test_login_page_shows_chinese_words(client):
    # Needs the zh_Hans catalog: "Sign in" and "Password" are English msgids.
    html = client.get(LOGIN_URL).content.decode()
    assert "登录" in html
    assert "密码" in html


def test_production_hasher_is_argon2():
    from anhuan import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


# --- successful sign-in -------------------------------------------------------------


def test_correct_password_signs_in(client, officer):
    response = sign_in(client)
    assert response.status_code == 302
    assert response.url == HOME_URL
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_wrong_password_shows_error(client, officer):
    response = sign_in(client, password="wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'role="alert"' in response.content.decode()


def test_inactive_user_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    sign_in(client)
    assert "_auth_user_id" not in client.session


def test_system_account_cannot_sign_in(client):
    response = sign_in(client, username="system", password="!")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- lockout ----------------------------------------------------------------------------


def fail(client, times, username="xindu_officer"):
    responses = [sign_in(client, password=f"wrong-{attempt}", username=username) for attempt in range(times)]
    return responses[-1]


def test_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_failures_below_limit_do_not_lock(client, officer):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = sign_in(client)
    assert response.status_code == 302


def test_limit_reached_shows_locked_page(client, officer):
    response = fail(client, settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]


def test_locked_page_is_chinese(client, officer):
    # Needs the zh_Hans catalog for "Account locked".
    response = fail(client, settings.AXES_FAILURE_LIMIT)
    assert "锁定" in response.content.decode()


def test_locked_account_refuses_correct_password(client, officer):
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = sign_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name(client, officer):
    make_user("shahe_officer", "environment", "130582")
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = sign_in(client, username="shahe_officer", password="shahe_officer")
    assert response.status_code == 302


def test_success_resets_failure_count(client, officer):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    sign_in(client)
    client.post(LOGOUT_URL)
    response = fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200


# --- idle timeout -------------------------------------------------------------------------


def test_idle_timeout_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_session_expires_thirty_minutes_after_sign_in(client, officer):
    before = timezone.now()
    sign_in(client)
    expiry = stored_session(client).expire_date
    assert before + dt.timedelta(minutes=29) < expiry <= timezone.now() + dt.timedelta(minutes=30)


def test_each_request_renews_expiry(client, officer):
    sign_in(client)
    session = stored_session(client)
    session.expire_date = timezone.now() + dt.timedelta(minutes=1)
    session.save()
    client.get(HOME_URL)
    assert stored_session(client).expire_date > timezone.now() + dt.timedelta(minutes=29)


def test_idle_session_signs_out(client, officer):
    sign_in(client)
    session = stored_session(client)
    session.expire_date = timezone.now() - dt.timedelta(seconds=1)
    session.save()
    response = client.get(HOME_URL)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_session_cookie_ends_with_browser(client, officer):
    response = sign_in(client)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_session_cookie_is_http_only(client, officer):
    response = sign_in(client)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"] is True


# --- sign-out -------------------------------------------------------------------------------


def test_logout_by_get_is_refused(client, officer):
    sign_in(client)
    response = client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_logout_by_post_signs_out(client, officer):
    sign_in(client)
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert "_auth_user_id" not in client.session


def test_logout_deletes_stored_session(client, officer):
    sign_in(client)
    key = client.session.session_key
    client.post(LOGOUT_URL)
    assert not Session.objects.filter(session_key=key).exists()


def test_pages_offer_post_sign_out(client, officer):
    sign_in(client)
    html = client.get(HOME_URL).content.decode()
    assert f'<form method="post" action="{LOGOUT_URL}"' in html
