"""The post form's writing tools: the Markdown editor's live preview (rendered by the server with
the very code that renders a saved post) and the tag field's suggestions. ``PostEditorAdmin`` is
mixed into ``blog.admin.PostAdmin``; the editor itself is ``blog/admin/post_editor.js``."""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import unquote
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from taggit.models import Tag

from blog.autosave import FIELD_LIMITS
from blog.forms import MISSING_FIGURES, missing_figure_refs
from blog.rendering import render_markdown
from images.markdown import Figures

# The longest body the preview renders (the post's own autosave limit), and the longest request
# read for it (form encoding can triple the size of non-ASCII text).
PREVIEW_MAX_CHARS = FIELD_LIMITS["body"]
PREVIEW_MAX_BYTES = 3 * PREVIEW_MAX_CHARS + 4096
TAG_SUGGESTIONS = 10
TAG_QUERY_MAX_CHARS = 100

BODY_HELP = (
    "Markdown: **bold**, _italic_, [a link](https://example.org), ## a heading, “- ” or “1. ” "
    "starting list items, `code`. A quote is lines starting with “> ”; its last line starting "
    "with —, –, -- or ~ is its attribution (“> — Jane Doe” or “-- Jane Doe”, with or without "
    "an empty “>” line before it). Raw HTML is allowed, but scripts, event handlers and "
    "javascript: links are removed. The preview beside the text shows the post as readers will "
    "see it."
)
TAGS_HELP = (
    "Separated by commas. Existing tags are suggested as you type (↑ ↓ to choose, Enter to "
    "take one); a name in quotes may hold spaces or commas."
)


class PostEditorAdmin:
    """The Markdown editor (a larger body field, its preview endpoint) and tag suggestions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "add/preview/",
                view(self.body_preview_view),
                {"object_id": None},
                name="blog_post_preview_new",
            ),
            path(
                "<path:object_id>/preview-body/",
                view(self.body_preview_view),
                name="blog_post_body_preview",
            ),
            path(
                "tags/suggest/",
                view(self.tag_suggestions_view),
                name="blog_post_tag_suggestions",
            ),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return field
        if db_field.name == "body":
            # Large enough to write in even without the script, which turns it into the editor.
            field.widget = forms.Textarea(
                attrs={"rows": 24, "cols": 80, "class": "vLargeTextField post-body-source"}
            )
            field.help_text = BODY_HELP
        elif db_field.name == "tags":
            field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
            field.help_text = TAGS_HELP
        return field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        post = obj if change else None
        may_write = (
            self.has_change_permission(request, post)
            if post is not None
            else self.has_add_permission(request)
        )
        if may_write:
            context["post_editor"] = {
                "preview_url": reverse(
                    "admin:blog_post_body_preview" if post else "admin:blog_post_preview_new",
                    args=[post.pk] if post else [],
                ),
                "tags_url": reverse("admin:blog_post_tag_suggestions"),
                "max_chars": PREVIEW_MAX_CHARS,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def body_preview_view(self, request, object_id):
        """The body as readers will see it: the same Markdown and sanitizer as a saved post;
        ``problems`` lists the figures that place no picture of the library (they render
        nothing), and ``warning`` says so as the form will when the post is saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "POST only.")
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > PREVIEW_MAX_BYTES:
            return JsonResponse(
                {"error": f"Too long to preview (at most {PREVIEW_MAX_CHARS:,} characters)."},
                status=413,
            )
        if object_id is None:
            if not self.has_add_permission(request):
                return JsonResponse({"error": "You may not write posts."}, status=403)
        else:
            post = self.get_object(request, unquote(object_id))
            if post is None:
                return JsonResponse({"error": "No such post, or not one you may edit."}, status=404)
            if not self.has_change_permission(request, post):
                return JsonResponse({"error": "You may not edit this post."}, status=403)
        bodies = request.POST.getlist("body")
        if len(bodies) != 1:
            return JsonResponse({"error": "Send the body once, as the field body."}, status=400)
        body = bodies[0]
        if len(body) > PREVIEW_MAX_CHARS:
            return JsonResponse(
                {"error": f"Too long to preview (at most {PREVIEW_MAX_CHARS:,} characters)."},
                status=413,
            )
        if "\x00" in body:
            return JsonResponse({"error": "The body holds a NUL character."}, status=400)
        figures = Figures(body)
        html = render_markdown(body, figures=figures)
        problems = list(dict.fromkeys(figures.problems))
        # Such figures show nothing: the author is told now, in the words the form's save uses.
        warning = MISSING_FIGURES % {"refs": missing_figure_refs(problems)} if problems else ""
        return JsonResponse({"html": html, "problems": problems, "warning": warning})

    def tag_suggestions_view(self, request):
        """Existing tags whose name contains what was typed, those starting with it first; at
        most TAG_SUGGESTIONS, in one query."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"], "GET only.")
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return JsonResponse({"error": "You may not tag posts."}, status=403)
        typed = request.GET.get("q", "").strip().strip('"').strip()
        if len(typed) > TAG_QUERY_MAX_CHARS or "\x00" in typed:
            return JsonResponse(
                {"error": f"Type at most {TAG_QUERY_MAX_CHARS} characters of a tag."}, status=400
            )
        if not typed:
            return JsonResponse({"results": []})
        names = (
            Tag.objects.filter(name__icontains=typed)
            .annotate(
                starts=Case(
                    When(name__istartswith=typed, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("starts", Lower("name"), "pk")
            .values_list("name", flat=True)[:TAG_SUGGESTIONS]
        )
        return JsonResponse({"results": [{"name": name} for name in names]})
