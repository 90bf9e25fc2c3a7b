"""The official EN 16931 example invoices, reproduced through the public API.

Each of the 33 samples (15 CII, 18 UBL, EUPL 1.2, see tests/data/en16931/samples/README.md)
is first checked against EN 16931's own calculation (:func:`samples.inconsistencies`, an
independent model). A consistent sample that the library can express is then sold, invoiced
(and, for a credit note, credited) through the facade, and the library's VAT breakdown and
totals must equal the sample's to the cent, both in the invoice it reports and in the CII and
UBL documents it renders for it. The lists below name every sample that is not compared, and
why; a sample that changes list fails the test.

Outcome: 14 consistent and matched, 4 consistent but not expressible, 15 inconsistent in
themselves (the samples' errors, not the library's).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ordermgmt.adapters.einvoice import read_cii, read_ubl
from ordermgmt.domain.document import InvoiceDocument
from tests.einvoice.samples import NotExpressible, express, inconsistencies, load, sample_paths

#: Samples whose stated figures contradict EN 16931's calculation, and how.
INCONSISTENT = {
    "CII_business_example_01.xml": "line nets contradict quantity x price (the example 2 family)",
    "CII_business_example_Z.xml": "a line net contradicts its quantity x price",
    "CII_example1.xml": "line 20 states a negative net for a positive quantity and price",
    "CII_example2.xml": "line nets contradict quantity x price (the example 2 family)",
    "CII_example8.xml": "the price is copied into the base quantity",
    "CII_example9.xml": "the price is copied into the base quantity",
    "XRechnung-O.xml": "line nets contradict quantity x price",
    "huf_example_cii.xml": "rounds to whole forints",
    "guide-example1.xml": "line 20 states a negative net for a positive quantity and price",
    "guide-example2.xml": "line nets contradict quantity x price (the example 2 family)",
    "guide-example3.xml": "line nets contradict quantity x price",
    "ubl-tc434-example1.xml": "line 20 states a negative net for a positive quantity and price",
    "ubl-tc434-example10.xml": "line 20 states a negative net for a positive quantity and price",
    "ubl-tc434-example2.xml": "line nets contradict quantity x price (the example 2 family)",
    "ubl-tc434-example3.xml": "line nets contradict quantity x price",
}
#: Consistent samples the library cannot express, and why (see docs/einvoices.md).
FOREIGN_VAT = "standard-rated VAT of the buyer's country charged by a seller from another"
NOT_EXPRESSIBLE = {
    "CII-BR-CO-10-RoundingIssue.xml": "fractional or negative quantity",
    "BIS3_Invoice_negativ.XML": "fractional or negative quantity",
    "CII_example5.xml": FOREIGN_VAT,
    "ubl-tc434-example5.xml": FOREIGN_VAT,
}


def figures(doc: InvoiceDocument) -> dict[str, object]:
    """A document's VAT breakdown and totals, rates normalised (19 and 19.00 are one rate)."""
    t = doc.totals
    return {
        "breakdown": {
            (b.category.value, b.rate.normalize()): (b.taxable, b.tax) for b in doc.tax_breakdown
        },
        "totals": (
            t.line_net, t.allowances, t.charges, t.tax_exclusive, t.tax, t.tax_inclusive,
            t.prepaid, t.payable,
        ),
    }  # fmt: skip


PATHS = sample_paths()


def test_every_official_sample_is_here() -> None:
    assert len(PATHS) == 33
    assert {p.name for p in PATHS} >= set(INCONSISTENT) | set(NOT_EXPRESSIBLE)


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_the_library_computes_what_each_consistent_sample_states(path: Path) -> None:
    sample = load(path)
    wrong = inconsistencies(sample)
    if path.name in INCONSISTENT:
        assert wrong, f"{path.name} turned out consistent: compare it"
        return
    assert wrong == [], f"{path.name} is inconsistent: {wrong}"

    made = express(sample)
    if isinstance(made, NotExpressible):
        assert made.reason == NOT_EXPRESSIBLE.get(path.name), made.reason
        return
    assert path.name not in NOT_EXPRESSIBLE, f"{path.name} became expressible: compare it"
    oms, view = made

    reported = {
        "breakdown": {
            (s.category.value, s.rate.normalize()): (s.net.amount, s.tax.amount)
            for s in view.tax_subtotals
        },
        "total": view.total.amount,
    }
    stated = figures(sample)
    assert reported["breakdown"] == stated["breakdown"]
    assert reported["total"] == sample.totals.tax_inclusive
    credit_note = sample.type.value == "381"
    ask = oms.credit_note_document if credit_note else oms.invoice_document
    for reader, format in ((read_cii, "cii"), (read_ubl, "ubl")):
        rendered = reader(ask(view.id, format=format).content)
        assert figures(rendered) == stated, format


def test_the_outcome_adds_up() -> None:
    expressed = [p for p in PATHS if p.name not in INCONSISTENT and p.name not in NOT_EXPRESSIBLE]
    assert (len(expressed), len(NOT_EXPRESSIBLE), len(INCONSISTENT)) == (14, 4, 15)
    assert all(isinstance(load(p).totals.payable, Decimal) for p in expressed)
