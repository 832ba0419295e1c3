"""The layering stays true: the import graph of the project's own modules, read from the
source, has no cycle and no import that points up a layer; a lazy import says why.

Apps: territories ← accounts ← grid ← projects ← integrations ← api ← demo, with config on
top (settings and URLs see every app). The REST API sits on the product's apps: nothing
below imports it.
Inside projects: models ← rules/selectors ← services/dashboards ← forms ← views, then admin,
urls and the management commands.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    "territories": 0,
    "accounts": 1,
    "grid": 2,
    "projects": 3,
    "integrations": 4,  # the State's services feeding calls (Démarche numérique)
    "api": 5,
    "demo": 6,
    "config": 7,
}
# Layers inside an app (the projects app names them all); a module not listed is at the
# top of its app (e.g. apps, which wires the app when Django starts, urls, admin, management
# commands).
LAYERS = {
    "models": 0,
    "scoring": 0,  # the scoring rules: plain functions the models' users share
    "validators": 0,
    "statistics": 0,  # exact statistics of lists of values
    "agreement": 0,  # agreement between reviewers: pure numpy functions
    "figures": 0,  # the one rounding of figures shown, at the bottom for maps and dashboards
    "text": 0,
    "typography": 0,  # French dates, amounts and sizes, on top of figures; forms and filters use it
    "outgoing": 0,  # accounts: calls to outside services (timeouts, retries, errors)
    "crypto": 0,  # integrations: tokens encrypted at rest
    "signals": 0,  # projects: signals the apps above connect to (decisions published)
    "rules": 1,
    "selectors": 1,
    "permissions": 1,  # asking the rules: views, templates and selectors alike
    "services": 2,
    "tasks": 2,  # background tasks (django-tasks): call services, queued by services
    "dashboards": 2,
    "emails": 2,
    "onboarding": 2,  # accounts: sign-up confirmed by e-mail (services)
    "membership": 2,  # accounts: organisation members and invitations (services)
    "companies": 2,  # accounts: API Recherche d'entreprises client and checked facts
    "demarches": 2,  # integrations: Démarche numérique GraphQL client
    "importer": 2,  # integrations: importing dossiers into a call (services)
    "writeback": 2,  # integrations: published decisions written back (services, task)
    "interchange": 2,  # grid import/export, called by services and forms
    "reference": 2,
    "loading": 2,
    "maps": 2,
    "forms": 3,
    # The API's plumbing sits where forms do: it validates and presents, between the
    # services and the views (api/).
    "serializers": 3,
    "filters": 3,
    "pagination": 3,
    "authentication": 3,
    "throttling": 3,
    "throttle": 3,  # accounts: sign-up and password reset throttling, asked by views
    "web": 3,  # what views share: calling a service, the current organisation
    "access": 3,
    "errors": 3,
    "exports": 3,  # projects: spreadsheets, open-data files and PDFs, built for the views
    "views": 4,
    "templatetags": 4,
}
TOP = 5


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(imported project module, line, imported inside a function or class)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for sub in ast.walk(node)
        if sub is not node
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in modules
                else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.append((name, node.lineno, id(node) in nested))
    return found


def _graph():
    modules = _modules()
    return modules, {name: _imports(path, modules) for name, path in modules.items()}


def _rank(module: str) -> tuple[int, int]:
    parts = module.split(".")
    layer = LAYERS.get(parts[1], TOP) if len(parts) > 1 else TOP
    return APPS[parts[0]], layer


def upward_imports() -> list[str]:
    _modules, graph = _graph()
    upward = []
    for module, imports in graph.items():
        if ".migrations." in module:
            continue  # data migrations call the loaders of their time, by design
        app, layer = _rank(module)
        for target, line, _lazy in imports:
            target_app, target_layer = _rank(target)
            if target_app > app or (target_app == app and target_layer > layer):
                upward.append(f"{module}:{line} imports {target}")
    return upward


def cycles() -> list[str]:
    _modules, graph = _graph()
    edges = {
        module: sorted({target for target, _l, _z in imports}) for module, imports in graph.items()
    }
    found, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for target in edges.get(module, []):
            if target == module:
                continue
            if state.get(target) == "open":
                found.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return found


def silent_lazy_imports() -> list[str]:
    modules, graph = _graph()
    silent = []
    for module, imports in graph.items():
        lines = modules[module].read_text(encoding="utf-8").splitlines()
        for _target, line, lazy in imports:
            context = lines[line - 2 : line]
            if lazy and not any("#" in text for text in context):
                silent.append(f"{module}:{line}")
    return silent


def test_no_import_points_up_a_layer():
    assert upward_imports() == []


def test_the_import_graph_has_no_cycle():
    assert cycles() == []


def test_a_lazy_import_says_why():
    assert silent_lazy_imports() == []


def test_the_checks_see_a_cycle_and_an_upward_import(tmp_path, monkeypatch):
    """The test above would fail on a real cycle or upward import, not pass vacuously."""
    for app in APPS:
        (tmp_path / app).mkdir()
    (tmp_path / "projects" / "models.py").write_text("from projects.views import x\n")
    (tmp_path / "projects" / "views.py").write_text("from projects.models import y\n")
    (tmp_path / "accounts" / "models.py").write_text("import grid.models\n")
    (tmp_path / "grid" / "models.py").write_text("")
    (tmp_path / "grid" / "views.py").write_text("def f():\n    import grid.models\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)

    assert upward_imports() == [
        "accounts.models:1 imports grid.models",
        "projects.models:1 imports projects.views",
    ]
    assert cycles() == ["projects.models → projects.views → projects.models"]
    assert silent_lazy_imports() == ["grid.views:2"]
