"""A preview's stand-in for the rendered briefs: every page links its brief, which the dev
server makes when it is opened (serve/ondemand.py)."""

from __future__ import annotations

from collections.abc import Mapping

from casesite.core import BriefLink
from casesite.model import CaseStudy
from casesite.publish import Staging
from casesite.render.i18n import Translator
from casesite.routes import brief_link


class BriefsOnRequest:
    """Stands in for the rendered briefs in a preview build: every page links its brief,
    which the server makes when it is opened."""

    def link(self, cs: CaseStudy) -> BriefLink:
        return BriefLink(
            brief_link(cs), Translator(cs.lang).gettext("PDF brief, made when you open it")
        )

    def programme_links(self) -> Mapping[str, BriefLink]:
        """None: a programme's collection is made by a build only."""
        return {}

    def write(self, staging: Staging) -> None:
        """Nothing is written with the pages."""
