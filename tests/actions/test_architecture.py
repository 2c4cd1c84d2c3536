"""Structural rules: actions never imports reviews or audits; views fetch objects only through
the scoping helpers; no HTML is marked safe."""

import ast
from pathlib import Path

import actions

APP = Path(actions.__file__).parent
SOURCES = sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_actions_never_imports_reviews_audits_or_reports():
    for path in SOURCES:
        for module in imported_modules(path):
            assert module.split(".")[0] not in {"reviews", "audits", "reports"}, (path, module)


def test_views_fetch_objects_only_through_scoping_helpers():
    views = sorted((APP / "views").glob("*.py"))
    assert len(views) >= 5
    for path in views:
        source = path.read_text(encoding="utf-8")
        for forbidden in ("objects.get(", "get_object_or_404(", ".objects.all()",
                          "_base_manager"):
            assert forbidden not in source, (path.name, forbidden)


def test_nothing_is_marked_safe():
    templates = Path(APP.parent, "templates", "actions")
    for path in [*SOURCES, *templates.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        for forbidden in ("mark_safe", "|safe", "autoescape off", "style=\"", "<script>"):
            assert forbidden not in text, (path, forbidden)
