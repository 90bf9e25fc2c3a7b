"""The purchasing contract: what every :class:`~ordermgmt.ports.PurchasingPort` adapter
promises."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest

from ordermgmt.domain.ids import RequisitionId
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionReason
from ordermgmt.errors import PurchasingError
from ordermgmt.ports import PurchasingPort

#: What the purchasing system holds: one ``(requisition id, sku, quantity)`` per requisition it
#: will act on.
Held = Sequence[tuple[str, str, int]]


def a_requisition(
    requisition_id: str = "R-1", sku: str = "SKU-1", quantity: int = 10
) -> PurchaseRequisition:
    """An open requisition for ``quantity`` units of ``sku`` at ``MAIN``, raised for a
    backorder."""
    return PurchaseRequisition.raise_for(
        id=RequisitionId(requisition_id),
        sku=sku,
        location="MAIN",
        quantity=quantity,
        reason=RequisitionReason.BACKORDER,
        at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )


class PurchasingContract:
    """:class:`~ordermgmt.ports.PurchasingPort`: a submitted requisition reaches the purchasing
    system with its sku and quantity, once however often it is submitted, and a failure is a
    ``PurchasingError`` naming the requisition, after which submitting again works.

    Needs two fixtures: ``purchasing``, your adapter, on a fresh account or sandbox for every
    test; and ``held``, a callable returning what the purchasing system now holds, one
    ``(requisition id, sku, quantity)`` per requisition it will act on (read back from the
    system, not from the adapter's memory, where you can). An adapter that can simulate the
    system being unreachable runs :class:`PurchasingOutageContract` instead, which adds the
    tests of failure and retry.
    """

    @pytest.fixture
    def purchasing(self) -> PurchasingPort:
        """Override: the purchasing adapter under test, fresh for every test."""
        pytest.fail(
            f"{type(self).__name__} needs a `purchasing` fixture: the PurchasingPort adapter "
            "under test (see ordermgmt.testing.contracts.PurchasingContract)"
        )

    @pytest.fixture
    def held(self) -> Callable[[], Held]:
        """Override: what the purchasing system holds, ``(requisition id, sku, quantity)``
        per requisition it will act on."""
        pytest.fail(
            f"{type(self).__name__} needs a `held` fixture: a callable returning "
            "(requisition id, sku, quantity) per requisition the purchasing system holds"
        )

    def test_purchasing_holds_a_submitted_requisition(
        self, purchasing: PurchasingPort, held: Callable[[], Held]
    ) -> None:
        assert list(held()) == []
        purchasing.submit(a_requisition("R-1", "DESK", 12))
        assert list(held()) == [("R-1", "DESK", 12)]

    def test_purchasing_holds_every_requisition(
        self, purchasing: PurchasingPort, held: Callable[[], Held]
    ) -> None:
        purchasing.submit(a_requisition("R-1", "DESK", 12))
        purchasing.submit(a_requisition("R-2", "DESK", 5))
        purchasing.submit(a_requisition("R-3", "LAMP", 30))
        assert sorted(held()) == [("R-1", "DESK", 12), ("R-2", "DESK", 5), ("R-3", "LAMP", 30)]

    def test_purchasing_submitting_again_holds_the_requisition_once(
        self, purchasing: PurchasingPort, held: Callable[[], Held]
    ) -> None:
        requisition = a_requisition("R-1", "DESK", 12)
        purchasing.submit(requisition)
        purchasing.submit(requisition)  # the retry after a lost answer
        assert list(held()) == [("R-1", "DESK", 12)]


class PurchasingOutageContract(PurchasingContract):
    """All of :class:`PurchasingContract`, and failure and retry: for an adapter that can
    simulate an outage. Needs the fixture ``outage`` besides those of
    :class:`PurchasingContract`."""

    @pytest.fixture
    def outage(self) -> Callable[[], None]:
        """Override: a callable that makes the adapter's next call fail as when
        purchasing cannot be reached."""
        pytest.fail(
            f"{type(self).__name__} needs an `outage` fixture (see "
            "ordermgmt.testing.contracts.PurchasingOutageContract)"
        )

    def test_purchasing_a_failure_is_a_purchasing_error_naming_the_requisition(
        self, purchasing: PurchasingPort, held: Callable[[], Held], outage: Callable[[], None]
    ) -> None:
        outage()
        with pytest.raises(PurchasingError) as raised:
            purchasing.submit(a_requisition("R-1"))
        assert raised.value.details.get("requisition_id") == "R-1"
        assert list(held()) == []

    def test_purchasing_a_failed_requisition_is_held_once_after_the_retry(
        self, purchasing: PurchasingPort, held: Callable[[], Held], outage: Callable[[], None]
    ) -> None:
        outage()
        with pytest.raises(PurchasingError):
            purchasing.submit(a_requisition("R-1", "DESK", 12))
        purchasing.submit(a_requisition("R-1", "DESK", 12))
        purchasing.submit(a_requisition("R-1", "DESK", 12))
        assert list(held()) == [("R-1", "DESK", 12)]
