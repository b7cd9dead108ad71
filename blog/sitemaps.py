from django.contrib.sitemaps import Sitemap

from blog.models import Category, Post


class PostSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Post.objects.published()
            .order_by("-published_at", "-pk")
            .only("slug", "published_at", "updated_at", "created_at")
        )

    def lastmod(self, post):
        return post.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.all()


SITEMAPS = {"posts": PostSitemap, "categories": CategorySitemap}
