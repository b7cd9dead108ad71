"""An author profile exists as soon as the account does, named after the person, so the author
box and author page are right from the first post; the upgrade gives existing accounts theirs."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection

from authors.models import AuthorProfile
from tests.factories import PostFactory, UserFactory

User = get_user_model()


def test_a_new_account_gets_a_profile_named_after_the_person(db):
    user = User.objects.create_user("alice", first_name="Alice", last_name="Smith")
    assert AuthorProfile.objects.get(user=user).display_name == "Alice Smith"


def test_without_a_name_the_profile_takes_the_username(db):
    user = User.objects.create_user("anon")
    assert AuthorProfile.objects.get(user=user).display_name == "anon"


def test_saving_an_account_again_makes_no_second_profile(db):
    user = UserFactory(username="alice")
    user.first_name = "Alicia"
    user.save()
    assert AuthorProfile.objects.filter(user=user).count() == 1


def test_createsuperuser_gets_a_profile_too(db):
    call_command("createsuperuser", username="root", email="root@example.org", interactive=False)
    assert AuthorProfile.objects.filter(user__username="root").exists()


def test_fixtures_loaded_raw_are_left_alone(db):
    from authors.signals import give_new_user_a_profile

    user = User(username="raw", pk=999)
    give_new_user_a_profile(sender=User, instance=user, created=True, raw=True)
    assert not AuthorProfile.objects.filter(user_id=999).exists()


def test_author_box_counts_the_first_post_under_the_persons_name(client, db):
    user = UserFactory(username="alice", first_name="Alice", last_name="Smith")
    posts = [PostFactory(author=user) for _ in range(3)]
    html = client.get(posts[0].get_absolute_url()).content.decode()
    box = html.split('class="author-box"', 1)[1].split("</section>", 1)[0]
    assert "Alice Smith has 3 posts on" in box


def test_the_upgrade_gives_every_existing_account_a_profile(db):
    named = UserFactory(username="grace", first_name="Grace", last_name="Hopper")
    bare = UserFactory(username="anon", first_name="", last_name="")
    kept = UserFactory(username="ada")
    AuthorProfile.objects.filter(user=kept).update(display_name="Countess Lovelace")
    # Accounts from before profiles came with them (or made in bulk, without signals).
    AuthorProfile.objects.filter(user__in=[named, bare]).delete()

    migration = importlib.import_module("authors.migrations.0005_profiles_for_every_user")
    migration.create_missing(apps, SimpleNamespace(connection=connection))

    names = dict(AuthorProfile.objects.values_list("user__username", "display_name"))
    assert names == {"grace": "Grace Hopper", "anon": "anon", "ada": "Countess Lovelace"}
    assert AuthorProfile.objects.get(user=named).joined == named.date_joined.date()
    migration.create_missing(apps, SimpleNamespace(connection=connection))
    assert AuthorProfile.objects.count() == 3


def test_the_preview_of_a_first_post_counts_it(client, db):
    from blog.models import Post

    user = UserFactory(username="alice", first_name="Alice", last_name="Smith", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="view_post"))
    draft = PostFactory(author=user, status=Post.Status.DRAFT, published_at=None)
    client.force_login(user)
    html = client.get(f"/preview/{draft.pk}/").content.decode()
    box = html.split('class="author-box"', 1)[1].split("</section>", 1)[0]
    assert "Alice Smith has 1 post on" in box
    PostFactory(author=user)  # published
    html = client.get(f"/preview/{draft.pk}/").content.decode()
    assert "Alice Smith has 2 posts on" in html
