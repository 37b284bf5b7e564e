"""The collection PDF (`_site/case-studies.pdf`): front matter by WeasyPrint, briefs by pypdf.

A programme's collection (`programmes/<id>/<id>.pdf`, ProgrammeScope) is made the same way
from its own case studies, with a cover naming the programme (pdf/programmes.py).

Only the front matter (cover, contents, programme totals; layouts/briefs.html) is rendered
by WeasyPrint; every brief's PDF, already rendered (and cached) for its own page, is
appended after it (pdf/merge.py, from parts read once with pypdf; `merge` here, pypdf's
own merge, is the slower fallback). So a change to one case study costs one brief, at
most a new front matter, and the merge, never a render of the whole collection.

The contents give each brief's first page: the front matter's own length is part of that,
so it is rendered with a guess and again with its real length if the guess was wrong. Its
contents entries link to each case study's web address; the merge turns those links into
links to the brief's first page. The outline holds the front matter's headings, then one
entry per case study (its title, with its own headings nested), pointing at its first page.

The merged file is not a tagged PDF: the briefs' pages are copied without their structure
trees (pypdf's merge drops them too), so it carries no PDF/UA identification (each brief
on its own stays PDF/UA-1). Its /ID is a hash of its parts and it holds no wall-clock
date: the same parts give the same bytes. CollectionMaker makes it for the PDF stage, or
finds it in the brief cache under a key of its front matter and its briefs' keys.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from casesite import formatting
from casesite.core import Checked
from casesite.diagnostics import Diagnostic, Location, error
from casesite.incremental.briefs import AssetDigests, BriefCache, CachedBrief, brief_key
from casesite.incremental.store import digest as store_digest
from casesite.model import Programme
from casesite.pdf.briefs import (
    COLLECTION_LAYOUT,
    BriefFile,
    EngineSetup,
    engine_for,
    engine_version,
)
from casesite.pdf.merge import merge_parts
from casesite.pdf.parts import PART_FORMAT, NotMergeable, Part, read_part
from casesite.pdf.problems import located
from casesite.pdf.workers import Front, FrontJob
from casesite.render.environment import Layouts
from casesite.render.i18n import Translator
from casesite.render.totals import totals, totals_view
from casesite.render.views import case_study_view, programme_view, site_view
from casesite.routes import COLLECTION_PATH, case_study_url, programme_collection_path

COLLECTION_FORMAT = "casesite-collection-2"  # with pdf/parts.py PART_FORMAT
TOC_PER_PAGE = 15  # contents entries on a page, for the first guess at the front's length


@dataclass(frozen=True)
class ProgrammeScope:
    """A collection of one programme's briefs (pdf/programmes.py): its cover names the
    programme, and it is published beside the programme's page."""

    programme: Programme  # in the collection's language
    page_url: str  # the programme's page: "programmes/<id>/", "hu/programmes/<id>/"
    key: str  # the last part of the page's address

    @property
    def path(self) -> str:
        """Where the collection is published: "programmes/<id>/<id>.pdf"."""
        return programme_collection_path(self.page_url, self.key)


@dataclass(frozen=True)
class CollectionBrief:
    """One brief as it goes into the collection."""

    web_url: str  # the contents' link to it, turned into a link to its first page
    data: bytes
    pages: int


def pypdf_version() -> str:
    return importlib.metadata.version("pypdf")


def producer() -> str:
    return f"casesite (WeasyPrint {engine_version()}, pypdf {pypdf_version()})"


def first_guess(count: int) -> int:
    """The front matter's length in pages before it is rendered: the cover, the contents,
    the totals. A wrong guess costs one more render, never a wrong page number."""
    return 1 + 1 + (count + 4) // TOC_PER_PAGE


def starts(front_pages: int, parts: Sequence[int]) -> list[int]:
    """Each brief's first page (1-based, the cover is page 1), from the pages before it."""
    out, page = [], front_pages + 1
    for pages in parts:
        out.append(page)
        page += pages
    return out


