from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from ratings import conf
from ratings.errors import InvalidScore, RatingError
from ratings.forms import VoteForm
from ratings.policy import rating_policy, target_resolve
from ratings.readers import client_ip, ip_hash, reader_for, remember_reader
from ratings.selectors import rating_summary, top_rated
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
            "ratings/_widget.html",
            {"summary": summary, "message": thanks, "chosen": {}},
            request=request,
        )
        response = JsonResponse({**summary.as_json(), "message": thanks, "html": html})
    else:
        messages.success(request, thanks)
        response = redirect(target.get_absolute_url() + "#rating")
    remember_reader(response, reader)
    return response


@never_cache
@require_GET
def rate(request, label: str, object_id: int):
    """The reader's own widget for one object, with a CSRF token: as JSON for the script on a
    shared page (``{"html": …}``), else as a small page, which is where a shared page's form
    leads without JavaScript (the choice made there is checked, and nothing is recorded until
    the reader confirms it with a POST)."""
    try:
        target = target_resolve(label, object_id)
        policy = rating_policy(target, user=request.user)
    except RatingError as error:
        return _error_response(request, error)
    summary = rating_summary(policy, reader_key=reader_for(request).key)
    if wants_json(request):
        html = render_to_string(
            "ratings/_widget.html", {"summary": summary, "chosen": {}}, request=request
        )
        return JsonResponse({**summary.as_json(), "html": html})
    form = VoteForm(policy=policy)
    chosen = {}
    for name, field in form.fields.items():
        if name in request.GET:
            try:
                chosen[name] = field.clean(request.GET[name])
            except ValidationError:
                continue
    context = {"summary": summary, "target": target, "chosen": chosen}
    return render(request, "ratings/rate.html", context)


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
