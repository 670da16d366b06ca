import pytest


@pytest.mark.django_db
def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_home_renders_for_officer(client, personas):
    client.force_login(personas["city_ee_officer"])
    response = client.get("/")
    assert response.status_code == 200
    assert "邢台市生态环境局" in response.content.decode()


def test_get_on_post_action_shows_page(client, personas):
    client.force_login(personas["city_ee_officer"])
    response = client.get("/inbox/read-all/")
    assert response.status_code == 405
    assert 'class="error"' in response.content.decode()
    assert "POST" in response["Allow"]


@pytest.mark.django_db
def test_unknown_page_uses_platform_404(client, personas):
    client.force_login(personas["city_ee_officer"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'class="topbar"' in response.content.decode()


def test_pages_name_a_served_icon(client):
    from django.contrib.staticfiles import finders

    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/anhuan/favicon.svg"' in page
    assert finders.find("anhuan/favicon.svg")
