from urllib.parse import urljoin

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest

from blog.models import Category, Post


class PostSitemap(Sitemap):
    """Published posts with the date they last changed and their featured image (Google's image
    sitemap extension, shown by the template ``blog/sitemap.xml``)."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Post.objects.published()
            .order_by("-published_at", "-pk")
            .select_related("featured")
            .only(
                "slug",
                "published_at",
                "updated_at",
                "created_at",
                "featured_image",
                "featured__file",
            )
        )

    def lastmod(self, post):
        return post.last_changed

    def get_urls(self, page=1, site=None, protocol=None):
        protocol = self.get_protocol(protocol)
        origin = f"{protocol}://{self.get_domain(site)}/"
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            post = url["item"]
            image = post.featured.file if post.featured_id else post.featured_image
            url["images"] = [urljoin(origin, image.url)] if image else []
        return urls


class CategorySitemap(Sitemap):
    """Categories holding published posts, last changed when their newest-changed post did."""

    changefreq = "daily"

    def items(self):
        return (
            Category.objects.filter(posts__in=Post.objects.published())
            .annotate(last_post_change=Max(Greatest("posts__updated_at", "posts__published_at")))
            .order_by("name")
        )

    def lastmod(self, category):
        return category.last_post_change


SITEMAPS = {"posts": PostSitemap, "categories": CategorySitemap}
