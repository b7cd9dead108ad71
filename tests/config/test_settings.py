"""Production settings refuse to start without secrets and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7" * 30 + "-not-a-real-key-but-long-and-random-enough",
    "DJANGO_ALLOWED_HOSTS": "blog.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_production_passes_the_deploy_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_wsgi_entry_point_defaults_to_production():
    code = "import config.wsgi; from django.conf import settings; print(settings.DEBUG)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is not set" in result.stderr
    env = {**clean, **{k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True)  # fmt: skip
    assert result.stdout.strip() == "False"


def test_plain_http_mode_drops_secure_only_cookies():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.production';"
        "from django.conf import settings;"
        "print(settings.SESSION_COOKIE_SECURE, getattr(settings, 'SECURE_SSL_REDIRECT', False))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {**clean, **PRODUCTION_ENV, "DJANGO_HTTPS": "0"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True)  # fmt: skip
    assert result.stdout.strip() == "False False", result.stderr


def test_development_works_with_no_variables():
    result = run_manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_sqlite_is_configured_for_concurrent_writers(settings):
    from config.settings.base import database_config

    if "DATABASE_URL" in os.environ:
        pytest.skip("the run is against another database")
    options = database_config()["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 10


def test_data_stays_in_the_checkout_when_running_from_one(monkeypatch):
    from config.settings import base

    monkeypatch.delenv("DJANGO_DATA_DIR", raising=False)
    assert base.BASE_DIR == ROOT
    assert base.data_dir() == ROOT


def test_installed_project_keeps_its_data_in_the_working_folder(monkeypatch, tmp_path):
    from config.settings import base

    site_packages, workdir = tmp_path / "site-packages", tmp_path / "site"
    site_packages.mkdir()
    workdir.mkdir()
    monkeypatch.delenv("DJANGO_DATA_DIR", raising=False)
    monkeypatch.setattr(base, "BASE_DIR", site_packages)  # no manage.py beside the apps
    monkeypatch.chdir(workdir)
    assert base.data_dir() == workdir


def test_data_folder_can_be_chosen_and_must_exist(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import base

    monkeypatch.setenv("DJANGO_DATA_DIR", str(tmp_path))
    assert base.data_dir() == tmp_path.resolve()
    monkeypatch.setenv("DJANGO_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DATA_DIR"):
        base.data_dir()


def test_database_uploads_and_collected_files_go_to_the_data_folder(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME'], s.MEDIA_ROOT, s.STATIC_ROOT, sep='\\n')"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    data = tmp_path.resolve()
    assert result.stdout.split() == [
        str(data / "db.sqlite3"), str(data / "media"), str(data / "staticfiles")
    ]  # fmt: skip


def test_each_test_run_has_its_own_test_database(settings):
    # Two runs against one PostgreSQL server (or one temporary folder) never share a database.
    assert str(os.getpid()) in str(settings.DATABASES["default"]["TEST"]["NAME"])


def email_settings(env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.production';"
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_HOST', ''), getattr(s, 'EMAIL_PORT', ''),"
        " getattr(s, 'EMAIL_HOST_USER', ''), getattr(s, 'EMAIL_HOST_PASSWORD', ''),"
        " getattr(s, 'EMAIL_USE_TLS', ''), s.DEFAULT_FROM_EMAIL, sep='|')"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_email_is_printed_on_the_console_unless_an_smtp_server_is_set():
    backend = email_settings(PRODUCTION_ENV).split("|")[0]
    assert backend == "django.core.mail.backends.console.EmailBackend"
    smtp = {
        "DJANGO_EMAIL_HOST": "smtp.example.org",
        "DJANGO_EMAIL_PORT": "2525",
        "DJANGO_EMAIL_USER": "blog",
        "DJANGO_EMAIL_PASSWORD": "s3cret",
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_DEFAULT_FROM_EMAIL": "Ledger <editors@blog.example.org>",
    }
    assert email_settings({**PRODUCTION_ENV, **smtp}).split("|") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "2525",
        "blog",
        "s3cret",
        "False",
        "Ledger <editors@blog.example.org>",
    ]
