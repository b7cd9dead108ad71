"""Many people saving the same post at the same instant, all from forms opened at the same
version: exactly one save is applied, every other one gets the conflict page."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from blog import revisions
from blog.models import Post
from tests.admin_forms import post_change_data
from tests.factories import PostFactory, UserFactory
from tests.ratings.test_concurrency import run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_simultaneous_saves_from_one_version_apply_exactly_one():
    n = 8 if connection.vendor == "postgresql" else 4
    author = UserFactory(username="writer", is_staff=True)
    post = PostFactory(author=author, title="Contested")
    url = reverse("admin:blog_post_change", args=[post.pk])
    clients, forms = [], []
    for i in range(n):
        # A transactional test starts without the role groups the migrations made.
        user = UserFactory(username=f"editor{i}", is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(user)
        clients.append(client)
        forms.append(post_change_data(client.get(url), title=f"Title by editor {i}"))
    statuses = [None] * n

    def save(i):
        statuses[i] = clients[i].post(url, forms[i]).status_code

    assert run_together(n, save) == []
    assert sorted(statuses) == [302] + [409] * (n - 1)
    winner = statuses.index(302)
    post = Post.objects.get(pk=post.pk)
    assert post.title == f"Title by editor {winner}"
    assert post.version == 2
    [version] = revisions.post_versions(post)
    assert version.revision.user.username == f"editor{winner}"
