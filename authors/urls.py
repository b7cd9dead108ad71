from django.urls import path, register_converter

from authors import feeds, views


class UsernameConverter:
    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")

app_name = "authors"

urlpatterns = [
    path("authors/", views.AuthorListView.as_view(), name="list"),
    path("author/<username:username>/", views.AuthorDetailView.as_view(), name="detail"),
    path("author/<username:username>/feed/", feeds.AuthorFeed(), name="feed"),
    path("author/<username:username>/feed/rss/", feeds.AuthorRssFeed(), name="feed_rss"),
    path(
        "staff/welcome/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
