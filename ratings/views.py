from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from ratings import conf
from ratings.errors import InvalidScore, RatingError
from ratings.forms import VoteForm
from ratings.policy import rating_policy, target_resolve
from ratings.readers import client_ip, ip_hash, reader_for, remember_reader
from ratings.selectors import top_rated
from ratings.services import vote_cast


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error_response(request, error: RatingError, target=None):
    if wants_json(request):
        response = JsonResponse({"error": error.message}, status=error.status)
    else:
        context = {"message": error.message, "target": target}
        response = render(request, "ratings/vote_error.html", context, status=error.status)
    if retry_after := getattr(error, "retry_after", None):
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def vote(request, label: str, object_id: int):
    """Parse the ballot, let ``vote_cast`` apply the rules, answer in JSON or redirect back."""
    target = None
    try:
        target = target_resolve(label, object_id)
        policy = rating_policy(target, user=request.user)
        form = VoteForm(request.POST, policy=policy)
        if not form.is_valid():
            raise InvalidScore(form.first_error())
        reader = reader_for(request, create=True)
        summary = vote_cast(
            target=target,
            user=request.user,
            reader_key=reader.key,
            ip_hash=ip_hash(client_ip(request)),
            scores=form.scores(),
            policy=policy,
        )
    except RatingError as error:
        return _error_response(request, error, target)
    thanks = "Thank you — your rating was saved."
    if wants_json(request):
        html = render_to_string(
            "ratings/_widget.html", {"summary": summary, "message": thanks}, request=request
        )
        response = JsonResponse({**summary.as_json(), "message": thanks, "html": html})
    else:
        messages.success(request, thanks)
        response = redirect(target.get_absolute_url() + "#rating")
    remember_reader(response, reader)
    return response


class TopRatedView(TemplateView):
    """The best-rated objects of the first allow-listed model by damped average, and the most
    rated ones."""

    template_name = "ratings/top_rated.html"

    def get_context_data(self, **kwargs):
        from django.apps import apps

        label = next(iter(conf.model_specs()), None)
        if label is None:
            raise Http404("Nothing on this site can be rated.")
        model = apps.get_model(label)
        size = conf.get("RATINGS_TOP_PAGE_SIZE")
        return super().get_context_data(
            top=list(top_rated(model, limit=size)),
            most=list(top_rated(model, order="count", limit=size)),
            noun=model._meta.verbose_name,
            max_score=conf.max_score(),
            prior_weight=conf.get("RATINGS_TOP_PRIOR_WEIGHT"),
            prior_is_site_mean=conf.get("RATINGS_TOP_PRIOR_MEAN") == "site",
            **kwargs,
        )
