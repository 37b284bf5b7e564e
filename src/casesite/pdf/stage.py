"""The PDF stage: every published case study's brief, and the collection of them all.

Each brief's HTML is rendered here (Jinja, cheap), its cache key computed, and only the
briefs not in the cache are rendered by WeasyPrint: in this process when there is one,
otherwise across a pool of worker processes (one per core, or `jobs`). Any refused URL or
WeasyPrint error fails the build with the case study's path (pdf/problems.py). The
collection is its front matter plus the briefs' PDFs, cached by the keys of its parts
(pdf/collection.py, CollectionMaker).
`render_one_brief` is the same for a single case study, for `casesite serve`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from casesite.core import BriefLink, Checked
from casesite.diagnostics import Diagnostic, Location, warning
from casesite.incremental.briefs import AssetDigests, BriefCache, brief_key
from casesite.incremental.store import CacheMode, Store
from casesite.model import CaseStudy
from casesite.parallel import jobs_for
from casesite.pdf.briefs import (
    BriefFile,
    EngineSetup,
    brief_html,
    dated_by_content,
    engine_for,
    engine_key,
    engine_setup,
    font_problems,
    has_harfbuzz_subset,
    load_engine,
    style_id,
)
from casesite.pdf.collection import CollectionMaker
from casesite.pdf.fontfiles import decompress_ahead
from casesite.pdf.hyphenation import languages, preload
from casesite.pdf.parts import load_reader
from casesite.pdf.problems import located
from casesite.pdf.programmes import (
    ProgrammeCollection,
    links_by_page,
    programme_collections,
    programme_makers,
)
from casesite.pdf.progress import Progress
from casesite.pdf.stylesheet import stylesheet_assets
from casesite.pdf.workers import Job, render_jobs
from casesite.publish import Staging
from casesite.render.environment import Layouts, TemplateProblem, make_environment
from casesite.render.facets import Facets
from casesite.render.i18n import Translator
from casesite.routes import THEME_CSS, brief_link, brief_path, case_study_url


@dataclass(frozen=True)
class Briefs:
    files: Mapping[str, BriefFile]  # by case study source
    collection: BriefFile | None
    rendered: int  # briefs rendered by WeasyPrint
    reused: int  # briefs from the cache
    front_rendered: int = 0  # renders of the collection's front matter
    collection_reused: bool = False  # the whole collection came from the cache
    early_unused: int = 0  # front matters rendered among the briefs on a wrong guess
    other_collections: tuple[BriefFile, ...] = ()  # in the site's other languages (hu/...)
    programmes: tuple[ProgrammeCollection, ...] = ()  # one per programme page
    programmes_reused: int = 0  # of those, the ones from the cache

    def summary(self) -> str:
        line = f"PDF briefs: {self.rendered} rendered, {self.reused} reused"
        if self.collection is None:
            return line
        made = len(self.programmes) - self.programmes_reused
        programmes = f"; programme collections: {made} made, {self.programmes_reused} reused"
        if self.collection_reused:
            return line + "; collection: reused" + programmes
        return line + (
            f"; collection: front matter {self.front_rendered} rendered, "
            f"{len(self.files)} briefs appended"
            + (f" ({self.early_unused} rendered early, unused)" if self.early_unused else "")
            + programmes
        )

    def link(self, cs: CaseStudy) -> BriefLink:
        t = Translator(cs.lang)
        pages, size = self.files[cs.source].extent(t, cs.lang)
        text = t.gettext("PDF brief, %(pages)s, %(size)s", pages=pages, size=size)
        return BriefLink(brief_link(cs), text)

    def programme_links(self) -> Mapping[str, BriefLink]:
        return links_by_page(self.programmes)

    def write(self, staging: Staging) -> None:
        for source in sorted(self.files):
            staging.write_bytes(self.files[source].path, self.files[source].data)
        for collection in (self.collection, *self.other_collections):
            if collection is not None:
                staging.write_bytes(collection.path, collection.data)
        for programme in self.programmes:
            staging.write_bytes(programme.file.path, programme.file.data)


# -- the stage -----------------------------------------------------------------------------


def _engine_key(
    setup: EngineSetup,
    cache: BriefCache,
    digests: AssetDigests,
    workers: int,
    meanwhile: Callable[[], None],
) -> tuple[str, str]:
    """The engine key, and the id of the stylesheets' record in the cache. When the record
    is not there, the key is the reads of an engine made here: its fonts are decompressed
    first in `workers` worker processes (pdf/fontfiles.py), while this process runs
    `meanwhile()` and imports WeasyPrint and pypdf; the workers forked later inherit them
    all (each imported both, 0.3 s of CPU, when the parent had not yet read a part)."""
    style = style_id(digests)
    reads = cache.style_reads(style, digests)
    if reads is None:
        fonts = [setup.root / rel for rel in stylesheet_assets(setup.root) if rel in setup.assets]
        store = Store(setup.root) if setup.font_cache else None

        def here() -> None:
            meanwhile()
            load_engine()
            load_reader()

        decompress_ahead(fonts, store, workers, here)
        engine = engine_for(setup)
        reads = dict(engine.style_read)
        if not engine.style_problems:
            cache.put_style_reads(style, reads)
    else:
        meanwhile()
    return engine_key(reads), style


def make_briefs(
    checked: Checked,
    facets: Mapping[str, Facets],
    root: Path,
    jobs: int = 0,
    progress: TextIO | None = None,
    prune: bool = False,
    cache: CacheMode = CacheMode.WRITE,
) -> tuple[Briefs | None, list[Diagnostic]]:
    """Every brief and the collections, from the cache or rendered; None if any failed.
    `facets`: the site's (build.py's), whose programme pages get a collection each;
    `progress`: where to show progress and the summary; `prune`: drop unused cache entries;
    `cache`: how the build cache is used (off with the build's --no-cache)."""
    with dated_by_content(checked):
        return _make_briefs(checked, facets, root, jobs, progress, prune, cache)


def _make_briefs(
    checked: Checked,
    facets: Mapping[str, Facets],
    root: Path,
    jobs: int,
    progress: TextIO | None,
    prune: bool,
    mode: CacheMode,
) -> tuple[Briefs | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    if not has_harfbuzz_subset():
        problems.append(
            warning(
                Location("casesite"),
                "pdf-slow-fonts",
                "libharfbuzz-subset is missing: PDF briefs render about 4 times slower",
                "install it: apt-get install libharfbuzz-subset0",
            )
        )
    setup = engine_setup(checked, root, font_cache=mode.writes)
    fonts = font_problems(setup)
    if fonts:
        return None, [*problems, *fonts]
    cache = BriefCache(Store(root, mode))
    # One build's layouts (not watched), compiled or from the cache when the build keeps one.
    layouts = Layouts(make_environment(root, False, cache.store if mode.writes else None))
    digests = AssetDigests(setup.root, setup.assets, {THEME_CSS: setup.theme_css})
    studies = {cs.source: cs for cs in checked.site.case_studies}
    htmls: dict[str, str] = {}

    def briefs_html() -> None:
        htmls.update((source, brief_html(layouts, checked, cs)) for source, cs in studies.items())

    try:  # the briefs' HTML while the fonts are decompressed, if they need to be
        at_most = jobs_for(len(studies), jobs, costly=True)
        key, style = _engine_key(setup, cache, digests, at_most, briefs_html)
    except TemplateProblem as problem:
        return None, [*problems, problem.diagnostic]
    wanted = [(source, htmls[source], case_study_url(cs)) for source, cs in studies.items()]

    found: dict[str, BriefFile] = {}
    made_of: dict[str, Mapping[str, str]] = {}  # the assets each brief was made from
    keys: dict[str, str] = {}
    parts: dict[str, bytes] = {}  # the briefs' PDFs read for the merge, when just rendered
    todo: list[Job] = []
    for source, html, page_url in wanted:
        job = Job(source, html, page_url, brief_key(key, html))
        keys[source] = job.key
        hit = cache.get(job.key, digests)
        if hit is not None:
            found[source] = BriefFile(brief_path(studies[source]), hit.data, hit.pages)
            made_of[source] = hit.assets
        else:
            todo.append(job)

    # One collection per language: case-studies.pdf, hu/case-studies.pdf, ...
    collections = []
    for edition in checked.site.editions():
        language = replace(checked, site=checked.site.part(edition))
        collections.append(CollectionMaker(language, layouts, setup, cache, digests, key))
    # one a programme page
    programmes = programme_makers(checked, facets, layouts, setup, cache, digests, key)
    makers = [*collections, *programmes]
    workers = jobs_for(len(todo), jobs, costly=True)
    places = {source: i for i, source in enumerate(studies)}
    fronts = [  # with workers, each collection's front matter is rendered among the briefs
        c.front_job(places) for c in makers if c.checked.site.case_studies and workers > 1
    ]
    todo = [replace(job, index=places[job.source]) for job in todo]
    if todo:  # the hyphenation patterns once, here, for the workers forked below
        preload(languages(job.html for job in todo), cache.store)
    known = {places[source]: brief.pages for source, brief in found.items()}
    rendering = render_jobs(todo, setup, workers, Progress(len(todo), progress), fronts, known)
    for job in todo:
        result, part = rendering.briefs[job.source]
        if result.problems:
            problems += located(job.source, result.problems, root)
            continue
        cache.put(job.key, result.data, result.pages, result.read)
        if part:
            cache.put_part(job.key, part)
            parts[job.source] = part
        found[job.source] = BriefFile(brief_path(studies[job.source]), result.data, result.pages)
        made_of[job.source] = result.read
    if any(d.is_error for d in problems):
        return None, list(dict.fromkeys(problems))  # a stylesheet's problem once, not per brief
    for collection in makers:
        if not collection.checked.site.case_studies:
            continue
        try:
            collection.make(found, made_of, keys, parts, rendering.fronts)
        except TemplateProblem as problem:
            return None, [*problems, problem.diagnostic]
        if collection.problems:
            return None, [*problems, *collection.problems]
    if prune:
        cache.prune([style, *keys.values(), *(k for c in makers for k in c.keys)])
    briefs = Briefs(
        found,
        collections[0].file,
        rendered=len(todo),
        reused=len(wanted) - len(todo),
        front_rendered=sum(c.front_rendered for c in collections),
        early_unused=len(rendering.fronts) - sum(c.early_used for c in makers),
        collection_reused=all(c.reused for c in collections if c.file is not None),
        other_collections=tuple(c.file for c in collections[1:] if c.file is not None),
        programmes=programme_collections(programmes),
        programmes_reused=sum(1 for c in programmes if c.reused),
    )
    if progress is not None:
        progress.write(briefs.summary() + "\n")
    return briefs, problems


class BriefFailed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def render_one_brief(checked: Checked, root: Path, cs: CaseStudy) -> bytes:
    """The PDF brief of one checked case study, from the cache or rendered in this process
    (for `casesite serve`). Raises BriefFailed with located diagnostics."""
    with dated_by_content(checked):
        return _render_one(checked, root, cs)


def _render_one(checked: Checked, root: Path, cs: CaseStudy) -> bytes:
    setup = engine_setup(checked, root)
    fonts = font_problems(setup)
    if fonts:
        raise BriefFailed(fonts)
    cache = BriefCache(Store(root))
    digests = AssetDigests(setup.root, setup.assets, {THEME_CSS: setup.theme_css})
    try:
        html = brief_html(Layouts(make_environment(root)), checked, cs)
        key = brief_key(_engine_key(setup, cache, digests, 1, lambda: None)[0], html)
    except TemplateProblem as problem:
        raise BriefFailed([problem.diagnostic]) from problem
    hit = cache.get(key, digests)
    if hit is not None:
        return hit.data
    result = engine_for(setup).render(html, case_study_url(cs))
    if result.problems:
        raise BriefFailed(located(cs.source, result.problems, root))
    cache.put(key, result.data, result.pages, result.read)
    return result.data


__all__ = ["BriefFailed", "Briefs", "make_briefs", "render_one_brief"]
