from django import forms
from django.urls import reverse

from images.models import Image
from images.templatetags.images_tags import rendition_url


class ImageChooserWidget(forms.TextInput):
    """A library picture for a form: its thumbnail and name, "Choose from library" (a dialog
    searching the library) and "Remove"; without JavaScript, the picture's library number."""

    template_name = "images/widgets/image_chooser.html"
    input_type = "number"

    class Media:
        css = {"all": ["images/admin.css"]}
        js = ["images/chooser.js"]

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "min": "1", "data-image-id-input": ""}
        context = super().get_context(name, value, attrs)
        image = None
        if value not in (None, "") and str(value).isdigit() and len(str(value)) < 19:
            image = Image.objects.filter(pk=int(value)).first()
        context["image"] = image
        context["thumbnail"] = rendition_url(image, "sq192") if image else ""
        context["chooser_url"] = reverse("admin:images_image_chooser")
        context["edit_url"] = reverse("admin:images_image_change", args=[image.pk]) if image else ""
        return context
