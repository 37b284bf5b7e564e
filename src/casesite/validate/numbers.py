"""How numbers are written by hand: the thousands separators YAML misreads (20.000 is
twenty to it, 20,000 is text), and the number the author meant."""

from __future__ import annotations

import re

# 20.000 or 1.500: a thousands separator in many languages, a decimal point to YAML.
THOUSANDS_DOT_RE = re.compile(r"[-+]?[0-9]{1,3}\.[0-9]{3}")
# 20,000  20 000  20'000  1.500.000  1.500,50: digits grouped in thousands.
GROUPED_RE = re.compile(
    r"[-+]?[0-9]{1,3}(?:([,.'’\u00a0\u202f ])[0-9]{3})(?:\1[0-9]{3})*(?:[.,][0-9]+)?"
)


def ungrouped(text: str) -> str:
    """20,000 -> 20000; 1.500,50 -> 1500.50 (a last separator unlike the groups' is the
    decimal point)."""
    digits = text.strip()
    m = GROUPED_RE.fullmatch(digits)
    if m is None:
        return digits
    tail = ""
    last = re.search(r"([.,])([0-9]+)$", digits)
    if last and last.group(1) != m.group(1):
        digits, tail = digits[: last.start()], "." + last.group(2)
    return re.sub(r"[^0-9+-]", "", digits) + tail
