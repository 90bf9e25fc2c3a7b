"""Well-formed identifiers for generated e-invoices: IBANs, GLNs, GTINs, Leitweg-IDs and VAT
identifiers, each with the check digits its receivers verify.

Validators check more than EN 16931 itself does: XRechnung wants a valid IBAN (BR-DE-19),
Peppol a GLN with a correct check digit (PEPPOL-COMMON-R040). Generated documents carry real
check digits so that no test fails for want of them, and :func:`iban_is_valid` and friends let
the generator's own tests check them independently of the construction.
"""

from __future__ import annotations

import string

#: Countries whose VAT identifiers the generator writes, with the shape of the number part
#: (``9`` a digit, ``A`` an upper-case letter) and the prefix as the VAT id writes it.
VAT_FORMATS: dict[str, tuple[str, str]] = {
    "DE": ("DE", "999999999"),
    "FR": ("FR", "99999999999"),
    "AT": ("ATU", "99999999"),
    "BE": ("BE0", "999999999"),
    "ES": ("ES", "A99999999"),
    "LU": ("LU", "99999999"),
    "IE": ("IE", "9999999A"),
    "PT": ("PT", "999999999"),
    "NL": ("NL", "999999999B99"),
    "IT": ("IT", "99999999999"),
    "PL": ("PL", "9999999999"),
    "GR": ("EL", "999999999"),
    "CZ": ("CZ", "99999999"),
    "CH": ("CHE", "999999999MWST"),
    "NO": ("NO", "999999999MVA"),
    "GB": ("GB", "999999999"),
}

#: ISO 13616 lengths of the basic bank account number (after country and check digits) and
#: its shape, for the countries generated accounts are in.
IBAN_FORMATS: dict[str, str] = {
    "DE": "999999999999999999",
    "AT": "9999999999999999",
    "FR": "99999999999999999999999",
    "BE": "999999999999",
    "ES": "99999999999999999999",
}


def fill(shape: str, digits: str, letters: str = "") -> str:
    """``shape`` with its ``9`` taken from ``digits`` and its ``A`` from ``letters`` in turn
    (both reused cyclically); other characters are kept."""
    out: list[str] = []
    d = l_ = 0
    for char in shape:
        if char == "9":
            out.append(digits[d % len(digits)])
            d += 1
        elif char == "A":
            out.append((letters or "X")[l_ % len(letters or "X")])
            l_ += 1
        else:
            out.append(char)
    return "".join(out)


def vat_id(country: str, digits: str, letters: str = "") -> str:
    """A VAT identifier of ``country`` (``GR`` gives ``EL...``)."""
    prefix, shape = VAT_FORMATS[country]
    return prefix + fill(shape, digits, letters)


def _as_number(text: str) -> int:
    """Letters as two-digit numbers (A=10 ... Z=35), digits as they are (ISO 7064)."""
    return int("".join(str(int(c, 36)) for c in text))


def mod97_check(text: str) -> str:
    """The two ISO 7064 MOD 97-10 check digits of ``text`` (letters count as 10 to 35): what
    IBANs, SEPA creditor identifiers and Leitweg-IDs end or begin with."""
    return f"{98 - _as_number(text + '00') % 97:02d}"


def iban(country: str, digits: str) -> str:
    """An IBAN of ``country`` with a correct check (ISO 13616)."""
    bban = fill(IBAN_FORMATS[country], digits)
    return f"{country}{mod97_check(bban + country)}{bban}"


def iban_is_valid(value: str) -> bool:
    """The ISO 13616 check: the rearranged IBAN is 1 modulo 97."""
    compact = value.replace(" ", "")
    if len(compact) < 5 or not compact.isalnum() or not compact[:2].isalpha():
        return False
    return _as_number(compact[4:] + compact[:4]) % 97 == 1


def creditor_id(country: str, national: str) -> str:
    """A SEPA creditor identifier: country, check digits over the national id, business
    code ``ZZZ``, the national id."""
    return f"{country}{mod97_check(national + country)}ZZZ{national}"


def creditor_id_is_valid(value: str) -> bool:
    """The SEPA creditor identifier check (the business code does not count)."""
    if len(value) < 8 or not value[:2].isalpha():
        return False
    national = value[7:]
    return national.isalnum() and _as_number(national + value[:4]) % 97 == 1


def gs1_check_digit(body: str) -> str:
    """The GS1 check digit of ``body`` (weights 3 and 1 from the right)."""
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gln(digits: str) -> str:
    """A 13-digit Global Location Number with its check digit (EAS scheme 0088)."""
    body = fill("9" * 12, digits)
    return body + gs1_check_digit(body)


def gtin(digits: str) -> str:
    """A GTIN-13 with its check digit (scheme 0160)."""
    return gln(digits)


def gs1_is_valid(value: str) -> bool:
    """A GLN or GTIN whose last digit is the check digit of the others."""
    return value.isdigit() and len(value) > 1 and gs1_check_digit(value[:-1]) == value[-1]


def leitweg_id(coarse: str, fine: str) -> str:
    """A Leitweg-ID (the German public buyer reference): coarse address, fine address and the
    MOD 97-10 check digits over both."""
    body = coarse + fine
    if not fine:
        return f"{coarse}-{mod97_check(coarse)}"
    return f"{coarse}-{fine}-{mod97_check(body.upper())}"


def leitweg_id_is_valid(value: str) -> bool:
    """The Leitweg-ID check: its parts without dashes, check digits included, are 1 mod 97."""
    parts = value.split("-")
    if len(parts) not in (2, 3) or not all(parts):
        return False
    body = "".join(parts[:-1]).upper()
    ok_chars = set(string.digits + string.ascii_uppercase)
    return set(body) <= ok_chars and _as_number(body + parts[-1]) % 97 == 1
