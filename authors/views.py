from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from authors.models import AuthorProfile
from blog.views import PublishedPostListView


class AuthorListView(ListView):
    template_name = "authors/author_list.html"
    context_object_name = "profiles"

    def get_queryset(self):
        return AuthorProfile.objects.listed()


class AuthorDetailView(PublishedPostListView):
    template_name = "authors/author_detail.html"

    def get_queryset(self):
        self.profile = get_object_or_404(
            AuthorProfile.objects.with_post_counts(),
            user__username=self.kwargs["username"],
            user__is_active=True,
        )
        return super().get_queryset().by_author(self.profile.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.profile, **kwargs)
