"""Offline EN 16931 validation: the syntax XSD (lxml) and the official schematron (saxonche).

The oracle every e-invoice test asks: :func:`validate_cii` checks a UN/CEFACT CII document
against the D16B XSD and ``EN16931-CII-validation.xslt``; :func:`validate_ubl` checks a UBL 2.1
Invoice or CreditNote (chosen by its root element) against the UBL 2.1 XSD and
``EN16931-UBL-validation.xslt``. Both are the official artifacts of the European Commission's
release validation-1.3.16, vendored under ``tests/data/en16931`` (see its README).

Each schema and stylesheet is loaded and compiled once per process and cached: compiling the
XSLT takes seconds, running it on one document a few milliseconds.

The schematron reports what failed as SVRL; every ``failed-assert`` or ``successful-report``
whose ``flag`` is ``fatal`` (or that has no flag) is fatal, every other one (``warning``,
``information``) a warning. :attr:`Report.ok` means no XSD error and nothing fatal.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from saxonche import PySaxonProcessor

DATA = Path(__file__).resolve().parent.parent / "data" / "en16931"
CII_XSLT = DATA / "cii" / "xslt" / "EN16931-CII-validation.xslt"
UBL_XSLT = DATA / "ubl" / "xslt" / "EN16931-UBL-validation.xslt"
CII_XSD = DATA / "cii" / "schema" / "CrossIndustryInvoice_100pD16B.xsd"
UBL_XSD = {
    "Invoice": DATA / "ubl" / "schema" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": DATA / "ubl" / "schema" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CreditNote",
}
#: The XRechnung 3.0 rules (KoSIT), compiled from their schematron (see its README).
XRECHNUNG_XSLT = {
    "cii": DATA.parent / "xrechnung" / "XRechnung-CII-validation.xsl",
    "ubl": DATA.parent / "xrechnung" / "XRechnung-UBL-validation.xsl",
}
SVRL = "http://purl.oclc.org/dsdl/svrl"
FATAL_FLAGS = frozenset({"", "fatal"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed assertion (or successful report) of the schematron."""

    rule: str
    flag: str
    location: str
    text: str

    def __str__(self) -> str:
        return f"{self.rule} [{self.flag or 'fatal'}] at {self.location}: {self.text}"


@dataclass(frozen=True, slots=True)
class Report:
    """What the validator found in one document: XSD errors and schematron findings."""

    xsd_errors: list[str] = field(default_factory=list)
    fatal: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Valid: the XSD accepts it and no fatal rule of EN 16931 fails."""
        return not self.xsd_errors and not self.fatal

    @property
    def fatal_rules(self) -> set[str]:
        """The ids of the fatal rules that failed (``BR-CO-15``, ...)."""
        return {f.rule for f in self.fatal}

    @property
    def warning_rules(self) -> set[str]:
        """The ids of the rules that only warned."""
        return {f.rule for f in self.warnings}

    def describe(self) -> str:
        """Every XSD error and every finding, one a line."""
        lines = [f"XSD: {e}" for e in self.xsd_errors]
        lines += [f"FATAL {f}" for f in self.fatal]
        lines += [f"warning {f}" for f in self.warnings]
        return "\n".join(lines) or "valid, nothing to report"


def assert_valid(report: Report, xml: bytes | None = None) -> None:
    """Fail with every XSD error and fatal finding (warnings listed too) unless ``report`` is
    ok; with ``xml`` given, the document follows the findings."""
    if report.ok:
        return
    message = f"not a valid EN 16931 document:\n{report.describe()}"
    if xml is not None:
        message += "\n--- document ---\n" + xml.decode("utf-8", "replace")
    raise AssertionError(message)


def validate(xml: bytes) -> Report:
    """Check a CII or UBL document, whichever its root element says it is."""
    tree, _ = _parse(xml)
    if tree is not None and tree.tag == CII_ROOT:
        return validate_cii(xml)
    return validate_ubl(xml)


def validate_xrechnung(xml: bytes) -> Report:
    """Check a CII or UBL document against its XSD, the EN 16931 schematron and the XRechnung
    3.0 rules (BR-DE-*, the German CIUS)."""
    base = validate(xml)
    tree, _ = _parse(xml)
    if tree is None:
        return base
    syntax = "cii" if tree.tag == CII_ROOT else "ubl"
    fatal, warnings = _schematron(XRECHNUNG_XSLT[syntax], _text(xml, tree))
    return Report(
        xsd_errors=base.xsd_errors, fatal=base.fatal + fatal, warnings=base.warnings + warnings
    )


def validate_cii(xml: bytes) -> Report:
    """Check a CII document (UN/CEFACT D16B) against its XSD and the EN 16931 schematron."""
    tree, problem = _parse(xml)
    if tree is None:
        return Report(xsd_errors=[problem])
    if tree.tag != CII_ROOT:
        return Report(xsd_errors=[f"root element {tree.tag} is not {CII_ROOT}"])
    xsd_errors = _xsd_errors(_schema(CII_XSD), tree)
    fatal, warnings = _schematron(CII_XSLT, _text(xml, tree))
    return Report(xsd_errors=xsd_errors, fatal=fatal, warnings=warnings)


def validate_ubl(xml: bytes) -> Report:
    """Check a UBL 2.1 Invoice or CreditNote against its XSD and the EN 16931 schematron."""
    tree, problem = _parse(xml)
    if tree is None:
        return Report(xsd_errors=[problem])
    kind = UBL_ROOTS.get(tree.tag)
    if kind is None:
        return Report(xsd_errors=[f"root element {tree.tag} is not a UBL Invoice or CreditNote"])
    xsd_errors = _xsd_errors(_schema(UBL_XSD[kind]), tree)
    fatal, warnings = _schematron(UBL_XSLT, _text(xml, tree))
    return Report(xsd_errors=xsd_errors, fatal=fatal, warnings=warnings)


# -- XSD -----------------------------------------------------------------------------------------


def _parse(xml: bytes) -> tuple[Any, str]:
    """The root element of ``xml``, or None and why it is not well-formed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(xml, parser), ""
    except etree.XMLSyntaxError as error:
        return None, f"not well-formed XML: {error}"