def front_html(
    layouts: Layouts,
    checked: Checked,
    first_pages: Sequence[int],
    programme: ProgrammeScope | None = None,
) -> str:
    """The front matter, with each case study's first page in the collection; of one
    programme's collection if `programme` is given (`checked` then holds its case studies)."""
    site = checked.site
    lang = site.config.lang
    studies = site.case_studies
    t = Translator(lang)
    newest = max((cs.updated or cs.published for cs in studies), default=date(1970, 1, 1))
    entries = [
        {
            "cs": case_study_view(cs, site.programmes[cs.programme], Markup("")),
            "web_url": site.config.base_url + case_study_url(cs),
            "page": page,
        }
        for cs, page in zip(studies, first_pages, strict=True)
    ]
    context: dict[str, Any] = {
        "i18n": t,
        "site": site_view(site.config),
        "root": "",
        "lang": lang,
        "entries": entries,
        "totals": totals_view(totals(site.stories()), lang),  # each story once
        "edition": formatting.long_date(newest, lang),
        "newest_iso": newest.isoformat(),
        "oldest_iso": min((cs.published for cs in studies), default=newest).isoformat(),
        "programme": programme_view(programme.programme) if programme else None,
        "address": site.config.base_url + (programme.page_url if programme else ""),
        "count": t.ngettext(
            "%(num)s case study",
            "%(num)s case studies",
            len(studies),
            num=formatting.number(Decimal(len(studies)), lang),
        ),
    }
    what = f"of the programme '{programme.programme.id}'" if programme else "of PDF briefs"
    return layouts.render(COLLECTION_LAYOUT, context, f"the collection {what}")


def collection_key(engine_key: str, first_html: str, part_keys: Sequence[str]) -> str:
    """The collection's cache key: its front matter as first rendered (the content) and the
    key of every brief in order (their PDFs, hence their lengths), with the tools."""
    pieces = (COLLECTION_FORMAT, PART_FORMAT, engine_version(), pypdf_version(), engine_key)
    return store_digest(*pieces, first_html, *part_keys)


