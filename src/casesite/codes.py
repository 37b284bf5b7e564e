"""Every diagnostic code casesite reports, with its severity and what it means: one registry.

`diagnostics.error()` and `diagnostics.warning()` refuse a code that is not here (or is
here with the other severity), so a misspelt code fails loudly in the tests. The README's
"What each error means" table and the authoring guide's list exactly these codes (a test
checks). A new code goes here first, then into both tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """One diagnostic code: the name in square brackets, how serious it is, what it means."""

    name: str
    severity: Level
    meaning: str


def _codes(*rows: tuple[str, Level, str]) -> dict[str, Code]:
    table = {name: Code(name, severity, meaning) for name, severity, meaning in rows}
    assert len(table) == len(rows), "a code is listed twice"
    return table


E: Level = "error"
W: Level = "warning"

CODES: dict[str, Code] = _codes(
    # The file and its front matter (load/)
    ("missing-front-matter", E, "the file does not start with a '---' line"),
    ("unclosed-front-matter", E, "the front matter is never closed by a second '---' line"),
    ("front-matter-not-mapping", E, "the front matter is a list, a single value or empty"),
    ("yaml-syntax", E, "the YAML cannot be read at this place"),
    ("duplicate-key", E, "the same field is written twice"),
    ("yaml-anchor", E, "a YAML anchor (&name), which casesite refuses"),
    ("yaml-alias", E, "a YAML alias (*name), which casesite refuses"),
    ("yaml-tag", E, "a YAML tag (!tag), which casesite refuses"),
    ("yaml-merge-key", E, "a YAML merge key (<<), which casesite refuses"),
    ("yaml-complex-key", E, "a field name that is a list or a group, or no name before ':'"),
    ("yaml-multiple-documents", E, "a second '---' or '...' line inside the front matter"),
    ("yaml-too-large", E, "front matter far larger than a case study needs"),
    ("yaml-too-deep", E, "front matter nested far deeper than a case study needs"),
    ("file-too-large", E, "a file far larger than a case study needs"),
    ("invalid-utf8", E, "the file is not saved as UTF-8 text"),
    ("control-character", E, "an invisible control character in a value"),
    ("invisible-character", E, "an invisible format character (zero-width, bidi, soft hyphen)"),
    ("symlink", E, "a symbolic link instead of a real file or folder"),
    ("unsafe-svg", E, "an SVG under assets/ with script, event handlers or outside references"),
    ("unreadable-file", E, "a file casesite may not or cannot read"),
    ("ignored-file", W, "a file casesite does not read, in a folder it reads"),
    # The fields (validate/)
    ("unknown-field", E, "a field casesite does not know"),
    ("missing-field", E, "a required field is missing or empty"),
    ("ambiguous-number", E, "a number written with a thousands separator (20.000, 20,000)"),
    ("wrong-type", E, "the wrong kind of value: text for a number, a list for one value, ..."),
    ("too-long", E, "a value longer than allowed"),
    ("duplicate-item", E, "the same item listed twice"),
    ("unknown-country", E, "not an ISO 3166 country code"),
    ("unknown-currency", E, "not an ISO 4217 currency code"),
    ("unknown-language", E, "not a language code casesite knows"),
    ("no-catalogue", E, "a language casesite has no interface catalogue for"),
    ("not-positive", E, "an amount or number of hours that is zero or negative"),
    ("invalid-period", E, "a change period that is not YYYY-MM or a forward range of them"),
    ("invalid-date", E, "a date that does not exist, or comes before one it must follow"),
    ("invalid-choice", E, "a value that is not one of the allowed ones"),
    ("unknown-programme", E, "no programme file of that name"),
    ("invalid-slug", E, "a file name or slug that cannot be a web address"),
    ("slug-collision", E, "two case studies at one web address"),
    ("language-mismatch", E, "the language in a file name and its 'lang:' differ"),
    # The story: headings, links and pictures (check/markdown, check/links)
    ("heading-level", E, "a '#' heading in the story"),
    ("image-alt-missing", E, "a picture without a description"),
    ("external-image", E, "a picture loaded from another website"),
    ("empty-link", E, "a link with no address"),
    ("invalid-link", E, "an address that cannot be read or is incomplete"),
    ("link-not-allowed", E, "an unsafe kind of link (javascript:, //host, /absolute, file:)"),
    ("link-outside-site", E, "a relative link that leads out of the site folder"),
    ("broken-link", E, "a link to a case study or file that does not exist"),
    ("broken-fragment", E, "a link to a heading the page does not have"),
    # Quotations and approvals (check/quotes, validate/approvals)
    ("quote-syntax", E, "a quote block that does not name its approval record"),
    ("quote-nested", E, "a quote block inside another"),
    ("quote-formatting", E, "emphasis, a link or a list inside a quote block"),
    ("unapproved-blockquote", E, "a '>' blockquote outside a quote block"),
    ("unapproved-quotation", E, "text that reads as a quotation, outside a quote block"),
    ("quote-no-approval", E, "no approval record for the quote"),
    ("quote-pending", E, "the quote's approval is still pending"),
    ("quote-withdrawn", E, "the speaker withdrew approval of the quote"),
    ("quote-expired", E, "the quote's approval has expired"),
    ("quote-expiring", W, "the quote's approval expires within 30 days"),
    ("quote-taken-down", W, "consent lapsed: the build leaves the quote out of what it publishes"),
    ("quote-out-of-scope", E, "the approval does not cover this case study or channel"),
    ("quote-text-differs", E, "the words on the page are not the approved words"),
    ("quote-not-translated", E, "the speaker has not approved the words in the page's language"),
    ("invalid-translation", E, "an approval record's translation in the record's own language"),
    ("invalid-quote-id", E, "an approval file name that cannot be a quote id"),
    ("approval-unused", W, "no case study uses this approval record"),
    # The site settings, programmes and layouts
    ("missing-site-settings", E, "there is no content/site.yml"),
    ("invalid-url", E, "an address that is not a full https:// address"),
    ("invalid-colour", E, "a brand colour not written #rrggbb"),
    ("low-contrast", E, "a colour too pale to read (below WCAG AA, 4.5 to 1)"),
    ("invalid-font", E, "a font name with characters a font family name cannot have"),
    ("missing-asset", E, "a logo or picture that is not a file in assets/"),
    ("missing-layout", E, "a layout in layouts/ is missing"),
    ("layout-syntax", E, "a layout cannot be read"),
    ("layout-error", E, "a layout failed while making the named page"),
    ("layout-unsafe", E, "a layout reaches for Python's internals, which the sandbox refuses"),
    ("brief-font", E, "the PDF brief names a font no @font-face declares from assets/"),
    ("svg-font", E, "an SVG under assets/ draws text in a font no @font-face declares"),
    ("broken-internal-link", E, "a layout links to a page or id the built site does not have"),
    ("pdf-brief", E, "the PDF brief of the named case study cannot be made"),
    ("pdf-slow-fonts", W, "libharfbuzz-subset0 is missing, so PDF briefs are slow"),
    ("search-index", E, "the search index could not be made"),
    ("not-a-site", E, "there is no content/ folder here"),
    ("internal-error", E, "casesite itself failed: a bug, not a problem in the content"),
)
