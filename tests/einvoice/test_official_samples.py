"""The official EN 16931 example invoices, reproduced through the public API.

Each of the 33 samples (15 CII, 18 UBL, EUPL 1.2, see tests/data/en16931/samples/README.md)
is first checked against EN 16931's own calculation by an independent model
(:func:`samples.inconsistencies`); what it gets wrong must be exactly the known problems
:data:`INCONSISTENT` names for it (nothing for a consistent sample). Then the same sale is made
through the facade: products at the sample's prices, units and base quantities, its buyer,
its line and document allowances and charges, its prepayment; invoiced (and for a credit note,
credited in full). The library's VAT breakdown (taxable and tax per category and rate) and
totals (line total, allowances, charges, tax exclusive, tax, tax inclusive, prepaid, payable)
must then equal, to the cent, both in the invoice it reports and in the CII and UBL it renders
(each valid against the syntax's XSD and the official EN 16931 schematron):

- for a consistent sample, the figures the sample states;
- for an inconsistent one, the figures the model makes of its quantities and prices (the sample
  is wrong, not the library: the test id says ``sample-wrong``).

A sale the library cannot make is listed in :data:`NOT_EXPRESSIBLE` with its reason, each
reason one of the limits docs/einvoices.md names ("What EN 16931 says that the library cannot
say"). A sample that changes list fails its test.

Outcome (checked by :func:`test_the_outcome_adds_up`):

- 14 consistent and matched to the cent;
- 4 consistent but not expressible: 2 with negative lines (CII-BR-CO-10-RoundingIssue,
  BIS3_Invoice_negativ), 2 with a tax representative (CII_example5, ubl-tc434-example5);
- 15 inconsistent in themselves, of which 4 are expressible and match the model
  (CII_example9, XRechnung-O, guide-example3, ubl-tc434-example3) and 11 are not expressible
  (9 with negative lines, CII_example8 with a fractional base quantity, huf_example_cii with
  fractional quantities).

The two tax-representative samples are also sold by their seller placed in the buyer's country
(what the representative stands for): their figures then match to the cent as well.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from ordermgmt.adapters.einvoice import read_cii, read_ubl
from tests.einvoice.samples import (
    BREAKDOWN,
    CHARGE_SUBTRACTED,
    FRACTIONAL_BASE,
    FRACTIONAL_QUANTITY,
    LINE_NET,
    NEGATIVE_LINE,
    PRICE_AS_BASE,
    PROBLEMS,
    QUANTITY_IGNORED,
    REASONS,
    SIGN_LOST,
    TAX_REPRESENTATIVE,
    TOTALS,
    WHOLE_UNITS,
    NotExpressible,
    Sample,
    expected,
    express,
    inconsistencies,
    load,
    problems,
    reported,
    sample_paths,
    seated_with_buyer,
    stated,
)
from tests.einvoice.validation import assert_valid, validate_cii, validate_ubl

#: Samples whose stated figures contradict EN 16931's calculation, and how (see samples.py).
INCONSISTENT: dict[str, frozenset[str]] = {
    # lines 1 to 5 state BT-149 = BT-146 (1273 per 1273 units), making 1 x 1273 / 1273 = 1.00
    "CII_business_example_01.xml": frozenset({PRICE_AS_BASE}),
    "CII_example2.xml": frozenset({PRICE_AS_BASE}),
    "CII_example8.xml": frozenset({PRICE_AS_BASE}),
    "CII_example9.xml": frozenset({PRICE_AS_BASE}),
    # line 16: 1 x 1.50 stated as 177.41
    "CII_business_example_Z.xml": frozenset({LINE_NET}),
    # line 20, a return of 6 x 18.33, states -109.98 with a positive quantity
    "CII_example1.xml": frozenset({SIGN_LOST}),
    "guide-example1.xml": frozenset({SIGN_LOST}),
    "ubl-tc434-example1.xml": frozenset({SIGN_LOST}),
    "ubl-tc434-example10.xml": frozenset({SIGN_LOST}),
    # the line charge (an insurance tax) is taken off the line net, then charged again
    "XRechnung-O.xml": frozenset({CHARGE_SUBTRACTED}),
    # line nets and tax rounded to whole forints
    "huf_example_cii.xml": frozenset({WHOLE_UNITS}),
    # the example 2 family: 2 x 1273.00 stated as 1273.00; example 3: 2 x 800.00 as 800.00
    "guide-example2.xml": frozenset({QUANTITY_IGNORED}),
    "ubl-tc434-example2.xml": frozenset({QUANTITY_IGNORED}),
    "ubl-tc434-example3.xml": frozenset({QUANTITY_IGNORED}),
    # 2 x 800.00 stated as 400.00
    "guide-example3.xml": frozenset({LINE_NET}),
}

#: Why the library cannot make a sale: each a limit docs/einvoices.md names.
WHY_NOT = {
    NEGATIVE_LINE: "negative invoice lines are out of scope: a return is a credit note",
    FRACTIONAL_QUANTITY: "stock and order lines are whole units of the product's unit",
    FRACTIONAL_BASE: "a price base quantity is a whole number of units",
    TAX_REPRESENTATIVE: "a tax representative (BG-11) is out of scope; without it a seller "
    "from another member state selling to a business with a VAT id makes an intra-community "
    "supply (K), not a domestic sale at the buyer's country's rate",
}

#: Samples the library cannot express, and why (the first reason found; see WHY_NOT).
NOT_EXPRESSIBLE = {
    "CII-BR-CO-10-RoundingIssue.xml": NEGATIVE_LINE,
    "BIS3_Invoice_negativ.XML": NEGATIVE_LINE,
    "CII_business_example_01.xml": NEGATIVE_LINE,
    "CII_business_example_Z.xml": NEGATIVE_LINE,
    "CII_example1.xml": NEGATIVE_LINE,
    "CII_example2.xml": NEGATIVE_LINE,
    "guide-example1.xml": NEGATIVE_LINE,
    "guide-example2.xml": NEGATIVE_LINE,
    "ubl-tc434-example1.xml": NEGATIVE_LINE,
    "ubl-tc434-example10.xml": NEGATIVE_LINE,
    "ubl-tc434-example2.xml": NEGATIVE_LINE,
    "CII_example8.xml": FRACTIONAL_BASE,
    "huf_example_cii.xml": FRACTIONAL_QUANTITY,
    "CII_example5.xml": TAX_REPRESENTATIVE,
    "ubl-tc434-example5.xml": TAX_REPRESENTATIVE,
}

PATHS = sample_paths()


def outcome(name: str) -> str:
    """What the lists above expect of a sample, as its test id says it."""
    sample = "sample-wrong" if name in INCONSISTENT else "consistent"
    library = "not-expressible" if name in NOT_EXPRESSIBLE else "matched"
    return f"{sample}-{library}"


def test_every_official_sample_is_here() -> None:
    names = {p.name for p in PATHS}
    assert len(PATHS) == 33
    assert names >= set(INCONSISTENT) | set(NOT_EXPRESSIBLE)
    assert set(NOT_EXPRESSIBLE.values()) <= set(WHY_NOT) <= set(REASONS)
    assert set().union(*INCONSISTENT.values()) <= set(PROBLEMS)


@pytest.mark.parametrize("path", PATHS, ids=[f"{p.name}-{outcome(p.name)}" for p in PATHS])
def test_the_library_computes_what_each_sample_should_state(path: Path) -> None:
    sample = load(path)
    found = inconsistencies(sample.doc)
    assert problems(sample.doc) == INCONSISTENT.get(path.name, frozenset()), found

    made = express(sample)
    if isinstance(made, NotExpressible):
        assert made.reason == NOT_EXPRESSIBLE.get(path.name), f"newly not expressible: {made}"
        return
    assert path.name not in NOT_EXPRESSIBLE, f"{path.name} became expressible: list it"
    oms, view = made
    target = expected(sample.doc) if found else stated(sample.doc)
    assert reported(view) == target

    credit_note = sample.doc.type.value == "381"
    ask = oms.credit_note_document if credit_note else oms.invoice_document
    for reader, validate, format in (
        (read_cii, validate_cii, "cii"),
        (read_ubl, validate_ubl, "ubl"),
    ):
        content = ask(view.id, format=format).content
        assert_valid(validate(content), content)
        assert stated(reader(content)) == target, format


def _figures_agree(sample: Sample) -> bool:
    return expected(sample.doc) == stated(sample.doc)


def test_a_consistent_sample_states_what_the_model_makes_of_it() -> None:
    """The consistency check and the model agree: a sample with no inconsistency states exactly
    the model's figures, and every inconsistent one differs from them somewhere."""
    for path in PATHS:
        sample = load(path)
        assert _figures_agree(sample) == (path.name not in INCONSISTENT), path.name


