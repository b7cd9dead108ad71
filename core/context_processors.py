from core.models import SiteIdentity


def site_identity(request):
    """The site's name and tagline, for every template."""
    return {"site": SiteIdentity.current()}
