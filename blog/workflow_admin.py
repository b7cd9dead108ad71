"""The editorial workflow in the admin: the post form's step buttons, the bulk actions, the
status column and filter, the review queue page and the summary on the admin index. Every move
goes through ``blog.workflow.post_transition``; this module only parses requests and shows
results."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from blog import roles
from blog.models import Post, PostTransition
from blog.workflow import (
    Action,
    State,
    TransitionForbidden,
    TransitionRefused,
    actions_for,
    post_state,
    post_transition,
    transition_done,
)

QUEUE_LENGTH = 100
REFUSALS_LISTED = 10

STATE_HELP = {
    State.DRAFT: "Only you and the editors can see it. Submit it for review when it is ready.",
    State.CHANGES_REQUESTED: "An editor sent it back: make the changes below, then submit it "
    "for review again.",
    State.PENDING: "Waiting for an editor, who will publish it, schedule it or ask for changes. "
    "You can still edit it, or withdraw it to keep working on it.",
    State.SCHEDULED: "It appears on the site by itself at its publication time.",
    State.PUBLISHED: "Readers can see it.",
}
REVIEWER_HELP = {
    State.PENDING: "Waiting for review. Read it (Preview), then publish it now, schedule it, or "
    "send it back to its author with a note saying what should change.",
    State.CHANGES_REQUESTED: "Sent back to its author, who will submit it again once the "
    "changes are made.",
}


# The post form's buttons: what each says and how it looks; each also saves the form.
BUTTONS = {
    Action.SUBMIT: ("Save and submit for review", "", "An editor reviews it and publishes it."),
    Action.WITHDRAW: ("Save and withdraw from review", "secondary", "Back to a draft."),
    Action.PUBLISH: ("Save and publish now", "", "Readers see it at once."),
    Action.SCHEDULE: ("Save and schedule", "", "Publishes it at the time chosen above."),
    Action.REQUEST_CHANGES: (
        "Save and request changes",
        "secondary",
        "Sends it back to its author with the note above.",
    ),
    Action.UNPUBLISH: ("Save and unpublish", "danger", "Takes it off the site: back to a draft."),
}


def person(user) -> str:
    if user is None:
        return "(deleted account)"
    profile = getattr(user, "profile", None)
    return (profile and profile.display_name) or user.get_full_name() or user.get_username()


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def refusal_text(refusal) -> str:
    if isinstance(refusal, TransitionRefused):
        return " ".join(refusal.messages)
    return str(refusal)


class StateListFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in State.values:
            raise IncorrectLookupParameters(f"Unknown status {value!r}")
        return queryset.in_state(value)


def latest_transition(field: str, *, action: str | None = None) -> Subquery:
    """A subquery: ``field`` of the post's latest move (of one kind of move)."""
    moves = PostTransition.objects.filter(post=OuterRef("pk"))
    if action:
        moves = moves.filter(action=action)
    return Subquery(moves.order_by("-created_at", "-pk").values(field)[:1])


def review_summary(user) -> dict:
    """The counts the index page and the post list show to this user (one query)."""
    counts = Post.objects.editable_by(user).workflow_counts()
    return {
        **counts,
        "is_reviewer": roles.can_review(user),
        "queue_url": reverse("admin:blog_post_review"),
        "list_url": reverse("admin:blog_post_changelist"),
    }


def index_panel(request) -> str:
    """The review summary on the admin index page, for staff who may see posts."""
    if not request.user.has_perm("blog.view_post"):
        return ""
    return render_to_string(
        "admin/blog/post/_review_summary.html",
        {"summary": review_summary(request.user), "on_index": True},
        request=request,
    )


