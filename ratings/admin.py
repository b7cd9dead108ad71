from collections import defaultdict
from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from ratings import conf
from ratings.models import Criterion, RatingAggregate, RatingRule, RatingSet, Vote
from ratings.selectors import score_distribution
from ratings.services import votes_delete
from ratings.summaries import average_text


def targets_load(rows) -> None:
    """Attach to each row (a vote, statistic or override) the object it is about, as
    ``_target`` (None when it is gone): one query per content type, whatever the row count."""
    wanted = defaultdict(set)
    for row in rows:
        wanted[row.content_type].add(row.object_id)
    found = {}
    for ct, ids in wanted.items():
        model = ct.model_class()
        objects = model._default_manager.in_bulk(ids) if model else {}
        found.update({(ct.pk, pk): obj for pk, obj in objects.items()})
    for row in rows:
        row._target = found.get((row.content_type_id, row.object_id))


def target_label(row) -> str:
    """The object a row is about, by its own name (a post's title), or "post #12 (gone)"."""
    if not hasattr(row, "_target"):
        targets_load([row])
    if row._target is None:
        return f"{row.content_type.model} #{row.object_id} (gone)"
    return str(row._target)


class CheckedChangeList(ChangeList):
    """A changelist on which a filter value outside the calendar or refused by the database driver
    (``?created_at__year=99999999999``, a NUL byte) is an invalid filter, answered as Django
    answers other bad filters, never with a server error. (The project's own admins get the same
    from its core app; this app is reusable and carries its own.)"""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:  # the date hierarchy's date arithmetic
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        # The filters are compiled and sent to the database here, when the list is counted.
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class CheckedAdmin(admin.ModelAdmin):
    """An admin whose list refuses bad filter values cleanly, and regular-expression lookups
    (which no list offers, and a pattern can keep the database busy) outright."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def lookup_allowed(self, lookup, value, request=None):
        if {"regex", "iregex"} & set(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)


class TargetChangeList(CheckedChangeList):
    """A changelist page that loads the objects its rows are about in bulk."""

    def get_results(self, request):
        super().get_results(request)
        targets_load(self.result_list)


class TargetAdmin(CheckedAdmin):
    """An admin for rows that point at any object (content type and id): the object is shown by
    its title, at a fixed number of queries per changelist page."""

    def get_changelist(self, request, **kwargs):
        return TargetChangeList

    @admin.display(description="object", ordering="object_id")
    def target(self, obj):
        return target_label(obj)


def _allowed_content_types():
    """Ratable models and their parents (where overrides may be attached)."""
    from django.apps import apps

    ids = []
    for label, spec in conf.model_specs().items():
        model = apps.get_model(label)
        ids.append(ContentType.objects.get_for_model(model).pk)
        if spec.parents:
            parent = model._meta.get_field(spec.parents).related_model
            ids.append(ContentType.objects.get_for_model(parent).pk)
    return {"pk__in": ids}


class SignedInFilter(admin.SimpleListFilter):
    title = "reader"
    parameter_name = "reader"

    def lookups(self, request, model_admin):
        return [("user", "Signed in"), ("anonymous", "Anonymous")]

    def queryset(self, request, queryset):
        if self.value() == "user":
            return queryset.filter(reader_key__startswith="u:")
        if self.value() == "anonymous":
            return queryset.filter(reader_key__startswith="a:")
        return queryset


class TargetFilter(admin.SimpleListFilter):
    """Filter the log by rated object ("<content type id>-<object id>"): the fifty objects
    most readers rated, by title."""

    title = "rated object"
    parameter_name = "target"

    def lookups(self, request, model_admin):
        rows = (
            RatingAggregate.objects.values("content_type_id", "object_id")
            .annotate(readers=Max("count"))
            .order_by("-readers", "object_id")[:50]
        )
        targets = [
            SimpleNamespace(
                content_type=ContentType.objects.get_for_id(row["content_type_id"]),
                content_type_id=row["content_type_id"],
                object_id=row["object_id"],
            )
            for row in rows
        ]
        targets_load(targets)
        return [(f"{t.content_type_id}-{t.object_id}", target_label(t)) for t in targets]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            ct_id, object_id = (int(part) for part in self.value().split("-", 1))
        except ValueError:
            return queryset.none()
        return queryset.filter(content_type_id=ct_id, object_id=object_id)


class CriterionFilter(admin.RelatedFieldListFilter):
    """The criteria, each named with its set, read in one query."""

    def field_choices(self, field, request, model_admin):
        return [(c.pk, str(c)) for c in Criterion.objects.select_related("rating_set")]


@admin.register(Vote)
class VoteAdmin(TargetAdmin):
    """The vote log: read-only; Editors may delete votes, which recounts the aggregates. The
    client IP appears only as the first characters of its keyed hash (same network, same tag)."""

    list_display = ["updated_at", "target", "criterion", "score", "reader", "network"]
    list_filter = [TargetFilter, SignedInFilter, "created_at", "criterion__rating_set"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type", "criterion__rating_set", "user"]
    exclude = ["ip_hash"]
    readonly_fields = [
        "content_type",
        "object_id",
        "criterion",
        "score",
        "reader_key",
        "user",
        "network",
        "created_at",
        "updated_at",
    ]
    actions = ["delete_and_recount"]
    list_per_page = 100

    @admin.display(description="reader")
    def reader(self, obj):
        return obj.user or ("signed-in user (deleted)" if obj.is_signed_in else "anonymous")

    @admin.display(description="network tag")
    def network(self, obj):
        return obj.ip_hash[:10]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Delete selected votes and recount", permissions=["delete"])
    def delete_and_recount(self, request, queryset):
        deleted = votes_delete(votes=queryset)
        self.message_user(
            request, f"Deleted {deleted} vote(s); counts recomputed.", messages.SUCCESS
        )

    def delete_model(self, request, obj):
        votes_delete(votes=Vote.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        votes_delete(votes=queryset)


@admin.register(RatingAggregate)
class RatingAggregateAdmin(TargetAdmin):
    """Per-object statistics: counts, averages and the distribution of scores."""

    list_display = ["target", "criterion", "count", "average_display", "vote_log"]
    list_filter = ["content_type", "criterion__rating_set", ("criterion", CriterionFilter)]
    list_select_related = ["content_type", "criterion__rating_set"]
    ordering = ["-count", "object_id"]
    readonly_fields = [
        "target",
        "criterion",
        "count",
        "total",
        "average_display",
        "distribution",
        "vote_log",
    ]
    fields = readonly_fields

    @admin.display(description="average")
    def average_display(self, obj):
        return average_text(obj.average, places=2) or "—"

    @admin.display(description="votes")
    def vote_log(self, obj):
        url = reverse("admin:ratings_vote_changelist")
        return format_html(
            '<a href="{}?target={}-{}">Vote log</a>', url, obj.content_type_id, obj.object_id
        )

    @admin.display(description="distribution of scores")
    def distribution(self, obj):
        rows = score_distribution(
            content_type_id=obj.content_type_id,
            object_id=obj.object_id,
            criterion_id=obj.criterion_id,
        )
        if not rows:
            return "No votes."
        return format_html(
            "<table><thead><tr><th>Score</th><th>Votes</th><th>Share</th><th></th></tr></thead>"
            "<tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><td>{}</td><td>{}</td><td>{}%</td><td><span style="display:inline-block;'
                'height:.8em;background:#d4a017;width:{}px"></span></td></tr>',
                ((r["score"], r["count"], r["percent"], int(r["percent"] * 2)) for r in rows),
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "key", "position"]

    def clean(self):
        cleaned = super().clean()
        # Fill the key here, not only in save(), so the formset's uniqueness check sees it.
        if not cleaned.get("key") and cleaned.get("name"):
            cleaned["key"] = slugify(cleaned["name"])[:60] or "criterion"
        return cleaned


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    extra = 1
    fields = ["name", "key", "position"]


@admin.register(RatingSet)
class RatingSetAdmin(CheckedAdmin):
    list_display = ["name", "mode", "is_default", "criteria_list"]
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("criteria")

    @admin.display(description="criteria")
    def criteria_list(self, obj):
        return ", ".join(c.name for c in obj.criteria.all())


class RatingRuleForm(forms.ModelForm):
    class Meta:
        model = RatingRule
        fields = ["content_type", "object_id", "access", "rating_set", "note"]

    def clean(self):
        cleaned = super().clean()
        ct, object_id = cleaned.get("content_type"), cleaned.get("object_id")
        if ct and object_id is not None:
            model = ct.model_class()
            if model is None or not model._default_manager.filter(pk=object_id).exists():
                self.add_error("object_id", f"There is no {ct.name} with id {object_id}.")
        return cleaned


@admin.register(RatingRule)
class RatingRuleAdmin(TargetAdmin):
    """Per-object and per-category overrides: access and rating set."""

    form = RatingRuleForm

    list_display = ["__str__", "object_label", "access", "rating_set", "note"]
    list_filter = ["content_type", "access", "rating_set"]
    list_select_related = ["content_type", "rating_set"]
    fields = ["content_type", "object_id", "access", "rating_set", "note"]

    @admin.display(description="applies to")
    def object_label(self, obj):
        return target_label(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":
            kwargs["queryset"] = ContentType.objects.filter(**_allowed_content_types())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
