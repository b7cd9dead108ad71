from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.generic import ListView

from authors.models import AuthorProfile
from blog import seo
from blog.views import FeedLink, ListingPageMixin, PublishedPostListView
from core.models import SiteIdentity


class AuthorListView(ListView):
    template_name = "authors/author_list.html"
    context_object_name = "profiles"

    def get_queryset(self):
        return AuthorProfile.objects.listed()

    def get_context_data(self, **kwargs):
        site = SiteIdentity.current().name
        return super().get_context_data(
            page_title="Authors",
            meta_description=f"The authors writing on {site}, with their number of posts.",
            canonical_url=seo.canonical_url(self.request),
            breadcrumbs=seo.breadcrumbs(self.request, ("Authors", self.request.path)),
            **kwargs,
        )


class AuthorDetailView(ListingPageMixin, PublishedPostListView):
    template_name = "authors/author_detail.html"

    def get_queryset(self):
        self.profile = get_object_or_404(
            AuthorProfile.objects.with_post_counts(),
            user__username=self.kwargs["username"],
            user__is_active=True,
        )
        return super().get_queryset().by_author(self.profile.user)

    def get_page_title(self):
        return self.profile.display_name

    def get_meta_description(self):
        profile, site = self.profile, SiteIdentity.current().name
        plural = "" if profile.post_count == 1 else "s"
        return f"{profile.display_name}: {profile.post_count} post{plural} on {site}."

    def get_breadcrumbs(self):
        return [
            ("Authors", reverse("authors:list")),
            (self.profile.display_name, self.profile.get_absolute_url()),
        ]

    def get_feeds(self):
        return [
            FeedLink(
                f"posts by {self.profile.display_name}", "authors:feed", self.profile.user.username
            )
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.profile, **kwargs)


class InvitationAcceptView(PasswordResetConfirmView):
    """The link of a staff invitation (authors.staff): the new member chooses their password and
    is signed in to the admin. Django's password-reset tokens: a used, altered or expired link
    shows why it no longer works."""

    template_name = "authors/invitation_accept.html"
    success_url = reverse_lazy("admin:index")
    post_reset_login = True
    title = "Choose your password"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context["site_name"] = SiteIdentity.current().name
        context["valid_days"] = max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Welcome, {form.user.get_full_name() or form.user.get_username()}: your password "
            "is set and you are signed in.",
        )
        return response
