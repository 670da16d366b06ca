"""Shared test fixtures: reference data comes from migrations; personas per role and region."""

import re

import pytest

from anhuan.organizations.models import Agency, Department, Region, Role, User

# Two county-level regions used across the matrix tests.
REGION_A = "130503"  # 信都区
REGION_B = "130582"  # 沙河市


def make_user(username, department=None, region_code=None, role=Role.OFFICER, enterprise=None):
    """Create a user of the given department, region and role (password: the user name)."""
    agency = None
    if department is not None:
        region = Region.objects.get(code=region_code) if region_code else Region.objects.get(kind="city")
        agency = Agency.objects.get(department=department, region=region)
    if enterprise is not None:
        role = Role.ENTERPRISE
    user = User.objects.create_user(username=username, password=username, role=role, agency=agency, last_name=username)
    if enterprise is not None:
        from anhuan.enterprises.models import EnterpriseContact

        EnterpriseContact.objects.create(user=user, enterprise=enterprise)
    return user


@pytest.fixture
def personas(db):
    """One user per role that the access rules tell apart."""
    return {
        "city_ee_officer": make_user("city_ee_officer", Department.ENVIRONMENT),
        "city_ee_leader": make_user("city_ee_leader", Department.ENVIRONMENT, role=Role.LEADER),
        "city_em_officer": make_user("city_em_officer", Department.EMERGENCY),
        "city_em_leader": make_user("city_em_leader", Department.EMERGENCY, role=Role.LEADER),
        "county_a_ee_officer": make_user("county_a_ee_officer", Department.ENVIRONMENT, REGION_A),
        "county_a_em_officer": make_user("county_a_em_officer", Department.EMERGENCY, REGION_A),
        "county_a_ee_leader": make_user("county_a_ee_leader", Department.ENVIRONMENT, REGION_A, Role.LEADER),
        "county_a_em_leader": make_user("county_a_em_leader", Department.EMERGENCY, REGION_A, Role.LEADER),
        "county_b_ee_officer": make_user("county_b_ee_officer", Department.ENVIRONMENT, REGION_B),
        "county_b_em_officer": make_user("county_b_em_officer", Department.EMERGENCY, REGION_B),
        "city_expert": make_user("city_expert", Department.EMERGENCY, role=Role.EXPERT),
        "system_admin": make_user("system_admin", Department.EMERGENCY, role=Role.SYSTEM_ADMIN),
        "audit_admin": make_user("audit_admin", Department.EMERGENCY, role=Role.AUDIT_ADMIN),
    }


@pytest.fixture
def region_a(db):
    return Region.objects.get(code=REGION_A)


@pytest.fixture
def region_b(db):
    return Region.objects.get(code=REGION_B)


# --- Browser tests -------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from calling home; the machine has no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's Chromium, recording every request URL it makes.

    Playwright's synchronous API runs an event loop in this thread, so Django's
    guard against database calls from async code is lifted for the test.
    """
    import os

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    requested = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.set_default_timeout(15000)
        page.requested_urls = requested
        try:
            yield page
        finally:
            # The test body got its own connections inside the event loop; close them
            # so PostgreSQL can drop the test database afterwards.
            from django.db import connections

            connections.close_all()
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def walk_page(browser_page):
    """A browser page at 1366×768 that accepts every confirmation dialog."""
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    browser_page.on("dialog", lambda dialog: dialog.accept())
    return browser_page


def sign_in(page, live_server, username):
    """Sign in on the login page as ``username``, whose password in tests is the username, after signing out."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", username)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/"))
