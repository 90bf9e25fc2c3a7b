"""The order-to-cash use cases: plain functions ``(deps, command) -> result``.

Transaction boundaries live here and nowhere else. :data:`HANDLERS` maps every command and query
type to its use case; ``OrderManagement.execute`` dispatches through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ordermgmt import messages as m
from ordermgmt.ports import Dependencies
from ordermgmt.usecases import catalog, customers, orders, stock

Handler = Callable[[Dependencies, Any], Any]

HANDLERS: dict[type[m.Message], Handler] = {
    m.RegisterCustomer: customers.register_customer,
    m.UpdateCustomer: customers.update_customer,
    m.GetCustomer: customers.get_customer,
    m.GetCustomerProfile: customers.customer_profile,
    m.UpsertProduct: catalog.upsert_product,
    m.DeactivateProduct: catalog.deactivate_product,
    m.GetProduct: catalog.get_product,
    m.ListProducts: catalog.list_products,
    m.DefineLocation: stock.define_location,
    m.ReceiveStock: stock.receive_stock,
    m.AdjustStock: stock.adjust_stock,
    m.MoveStock: stock.move_stock,
    m.GetAvailability: stock.get_availability,
    m.ListOpenBackorders: stock.list_open_backorders,
    m.ListOpenRequisitions: stock.list_open_requisitions,
    m.SubmitPendingRequisitions: stock.submit_pending_requisitions,
    m.PlaceOrder: orders.place_order,
    m.CancelOrder: orders.cancel_order,
    m.HoldOrder: orders.hold_order,
    m.ReleaseOrder: orders.release_order,
    m.GetOrder: orders.get_order,
    m.ListCustomerOrders: orders.list_customer_orders,
}
