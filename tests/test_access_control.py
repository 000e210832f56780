"""The access-control matrix: every API route with an object id, for people who must not reach it.

Each app lists its routes in `<app>/tests/access.py` as `build(world) -> list[(method, path)]`, creating the
objects it needs owned by `world.client` (alice) and `world.freelancer` (bob). Every route is then tried by
anonymous, another client, another freelancer and a staff member without permissions: none may get a 2xx.
For every `GET /api/<things>/<id>` route the intruders' list `GET /api/<things>` must not contain that id either.
"""

import importlib
import re
from types import SimpleNamespace

import pytest

from accounts.tests.factories import ClientFactory, FreelancerFactory, StaffFactory

APPS = ["accounts", "marketplace", "billing", "support", "engagement"]


def _builders():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.tests.access")
        except ModuleNotFoundError:
            continue
        yield app, module.build


@pytest.fixture
def world(client_user, freelancer):
    return SimpleNamespace(client=client_user, freelancer=freelancer)


@pytest.fixture
def intruders(api_as, db):
    from rest_framework.test import APIClient

    return {
        "anonymous": APIClient(),
        "other_client": api_as(ClientFactory(email="intruder.client@example.com")),
        "other_freelancer": api_as(FreelancerFactory(email="intruder.freelancer@example.com")),
        "staff_without_rights": api_as(StaffFactory(email="intruder.staff@example.com")),
    }


@pytest.mark.parametrize("app,build", list(_builders()), ids=[app for app, _ in _builders()])
def test_no_intruder_reaches_another_persons_objects(app, build, world, intruders):
    routes = build(world)
    assert routes, f"{app} lists no routes"
    failures = []
    for method, path in routes:
        for who, api in intruders.items():
            response = getattr(api, method.lower())(path, {}, format="json")
            if 200 <= response.status_code < 300:
                failures.append(f"{who} {method} {path} -> {response.status_code}")
            elif who == "anonymous" and response.status_code not in (401, 404, 405):
                failures.append(f"{who} {method} {path} -> {response.status_code} (expected 401/404)")
    assert not failures, "\n".join(failures)


DETAIL = re.compile(r"^(/api/[a-z][a-z/-]*?)/(\d+)/?$")


def _ids(body) -> set:
    rows = body.get("results", []) if isinstance(body, dict) else body if isinstance(body, list) else []
    return {row.get("id") for row in rows if isinstance(row, dict)}


@pytest.mark.parametrize("app,build", list(_builders()), ids=[app for app, _ in _builders()])
def test_no_intruder_list_contains_another_persons_objects(app, build, world, intruders):
    routes = build(world)
    lists: dict[str, set[int]] = {}
    for method, path in routes:
        match = DETAIL.match(path)
        if method == "GET" and match:
            lists.setdefault(match.group(1), set()).add(int(match.group(2)))
    failures = []
    for list_path, owned_ids in lists.items():
        for who, api in intruders.items():
            response = api.get(list_path, {"page_size": 100})
            if not 200 <= response.status_code < 300 or "json" not in response.get("Content-Type", ""):
                continue
            leaked = owned_ids & _ids(response.json())
            if leaked:
                failures.append(f"{who} GET {list_path} shows {sorted(leaked)}")
    assert not failures, "\n".join(failures)
