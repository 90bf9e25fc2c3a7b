"""What an invoice must be able to say: VAT categories, allowances and charges, units and base
quantities, and the seller and buyer as they were; through the facade, on every store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.accounting_checks import assert_books_balance, entries

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.einvoice import read_cii
from ordermgmt.adapters.memory import InMemoryNotifications
from ordermgmt.domain.document import (
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
    Seller,
)
from ordermgmt.errors import CurrencyMismatch, DocumentError, ValidationError
from ordermgmt.testing import FixedClock, SequentialIdGenerator

SELLER = Seller(
    party=Party(
        name="Stuhlwerk GmbH",
        address=PostalAddress(("Hauptstr. 1",), "Berlin", "10115", "DE"),
        vat_id="DE123456789",
    ),
    payment_means=PaymentMeans(
        PaymentMeansCode.SEPA_CREDIT_TRANSFER, iban="DE75512108001245126199", bic="SOGEDEFFXXX"
    ),
)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def address(country: str, city: str = "Town") -> dict[str, str]:
    return {"line1": "Street 1", "city": city, "postal_code": "1000", "country": country}


@pytest.fixture
def oms(clock: FixedClock, build_oms: Callable[..., OrderManagement]) -> OrderManagement:
    """An OMS of a German seller."""
    return build_oms(clock=clock, ids=SequentialIdGenerator(), seller=SELLER)


@pytest.fixture
def stocked(oms: OrderManagement) -> OrderManagement:
    for sku, price, rate, fields in (
        ("CHAIR", "100.00", "0.19", {}),
        ("BOOK", "20.00", "0.07", {}),
        ("CARE", "50.00", "0", {"tax_category": "E"}),
        ("SCREW", "12.00", "0.19", {"unit_code": "H87", "base_quantity": 100}),
        ("CABLE", "2.50", "0.19", {"unit_code": "MTR"}),
    ):
        oms.upsert_product(
            sku=sku, name=sku.title(), unit_price=eur(price), tax_rate=Decimal(rate), **fields
        )
        oms.receive_stock(sku=sku, location="BER", quantity=1000, supplier="Werk")
    return oms


def customer(oms: OrderManagement, country: str, **fields: Any) -> str:
    fields.setdefault("kind", "b2b")
    fields.setdefault("payment_preference", "invoice")
    view = oms.register_customer(
        name=f"Buyer {country}",
        billing_address=address(country),
        shipping_address=address(country),
        **fields,
    )
    return view.id


def order(oms: OrderManagement, customer_id: str, *lines: tuple[str, int], **options: Any) -> Any:
    return oms.place_order(
        customer_id=customer_id,
        channel="web",
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines],
        **options,
    )


# -- VAT categories ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "fields", "category", "rate"),
    [
        ("DE", {}, "S", "0.19"),  # domestic
        ("FR", {"vat_id": "FR12345678901"}, "K", "0"),  # EU business with a VAT id
        ("FR", {}, "S", "0.19"),  # EU business without one: taxed as at home
        ("FR", {"kind": "b2c", "payment_preference": "card"}, "S", "0.19"),  # EU consumer
        ("CH", {}, "G", "0"),  # export
        ("US", {"kind": "b2c", "payment_preference": "card"}, "G", "0"),
    ],
)
def test_the_sale_decides_a_lines_vat_category(
    stocked: OrderManagement, country: str, fields: dict[str, str], category: str, rate: str
) -> None:
    placed = order(stocked, customer(stocked, country, **fields), ("CHAIR", 1))

    line = placed.line("CHAIR")
    assert (line.tax_category, line.tax_rate) == (category, Decimal(rate))
    assert placed.total == eur("119.00") if category == "S" else eur("100.00")


def test_exempt_products_stay_exempt_and_exports_of_them_too(stocked: OrderManagement) -> None:
    home = order(stocked, customer(stocked, "DE"), ("CARE", 1))
    abroad = order(stocked, customer(stocked, "CH"), ("CARE", 1))

    assert home.line("CARE").tax_category == "E"
    assert abroad.line("CARE").tax_category == "E"
    assert [(s.category, s.tax) for s in home.tax_subtotals] == [("E", eur("0.00"))]


def test_a_reverse_charge_product_is_reverse_charged_only_to_businesses_with_a_vat_id(
    stocked: OrderManagement,
) -> None:
    oms = stocked
    oms.upsert_product(
        sku="SCRAP", name="Scrap", unit_price=eur("80.00"), tax_rate="0.19", tax_category="AE"
    )
    oms.receive_stock(sku="SCRAP", location="BER", quantity=10, supplier="Werk")
    dealer = customer(oms, "DE", vat_id="DE222222222")
    consumer = customer(oms, "DE", kind="b2c", payment_preference="card")

    reverse = order(oms, dealer, ("SCRAP", 1)).line("SCRAP")
    taxed = order(oms, consumer, ("SCRAP", 1)).line("SCRAP")

    assert (reverse.tax_category, reverse.tax_rate) == ("AE", Decimal(0))
    assert (taxed.tax_category, taxed.tax_rate) == ("S", Decimal("0.19"))


def test_a_product_category_must_fit_its_rate(oms: OrderManagement) -> None:
    with pytest.raises(ValidationError, match="0 % only"):
        oms.upsert_product(
            sku="X", name="X", unit_price=eur("1"), tax_rate=Decimal("0.19"), tax_category="E"
        )
    with pytest.raises(ValidationError, match="rate above 0"):
        oms.upsert_product(
            sku="X", name="X", unit_price=eur("1"), tax_rate=Decimal(0), tax_category="S"
        )
    assert (
        oms.upsert_product(sku="X", name="X", unit_price=eur("1"), tax_rate="0").tax_category == "Z"
    )


# -- units and base quantities -------------------------------------------------------------------


def test_a_price_per_hundred_pieces_prices_the_line_by_the_hundred(
    stocked: OrderManagement,
) -> None:
    placed = order(stocked, customer(stocked, "DE"), ("SCREW", 250), ("CABLE", 3))

    screws, cable = placed.line("SCREW"), placed.line("CABLE")
    assert (screws.unit_code, screws.base_quantity, screws.net) == ("H87", 100, eur("30.00"))
    assert (cable.unit_code, cable.base_quantity, cable.net) == ("MTR", 1, eur("7.50"))
    assert placed.total == eur("44.63")  # (30.00 + 7.50) x 1.19 = 44.625, rounded once


def test_a_unit_code_must_be_a_recommendation_20_code(oms: OrderManagement) -> None:
    for bad in ("h87", "PIECE", "K", "K G"):
        with pytest.raises(ValidationError, match="unit_code"):
            oms.upsert_product(
                sku="X", name="X", unit_price=eur("1"), tax_rate="0.19", unit_code=bad
            )


# -- allowances and charges ----------------------------------------------------------------------


def test_a_shipping_charge_follows_the_main_item_and_goes_on_the_first_invoice(
    stocked: OrderManagement,
) -> None:
    oms = stocked
    buyer = customer(oms, "DE", payment_terms_days=14)
    placed = order(
        oms,
        buyer,
        ("CHAIR", 1),
        ("BOOK", 2),
        charges=[{"amount": eur("5.00"), "reason_code": "FC", "reason": "Shipping"}],
    )
    [charge] = placed.charges
    assert (charge.tax_category, charge.tax_rate) == ("S", Decimal("0.19"))
    # 100 + 5 at 19 % = 105 + 19.95; 40 at 7 % = 40 + 2.80
    assert placed.total == eur("167.75")

    invoice = oms.issue_invoice(placed.id)

    assert invoice.total == eur("167.75")
    assert [c.amount for c in invoice.charges] == [eur("5.00")]
    assert entries(oms, invoice.number) == [
        {
            ("1400", "debit", eur("167.75")),
            ("4000-19", "credit", eur("100.00")),
            ("4000-7", "credit", eur("40.00")),
            ("4600", "credit", eur("5.00")),
            ("2300-19", "credit", eur("19.95")),
            ("2300-7", "credit", eur("2.80")),
        }
    ]
    assert_books_balance(oms)


def test_charges_are_invoiced_once_when_an_order_is_invoiced_in_parts(
    clock: FixedClock, build_oms: Callable[..., OrderManagement]
) -> None:
    oms = build_oms(
        clock=clock,
        ids=SequentialIdGenerator(),
        seller=SELLER,
        invoice_policy="on_shipment",
    )
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("100.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Werk")
    placed = order(
        oms, customer(oms, "DE"), ("CHAIR", 2), charges=[{"amount": eur("5.00"), "reason": "Fee"}]
    )
    oms.ship_order(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], carrier="own-fleet")
    first = oms.issue_invoice(placed.id)
    oms.ship_order(placed.id, carrier="own-fleet")
    second = oms.issue_invoice(placed.id)

    assert (first.total, second.total) == (eur("124.95"), eur("119.00"))
    assert first.total + second.total == oms.get_order(placed.id).total


def test_an_allowance_lowers_the_taxable_amount_of_its_category_and_rate(
    stocked: OrderManagement,
) -> None:
    oms = stocked
    placed = order(
        oms,
        customer(oms, "DE"),
        ("CHAIR", 2),
        ("BOOK", 1),
        charges=[
            {"charge": False, "amount": eur("10.00"), "reason_code": "95", "tax_rate": "0.19"},
            {"amount": eur("3.00"), "reason_code": "ABL", "tax_rate": "0.07"},
        ],
    )
    invoice = oms.issue_invoice(placed.id)

    assert [(s.rate, s.net, s.tax) for s in invoice.tax_subtotals] == [
        (Decimal("0.19"), eur("190.00"), eur("36.10")),
        (Decimal("0.07"), eur("23.00"), eur("1.61")),
    ]
    assert invoice.net_total == eur("213.00")
    assert invoice.total == eur("250.71")
    [posted] = entries(oms, invoice.number)
    assert ("4700", "debit", eur("10.00")) in posted
    assert ("4600", "credit", eur("3.00")) in posted
    assert_books_balance(oms)


def test_bad_charges_are_refused_with_the_field_named(stocked: OrderManagement) -> None:
    buyer = customer(stocked, "DE")
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"amount": eur("5"), "reason_code": "XX1"}, ValidationError, r"charges\[0\]\.reason_code"),
        ({"charge": False, "amount": eur("5"), "reason_code": "FC"}, ValidationError, "5189"),
        ({"amount": eur("5")}, ValidationError, "reason"),
        ({"amount": eur("0"), "reason": "Fee"}, ValidationError, "greater than zero"),
        ({"amount": Money("5", "USD"), "reason": "Fee"}, CurrencyMismatch, ""),
        ({"amount": eur("5"), "reason": "Fee", "tax_category": "E", "tax_rate": "0.19"},
         ValidationError, "0 % only"),
    ]  # fmt: skip
    for charge, error, message in cases:
        with pytest.raises(error, match=message or None):
            order(stocked, buyer, ("CHAIR", 1), charges=[charge])
    assert stocked.customer_orders(buyer) == []


# -- credit notes --------------------------------------------------------------------------------


def test_a_full_reversal_credits_the_charges_and_a_partial_one_only_when_asked(
    stocked: OrderManagement,
) -> None:
    oms = stocked
    buyer = customer(oms, "DE")
    charges = [{"amount": eur("5.00"), "reason_code": "FC"}]
    first = oms.issue_invoice(order(oms, buyer, ("CHAIR", 2), charges=charges).id)
    second = oms.issue_invoice(order(oms, buyer, ("CHAIR", 2), charges=charges).id)

    whole = oms.issue_credit_note(first.id, reason="wrong address", refund=False)
    part = oms.issue_credit_note(
        second.id, reason="one broken", lines=[{"sku": "CHAIR", "quantity": 1}], refund=False
    )
    rest = oms.issue_credit_note(
        second.id,
        reason="other broken",
        lines=[{"sku": "CHAIR", "quantity": 1}],
        with_charges=True,
        refund=False,
    )

    assert whole.total == first.total == eur("243.95")
    assert (part.total, rest.total) == (eur("119.00"), eur("124.95"))
    assert oms.get_invoice(second.id).status == "credited"
    assert_books_balance(oms)
    balance = oms.trial_balance()
    assert balance.balance("4600", "EUR") == Decimal(0)
    assert balance.balance("2300-19", "EUR") == Decimal(0)


# -- what the invoice says about the parties -----------------------------------------------------


def test_an_invoice_keeps_seller_and_buyer_as_they_were_when_it_was_issued(
    stocked: OrderManagement,
) -> None:
    oms = stocked
    buyer = customer(
        oms, "DE", vat_id="de987654321", buyer_reference="04011000-12345-34", email="ap@buyer.de"
    )
    placed = order(oms, buyer, ("CHAIR", 1), customer_reference="PO-77")
    invoice = oms.issue_invoice(placed.id, note="Thank you", delivery_date=date(2026, 11, 28))
    oms.update_customer(buyer, name="Renamed AG", vat_id="DE111111111")

    document = oms.invoice_document(invoice.id, format="cii")

    text = document.content.decode()
    for said in ("Buyer DE", "DE987654321", "04011000-12345-34", "PO-77", "Stuhlwerk GmbH"):
        assert said in text
    assert "DE75512108001245126199" in text
    assert "Renamed AG" not in text
    assert document.media_type == "application/xml"


def test_the_customer_chooses_the_format_and_consumers_get_a_pdf(stocked: OrderManagement) -> None:
    oms = stocked
    business = customer(oms, "DE")
    consumer = customer(oms, "DE", kind="b2c", payment_preference="card")
    public = customer(oms, "DE", document_format="xrechnung-ubl", buyer_reference="991-1-1")

    assert oms.get_customer(business).invoice_format == "facturx"
    assert oms.get_customer(consumer).invoice_format == "pdf"
    assert oms.get_customer(public).invoice_format == "xrechnung-ubl"
    with pytest.raises(ValidationError, match="document_format"):
        customer(oms, "DE", document_format="docx")
    with pytest.raises(ValidationError, match="vat_id"):
        customer(oms, "DE", vat_id="123")


def test_allowances_larger_than_what_they_reduce_are_refused(stocked: OrderManagement) -> None:
    buyer = customer(stocked, "DE")
    with pytest.raises(ValidationError, match="allowances exceed"):
        order(
            stocked,
            buyer,
            ("BOOK", 1),
            charges=[{"charge": False, "amount": eur("20.01"), "reason_code": "95"}],
        )
    assert stocked.customer_orders(buyer) == []


def test_crediting_lines_worth_more_than_is_left_after_the_allowances_needs_them_along(
    stocked: OrderManagement,
) -> None:
    oms = stocked
    placed = order(
        oms,
        customer(oms, "DE"),
        ("CHAIR", 1),
        ("BOOK", 1),
        charges=[
            {"charge": False, "amount": eur("90.00"), "reason": "Loyalty", "tax_rate": "0.19"}
        ],
    )
    invoice = oms.issue_invoice(placed.id)  # 10.00 + 1.90 and 20.00 + 1.40
    chair = [{"sku": "CHAIR", "quantity": 1}]

    with pytest.raises(ValidationError, match="credit its allowances") as refused:
        oms.issue_credit_note(invoice.id, reason="returned", lines=chair, refund=False)
    assert refused.value.field == "with_charges"
    note = oms.issue_credit_note(
        invoice.id, reason="returned", lines=chair, refund=False, with_charges=True
    )

    assert (invoice.total, note.total) == (eur("33.30"), eur("11.90"))
    assert_books_balance(oms)


def test_an_invoice_goes_out_with_its_document_in_the_customers_format(
    clock: FixedClock, build_oms: Callable[..., OrderManagement]
) -> None:
    outbox = InMemoryNotifications()
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), seller=SELLER, notifications=outbox)
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("100.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Werk")
    consumer = customer(oms, "DE", kind="b2c", payment_preference="card", email="e@x.example")
    business = customer(oms, "DE", email="ap@y.example", document_format="ubl")

    for buyer, media_type, suffix in (
        (consumer, "application/pdf", ".pdf"),
        (business, "application/xml", ".ubl.xml"),
    ):
        invoice = oms.issue_invoice(order(oms, buyer, ("CHAIR", 1)).id)
        [attachment] = outbox.sent[-1].attachments
        assert invoice.sent_to
        assert (attachment.media_type, attachment.filename) == (
            media_type,
            invoice.number + suffix,
        )
        wanted = oms.invoice_document(invoice.id)
        assert (wanted.filename, wanted.media_type) == (attachment.filename, media_type)


def test_a_document_that_cannot_be_made_is_a_failed_send_kept_for_a_resend(
    clock: FixedClock, build_oms: Callable[..., OrderManagement]
) -> None:
    outbox = InMemoryNotifications()
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), seller=SELLER, notifications=outbox)
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("100.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Werk")
    nowhere = oms.register_customer(
        name="No address", kind="b2c", payment_preference="card", email="n@x.example"
    )

    invoice = oms.issue_invoice(order(oms, nowhere.id, ("CHAIR", 1)).id)

    assert invoice.sent_to == ""
    assert "BT-55" in invoice.send_error
    assert list(outbox.sent) == []
    with pytest.raises(DocumentError, match="BT-55"):
        oms.resend_invoice(invoice.id)
    oms.update_customer(nowhere.id, billing_address=address("DE"))
    with pytest.raises(DocumentError, match="BT-55"):  # the invoice keeps the buyer as it was
        oms.resend_invoice(invoice.id)


def test_what_was_paid_before_the_invoice_is_its_prepaid_amount(stocked: OrderManagement) -> None:
    oms = stocked
    on_account = order(oms, customer(oms, "DE"), ("CHAIR", 1))
    oms.record_payment(order_id=on_account.id, amount=eur("50.00"), method="bank_transfer")
    card = customer(oms, "DE", kind="b2c", payment_preference="card")
    paid_at_once = order(oms, card, ("BOOK", 1))
    cash_sale = oms.record_payment(order_id=paid_at_once.id, amount=eur("21.40"), method="card")

    partly = read_cii(
        oms.invoice_document(oms.issue_invoice(on_account.id).id, format="cii").content
    )
    whole = read_cii(oms.invoice_document(cash_sale.invoice_id, format="cii").content)

    assert (partly.totals.prepaid, partly.totals.payable) == (Decimal("50.00"), Decimal("69.00"))
    assert (whole.totals.prepaid, whole.totals.payable) == (Decimal("21.40"), Decimal("0.00"))
