"""The WeasyPrint boundary: a brief's HTML from the layouts, and its PDF.

`brief_html` renders layouts/brief.html with the same views as the case study page (the
quotes pass the same gate). `Engine` holds what one process reuses for every brief: one
FontConfiguration, the parsed stylesheets (assets/theme.css, generated, and
assets/brief.css) and the `AssetFetcher`, the only way WeasyPrint may read a file.
`Engine.render` turns HTML into a tagged PDF/UA-1 document and reports, in plain words,
every URL it refused and every error WeasyPrint logged: both fail the build.
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from casesite import formatting
from casesite.check.fonts import brief_sheets, check_brief_fonts, declared_families
from casesite.check.links import relative_url
from casesite.check.svgfonts import check_svg_fonts
from casesite.core import SITE_ROOT_URL, Checked
from casesite.diagnostics import Diagnostic
from casesite.incremental.store import Store, digest
from casesite.model import CaseStudy
from casesite.publish import epoch_from_environment
from casesite.render.body import body_html
from casesite.render.environment import Layouts
from casesite.render.i18n import Translator
from casesite.render.views import case_study_view, site_view, theme_css
from casesite.routes import THEME_CSS, case_study_url
from casesite.validate.site import Site

VARIANT = "pdf/ua-1"
BRIEF_LAYOUT = "brief.html"
COLLECTION_LAYOUT = "briefs.html"
BRIEF_CSS = "assets/brief.css"
CACHE_FORMAT = "casesite-brief-1"


@dataclass(frozen=True)
class BriefFile:
    """A PDF as published: a brief, or a collection."""

    path: str  # where it is published, relative to the output folder
    data: bytes
    pages: int

    def extent(self, t: Translator, lang: str) -> tuple[str, str]:
        """Its length and size as a link to it tells them: ("12 pages", "310 kB")."""
        num = formatting.number(Decimal(self.pages), lang)
        pages = t.ngettext("%(num)s page", "%(num)s pages", self.pages, num=num)
        return pages, formatting.file_size(len(self.data), lang)


def engine_version() -> str:
    """WeasyPrint's version, without importing it (a warm build never needs it)."""
    return importlib.metadata.version("weasyprint")


def engine_parts() -> tuple[str, ...]:
    """What every brief depends on besides its own files: the cache format, WeasyPrint's
    version, the PDF variant, and which font subsetter runs (HarfBuzz's, or fontTools',
    whose bytes differ)."""
    subsetter = "harfbuzz-subset" if has_harfbuzz_subset() else "fonttools"
    return (CACHE_FORMAT, engine_version(), VARIANT, subsetter)


def style_id(digests: Callable[[str], str | None]) -> str:
    """Names the stylesheets as they are now; the fonts they read are listed under it."""
    return digest(*engine_parts(), str(digests(BRIEF_CSS)), str(digests(THEME_CSS)))


def engine_key(style_read: Mapping[str, str]) -> str:
    """The part of every brief's cache key that is not its own HTML."""
    reads = [f"{rel}\0{value}" for rel, value in sorted(style_read.items())]
    return digest(*engine_parts(), *reads)


# -- HTML ----------------------------------------------------------------------------------


def _in_language_of(checked: Checked, cs: CaseStudy) -> Site:
    """The part of the site in the case study's language: its name and programme texts."""
    site = checked.site
    return site.part(cs.edition) if site.edition is None else site


def brief_values(checked: Checked, cs: CaseStudy, root: str) -> dict[str, Any]:
    """What _brief-article.html needs for one case study; `root` leads to the site root."""
    site = _in_language_of(checked, cs)
    body = body_html(checked, cs, for_brief=True)
    view = case_study_view(cs, site.programmes[cs.programme], body)
    return {
        "cs": view,
        "body_html": Markup(body),
        "anchor": f"brief-{cs.slug}",
        "web_url": site.config.base_url + case_study_url(cs),
        "root": root,
    }


