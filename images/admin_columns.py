"""A picture column for other apps' admin lists (the post list's thumbnails)."""

from django.contrib import admin
from django.utils.html import format_html

from images.html import picture_html

THUMBNAIL_SIZE = 48


class ThumbnailColumnMixin:
    """Puts a small square picture of ``thumbnail_field`` (a ForeignKey to a library picture)
    first in the list, linked like the first column, and loads the pictures with the rows."""

    thumbnail_field = "featured"

    def get_list_display(self, request):
        return ["list_thumbnail", *super().get_list_display(request)]

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        if links and "list_thumbnail" in links:  # Django's default: the first column only
            links = [*links, list_display[1]] if len(list_display) > 1 else links
        return links

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if related is True:
            return True
        return [*(related or ()), self.thumbnail_field]

    @admin.display(description="Picture")
    def list_thumbnail(self, obj):
        image = getattr(obj, self.thumbnail_field)
        if image is None:
            return format_html('<span class="list-thumbnail list-thumbnail--none">{}</span>', "—")
        return format_html(
            '<span class="list-thumbnail" style="display:block;width:{}px;height:{}px;'
            'overflow:hidden;border-radius:4px">{}</span>',
            THUMBNAIL_SIZE,
            THUMBNAIL_SIZE,
            picture_html(
                image,
                alt="",
                sizes=f"{THUMBNAIL_SIZE}px",
                square=True,
                display_width=THUMBNAIL_SIZE,
            ),
        )