def merge(front: bytes, parts: Sequence[CollectionBrief], lang: str) -> bytes:
    """The front matter, then every brief, with pypdf's merge (3 to 7 s for 100 briefs):
    the fallback when a brief cannot be read into a part (pdf/parts.py NotMergeable)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    front_reader = PdfReader(io.BytesIO(front))
    writer.append(front_reader)
    first: dict[str, int] = {}  # web address -> 0-based index of the brief's first page
    for part in parts:
        first.setdefault(part.web_url, len(writer.pages))
        writer.append(PdfReader(io.BytesIO(part.data)))
    for index, page in enumerate(writer.pages):
        for annot in page.get("/Annots", ()):
            annot = annot.get_object()
            if "/StructParent" in annot:  # the structure tree stayed behind
                del annot[NameObject("/StructParent")]
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if index < len(front_reader.pages) and isinstance(uri, str) and uri in first:
                target = writer.pages[first[uri]].indirect_reference
                del annot[NameObject("/A")]
                annot[NameObject("/Dest")] = ArrayObject([target, NameObject("/Fit")])

    info: dict[str, Any] = {k: v for k, v in (front_reader.metadata or {}).items()}
    info.pop("/Creator", None)
    info["/Producer"] = producer()
    writer.add_metadata(info)
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(lang)
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    digest = hashlib.sha256(front)
    for part in parts:
        digest.update(part.data)
    identifier = ByteStringObject(digest.digest()[:16])
    writer._ID = ArrayObject([identifier, identifier])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- making it --------------------------------------------------------------------------

COLLECTION_WHERE = "layouts/" + COLLECTION_LAYOUT
FRONT_TRIES = 3  # renders of the front matter until its length is the one it assumes


class CollectionMaker:
    """Makes the collection PDF from the briefs, or finds it in the cache."""

    def __init__(
        self,
        checked: Checked,
        layouts: Layouts,
        setup: EngineSetup,
        cache: BriefCache,
        digests: AssetDigests,
        engine_key: str,
        programme: ProgrammeScope | None = None,
    ) -> None:
        self.checked, self.layouts, self.setup = checked, layouts, setup
        self.programme = programme
        self.cache, self.digests, self.engine_key = cache, digests, engine_key
        self.file: BriefFile | None = None
        self.keys: list[str] = []  # cache entries it uses
        self.front_rendered = 0
        self.reused = False
        self.problems: list[Diagnostic] = []
        # In the language's part of the site; a programme's beside the programme's page.
        self.path = programme.path if programme else checked.site.prefix + COLLECTION_PATH
        self.early: Mapping[str, Front] = {}  # front matters rendered among the briefs
        self.early_used = 0  # of those, the ones it took
        self.early_parts: dict[str, bytes] = {}  # the parts of those used, by front key

    def front_job(self, places: Mapping[str, int]) -> FrontJob:
        """Its front matter as a job for the pool: rendered as make() would, from the same
        first length, on the briefs' lengths known when a worker takes it (the others
        guessed); html_for gives None when that front matter is in the cache."""
        order = [cs.source for cs in self.checked.site.case_studies]
        front_pages = self.cache.front_hint(len(order)) or first_guess(len(order))

        def html_for(lengths: list[int], front_pages: int) -> str | None:
            html = self._html(starts(front_pages, lengths))
            cached = self.cache.get(brief_key(self.engine_key, html), self.digests)
            return None if cached is not None else html

        return FrontJob(tuple(places[s] for s in order), html_for, front_pages, FRONT_TRIES)

    def make(
        self,
        found: Mapping[str, BriefFile],
        made_of: Mapping[str, Mapping[str, str]],
        keys: Mapping[str, str],
        parts: Mapping[str, bytes],
        early: Mapping[str, Front] | None = None,
    ) -> None:
        """`early`: front matters rendered among the briefs (FrontJob), by their HTML."""
        self.early = early or {}
        self._make(found, made_of, keys, parts)

    def _make(
        self,
        found: Mapping[str, BriefFile],
        made_of: Mapping[str, Mapping[str, str]],
        keys: Mapping[str, str],
        parts: Mapping[str, bytes],
    ) -> None:
        order = [cs.source for cs in self.checked.site.case_studies]
        lengths = [found[source].pages for source in order]
        front_pages = first_guess(len(order))
        html = self._html(starts(front_pages, lengths))
        key = collection_key(self.engine_key, html, [keys[s] for s in order])
        self.keys.append(key)
        hit = self.cache.get(key, self.digests)
        if hit is not None:
            self.file = BriefFile(self.path, hit.data, hit.pages)
            self.keys += hit.keep
            self.reused = True
            return
        # Start from the length it had last time: the output does not depend on the guess
        # (the contents settle on the same numbers), only the number of renders does.
        hint = self.cache.front_hint(len(order))
        if hint is not None and hint != front_pages:
            front_pages = hint
            html = self._html(starts(front_pages, lengths))
        for _ in range(FRONT_TRIES):
            front_key = brief_key(self.engine_key, html)
            front = self._front(front_key, html)
            if front is None:
                return
            if front.pages == front_pages:
                break
            front_pages = front.pages
            html = self._html(starts(front_pages, lengths))
        else:
            self.problems.append(
                error(
                    Location(COLLECTION_WHERE),
                    "pdf-brief",
                    "the collection's contents cannot give the right page numbers: the front "
                    f"matter changes length each time it is rendered ({FRONT_TRIES} tries)",
                    "give the contents a fixed height per entry in assets/brief.css",
                )
            )
            return
        self.cache.put_front_hint(len(order), front.pages)
        data = self._merge(front_key, front.data, found, keys, parts)
        pages = front.pages + sum(lengths)
        assets = dict(front.assets)
        for source in order:
            assets.update(made_of[source])
        self.cache.put(key, data, pages, assets, keep=self.keys[1:])
        self.file = BriefFile(self.path, data, pages)

    def _merge(
        self,
        front_key: str,
        front: bytes,
        found: Mapping[str, BriefFile],
        keys: Mapping[str, str],
        parts: Mapping[str, bytes],
    ) -> bytes:
        """The front matter and the briefs as one PDF: from their cached parts (fast), or
        with pypdf's own merge if a part cannot be made."""
        studies = self.checked.site.case_studies
        web = self.checked.site.config.base_url
        lang = self.checked.site.config.lang
        identity = hashlib.sha256(front)
        for cs in studies:
            identity.update(found[cs.source].data)
        try:
            front_part = self._part(front_key, front, self.early_parts.get(front_key, b""), True)
            brief_parts = [
                (
                    web + case_study_url(cs),
                    self._part(keys[cs.source], found[cs.source].data, parts.get(cs.source, b"")),
                )
                for cs in studies
            ]
            return merge_parts(front_part, brief_parts, lang, producer(), identity.digest())
        except NotMergeable:
            pdfs = [
                CollectionBrief(
                    web + case_study_url(cs), found[cs.source].data, found[cs.source].pages
                )
                for cs in studies
            ]
            return merge(front, pdfs, lang)

    def _html(self, first_pages: Sequence[int]) -> str:
        return front_html(self.layouts, self.checked, first_pages, self.programme)

    def _part(self, key: str, data: bytes, known: bytes, links: bool = False) -> Part:
        stored = known or self.cache.get_part(key)
        if stored:
            try:
                return Part.from_bytes(stored)
            except (ValueError, KeyError, TypeError, IndexError):
                pass
        part = read_part(data, links=links)
        self.cache.put_part(key, part.to_bytes())
        return part

    def _front(self, key: str, html: str) -> CachedBrief | None:
        self.keys.append(key)
        hit = self.cache.get(key, self.digests)
        if hit is not None:
            return hit
        done = self.early.get(html)
        if done is not None:  # rendered among the briefs, on the lengths they have
            self.early_used += 1
            self.early_parts[key] = done.part
            if done.part:
                self.cache.put_part(key, done.part)
        result = done.rendered if done is not None else engine_for(self.setup).render(html, "")
        self.front_rendered += 1
        if result.problems:
            self.problems += located(COLLECTION_WHERE, result.problems, self.setup.root)
            return None
        self.cache.put(key, result.data, result.pages, result.read)
        return CachedBrief(result.data, result.pages, result.read)