def brief_html(layouts: Layouts, checked: Checked, cs: CaseStudy) -> str:
    """The HTML of one brief (raises TemplateProblem naming the case study)."""
    context = {
        "i18n": Translator(cs.lang),
        "site": site_view(_in_language_of(checked, cs).config),
        **brief_values(checked, cs, relative_url(case_study_url(cs), "")),
    }
    return layouts.render(BRIEF_LAYOUT, context, f"the PDF brief of {cs.source}")


class _RelFinder(HTMLParser):
    """Finds rel=attachment, which would embed a file into the PDF."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "rel" and "attachment" in (value or "").lower().split():
                self.found = True


def has_attachment(html: str) -> bool:
    finder = _RelFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# -- PDF -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineSetup:
    """Everything a process needs to render briefs; plain values, cheap to send."""

    root: Path
    assets: frozenset[str]
    theme_css: bytes
    stamp: str  # size and time of every asset: a long-running process renews its engine
    font_cache: bool = True  # keep decompressed fonts in .casesite-cache/fonts/


def _stamp(root: Path, assets: frozenset[str]) -> str:
    parts = []
    for rel in sorted(assets):
        try:
            st = (root / rel).stat()
        except OSError:
            continue
        parts.append(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}")
    return digest(*parts)


def font_problems(setup: EngineSetup) -> list[Diagnostic]:
    """The brief's fonts, in its style sheets and layouts and in the text of the SVG
    pictures under assets/ (logos): none may come from this machine."""
    sheets = [(THEME_CSS, setup.theme_css.decode("utf-8"))]
    if BRIEF_CSS in setup.assets:
        sheets.append((BRIEF_CSS, (setup.root / BRIEF_CSS).read_text("utf-8", "replace")))
    layouts = (BRIEF_LAYOUT, COLLECTION_LAYOUT)
    styles = brief_sheets(setup.root, setup.assets, sheets, layouts)
    svgs = [
        (rel, (setup.root / rel).read_bytes())
        for rel in sorted(setup.assets)
        if rel.lower().endswith(".svg")
    ]
    return [*check_brief_fonts(styles), *check_svg_fonts(svgs, declared_families(styles))]


def engine_setup(checked: Checked, root: Path, font_cache: bool = True) -> EngineSetup:
    root = root.absolute()
    theme = theme_css(checked.site.config).encode("utf-8")
    stamp = _stamp(root, checked.site.assets)
    return EngineSetup(root, checked.site.assets, theme, stamp, font_cache)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int
    read: Mapping[str, str]  # assets the document itself read: rel -> sha256
    problems: tuple[str, ...]  # plain words; the PDF must not be published unless empty


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    handler = _Records()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


class Engine:
    """One process's WeasyPrint set-up, reused for every brief it renders."""

    def __init__(self, setup: EngineSetup) -> None:
        import weasyprint

        from casesite.pdf.fetcher import AssetFetcher
        from casesite.pdf.fontfaces import OneFilePerFace

        self.setup = setup
        self.fetcher = AssetFetcher(
            setup.root,
            setup.assets,
            {THEME_CSS: setup.theme_css},
            font_cache=Store(setup.root) if setup.font_cache else None,
        )
        self.font_config = OneFilePerFace()
        with _weasyprint_errors() as errors:
            self.stylesheets = [
                weasyprint.CSS(
                    url=SITE_ROOT_URL + path,
                    url_fetcher=self.fetcher,
                    font_config=self.font_config,
                )
                for path in (THEME_CSS, BRIEF_CSS)
                if path in setup.assets or path == THEME_CSS
            ]
        self.style_read = MappingProxyType(dict(sorted(self.fetcher.read.items())))
        self.style_problems = tuple(self.fetcher.refused) + tuple(errors)
        self.style_problems += tuple(self.font_config.clashes)
        if BRIEF_CSS not in setup.assets:
            self.style_problems += (f"the brief's stylesheet {BRIEF_CSS} is missing",)
        self.fetcher.reset()

    def render(self, html: str, page_url: str) -> Rendered:
        import weasyprint

        from casesite.pdf.addresses import page_base_url

        if self.style_problems:
            return Rendered(b"", 0, {}, self.style_problems)
        if has_attachment(html):
            problem = "the brief uses rel=attachment, which would embed a file into the PDF"
            return Rendered(b"", 0, {}, (problem,))
        self.fetcher.reset()
        with _weasyprint_errors() as errors:
            try:
                document = weasyprint.HTML(
                    string=html, base_url=page_base_url(page_url), url_fetcher=self.fetcher
                ).render(
                    stylesheets=self.stylesheets,
                    font_config=self.font_config,
                    pdf_variant=VARIANT,
                    pdf_tags=True,
                )
                document.metadata.attachments = []
                data = document.write_pdf(pdf_variant=VARIANT, pdf_tags=True)
            except Exception as exc:  # a WeasyPrint failure is this brief's error, not a crash
                self.fetcher.reset()
                return Rendered(b"", 0, {}, (f"WeasyPrint failed: {type(exc).__name__}: {exc}",))
        problems = tuple(f"it refers to {r}" for r in self.fetcher.refused)
        problems += tuple(_plain(e) for e in errors if not self.fetcher.refused)
        read = dict(sorted(self.fetcher.read.items()))
        self.fetcher.reset()
        return Rendered(bytes(data), len(document.pages), read, problems)


