"""casesite: publish case studies as a branded static site, with a quote approval gate."""

__version__ = "0.1.0"
