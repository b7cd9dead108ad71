"""A profile's display name follows the account's name (set after the account was made, or
changed) until the author chooses one of their own, which is never overwritten."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authors.models import AuthorProfile
from tests.factories import PostFactory

User = get_user_model()


def display_name(user) -> str:
    return AuthorProfile.objects.get(user=user).display_name


def author_box(client, post) -> str:
    html = client.get(post.get_absolute_url()).content.decode()
    return html.split('class="author-box"', 1)[1].split("</section>", 1)[0]


def test_a_name_set_later_replaces_the_username(db):
    user = User.objects.create_user("zed")
    user.first_name, user.last_name = "Zed", "Zee"
    user.save()
    assert display_name(user) == "Zed Zee"


def test_the_display_name_follows_later_changes_of_the_name(db):
    user = User.objects.create_user("zed", first_name="Zed", last_name="Zee")
    user.last_name = "Zeta"
    user.save(update_fields=["last_name"])
    assert display_name(user) == "Zed Zeta"
    user.first_name = user.last_name = ""
    user.save()
    assert display_name(user) == "zed"
    user.username = "zedd"
    user.save()
    assert display_name(user) == "zedd"


def test_a_display_name_someone_chose_is_kept(db):
    user = User.objects.create_user("zed")
    AuthorProfile.objects.filter(user=user).update(display_name="Z. the Writer")
    user.first_name, user.last_name = "Zed", "Zee"
    user.save()
    assert display_name(user) == "Z. the Writer"
    user.username = "zedd"
    user.save()
    assert display_name(user) == "Z. the Writer"


def test_a_name_stuck_at_the_username_follows_the_next_change(db):
    """Profiles made before the name followed the account kept the username."""
    user = User.objects.create_user("zed", first_name="Zed", last_name="Zee")
    AuthorProfile.objects.filter(user=user).update(display_name="zed")
    user.last_name = "Zeta"
    user.save()
    assert display_name(user) == "Zed Zeta"


def test_a_sign_in_reads_no_previous_name(db, django_assert_num_queries):
    user = User.objects.create_user("zed")
    with django_assert_num_queries(1):
        user.save(update_fields=["last_login"])


def test_unchanged_names_leave_the_profile_alone(db):
    user = User.objects.create_user("zed", first_name="Zed")
    user.email = "zed@example.org"
    with CaptureQueriesContext(connection) as queries:
        user.save()
    assert not [q for q in queries.captured_queries if "authors_authorprofile" in q["sql"]]


def test_a_superuser_named_in_the_user_admin_signs_posts_with_the_name(admin_client, client, db):
    call_command("createsuperuser", username="root", email="root@example.org", interactive=False)
    root = User.objects.get(username="root")
    post = PostFactory(author=root)
    assert "root has 1 post" in author_box(client, post)  # cached from here on

    url = reverse("admin:auth_user_change", args=[root.pk])
    response = admin_client.post(
        url,
        {
            "username": "root",
            "first_name": "Ruth",
            "last_name": "Oot",
            "email": "root@example.org",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": root.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": root.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert display_name(root) == "Ruth Oot"
    box = author_box(client, post)
    assert "Ruth Oot has 1 post" in box
    assert "root has" not in box
    listing = client.get(reverse("blog:post_list")).content.decode()
    assert "Ruth Oot" in listing


def test_a_chosen_display_name_survives_a_name_change_in_the_user_admin(admin_client, client, db):
    user = User.objects.create_user("zed", is_staff=True)
    AuthorProfile.objects.filter(user=user).update(display_name="Z. the Writer")
    post = PostFactory(author=user)
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": "zed",
            "first_name": "Zed",
            "last_name": "Zee",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    assert display_name(user) == "Z. the Writer"
    assert "Z. the Writer has 1 post" in author_box(client, post)


def test_a_long_name_is_cut_to_fit(db):
    user = User.objects.create_user("zed")
    user.first_name, user.last_name = "Z" * 90, "Y" * 90
    user.save()
    assert display_name(user) == ("Z" * 90 + " " + "Y" * 9)
