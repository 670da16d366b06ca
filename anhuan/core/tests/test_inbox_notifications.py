"""Notifications: digest grouping, the inbox page, marking read, and the bell in the top bar."""

import pytest
from django.urls import reverse

from anhuan.core.models import Notification
from anhuan.core.notifications import mark_all_read, mark_read, notify, register_kind, unread_count

register_kind("test.inbox", lambda data, count: f"Plan items changed: {data.get('what')} ({count})")


@pytest.fixture
def reader(personas):
    return personas["city_em_officer"]


@pytest.fixture
def page(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def get(user, url=None):
        client.force_login(user)
        response = client.get(url or reverse("inbox"))
        assert response.status_code == 200
        return response

    return get


def test_same_digest_key_raises_count(reader):
    notify([reader], kind="test.inbox", digest_key="k", data={"what": "a"})
    notify([reader], kind="test.inbox", digest_key="k", data={"what": "b"})
    notification = Notification.objects.get(recipient=reader)
    assert notification.count == 2
    assert notification.data == {"what": "b"}


def test_different_keys_add_notifications(reader):
    notify([reader], kind="test.inbox", digest_key="k1")
    notify([reader], kind="test.inbox", digest_key="k2")
    assert Notification.objects.filter(recipient=reader).count() == 2


def test_read_notification_reopened(reader):
    notify([reader], kind="test.inbox", digest_key="k", data={"what": "a"})
    notify([reader], kind="test.inbox", digest_key="k", data={"what": "a"})
    mark_read(reader, Notification.objects.get(recipient=reader).pk)
    notify([reader], kind="test.inbox", digest_key="k", data={"what": "c"})
    notification = Notification.objects.get(recipient=reader)
    assert notification.read_at is None
    assert notification.count == 1
    assert notification.emailed_at is None


def test_inactive_user_not_notified(reader):
    reader.is_active = False
    reader.save()
    notify([reader], kind="test.inbox", digest_key="k")
    assert not Notification.objects.filter(recipient=reader).exists()


def test_unread_count_and_mark_all(reader):
    notify([reader], kind="test.inbox", digest_key="k1")
    notify([reader], kind="test.inbox", digest_key="k2")
    assert unread_count(reader) == 2
    assert mark_all_read(reader) == 2
    assert unread_count(reader) == 0


def test_inbox_lists_newest_first(page, reader):
    notify([reader], kind="test.inbox", digest_key="old", data={"what": "older"})
    notify([reader], kind="test.inbox", digest_key="new", data={"what": "newer"})
    notify([reader], kind="test.inbox", digest_key="old", data={"what": "older again"})
    html = page(reader).content.decode()
    assert html.index("older again (2)") < html.index("newer (1)")
    assert "2 items" in html


def test_inbox_highlights_unread(page, reader):
    notify([reader], kind="test.inbox", digest_key="k", data={"what": "x"})
    notification = Notification.objects.get(recipient=reader)
    html = page(reader).content.decode()
    assert f'data-notification="{notification.pk}" class="unread"' in html
    assert "<strong>Plan items changed: x (1)</strong>" in html


def test_inbox_shows_only_own(page, reader, personas):
    notify([personas["city_ee_officer"]], kind="test.inbox", digest_key="k", data={"what": "secret"})
    html = page(reader).content.decode()
    assert "secret" not in html
    assert "0 items" in html


def test_mark_one_read(client, reader):
    notify([reader], kind="test.inbox", digest_key="k")
    notification = Notification.objects.get(recipient=reader)
    client.force_login(reader)
    response = client.post(reverse("inbox-read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_marks_read_and_follows_link(client, reader):
    notify([reader], kind="test.inbox", digest_key="k", link="/pollution/warnings/")
    notification = Notification.objects.get(recipient=reader)
    client.force_login(reader)
    response = client.post(reverse("inbox-read", args=[notification.pk]), {"open": "1"})
    assert response.url == "/pollution/warnings/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_ignores_external_link(client, reader):
    notify([reader], kind="test.inbox", digest_key="k", link="https://evil.example/")
    notification = Notification.objects.get(recipient=reader)
    client.force_login(reader)
    response = client.post(reverse("inbox-read", args=[notification.pk]), {"open": "1"})
    assert response.url == reverse("inbox")


def test_other_users_notification_404(client, reader, personas):
    notify([personas["city_ee_officer"]], kind="test.inbox", digest_key="k")
    notification = Notification.objects.get()
    client.force_login(reader)
    response = client.post(reverse("inbox-read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_needs_post(client, reader):
    notify([reader], kind="test.inbox", digest_key="k")
    client.force_login(reader)
    response = client.get(reverse("inbox-read", args=[Notification.objects.get().pk]))
    assert response.status_code == 405


def test_mark_all_read_page(client, reader):
    notify([reader], kind="test.inbox", digest_key="k1")
    notify([reader], kind="test.inbox", digest_key="k2")
    client.force_login(reader)
    client.post(reverse("inbox-read-all"))
    assert unread_count(reader) == 0


def test_bell_shows_unread_count(page, reader):
    notify([reader], kind="test.inbox", digest_key="k1")
    notify([reader], kind="test.inbox", digest_key="k2")
    html = page(reader, reverse("todo")).content.decode()
    assert 'id="bell" href="/inbox/"' in html
    assert '<span class="badge unread">2</span>' in html


def test_unknown_kind_renders_kind(page, reader):
    notify([reader], kind="unregistered.kind", digest_key="k")
    assert "unregistered.kind" in page(reader).content.decode()