def test_the_outcome_adds_up() -> None:
    counts = Counter(outcome(p.name) for p in PATHS)
    assert counts == {
        "consistent-matched": 14,
        "consistent-not-expressible": 4,
        "sample-wrong-matched": 4,
        "sample-wrong-not-expressible": 11,
    }
    reasons = Counter(NOT_EXPRESSIBLE.values())
    assert reasons == {
        NEGATIVE_LINE: 11,
        TAX_REPRESENTATIVE: 2,
        FRACTIONAL_BASE: 1,
        FRACTIONAL_QUANTITY: 1,
    }


@pytest.mark.parametrize(
    "name", [name for name, why in NOT_EXPRESSIBLE.items() if why == TAX_REPRESENTATIVE]
)
def test_a_represented_sellers_figures_are_those_of_a_seller_at_home(name: str) -> None:
    """The tax-representative samples, sold by their seller placed in the buyer's country
    instead: the library's figures are the sample's to the cent (a line with both an allowance
    and a charge, a document allowance and charge, a prepayment). Only the seller's country
    differs from the sample, so its figures still hold."""
    sample = load(next(p for p in PATHS if p.name == name))
    made = express(seated_with_buyer(sample))
    assert not isinstance(made, NotExpressible), made
    oms, view = made
    assert reported(view) == stated(sample.doc)
    for reader, format in ((read_cii, "cii"), (read_ubl, "ubl")):
        assert stated(reader(oms.invoice_document(view.id, format=format).content)) == stated(
            sample.doc
        )


def test_a_cent_off_in_a_consistent_sample_is_found_everywhere_it_shows() -> None:
    """The consistency check can fail: one line net a cent off contradicts the line, its VAT
    breakdown and the line total."""
    sample = load(next(p for p in PATHS if p.name == "ubl-tc434-example4.xml"))
    first = sample.doc.lines[0]
    lines = (replace(first, net=first.net + Decimal("0.01")), *sample.doc.lines[1:])
    assert problems(replace(sample.doc, lines=lines)) == {LINE_NET, BREAKDOWN, TOTALS}
