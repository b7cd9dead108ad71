"""Django's command line for this project: ``python manage.py …`` in a checkout, ``groupblog …``
once installed (the console script declared in pyproject.toml)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
