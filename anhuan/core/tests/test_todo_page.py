"""The to-do page (我的待办), the home page's to-do section, overdue text and the navigation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from anhuan.core import todo as todo_module
from anhuan.core.todo import TodoItem, overdue_text, todo_for
from anhuan.core.home import home_context
from anhuan.pollution.tests.consultation_fixtures import city_event, enterprise_contact  # noqa: F401


@pytest.fixture
def extra_items(personas):
    """Register a provider with 12 items for the city emergency officer, one of them 3 days overdue."""
    now = timezone.now()
    user = personas["city_em_officer"]

    def provider(asked):
        if asked != user:
            return []
        items = [
            TodoItem(kind="test.task", title=f"Task {index:02d}", link=f"/task/{index}/", due_at=now + dt.timedelta(hours=index + 1))
            for index in range(11)
        ]
        items.append(TodoItem(kind="test.late", title="Late task", link="/late/", due_at=now - dt.timedelta(days=3, hours=2)))
        return items

    todo_module.register_provider(provider)
    yield user
    todo_module._PROVIDERS.remove(provider)


@pytest.fixture
def get_page(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def get(user, name):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200
        return response

    return get


def test_overdue_text_in_days():
    now = timezone.now()
    with translation.override("en"):
        text = overdue_text(now - dt.timedelta(days=2, hours=5), now)
    assert text == "Overdue by 2 days"


def test_overdue_text_under_a_day():
    now = timezone.now()
    with translation.override("en"):
        text = overdue_text(now - dt.timedelta(hours=3, minutes=10), now)
    assert text == "Overdue by 3 hours"


def test_overdue_text_empty_when_due():
    now = timezone.now()
    assert overdue_text(now + dt.timedelta(hours=1), now) == ""
    assert overdue_text(None, now) == ""


def test_overdue_text_in_chinese():
    now = timezone.now()
    with translation.override("zh-hans"):
        text = overdue_text(now - dt.timedelta(days=4, hours=1), now)
    assert "4" in text


def test_todo_for_puts_overdue_first(extra_items):
    items = todo_for(extra_items)
    assert items[0].title == "Late task"
    assert [item.title for item in items[1:3]] == ["Task 00", "Task 01"]


def test_todo_page_lists_every_item(get_page, extra_items):
    html = get_page(extra_items, "todo").content.decode()
    assert "12 items" in html
    assert "Task 10" in html
    assert '<span class="tag tag-red">Overdue by 3 days</span>' in html


def test_todo_page_includes_consultations(get_page, city_event, personas):
    html = get_page(personas["city_em_officer"], "todo").content.decode()
    assert "Give the consultation opinion" in html
    assert f'href="{reverse("pollution:consultation-detail", args=[city_event.id])}"' in html


def test_home_shows_top_ten(extra_items):
    context = home_context(extra_items)
    assert len(context["todo"]) == 10
    assert context["todo_total"] == 12
    assert context["todo"][0]["label"] == "Late task"
    assert context["overdue_count"] == 1


def test_home_keeps_consultation_rows(city_event, personas):
    row = home_context(personas["city_em_officer"])["todo"][0]
    assert row["kind"] == "opinion"
    assert row["event_id"] == city_event.id
    assert row["link"] == reverse("pollution:consultation-detail", args=[city_event.id])


def test_other_users_items_not_listed(get_page, extra_items, personas):
    html = get_page(personas["city_ee_officer"], "todo").content.decode()
    assert "Late task" not in html


def test_staff_nav_has_response_group(get_page, personas):
    html = get_page(personas["city_em_officer"], "todo").content.decode()
    assert f'href="{reverse("todo")}"' in html
    assert f'href="{reverse("pollution:warning-list")}"' in html
    assert f'href="{reverse("enterprises:list")}"' in html


def test_contact_nav_has_portal(get_page, enterprise_contact):
    html = get_page(enterprise_contact, "todo").content.decode()
    assert f'href="{reverse("pollution:portal-home")}"' in html
    assert f'href="{reverse("pollution:warning-list")}"' not in html
