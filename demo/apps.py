from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content and the one-step quick start (``seed_demo``, ``quickstart``). It imports the
    apps it fills; nothing imports it, so a production site may leave it out."""

    name = "demo"
    verbose_name = "Demo content"
