"""The apps depend on each other in one direction only (see the README's architecture):

    core  ←  blog  ←  authors
               ↑
            related          ratings (reusable: imports nothing of ours)
    demo and wordpress import the apps they fill; nothing imports them; no app imports config.

Checked in Python imports, template tag libraries and includes, and migration dependencies.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

ROOT = Path(settings.BASE_DIR)
OURS = {"core", "blog", "authors", "related", "ratings", "demo", "config", "wordpress"}
ALLOWED = {
    "core": set(),
    "blog": {"core", "ratings"},
    "authors": {"core", "blog", "ratings"},
    "related": {"core", "blog"},
    "ratings": set(),
    "demo": {"core", "blog", "authors", "related", "ratings"},
    # Moving from WordPress fills posts, authors, pictures and votes; related posts only by
    # the app registry (pins in the export), so it works without them.
    "wordpress": {"core", "blog", "authors", "images", "ratings"},
}
TAG_LIBRARIES = {
    "blog_tags": "blog",
    "ratings_tags": "ratings",
    "related_tags": "related",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def template_dependencies(path: Path) -> set[str]:
    """The apps a template reaches into: tag libraries it loads, templates it includes or
    extends (by their folder, e.g. "related/…")."""
    text = path.read_text()
    apps = set()
    for libraries in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", text):
        apps.update(TAG_LIBRARIES.get(name) for name in libraries.split())
    for name in re.findall(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']", text):
        folder = name.split("/")[0] if "/" in name else "core"
        apps.add(folder if folder in OURS else None)
    apps.discard(None)
    return apps


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_python_imports_follow_the_arrows(app):
    files = sorted((ROOT / app).rglob("*.py"))
    assert files, f"{app}/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(forbidden)
        for path in files
        if (forbidden := (imported_modules(path) & OURS) - ALLOWED[app] - {app})
    }
    assert offenders == {}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_templates_follow_the_arrows(app):
    # core/templates holds the project's page layout (base.html, error pages): like the
    # templates/ folder of a classic Django project it may show every app's blocks.
    if app == "core":
        return
    offenders = {
        str(path.relative_to(ROOT)): sorted(forbidden)
        for path in sorted((ROOT / app / "templates").rglob("*.html"))
        if (forbidden := template_dependencies(path) - ALLOWED[app] - {app, "core"})
    }
    assert offenders == {}


def test_migrations_depend_only_on_apps_they_may_import():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    offenders = []
    for app_label, name in graph.nodes:
        if app_label not in ALLOWED:
            continue
        for parent in graph.node_map[(app_label, name)].parents:
            dep_label, dep_name = parent.key
            if dep_label in OURS and dep_label not in ALLOWED[app_label] | {app_label}:
                offenders.append(f"{app_label}.{name} → {dep_label}.{dep_name}")
    assert offenders == []


def test_the_rule_itself_catches_a_forbidden_import(tmp_path):
    """The checks above can fail: a blog module importing related is spotted."""
    module = tmp_path / "views.py"
    module.write_text("from related.display import related_block\nimport authors.models\n")
    assert imported_modules(module) & OURS - ALLOWED["blog"] == {"related", "authors"}
    template = tmp_path / "page.html"
    template.write_text('{% load related_tags %}{% include "authors/_box.html" %}')
    assert template_dependencies(template) - ALLOWED["blog"] == {"related", "authors"}


def test_no_app_imports_the_project_wiring():
    for app in ALLOWED:
        for path in (ROOT / app).rglob("*.py"):
            assert "config" not in imported_modules(path), path
