"""Helpers for posting admin forms the way a browser does."""


def inline_management_data(client, url: str) -> dict[str, str]:
    """The management fields of the inline formsets the admin shows this user on this page."""
    data = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        form = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[form[name].html_name] = form[name].value()
    return data
