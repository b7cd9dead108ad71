"""`pip install .` gives a complete site: the wheel built from pyproject.toml carries every app's
templates, static files and migrations, and the `groupblog` command that runs it without a checkout.

The wheel is built once for this module, from a copy of the source files (the checkout's own
`build/` folder could hold stale files from an earlier build).
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def source_files() -> list[str]:
    """The project's files as git sees them: tracked, plus new files not ignored."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are the source")
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted({name for name in listing.split("\0") if name and (ROOT / name).is_file()})


def app_packages(files: list[str]) -> set[str]:
    """Top-level Python packages of the project, the tests excepted."""
    return {
        name.split("/")[0]
        for name in files
        if name.count("/") == 1 and name.endswith("/__init__.py") and not name.startswith("tests/")
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    files = source_files()
    copy = tmp_path_factory.mktemp("source")
    for name in files:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    return files, copy


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> zipfile.ZipFile:
    _, copy = source
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    [built] = out.glob("groupblog-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_the_apps_are_found(source):
    # Guards the tests below against comparing empty sets.
    files, _ = source
    apps = app_packages(files)
    assert {"config", "core", "blog", "authors", "related", "ratings", "demo"} <= apps


def test_wheel_holds_every_template_and_static_file_of_every_app(source, wheel):
    files, _ = source
    apps = app_packages(files)
    expected = {
        name
        for name in files
        if name.split("/")[0] in apps and ("/templates/" in name or "/static/" in name)
    }
    assert {"core/templates/base.html", "core/static/css/site.css"} <= expected
    assert sorted(expected - set(wheel.namelist())) == []


def test_wheel_holds_every_migration(source, wheel):
    files, _ = source
    migrations = {name for name in files if "/migrations/" in name and name.endswith(".py")}
    assert "blog/migrations/0001_initial.py" in migrations
    assert sorted(migrations - set(wheel.namelist())) == []


def test_wheel_holds_the_apps_and_nothing_else(source, wheel):
    files, _ = source
    names = wheel.namelist()
    top_level = {name.split("/")[0] for name in names if "/" in name}
    assert {name for name in top_level if not name.endswith(".dist-info")} == app_packages(files)
    assert [name for name in names if "/" not in name] == []  # no manage.py in site-packages


def test_wheel_installs_the_groupblog_command(wheel):
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "groupblog = config.manage:main" in text
    assert "config/manage.py" in wheel.namelist()
