"""ratings/ is reusable: it depends on Django, contenttypes and the user model only."""

import ast
from pathlib import Path

import ratings

FORBIDDEN = {"blog", "authors", "config"}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_ratings_never_imports_blog_or_authors():
    root = Path(ratings.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(root)): sorted(imported_top_level_modules(path) & FORBIDDEN)
        for path in files
        if imported_top_level_modules(path) & FORBIDDEN
    }
    assert offenders == {}


def test_ratings_templates_do_not_include_blog_templates():
    root = Path(ratings.__file__).parent / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert "blog/" not in text and "authors/" not in text, template
