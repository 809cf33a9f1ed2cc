"""The house's imports flow one way: no circle, and no import that runs back up.

Layers, lowest first: ``newsroom`` (the project: settings, URLs, the Celery app, small
shared helpers), the ground-floor apps (``pagecache``, ``outbox``, ``readers``,
``accounts``), ``publication``, ``articles``, then the apps built on the newsroom
(``support``, ``newsletters``). A module may import its own app and any lower layer. Where
a lower layer must reach a higher one, it names it in a string (a setting, a task's name)
or sends a signal. Every import counts, at the top of a file or inside a function.
"""

import ast
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LAYERS = [
    {"newsroom"},
    {"pagecache", "outbox", "readers", "accounts"},
    {"publication"},
    {"articles"},
    {"support", "newsletters"},
]
LEFT_OUT = {"tests", "bench", "stripe_testserver", "migrations", ".venv", "var", "node_modules"}


def _modules() -> dict[str, Path]:
    apps = set().union(*LAYERS)
    found = {}
    for path in PROJECT.rglob("*.py"):
        parts = path.relative_to(PROJECT).parts
        if parts[0] not in apps or LEFT_OUT & set(parts):
            continue
        name = ".".join(parts)[:-3].removesuffix(".__init__")
        found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _layer(module: str) -> int:
    app = module.split(".")[0]
    return next(n for n, apps in enumerate(LAYERS) if app in apps)


def test_no_import_runs_back_up_a_layer():
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if _layer(target) > _layer(module)
    )

    assert upward == []


def test_no_two_modules_import_each_other_round_a_circle():
    graph = _graph()
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.add(member)
                if member == node:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for node in list(graph):
        if node not in index:
            visit(node)

    assert circles == []


def test_the_walk_sees_the_imports_it_is_meant_to_see():
    graph = _graph()
    edges = defaultdict(set)
    for module, targets in graph.items():
        edges[module.split(".")[0]].update(t.split(".")[0] for t in targets)

    assert "articles" in edges["support"]  # a gift names the story it came from
    assert "pagecache" in edges["articles"]
