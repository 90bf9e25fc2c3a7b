"""No store misses a write: whatever an aggregate's methods do to it once loaded, the next unit
of work loads exactly that.

A unit of work writes an aggregate only if it differs from the copy taken when it was loaded,
so a change the copy shared would be lost without an error. For every aggregate of the domain
(``aggregate_steps.KINDS``), Hypothesis stores a new one, then runs a few units of work that
each load it, apply a sequence of its methods (and of the fields use cases set directly), and
commit. The same steps are applied to a copy that never sees a store: the in-memory result.
After every commit a fresh unit of work loads the aggregate, and every field (tests/structure)
must equal the in-memory result's, the version included: it grows by one exactly for each
commit that changed something. On memory, SQLite and PostgreSQL (the last when
``ORDERMGMT_TEST_POSTGRES_URL`` names a server).
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordermgmt.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from ordermgmt.adapters.sqlalchemy import SqlAlchemyUnitOfWorkFactory, open_engine, upgrade
from ordermgmt.domain.errors import OrderManagementError
from ordermgmt.ports import UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing.contracts import RecordingPublisher
from tests.adapters.aggregate_steps import KINDS, Kind, Step
from tests.databases import postgres_database, require_postgres, sqlite_url
from tests.structure import shared_mutables, state

_run = uuid.uuid4().hex[:6]
_tokens = (f"{_run}{n}" for n in itertools.count())

#: Records a ledger keeps as posted: they have no version to count commits with.
_UNVERSIONED = {"JournalEntry"}


@pytest.fixture(
    scope="module",
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def uow_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UnitOfWorkFactory]:
    """One store per backend for the module; the examples' keys never collide."""
    publisher = RecordingPublisher()
    if request.param == "memory":
        store = InMemoryStore()

        def memory() -> UnitOfWork:
            return InMemoryUnitOfWork(store, publisher)

        yield memory
        return
    if request.param == "sqlite":
        engine = open_engine(sqlite_url(tmp_path_factory.mktemp("change-detection")))
        try:
            upgrade(engine)
            yield SqlAlchemyUnitOfWorkFactory(engine, publisher)
        finally:
            engine.dispose()
        return
    with postgres_database(require_postgres()) as url:
        engine = open_engine(url)
        try:
            upgrade(engine)
            yield SqlAlchemyUnitOfWorkFactory(engine, publisher)
        finally:
            engine.dispose()


def _outcome(step: Step, target: object) -> tuple[str, Any]:
    """What ``step`` returned (as plain data), or the kind of domain error it raised."""
    try:
        return ("returned", state(step.apply(target)))
    except OrderManagementError as error:
        return ("raised", type(error).__name__)


def _units_of_work(kind: Kind[Any]) -> st.SearchStrategy[list[list[Step]]]:
    if kind.steps is None:
        return st.just([[]])  # never changed: loaded and committed untouched
    return st.lists(st.lists(kind.steps, max_size=6), min_size=1, max_size=4)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_loaded_aggregate_comes_back_as_its_methods_left_it(
    uow_factory: UnitOfWorkFactory, kind: Kind[Any], data: st.DataObject
) -> None:
    token = next(_tokens)
    model = data.draw(kind.new(token), label="new")
    model.take_events()
    with uow_factory() as uow:
        kind.add(uow, copy.deepcopy(model))
        uow.commit()
    if kind.name not in _UNVERSIONED:
        model.version = 1
    _assert_stored(uow_factory, kind, model)
    for steps in data.draw(_units_of_work(kind), label="units of work"):
        before = state(model)
        with uow_factory() as uow:
            loaded = kind.load(uow, model)
            assert shared_mutables(loaded, loaded.clone()) == []
            for step in steps:
                assert _outcome(step, loaded) == _outcome(step, model), step
            uow.commit()
        if state(model) != before:
            model.version += 1
        _assert_stored(uow_factory, kind, model)


def _assert_stored(uow_factory: UnitOfWorkFactory, kind: Kind[Any], expected: Any) -> None:
    with uow_factory() as uow:
        assert state(kind.load(uow, expected)) == state(expected)
