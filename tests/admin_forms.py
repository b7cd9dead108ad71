"""Helpers for posting admin forms the way a browser does."""


def inline_management_data(client, url: str) -> dict[str, str]:
    """The management fields of the inline formsets the admin shows this user on this page."""
    data = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        form = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[form[name].html_name] = form[name].value()
    return data


def post_change_data(response, **overrides) -> dict:
    """The post change form of an admin page as a browser would send it unchanged (the featured
    image left as it is), with ``overrides``."""
    from django.utils import timezone
    from taggit.utils import edit_string_for_tags

    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "featured_image":
            continue
        if name == "published_at":
            local = timezone.localtime(value) if value else None
            data["published_at_0"] = local.strftime("%Y-%m-%d") if local else ""
            data["published_at_1"] = local.strftime("%H:%M:%S") if local else ""
        elif name == "categories":
            data[name] = [str(pk) for pk in value or []]
        elif name == "tags":
            data[name] = value if isinstance(value, str) else edit_string_for_tags(value or [])
        else:
            data[name] = "" if value is None else str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[management[name].html_name] = management[name].value()
    data.update(overrides)
    return data
