"""The base of the project's model admins: whatever the query string of an admin page says, the
answer is the page, a 400 page saying what cannot be shown, or a value ignored — never a server
error.

Django turns most bad query strings into its "invalid filter" path, but some escaped it as 500s:
values outside the calendar (``?published_at__year=99999999999``, a date hierarchy day after
9999-12-31, year 0) fail in Python's date arithmetic; values the database driver refuses (a NUL
byte on PostgreSQL) fail when the list is counted; a search of thousands of words outgrows
SQLite's expression limit; a date prefilled from the address (``add/?published_at=2024-01-01``)
reached the date widget as text. Regular-expression lookups are refused outright: no list offers
them, and a pattern can keep the database busy for minutes.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models.constants import LOOKUP_SEP
from django.template.response import TemplateResponse
from django.utils.text import smart_split

REFUSED_LOOKUPS = {"regex", "iregex"}
MAX_SEARCH_WORDS = 10


class InvalidListRequest(Exception):
    """The query string asks a list for something it cannot show."""


class CheckedChangeList(ChangeList):
    """A changelist on which every failure caused by the query string is an invalid lookup."""

    def get_filters(self, request):
        refused = [
            key for key in self.filter_params if REFUSED_LOOKUPS & set(key.split(LOOKUP_SEP))
        ]
        if refused:
            raise IncorrectLookupParameters(f"Refused lookups: {', '.join(refused)}")
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


class CheckedModelAdmin(admin.ModelAdmin):
    """A model admin whose list answers a bad filter, page or sort order with a 400 page, whose
    search reads the first words only, and whose add form ignores unusable prefilled values."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def get_search_results(self, request, queryset, search_term):
        # As the site's search: NUL bytes dropped, the first words only (also in autocompletes).
        words = list(smart_split(search_term.replace("\x00", "")))[:MAX_SEARCH_WORDS]
        return super().get_search_results(request, queryset, " ".join(words))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation or not field.concrete:
                continue
            try:
                initial[name] = field.to_python(value)
            except (ValidationError, ValueError, OverflowError):
                del initial[name]
        return initial

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise InvalidListRequest from error

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except InvalidListRequest:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"This list of {self.opts.verbose_name_plural} cannot be shown",
                "list_url": request.path,
            }
            return TemplateResponse(request, "admin/invalid_list_request.html", context, status=400)
