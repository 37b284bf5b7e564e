"""A quotation as it stands on the page and in the brief: the approved words, the speaker
and organisation from the approval record, and in a preview the reason it is not approved."""

from __future__ import annotations

import re

from markupsafe import Markup

from casesite import formatting
from casesite.check.quotes import QuoteCheck
from casesite.render.i18n import Translator


def quote_html(check: QuoteCheck, page_lang: str, preview: bool, t: Translator) -> str:
    """The quotation as it stands on the page: approved text, attribution from the record."""
    if check.taken_down:
        return ""
    approval = check.approval
    text = approval.text if approval is not None and check.ok else check.use.text
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs)
    lang = approval.lang if approval is not None and approval.lang else ""
    # A translation is in the page's language: the gate chose it for that.
    other = lang and lang != page_lang and not (approval and approval.translated_from)
    lang_attr = Markup(' lang="{}"').format(lang) if other else Markup("")
    caption = Markup("")
    if approval is not None:
        translated = Markup("")
        if approval.translated_from:
            language = formatting.language_name(approval.translated_from, page_lang)
            translated = Markup(' <span class="quote-translated">{}</span>').format(
                t.gettext("(translated from %(language)s)", language=language)
            )
        caption = Markup(
            '<figcaption><span class="quote-speaker">{}</span>, '
            '<span class="quote-org">{}</span>{}</figcaption>'
        ).format(approval.speaker, approval.organisation, translated)
    if check.ok:
        return str(
            Markup('<figure class="quote"{}><blockquote>{}</blockquote>{}</figure>\n').format(
                lang_attr, body, caption
            )
        )
    if not preview:
        raise ValueError(f"refusing to render the unapproved quote {check.use.id}")
    reasons = "; ".join(d.message for d in check.problems)
    return str(
        Markup(
            '<figure class="quote quote-unapproved"{}><p class="quote-badge">{}</p>'
            "<blockquote>{}</blockquote>{}</figure>\n"
        ).format(
            lang_attr, t.gettext("Awaiting approval: %(reasons)s", reasons=reasons), body, caption
        )
    )
