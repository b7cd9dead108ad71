"""The post admin's "no edit lost" screens: revision history, differences and restore; the
conflict page shown to the second of two people saving the same post; "X is editing" notices;
autosave. ``PostEditingAdmin`` is mixed into ``blog.admin.PostAdmin``; the rules live in
``blog.revisions``, ``blog.locking`` and ``blog.autosave``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst, get_text_list
from taggit.utils import parse_tags

from blog import autosave, locking, revisions
from blog.models import Category, Post
from blog.textdiff import field_diff

HISTORY_PAGE_SIZE = 50
MAX_ID_DIGITS = 9
# Form controls that are not the post's data: never carried into the "overwrite" form.
NOT_DATA = {
    "csrfmiddlewaretoken",
    "version",
    "_save",
    "_continue",
    "_addanother",
    "_saveasnew",
    "_overwrite",
}


def parse_id(value: str | None) -> int | None:
    """A positive id typed in an address, or None when it is none."""
    if not value or not value.isdigit() or len(value) > MAX_ID_DIGITS or int(value) == 0:
        return None
    return int(value)


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class PostEditingAdmin:
    """Revisions, conflict page, editing notices and autosave for the post admin."""

    # --- addresses -------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "add/autosave/",
                view(self.autosave_view),
                {"object_id": None},
                name="blog_post_autosave_new",
            ),
            path("<path:object_id>/autosave/", view(self.autosave_view), name="blog_post_autosave"),
            path("<path:object_id>/editing/", view(self.editing_view), name="blog_post_editing"),
            path(
                "<path:object_id>/history/compare/",
                view(self.revision_compare_view),
                name="blog_post_revision_compare",
            ),
            path(
                "<path:object_id>/history/<str:version_id>/restore/",
                view(self.revision_restore_view),
                name="blog_post_revision_restore",
            ),
            *super().get_urls(),
        ]

    # --- saving through the form: one revision, conflict page, autosave cleared ------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with revisions.recording(user=request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        revisions.set_comment(self.revision_comment(request, form, change))
        super().save_model(request, obj, form, change)
        autosave.autosave_discard(user=request.user, post=obj if change else None)
        if change:
            locking.editing_release(post=obj, user=request.user)

    def revision_comment(self, request, form, change) -> str:
        if not change:
            return "Created the post."
        changed = [
            str(form.fields[name].label or name.replace("_", " ")).lower()
            for name in form.changed_data
            # The version marker and the workflow step's note and time are not the post's data.
            if name not in ("version", "transition_note", "schedule_at")
        ]
        comment = f"Changed {get_text_list(changed, 'and')}." if changed else "Saved unchanged."
        if request.POST.get("_overwrite"):
            comment += " Saved over a newer version after comparing the two."
        return comment

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if change and obj is not None and form.has_error(NON_FIELD_ERRORS, code="stale_version"):
            return self.conflict_response(request, form, obj)
        context["post_editing"] = self.editing_context(request, obj if change else None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editing_context(self, request, post: Post | None) -> dict | None:
        """What the change form shows and its script needs: who else is editing, the user's
        autosave, the last revision. Nothing for people who may only look."""
        if post is not None and not self.has_change_permission(request, post):
            return None
        if post is None and not self.has_add_permission(request):
            return None
        found = autosave.autosave_for(user=request.user, post=post)
        result = {
            "autosave": found if request.method == "GET" else None,
            "autosave_url": reverse(
                "admin:blog_post_autosave" if post else "admin:blog_post_autosave_new",
                args=[post.pk] if post else [],
            ),
            "interval": autosave.INTERVAL_SECONDS,
            "heartbeat": locking.HEARTBEAT_SECONDS,
            # Shown again after a refused save: what is in the form is not saved.
            "unsaved": request.method == "POST",
        }
        if found:
            result["autosave_minutes"] = (timezone.now() - found.saved_at).total_seconds() // 60
        if found and post is not None and found.base_version != post.version:
            result["saved_since"] = True
        if post is not None:
            locking.editing_touch(post=post, user=request.user)
            result["others"] = locking.others_editing(post=post, user=request.user)
            result["editing_url"] = reverse("admin:blog_post_editing", args=[post.pk])
            last = revisions.post_versions(post).first()
            result["last_version"] = last
            result["last_by"] = revisions.who(last.revision.user) if last else ""
            result["history_url"] = reverse("admin:blog_post_history", args=[post.pk])
        return result

    def conflict_response(self, request, form, obj):
        """The second saver's page: what they sent beside what is saved now, with a diff, and
        the explicit choices (overwrite, copy, reload). What they typed is all on this page."""
        current = Post.objects.select_related().get(pk=obj.pk)
        names = revisions.category_names_for(post=current)
        saved = revisions.current_snapshot(current, category_names=names)
        mine = self.submitted_texts(form, saved)
        diffs = [
            field_diff(name, label, saved.texts[name], mine[name], multiline=multiline)
            for name, label, multiline in revisions.COMPARED_TEXTS
        ]
        opened = form.data.get("version", "")
        base = (
            revisions.post_version_numbered(current, int(opened))
            if opened.isdigit() and len(opened) < 10
            else None
        )
        if base is not None:
            # Who changed what since the form was opened: a field only they changed is one that
            # overwriting would put back.
            names |= revisions.category_names_for(base)
            opened_texts = revisions.version_snapshot(base, category_names=names).texts
            for diff in diffs:
                theirs = saved.texts[diff.name] != opened_texts[diff.name]
                yours = mine[diff.name] != opened_texts[diff.name]
                diff.changed_by = {(True, True): "both", (True, False): "them"}.get(
                    (theirs, yours), "you" if yours else ""
                )
        last = revisions.post_versions(current).first()
        # Kept as their autosave too: closing this page loses nothing either, and restoring it
        # later (against the version they opened) leads back here.
        kept = {
            name: value
            for name, limit in autosave.FIELD_LIMITS.items()
            if (value := form.data.get(name)) is not None
            and len(value) <= limit
            and "\x00" not in value
        }
        if kept:
            autosave.autosave_store(
                user=request.user,
                post=current,
                data=kept,
                base_version=int(opened) if opened.isdigit() and len(opened) < 10 else None,
            )
        carried = [
            (key, value)
            for key, values in request.POST.lists()
            if key not in NOT_DATA
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Someone saved this post while you were editing it",
            "subtitle": None,
            "opts": self.opts,
            "original": current,
            "last_version": last,
            "last_by": revisions.who(last.revision.user) if last else None,
            "changed": [d for d in diffs if d.changed],
            "only_theirs": [d.label for d in diffs if d.changed and d.changed_by == "them"],
            "unchanged": [d.label for d in diffs if not d.changed],
            "carried": carried,
            "current_version": current.version,
            "change_url": reverse("admin:blog_post_change", args=[current.pk]),
            "history_url": reverse("admin:blog_post_history", args=[current.pk]),
            "lost_upload": bool(request.FILES.get("featured_image")),
            "mine": mine,
        }
        return TemplateResponse(request, "admin/blog/post/edit_conflict.html", context, status=409)

    def submitted_texts(self, form, saved) -> dict[str, str]:
        """What the person sent, as the texts the diff compares."""
        data, cleaned = form.data, getattr(form, "cleaned_data", {})
        texts = {}
        for name, _, _ in revisions.COMPARED_TEXTS:
            texts[name] = str(cleaned.get(name, data.get(name, "")) or "")
        if "categories" in cleaned:
            texts["categories"] = ", ".join(c.name for c in cleaned["categories"])
        else:
            ids = [i for i in data.getlist("categories") if i.isdigit()]
            texts["categories"] = ", ".join(
                Category.objects.filter(pk__in=ids).values_list("name", flat=True)
            )
        tags = cleaned.get("tags") or parse_tags(data.get("tags", ""))
        texts["tags"] = ", ".join(sorted(tags, key=str.lower))
        status = cleaned.get("status", data.get("status", ""))
        texts["status"] = str(dict(Post.Status.choices).get(status, status))
        published = cleaned.get("published_at")
        texts["published_at"] = (
            timezone.localtime(published).strftime("%Y-%m-%d %H:%M")
            if published
            else " ".join(filter(None, [data.get("published_at_0"), data.get("published_at_1")]))
        )
        upload = form.files.get("featured_image")
        if upload:
            texts["featured_image"] = f"(your new upload: {upload.name})"
        elif data.get("featured_image-clear"):
            texts["featured_image"] = ""
        else:
            texts["featured_image"] = saved.texts["featured_image"]
        return texts

    # --- history, differences, restore ------------------------------------------------------

    def post_or_404(self, request, object_id, *, change=False) -> Post:
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post, or not one you may see.")
        allowed = (
            self.has_change_permission(request, post)
            if change
            else self.has_view_or_change_permission(request, post)
        )
        if not allowed:
            raise PermissionDenied
        return post

    def history_view(self, request, object_id, extra_context=None):
        post = self.get_object(request, unquote(object_id))
        if post is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        versions = revisions.post_versions(post)
        paginator = Paginator(versions, HISTORY_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("p"))
        start = (page.number - 1) * HISTORY_PAGE_SIZE
        # One more than the page: the revision before the page's last, to compare it with.
        window = list(versions[start : start + HISTORY_PAGE_SIZE + 1]) if paginator.count else []
        rows = [
            {
                "version": version,
                "who": revisions.who(version.revision.user),
                "previous": window[i + 1] if i + 1 < len(window) else None,
            }
            for i, version in enumerate(window[:HISTORY_PAGE_SIZE])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of “{post}”",
            "subtitle": None,
            "opts": self.opts,
            "original": post,
            "object": post,
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "can_restore": self.has_change_permission(request, post),
            "compare_url": reverse("admin:blog_post_revision_compare", args=[post.pk]),
            "change_url": reverse("admin:blog_post_change", args=[post.pk]),
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/blog/post/revision_history.html", context)

    def bad_request(self, request, post, message):
        context = {
            **self.admin_site.each_context(request),
            "title": "These revisions cannot be compared",
            "subtitle": None,
            "opts": self.opts,
            "original": post,
            "message": message,
            "history_url": reverse("admin:blog_post_history", args=[post.pk]),
        }
        return TemplateResponse(
            request, "admin/blog/post/revision_bad_request.html", context, status=400
        )

    def revision_compare_view(self, request, object_id):
        post = self.post_or_404(request, object_id)
        chosen = {}
        for side in ("from", "to"):
            value = request.GET.get(side, "")
            if value == "current":
                chosen[side] = None
                continue
            version_id = parse_id(value)
            if version_id is None:
                return self.bad_request(
                    request,
                    post,
                    f"Choose two revisions to compare: “{side}” must be a revision of this post "
                    "or “current”.",
                )
            version = revisions.post_version(post, version_id)
            if version is None:
                raise Http404("This post has no such revision.")
            chosen[side] = version
        names = revisions.category_names_for(*filter(None, chosen.values()), post=post)
        sides = {}
        for side, version in chosen.items():
            if version is None:
                sides[side] = {
                    "label": "the post as it is saved now",
                    "snapshot": revisions.current_snapshot(post, category_names=names),
                }
            else:
                sides[side] = {
                    "label": revisions.revision_label(version),
                    "comment": version.revision.get_comment(),
                    "version": version,
                    "snapshot": revisions.version_snapshot(version, category_names=names),
                }
        diffs = revisions.snapshot_diff(sides["from"]["snapshot"], sides["to"]["snapshot"])
        can_restore = self.has_change_permission(request, post)
        restorable = [
            {
                "label": sides[side]["label"],
                "url": reverse(
                    "admin:blog_post_revision_restore", args=[post.pk, sides[side]["version"].pk]
                ),
            }
            for side in ("from", "to")
            if can_restore and chosen[side] is not None
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Differences between two versions",
            "subtitle": None,
            "opts": self.opts,
            "original": post,
            "from": sides["from"],
            "to": sides["to"],
            "changed": [d for d in diffs if d.changed],
            "unchanged": [d.label for d in diffs if not d.changed],
            "restorable": restorable,
            "post_version": post.version,
            "history_url": reverse("admin:blog_post_history", args=[post.pk]),
            "change_url": reverse("admin:blog_post_change", args=[post.pk]),
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
        }
        return TemplateResponse(request, "admin/blog/post/revision_compare.html", context)

    def revision_restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "Restore with the button on the history.")
        post = self.post_or_404(request, object_id, change=True)
        parsed = parse_id(version_id)
        version = revisions.post_version(post, parsed) if parsed else None
        if version is None:
            raise Http404("This post has no such revision.")
        expected = parse_id(request.POST.get("expected_version"))
        try:
            result = revisions.post_revision_restore(
                post=post, version=version, user=request.user, expected_version=expected
            )
        except revisions.RestoreRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            url = reverse("admin:blog_post_revision_compare", args=[post.pk])
            return HttpResponseRedirect(f"{url}?from=current&to={version.pk}")
        label = revisions.revision_label(version)
        self.log_change(request, result.post, f"Restored {label}.")
        text = f"Restored {label} as a new revision; the history keeps every earlier one."
        if result.left_out:
            text += " Left out: " + "; ".join(result.left_out) + "."
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))

    # --- the form's script: heartbeat and autosave ------------------------------------------

    def editing_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "POST only.")
        post = self.get_object(request, unquote(object_id))
        if post is None:
            return JsonResponse({"error": "No such post, or not one you may edit."}, status=404)
        if not self.has_change_permission(request, post):
            return JsonResponse({"error": "You may not edit this post."}, status=403)
        event = request.POST.get("event")
        if event == "leave":
            locking.editing_release(post=post, user=request.user)
            return JsonResponse({"others": []})
        if event != "heartbeat":
            return JsonResponse({"error": "event must be heartbeat or leave."}, status=400)
        locking.editing_touch(post=post, user=request.user)
        others = locking.others_editing(post=post, user=request.user)
        return JsonResponse({"others": [editor.notice for editor in others]})

    def autosave_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "POST only.")
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > autosave.MAX_REQUEST_BYTES:
            return JsonResponse(
                {"error": f"Too large to autosave (at most {autosave.MAX_REQUEST_BYTES} bytes)."},
                status=413,
            )
        if object_id is None:
            post = None
            if not self.has_add_permission(request):
                return JsonResponse({"error": "You may not write posts."}, status=403)
        else:
            post = self.get_object(request, unquote(object_id))
            if post is None:
                return JsonResponse({"error": "No such post, or not one you may edit."}, status=404)
            if not self.has_change_permission(request, post):
                return JsonResponse({"error": "You may not edit this post."}, status=403)
        if request.POST.get("discard") == "1":
            autosave.autosave_discard(user=request.user, post=post)
            return JsonResponse({"discarded": True})
        try:
            data, base_version = autosave.autosave_parse(request.POST)
        except autosave.AutosaveRefused as refusal:
            return JsonResponse({"error": str(refusal)}, status=400)
        kept = autosave.autosave_store(
            user=request.user, post=post, data=data, base_version=base_version
        )
        return JsonResponse(
            {
                "saved_at": kept.saved_at.isoformat(),
                "message": f"Your changes were kept at {when(kept.saved_at)} (not saved to the "
                "post yet: use Save).",
            }
        )
