"""Old WordPress links keep working: a request for an address a post had on WordPress
(``/?p=12``, ``/2019/03/05/slug/``, ``/slug/``, its guid or permalink) is answered with a
permanent redirect to the post's address here.

Like ``django.contrib.redirects``, it only looks when the site has nothing at the address: no
URL pattern matches it (looked up before any view runs), or its view answered 404 — or for
``/?p=…``, which is the home page to the URL resolver. One query, and only then.
The target is always the post's own address on this site, never anything from the request."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from wordpress.addresses import ID_PARAMETERS, address_key
from wordpress.models import OldAddress


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        looked = False
        if request.method in ("GET", "HEAD") and self.looks_old(request):
            looked = True
            redirect = self.redirect_for(request)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD") and not looked:
            return self.redirect_for(request) or response
        return response

    @staticmethod
    def looks_old(request) -> bool:
        """``/?p=12`` (the home page to the resolver), or an address no page of the site has:
        looked up before any view runs, so a redirect does not cost a rendered 404 page."""
        if request.path_info == "/":
            return any(name in request.GET for name in ID_PARAMETERS)
        try:
            resolve(request.path_info)
        except Resolver404:
            return True
        return False

    @staticmethod
    def redirect_for(request):
        key = address_key(request.get_full_path_info())
        if key is None:
            return None
        old = OldAddress.objects.select_related("post").filter(path=key).first()
        if old is None or not old.post.is_public:
            return None
        return HttpResponsePermanentRedirect(old.post.get_absolute_url())
