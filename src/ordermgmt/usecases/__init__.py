"""The order-to-cash use cases: plain functions ``(deps, command) -> result``.

Transaction boundaries live here and nowhere else. :data:`HANDLERS` maps every command and query
type to its use case; ``OrderManagement.execute`` dispatches through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ordermgmt import messages as m
from ordermgmt.ports import Dependencies
from ordermgmt.usecases import (
    catalog,
    credit_notes,
    customers,
    delivery,
    documents,
    invoicing,
    orders,
    payments,
    receivables,
    reports,
    returns,
    search,
    stock,
)

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
    m.FindOrders: search.find_orders,
    m.IssueInvoice: invoicing.issue_invoice,
    m.ResendInvoice: invoicing.resend_invoice,
    m.RecordPayment: payments.record_payment,
    m.IssueCreditNote: credit_notes.issue_credit_note,
    m.PayRefund: credit_notes.pay_refund,
    m.GetInvoice: invoicing.get_invoice,
    m.GetInvoiceDocument: documents.invoice_document,
    m.ListOrderInvoices: invoicing.list_order_invoices,
    m.GetTrialBalance: reports.trial_balance,
    m.ListJournal: reports.list_journal,
    m.ListOverdueInvoices: receivables.list_overdue_invoices,
    m.GetReceivablesAging: receivables.receivables_aging,
    m.ShipOrder: delivery.ship_order,
    m.BookShipment: delivery.book_shipment,
    m.CancelShipment: delivery.cancel_shipment,
    m.TrackingInput: delivery.record_tracking,
    m.RefreshTracking: delivery.refresh_tracking,
    m.ConfirmDelivery: delivery.confirm_delivery,
    m.QuoteShipping: delivery.quote_shipping,
    m.GetShipment: delivery.get_shipment,
    m.ListOrderShipments: delivery.list_order_shipments,
    m.RequestReturn: returns.request_return,
    m.ReceiveReturn: returns.receive_return,
    m.RejectReturn: returns.reject_return,
    m.Exchange: returns.exchange,
    m.GetReturn: returns.get_return,
}