def _text(xml: bytes, root: Any) -> str:
    """The document as text for Saxon: decoded as it declares itself (UTF-8 unless said
    otherwise, a byte order mark dropped)."""
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    text = xml.decode(codec)
    if text.startswith("<?xml"):  # the declaration would name an encoding a str no longer has
        text = text[text.index("?>") + 2 :]
    return text


@cache
def _schema(path: Path) -> etree.XMLSchema:
    """The XSD at ``path``, loaded once (its imports are resolved relative to it, offline)."""
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def _xsd_errors(schema: etree.XMLSchema, root: Any) -> list[str]:
    # An XMLSchema object keeps the last error log: validate under a lock.
    with _LOCK:
        if schema.validate(root):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]


# -- schematron ----------------------------------------------------------------------------------

_LOCK = threading.RLock()


@cache
def _processor() -> PySaxonProcessor:
    """The one Saxon processor of the process."""
    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path) -> Any:
    """The compiled validation XSLT at ``path`` (compiled once per process)."""
    compiler = _processor().new_xslt30_processor()
    executable = compiler.compile_stylesheet(stylesheet_file=str(path))
    if executable is None:
        raise RuntimeError(f"cannot compile {path}")
    return executable


def _schematron(stylesheet: Path, xml: str) -> tuple[list[Finding], list[Finding]]:
    """Run the compiled schematron XSLT on ``xml``; (fatal, warnings) from its SVRL."""
    with _LOCK:
        executable = _stylesheet(stylesheet)
        document = _processor().parse_xml(xml_text=xml)
        svrl = executable.transform_to_string(xdm_node=document)
    if not svrl:
        raise RuntimeError(f"{stylesheet.name} produced no SVRL output")
    return _findings(svrl.encode("utf-8"))


def _findings(svrl: bytes) -> tuple[list[Finding], list[Finding]]:
    root = etree.fromstring(svrl)
    fatal: list[Finding] = []
    warnings: list[Finding] = []
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        flag = (element.get("flag") or "").strip()
        text = " ".join(element.findtext(f"{{{SVRL}}}text", default="").split())
        finding = Finding(
            rule=element.get("id") or "",
            flag=flag,
            location=element.get("location") or "",
            text=text,
        )
        (fatal if flag in FATAL_FLAGS else warnings).append(finding)
    return fatal, warnings
