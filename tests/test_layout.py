"""The layout's rules (docs/architecture.md), checked by walking every module's imports with `ast`:
no import circles between modules, storage imports nothing else of ours, and imports only go down."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sozwatch", "crawler", "workers", "classifiers", "review_queue")
STORAGE = "review_queue.storage"
# Bottom to top; a part may import its own modules and those of parts in lower layers only,
# so siblings in one layer (e.g. learning and reports, crawler and workers) never import each other.
LAYERS = [
    ["review_queue.storage"],
    ["classifiers"],
    ["review_queue.i18n", "review_queue.rendering"],
    ["review_queue.review"],
    ["review_queue.learning", "review_queue.reports", "crawler", "workers"],
    ["review_queue.web"],
    ["sozwatch"],
]


def part_of(module: str) -> tuple[str, int]:
    """The part (e.g. review_queue.review) a module belongs to, and that part's layer."""
    for layer, parts in enumerate(LAYERS):
        for part in parts:
            if module == part or module.startswith(part + "."):
                return part, layer
    return module, len(LAYERS)   # a package's own __init__ (review_queue): above everything


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
            if "demo_sites" not in p.parts}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that `name` imports anywhere in its body (an import inside a function counts)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t.split(".")[0] in PACKAGES and t != name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: {t for t in imports_of(name, path, modules) if t in modules}
            for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the list of modules around it, or None."""
    state: dict[str, int] = {}   # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_circle_between_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_storage_imports_nothing_else_of_the_project():
    upward = {(name, target) for name, targets in import_graph().items() if name.startswith(STORAGE)
              for target in targets if not target.startswith(STORAGE)}
    assert not upward, f"storage reaches up: {sorted(upward)}"


def test_imports_only_go_down_the_layers():
    upward = []
    for name, targets in import_graph().items():
        part, layer = part_of(name)
        for target in targets:
            target_part, target_layer = part_of(target)
            if target_part != part and (target_layer >= layer or part == "classifiers"):
                upward.append(f"{name} -> {target}")
    assert not upward, "imports that do not go down: " + ", ".join(sorted(upward))


def test_the_checker_sees_a_circle_and_an_import_inside_a_function(tmp_path):
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert part_of("review_queue.reports.export") == ("review_queue.reports", 4)
    module = tmp_path / "store.py"
    module.write_text("def f():\n    from ..review import queue_view\n")
    assert imports_of("review_queue.storage.store", module,
                      {"review_queue.review.queue_view": module}) == {"review_queue.review.queue_view"}


def test_every_module_says_its_role_in_its_first_line():
    silent = [name for name, path in project_modules().items()
              if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()]
    assert not silent, f"modules without a docstring: {silent}"
