"""Notifications: in the app, and by e-mail through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from factories import PASSWORD, make_user
from sqlalchemy import select
from support import submit

from webapp.models import Notification, OrganisationKind, OutgoingMail
from webapp.services import notifications


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    controller.stop()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_a_notification_is_mailed_in_the_readers_language(smtp_server, app, db):
    norwegian = make_user(email="kari@example.no")
    english = make_user(email="kim@example.no", locale="en")
    with app.test_request_context():
        notifications.notify(
            [norwegian, english],
            "proposal_new",
            link="/arbeidsgiver/forslag/1",
            slot="Lærling i kokkfaget",
            due="2027-01-10",
        )
        db.session.commit()
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    assert set(by_recipient) == {"kari@example.no", "kim@example.no"}
    assert _subject(by_recipient["kari@example.no"]) == "Nytt forslag til «Lærling i kokkfaget»"
    assert _subject(by_recipient["kim@example.no"]) == "New proposal for “Lærling i kokkfaget”"
    assert "/arbeidsgiver/forslag/1" in by_recipient["kim@example.no"].get_content()
    assert all(m.delivered for m in db.session.scalars(select(OutgoingMail)))


def test_without_smtp_mail_is_logged_and_kept(app, db, caplog):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    with app.test_request_context():
        notifications.notify([user], "followup_due", candidate="NAV-001", slot="X", date="i dag")
        db.session.commit()
    mail = db.session.scalars(select(OutgoingMail)).one()
    assert (mail.to, mail.delivered) == (user.email, False)
    assert "Tid for oppfølging" in caplog.text


def test_an_unreachable_smtp_server_does_not_lose_the_notification(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    try:
        user = make_user(kind=OrganisationKind.NAV_OFFICE)
        with app.test_request_context():
            notifications.notify([user], "proposal_declined", candidate="NAV-1", slot="Y")
            db.session.commit()
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert db.session.scalars(select(Notification)).one().user_id == user.id
    assert db.session.scalars(select(OutgoingMail)).one().delivered is False


def test_the_notification_page_lists_and_marks_read(app, db, client, auth):
    user = make_user()
    other = make_user()
    with app.test_request_context():
        notifications.notify(
            [user], "proposal_new", link="/arbeidsgiver/forslag", slot="Z", due="2027-01-01"
        )
        notifications.notify([other], "proposal_new", slot="Hemmelig plass", due="2027-01-01")
        db.session.commit()
    auth.login(user.email, PASSWORD)
    page = client.get("/varsler").get_data(as_text=True)
    assert "Nytt forslag til «Z»" in page
    assert "Hemmelig plass" not in page
    account = client.get("/konto").get_data(as_text=True)
    # The design system draws the count inside the pill from data-count; text inside the span
    # would sit next to an empty pill.
    badge = 'class="ds-badge" data-color="danger" data-count="1" aria-hidden="true"></span>'
    assert badge in account
    assert "(1 uleste)" in account
    submit(client, "/varsler", form_url="/varsler")
    assert notifications.unread_count(user) == 0
    assert 'class="ds-badge"' not in client.get("/konto").get_data(as_text=True)
