"""The shape of the code: apps depend one way and no two modules import each other."""

import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
APPS = CONFIG["root_packages"]


@pytest.fixture(scope="module")
def graph():
    # Every import counts, also those inside functions (loaded lazily for cold starts).
    return grimp.build_graph(*APPS, include_external_packages=False)


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_through_others(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(graph):
    graph.add_import(importer="catalog.models", imported="catalog.services")
    try:
        assert any({"catalog.models", "catalog.services"} <= set(c) for c in _cycles(graph))
    finally:
        graph.remove_import(importer="catalog.models", imported="catalog.services")


def _illegal(graph) -> set[tuple[str, str]]:
    """(importer app, imported app) pairs that break the layers, allowed exceptions aside."""
    contract = CONFIG["contracts"][0]
    allowed = [
        tuple(part.strip() for part in rule.split("->")) for rule in contract["ignore_imports"]
    ]
    for importer, imported in allowed:
        graph.remove_import(importer=importer, imported=imported)
    try:
        illegal = graph.find_illegal_dependencies_for_layers(layers=contract["layers"])
    finally:
        for importer, imported in allowed:
            graph.add_import(importer=importer, imported=imported)
    return {(d.importer, d.imported) for d in illegal}


def test_apps_depend_one_way(graph):
    assert _illegal(graph) == set()


def test_a_lower_app_importing_a_higher_one_is_refused(graph):
    graph.add_import(importer="catalog.models", imported="orders.models")
    try:
        assert _illegal(graph) == {("catalog", "orders")}
    finally:
        graph.remove_import(importer="catalog.models", imported="orders.models")


@pytest.fixture(scope="module")
def test_graph():
    return grimp.build_graph("tests", include_external_packages=False)


def _imports_of_tests(graph) -> set[tuple[str, str]]:
    """(importer, imported) pairs where a module imports a conftest or a test module."""
    found = set()
    for imported in graph.modules:
        leaf = imported.rsplit(".", 1)[-1]
        if leaf == "conftest" or leaf.startswith("test_"):
            found |= {
                (importer, imported)
                for importer in graph.find_modules_that_directly_import(imported)
            }
    return found


def test_shared_test_helpers_live_in_helper_modules(test_graph):
    # pytest loads conftests and test modules itself; importing one runs it twice under two
    # names and hides what is shared. Shared values go in helper modules (tests/*.py).
    assert _imports_of_tests(test_graph) == set()


def test_a_test_importing_from_a_conftest_is_refused(test_graph):
    test_graph.add_import(importer="tests.payments.test_expiry", imported="tests.payments.conftest")
    try:
        assert _imports_of_tests(test_graph) == {
            ("tests.payments.test_expiry", "tests.payments.conftest")
        }
    finally:
        test_graph.remove_import(
            importer="tests.payments.test_expiry", imported="tests.payments.conftest"
        )


def _locking(pattern: str) -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and pattern in path.read_text()
    }


def test_orders_are_locked_in_one_place_and_payments_only_after_them():
    # The lock order (docs/design.md, "Locks"): order_lock is the only way to lock an order,
    # and the modules that lock payments take the order's lock first (tests/payments/
    # test_lock_order_postgres.py races them).
    assert _locking("Order.objects.select_for_update") == {"orders/locks.py"}
    lockers = _locking("Payment.objects.select_for_update")
    lockers |= _locking("of_intent.select_for_update")
    assert lockers == {
        "payments/services/common.py",
        "payments/services/refunds.py",
        "payments/services/webhooks.py",
    }
    for module in lockers - {"payments/services/common.py"}:
        assert "order_lock(" in (ROOT / module).read_text()