class WorkflowAdminMixin:
    """Adds the workflow to the post admin (``PostAdmin``)."""

    actions = ["publish_selected", "submit_selected", "unpublish_selected"]

    # --- the form ----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "POST":
            form.transition = request.POST.get("_transition", "")[:40]
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.transition:
            transition = post_transition(
                post=obj,
                action=form.transition,
                user=request.user,
                note=form.cleaned_data.get("transition_note") or "",
                publish_at=form.cleaned_data.get("schedule_at"),
                site_url=site_url(request),
            )
            self.message_user(
                request, f"“{obj}” was saved and {transition_done(transition)}.", messages.SUCCESS
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (TransitionRefused, TransitionForbidden) as refusal:
            # The post changed between the form's check and the save (another editor's move):
            # nothing was saved; say why.
            self.message_user(
                request, f"Nothing was saved: {refusal_text(refusal)}", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def response_change(self, request, obj):
        if request.POST.get("_transition"):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_transition"):
            return HttpResponseRedirect(
                reverse("admin:blog_post_change", args=[obj.pk], current_app=self.admin_site.name)
            )
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, obj) -> dict:
        """What the post form shows about the workflow: the state, what it means, the steps
        this user may take, the latest changes requested and the history."""
        user = request.user
        post = obj or Post(author=user)
        state = post_state(post)
        history = []
        request_note = None
        if obj is not None:
            history = list(obj.transitions.select_related("actor__profile"))
            for step in history:
                step.who = person(step.actor)
                step.from_label = State(step.from_state).label
                step.to_label = State(step.to_state).label
            if state == State.CHANGES_REQUESTED:
                request_note = next(
                    (t for t in history if t.action == Action.REQUEST_CHANGES), None
                )
        may_change = self.has_change_permission(request, obj)
        offered = actions_for(post=post, user=user) if may_change else []
        return {
            "workflow": {
                "state": state,
                "help": (
                    REVIEWER_HELP.get(state, STATE_HELP[state])
                    if roles.can_review(user) and obj is not None and obj.author_id != user.pk
                    else STATE_HELP[state]
                ),
                "buttons": [
                    {
                        "action": action.value,
                        "label": BUTTONS[action][0],
                        "style": BUTTONS[action][1],
                        "explain": BUTTONS[action][2],
                    }
                    for action in offered
                ],
                "needs_note": Action.REQUEST_CHANGES in offered,
                "needs_time": Action.SCHEDULE in offered,
                "history": history,
                "request_note": request_note,
                "time_zone": settings.TIME_ZONE,
                "locked_for_user": obj is not None and not may_change,
                "preview_url": reverse("blog:post_preview", kwargs={"pk": obj.pk}) if obj else "",
            }
        }

    # --- the list ----------------------------------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def state_label(self, obj):
        state = post_state(obj)
        return format_html('<span class="post-state post-state-{}">{}</span>', state, state.label)

    def changelist_view(self, request, extra_context=None):
        extra = {"review_summary": review_summary(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def bulk_transition(self, request, queryset, action: Action):
        done, refused = [], []
        for post in queryset.order_by("pk"):
            try:
                post_transition(
                    post=post, action=action, user=request.user, site_url=site_url(request)
                )
            except (TransitionRefused, TransitionForbidden) as refusal:
                refused.append(refusal_text(refusal))
            else:
                done.append(post)
        verb = {
            Action.PUBLISH: "Published",
            Action.SUBMIT: "Submitted for review",
            Action.UNPUBLISH: "Unpublished",
        }[action]
        if done:
            self.message_user(request, f"{verb}: {len(done)} post(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"Refused {len(refused)} post(s), left as they were.",
                messages.WARNING,
            )
            for text in refused[:REFUSALS_LISTED]:
                self.message_user(request, text, messages.WARNING)
            if len(refused) > REFUSALS_LISTED:
                self.message_user(
                    request, f"… and {len(refused) - REFUSALS_LISTED} more.", messages.WARNING
                )

    @admin.action(description="Publish selected posts now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.bulk_transition(request, queryset, Action.PUBLISH)

    @admin.action(description="Submit selected posts for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self.bulk_transition(request, queryset, Action.SUBMIT)

    @admin.action(description="Unpublish selected posts", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self.bulk_transition(request, queryset, Action.UNPUBLISH)

    # --- the review queue --------------------------------------------------------------------

    def get_urls(self):
        queue = path(
            "review/",
            self.admin_site.admin_view(self.review_view),
            name="blog_post_review",
        )
        return [queue, *super().get_urls()]

    def review_view(self, request):
        """Pending posts (longest waiting first), scheduled posts (soonest first) and posts sent
        back with changes requested: everyone's for Editors, one's own for the others."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        user = request.user
        posts = (
            Post.objects.editable_by(user)
            .select_related("author__profile")
            .defer("body", "body_html", "excerpt")
        )
        pending = (
            posts.filter(status=Post.Status.PENDING)
            .annotate(submitted_at=latest_transition("created_at", action=Action.SUBMIT))
            .order_by(F("submitted_at").asc(nulls_first=True), "updated_at", "pk")
        )
        scheduled = posts.in_state(State.SCHEDULED).order_by("published_at", "pk")
        changes = (
            posts.filter(status=Post.Status.CHANGES_REQUESTED)
            .annotate(
                requested_at=latest_transition("created_at", action=Action.REQUEST_CHANGES),
                request_note=latest_transition("note", action=Action.REQUEST_CHANGES),
            )
            .order_by(F("requested_at").desc(nulls_last=True), "pk")
        )
        summary = review_summary(user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Review queue" if summary["is_reviewer"] else "Your posts in review",
            "summary": summary,
            "pending": list(pending[:QUEUE_LENGTH]),
            "scheduled": list(scheduled[:QUEUE_LENGTH]),
            "changes": list(changes[:QUEUE_LENGTH]),
            "queue_length": QUEUE_LENGTH,
            "now": timezone.now(),
            "can_review": summary["is_reviewer"],
        }
        return TemplateResponse(request, "admin/blog/post/review_queue.html", context)
