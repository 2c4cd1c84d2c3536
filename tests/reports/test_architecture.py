"""Structural rules: reports reads from the other apps and is imported by none of them; its
views fetch downloads only through the scoping helpers; nothing is marked safe; no inline
script or style."""

import ast
from pathlib import Path

import reports

ROOT = Path(reports.__file__).parent.parent
APPS = ("scsp", "actions", "reviews", "audits")


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_other_app_imports_reports():
    """Management commands included: the benchmark builder, which needs every app's records,
    is ``demo.bench``, outside the apps."""
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for module in imported_modules(path):
                assert module.split(".")[0] != "reports", (path, module)


def test_reports_views_fetch_downloads_through_the_scoping_helpers():
    source = (ROOT / "reports" / "views.py").read_text(encoding="utf-8")
    for forbidden in ("objects.get(", "get_object_or_404(", "_base_manager"):
        assert forbidden not in source, forbidden


def test_nothing_is_marked_safe_and_nothing_is_inline():
    paths = [*(ROOT / "reports").rglob("*.py"), *(ROOT / "templates" / "reports").rglob("*.html")]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for forbidden in ("mark_safe", "|safe", "autoescape off", 'style="', "<script>"):
            assert forbidden not in text, (path, forbidden)
