"""A case study's body as HTML, for its page and its PDF brief: one renderer for both.

The only difference is the links. On the page they stay as resolved (relative to the
page); a brief, downloaded and read anywhere, needs web addresses, and its images are
read from the virtual site under SITE_ROOT_URL. Each quote block is drawn from its check,
as approved, the same in both (the gate checked the quotes for every channel built).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup

from casesite.check.markdown import QuoteUse, render_body
from casesite.core import SITE_ROOT_URL, Checked
from casesite.model import CaseStudy
from casesite.render.i18n import Translator
from casesite.render.quotation import quote_html
from casesite.routes import case_study_url


def brief_links(checked: Checked, cs: CaseStudy) -> dict[int, str | None]:
    """Links as a downloaded PDF needs them: web addresses; images as addresses in the
    virtual site, where the fetcher reads them from assets/ (in a brief or the collection)."""
    page = checked.site.config.base_url + case_study_url(cs)
    images = {link.index for link in checked.bodies[cs.source].links if link.is_image}
    out: dict[int, str | None] = {}
    for index, url in checked.links[cs.source].items():
        if url is None or urlsplit(url).scheme:
            out[index] = url
        elif index in images:
            out[index] = urljoin(SITE_ROOT_URL + case_study_url(cs), url)
        else:
            out[index] = urljoin(page, url)
    return out


def body_html(checked: Checked, cs: CaseStudy, for_brief: bool = False) -> Markup:
    """The body of `cs` with its quotations: for its page, or `for_brief`."""
    checks = {q.use: q for q in checked.quotes[cs.source]}
    t = Translator(cs.lang)

    def draw(use: QuoteUse) -> str:
        return quote_html(checks[use], cs.lang, preview=cs.draft, t=t)

    links: Mapping[int, str | None] = (
        brief_links(checked, cs) if for_brief else checked.links[cs.source]
    )
    return render_body(checked.bodies[cs.source], links, draw)
