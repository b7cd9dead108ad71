"""Adding a staff member is one page: name, email, username, role. Nobody chooses a password for
them: they get an email with a link (Django's password-reset token) to choose their own."""

import re
import smtplib
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from authors.models import AuthorProfile
from authors.staff import username_suggest
from core.models import SiteIdentity
from tests.factories import UserFactory

User = get_user_model()
ADD = reverse("admin:auth_user_add")
LIST = reverse("admin:auth_user_changelist")
PASSWORD = "a-Long-passphrase-42"


@pytest.fixture
def boss(db):
    SiteIdentity.objects.update_or_create(pk=1, defaults={"name": "Policy Ledger"})
    return UserFactory(
        username="boss",
        first_name="Margaret",
        last_name="Okafor",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    return client


def invite(client, **fields):
    data = {
        "first_name": "Alice",
        "last_name": "Smith",
        "email": "alice@example.org",
        "username": "",
        "role": "author",
        **fields,
    }
    return client.post(ADD, data)


def link_in(message) -> str:
    return re.search(r"https?://\S+/staff/welcome/\S+/", message.body).group(0)


def test_the_page_is_one_form_without_password_fields(admin_client):
    html = admin_client.get(ADD).content.decode()
    for name in ("first_name", "last_name", "email", "username", "role"):
        assert f'name="{name}"' in html
    assert 'type="password"' not in html
    assert 'name="password1"' not in html
    for role in ("Contributor", "Author", "Editor"):
        assert f"<strong>{role}</strong>" in html


def test_new_member_gets_role_staff_status_profile_and_no_password(admin_client):
    response = invite(admin_client)
    assert response.status_code == 200
    user = User.objects.get(username="alice.smith")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Authors"]
    assert AuthorProfile.objects.get(user=user).display_name == "Alice Smith"
    assert "An invitation went to" in response.content.decode()


def test_the_email_says_who_invited_them_to_which_site_with_a_working_link(admin_client):
    invite(admin_client)
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Margaret Okafor invited you to write for Policy Ledger"
    assert "Margaret Okafor invited you to write for Policy Ledger" in message.body
    assert "as an Author" in message.body
    assert "Your username is alice.smith" in message.body

    user = User.objects.get(username="alice.smith")
    visitor = Client()
    page = visitor.get(link_in(message), follow=True)
    assert "Choose the password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = visitor.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:index")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert visitor.get(reverse("admin:index")).status_code == 200  # signed in

    again = Client().get(link_in(message), follow=True).content.decode()
    assert "This link no longer works" in again


def test_a_tampered_link_does_not_work(admin_client):
    invite(admin_client)
    link = link_in(mail.outbox[0])
    html = Client().get(link[:-3] + "zz/", follow=True).content.decode()
    assert "This link no longer works" in html


def test_the_link_expires(admin_client, settings):
    invite(admin_client)
    user = User.objects.get(username="alice.smith")
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert default_token_generator.check_token(user, token)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert not default_token_generator.check_token(user, token)


def test_username_is_made_from_the_name_and_numbered_when_taken(admin_client):
    UserFactory(username="alice.smith")
    invite(admin_client, email="other@example.org")
    assert User.objects.filter(username="alice.smith2").exists()
    assert username_suggest("Zoë", "O'Brien-Lee") == "zoe.obrien.lee"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"username": "Taken"}, "username", "The username “Taken” is taken"),
        ({"email": "TAKEN@example.org"}, "email", "exists already"),
        ({"email": "not an email"}, "email", "Enter a valid email address"),
        ({"role": "superuser"}, "role", "Select a valid choice"),
        ({"first_name": ""}, "first_name", "This field is required"),
        ({"username": "bad name!"}, "username", "Enter a valid username"),
    ],
)
def test_errors_are_shown_and_nothing_is_created(admin_client, fields, field, message):
    UserFactory(username="taken", email="taken@example.org")
    before = User.objects.count()
    response = invite(admin_client, **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "nothing was created" in response.content.decode()
    assert User.objects.count() == before
    assert mail.outbox == []


def test_when_the_email_fails_the_admin_gets_the_link_to_pass_on(admin_client):
    with mock.patch(
        "authors.staff.send_mail", side_effect=smtplib.SMTPException("connection refused")
    ):
        response = invite(admin_client)
    html = response.content.decode()
    user = User.objects.get(username="alice.smith")
    assert "could not be sent (connection refused)" in html
    assert "Pass this link on to them yourself" in html
    link = re.search(r'value="(http://testserver/staff/welcome/[^"]+)"', html).group(1)
    page = Client().get(link, follow=True).content.decode()
    assert "Choose the password" in page
    assert not user.has_usable_password()


def test_resend_invitation_sends_a_new_link_to_those_without_a_password(admin_client):
    invite(admin_client)
    mail.outbox.clear()
    pending = User.objects.get(username="alice.smith")
    active = UserFactory(username="has-password", is_staff=True)
    response = admin_client.post(
        LIST,
        {
            "action": "resend_invitation",
            "_selected_action": [pending.pk, active.pk],
        },
    )
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "1 selected account(s) skipped" in str(list(response.context["messages"])[0])


def test_people_who_may_not_add_users_are_refused(client, db):
    from django.contrib.auth.models import Group

    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.set(Group.objects.filter(name="Editors"))
    client.force_login(editor)
    assert client.get(ADD).status_code == 403
    assert (
        client.post(
            ADD, {"first_name": "X", "email": "x@example.org", "role": "editor"}
        ).status_code
        == 403
    )
    assert not User.objects.filter(email="x@example.org").exists()


def test_superuser_fields_stay_on_the_change_form(admin_client):
    invite(admin_client)
    user = User.objects.get(username="alice.smith")
    html = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert 'name="is_superuser"' in html
    assert 'name="groups"' in html


def test_the_list_shows_who_has_not_chosen_a_password_yet(admin_client):
    invite(admin_client)
    html = admin_client.get(LIST).content.decode()
    assert '<span class="staff-invited" title="Invited: they have not chosen a password yet' in html


def test_a_missing_role_group_is_an_error_on_the_form(admin_client):
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Editors").delete()
    response = invite(admin_client, role="editor")
    assert response.status_code == 200
    assert "does not exist" in " ".join(response.context["form"].errors["role"])
    assert not User.objects.filter(email="alice@example.org").exists()


def test_names_with_line_breaks_cannot_inject_mail_headers(admin_client, boss):
    boss.profile.display_name = "Evil\nBcc: victim@example.org"
    boss.profile.save()
    response = invite(admin_client, first_name="Al\r\nBcc: x@example.org")
    assert response.status_code == 200
    [message] = mail.outbox
    assert "\n" not in message.subject
    assert message.bcc == []
    assert message.recipients() == ["alice@example.org"]
