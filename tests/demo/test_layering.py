"""demo sits on top of every app: it may import them all, and none of them may import it."""

import ast

from django.conf import settings

PRODUCT_PACKAGES = ["config", "territories", "accounts", "grid", "projects"]


def imported_modules(path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_no_product_module_imports_demo():
    offenders = sorted(
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for package in PRODUCT_PACKAGES
        for path in (settings.BASE_DIR / package).rglob("*.py")
        for module in imported_modules(path)
        if module == "demo" or module.startswith("demo.")
    )

    assert offenders == []


def test_the_layering_check_sees_an_import_of_demo(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import os\nfrom demo.bench import bench_seed\n", encoding="utf-8")

    assert imported_modules(module) == {"os", "demo.bench"}
