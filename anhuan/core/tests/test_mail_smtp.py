"""send_notification_emails against a real SMTP server on 127.0.0.1 started by the test."""

import email
import email.policy
import socket
import threading

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from anhuan.core.mail import send_notification_emails
from anhuan.core.models import Notification
from anhuan.core.notifications import notify, register_kind

register_kind("test.mail", lambda data, count: f"测试通知 {data.get('n')} ×{count}")


class TinySMTPServer:
    """A minimal SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) storing each message."""

    def __init__(self):
        self.messages = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return
            with conn:
                self._session(conn.makefile("rwb"))

    def _session(self, stream):
        def reply(line):
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        reply("220 localhost test SMTP")
        sender, recipients = None, []
        while True:
            line = stream.readline()
            if not line:
                return
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = command[10:].strip("<>"), []
                reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<>"))
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := stream.readline()) not in (b".\r\n", b""):
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                self.messages.append(
                    {"from": sender, "to": recipients, "message": email.message_from_bytes(b"".join(lines), policy=email.policy.default)}
                )
                reply("250 OK")
            elif verb in ("RSET", "NOOP"):
                reply("250 OK")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")

    def close(self):
        self.sock.close()


@pytest.fixture
def smtp_server():
    server = TinySMTPServer()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        DEFAULT_FROM_EMAIL="anhuan@example.test",
        EMAIL_TIMEOUT=5,
    ):
        yield server
    server.close()


@pytest.fixture
def users(personas):
    reader = personas["city_em_officer"]
    reader.email = "reader@example.test"
    reader.save()
    other = personas["city_ee_officer"]
    other.email = "other@example.test"
    other.save()
    return {"reader": reader, "other": other, "no_address": personas["county_a_em_officer"]}


def test_one_digest_per_user(smtp_server, users):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    notify([users["reader"]], kind="test.mail", digest_key="b", data={"n": 2})
    notify([users["other"]], kind="test.mail", digest_key="a", data={"n": 3})
    assert send_notification_emails() == 2
    recipients = sorted(message["to"][0] for message in smtp_server.messages)
    assert recipients == ["other@example.test", "reader@example.test"]


def test_digest_lists_notifications_in_chinese(smtp_server, users):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    notify([users["reader"]], kind="test.mail", digest_key="b", data={"n": 2})
    send_notification_emails()
    message = smtp_server.messages[0]["message"]
    body = message.get_content()
    assert "测试通知 1 ×1" in body
    assert "测试通知 2 ×1" in body
    assert "2" in message["Subject"]
    assert smtp_server.messages[0]["from"] == "anhuan@example.test"


def test_emailed_notifications_not_sent_again(smtp_server, users):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    send_notification_emails()
    assert Notification.objects.get(recipient=users["reader"]).emailed_at is not None
    assert send_notification_emails() == 0
    assert len(smtp_server.messages) == 1


def test_read_and_addressless_users_skipped(smtp_server, users):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    Notification.objects.filter(recipient=users["reader"]).update(read_at=timezone.now())
    notify([users["no_address"]], kind="test.mail", digest_key="a", data={"n": 1})
    assert send_notification_emails() == 0
    assert smtp_server.messages == []


def test_reopened_notification_mailed_again(smtp_server, users):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    send_notification_emails()
    Notification.objects.filter(recipient=users["reader"]).update(read_at=timezone.now())
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 5})
    assert send_notification_emails() == 1
    assert "测试通知 5 ×1" in smtp_server.messages[1]["message"].get_content()


def test_command_sends_digests(smtp_server, users, capsys):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    call_command("send_notification_emails")
    assert len(smtp_server.messages) == 1


def test_nothing_sent_without_host(users):
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    with override_settings(EMAIL_HOST=""):
        assert send_notification_emails() == 0
    assert Notification.objects.get(recipient=users["reader"]).emailed_at is None


def test_failed_delivery_stays_pending(users):
    # A port with no listener, so the connection is refused.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    notify([users["reader"]], kind="test.mail", digest_key="a", data={"n": 1})
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=2):
        with pytest.raises(OSError):
            send_notification_emails()
    assert Notification.objects.get(recipient=users["reader"]).emailed_at is None