def _plain(message: str) -> str:
    """A WeasyPrint error in the site's own terms: 'assets/x.png', not its virtual URL."""
    text = message.replace(SITE_ROOT_URL, "").strip().rstrip(":").strip()
    if text.startswith("Failed to load image at"):
        return text.replace("Failed to load image at", "the image", 1) + (
            " cannot be shown (is it a PNG, JPEG, GIF, WebP or SVG file?)"
        )
    return text


def load_engine() -> None:
    """Import what an engine needs (WeasyPrint: about 0.25 s of CPU), as making the first
    one would."""
    import weasyprint  # noqa: F401

    from casesite.pdf import fetcher, fontfaces  # noqa: F401


_ENGINES: dict[EngineSetup, Engine] = {}
_INHERITED: list[Engine] = []


def fresh_engine(setup: EngineSetup) -> Engine:
    """A new engine for a forked worker: one inherited from the parent renders no faster
    per CPU second but waits far longer (measured: twice the wall-clock time). The inherited
    one is kept alive, never collected: its FontConfiguration would delete, on collection,
    the temporary font files the parent's engine still reads (the parent's next PDF would
    embed broken fonts)."""
    _INHERITED.extend(_ENGINES.values())
    _ENGINES.clear()
    return engine_for(setup)


def engine_for(setup: EngineSetup) -> Engine:
    """This process's engine for a set-up (a long-running `serve` keeps the last one)."""
    found = _ENGINES.get(setup)
    if found is None:
        _ENGINES.clear()
        found = _ENGINES[setup] = Engine(setup)
    return found


# -- reproducibility and the subsetting library ---------------------------------------------


def content_epoch(checked: Checked) -> int:
    """Midnight UTC of the newest publication or update date: the same content, the same time."""
    newest = max(
        (d for cs in checked.site.case_studies for d in (cs.published, cs.updated) if d),
        default=None,
    )
    if newest is None:
        return 0
    return int(datetime.combine(newest, time(0), tzinfo=UTC).timestamp())


@contextmanager
def dated_by_content(checked: Checked) -> Iterator[None]:
    """While briefs are rendered, WeasyPrint dates them by the content (SOURCE_DATE_EPOCH
    set to content_epoch), unless whoever runs the build set SOURCE_DATE_EPOCH."""
    if epoch_from_environment() is not None:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(content_epoch(checked))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def has_harfbuzz_subset() -> bool:
    """Whether WeasyPrint subsets fonts with libharfbuzz-subset (fast and reproducible)
    rather than falling back to fontTools (about 4 times slower)."""
    for name in (
        "libharfbuzz-subset.so.0",
        "libharfbuzz-subset.0.dylib",
        "libharfbuzz-subset-0.dll",
    ):
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False
