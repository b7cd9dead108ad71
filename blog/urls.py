from django.urls import path, register_converter

from blog import converters, feeds, views

register_converter(converters.YearConverter, "year")
register_converter(converters.MonthConverter, "month")
register_converter(converters.UnicodeSlugConverter, "uslug")

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/rss/", feeds.LatestPostsRssFeed(), name="feed_rss"),
    path("category/<uslug:slug>/", views.CategoryView.as_view(), name="category"),
    path("category/<uslug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<uslug:slug>/feed/rss/", feeds.CategoryRssFeed(), name="category_feed_rss"),
    path("tags/", views.TagIndexView.as_view(), name="tag_index"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<uslug:slug>/feed/rss/", feeds.TagRssFeed(), name="tag_feed_rss"),
    path("preview/<int:pk>/", views.PostPreviewView.as_view(), name="post_preview"),
    path("<year:year>/", views.YearArchiveView.as_view(), name="archive_year"),
    path("<year:year>/<month:month>/", views.MonthArchiveView.as_view(), name="archive_month"),
    path(
        "<year:year>/<month:month>/<uslug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
]
