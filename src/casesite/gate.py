"""Everything up to the gate: load, validate, assemble and check the whole site, and say
whether it may be published. Writes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from casesite.check.analysis import Context, FileCache, analyse_files
from casesite.check.links import LinkTargets, resolve_link
from casesite.check.markdown import ParsedBody
from casesite.check.quotes import (
    QuoteCheck,
    check_quote,
    check_stray_quotations,
    take_down,
    unused_records,
)
from casesite.core import Checked, Options
from casesite.diagnostics import Diagnostic, Location, Report, Severity, error
from casesite.incremental.store import Store
from casesite.load import content
from casesite.load.assets import list_assets
from casesite.model import CaseStudy, Programme
from casesite.routes import case_study_url
from casesite.validate import schema
from casesite.validate.approvals import Approval, collect
from casesite.validate.config import SiteConfig, load_config
from casesite.validate.site import Site, assemble

PROGRAMMES_DIR = "content/programmes"


def file_cache(options: Options) -> FileCache:
    return FileCache(Store(options.root, options.cache) if options.cache.reads else None)


def as_warning(d: Diagnostic) -> Diagnostic:
    return replace(d, severity=Severity.WARNING) if d.is_error else d


def _load_programmes(
    root: Path, assets: frozenset[str]
) -> tuple[dict[str, Programme], list[Diagnostic]]:
    problems: list[Diagnostic] = []
    paths, found = content.list_dir(root, PROGRAMMES_DIR, (".yml",))
    problems.extend(found)
    programmes: dict[str, Programme] = {}
    for rel in paths:
        doc, found = content.load_yaml_file(root, rel)
        problems.extend(found)
        if doc is None:
            continue
        programme, found = schema.read_programme(PurePosixPath(rel).stem, doc, assets)
        problems.extend(found)
        if programme is not None:
            programmes[programme.id] = programme
    return programmes, problems


def _resolve_links(
    studies: Iterable[CaseStudy],
    pages: Iterable[CaseStudy],
    bodies: Mapping[str, ParsedBody],
    assets: frozenset[str],
    invalid: frozenset[str] = frozenset(),
) -> tuple[dict[str, Mapping[int, str | None]], dict[str, list[Diagnostic]]]:
    targets = LinkTargets(
        pages=MappingProxyType({cs.source: case_study_url(cs) for cs in pages}),
        fragments=MappingProxyType({src: body.heading_ids for src, body in bodies.items()}),
        assets=assets,
        invalid=invalid,
    )
    resolved: dict[str, Mapping[int, str | None]] = {}
    problems: dict[str, list[Diagnostic]] = {}
    for cs in studies:
        urls: dict[int, str | None] = {}
        for link in bodies[cs.source].links:
            url, problem = resolve_link(link, cs.source, case_study_url(cs), targets)
            urls[link.index] = url
            if problem is not None:
                problems.setdefault(cs.source, []).append(problem)
        resolved[cs.source] = MappingProxyType(urls)
    return resolved, problems


def check_quotes(
    studies: Iterable[CaseStudy],
    bodies: Mapping[str, ParsedBody],
    approvals: Mapping[str, Approval],
    as_of: date,
    channels: tuple[str, ...],
) -> dict[str, tuple[QuoteCheck, ...]]:
    return {
        cs.source: tuple(
            check_quote(use, cs, approvals.get(use.id), as_of, channels, approvals.keys())
            for use in bodies[cs.source].quotes
        )
        for cs in studies
    }


def _take_down_lapsed(checks: Iterable[QuoteCheck], report: Report) -> tuple[QuoteCheck, ...]:
    """Consent that lapses takes the words down: a quote whose approval was withdrawn or
    has expired is left out of the build, with a warning, so a scheduled rebuild removes
    it without waiting for an author. Words never approved are still refused."""
    out = []
    for q in checks:
        if q.lapsed:
            q, note = take_down(q)
            report.add(note)
        else:
            report.extend(q.problems)
        out.append(q)
    return tuple(out)


FALLBACK_CONFIG = SiteConfig(name="casesite", base_url="https://example.org/")


@dataclass(frozen=True)
class Analysis:
    """Everything learnt about the content, whether or not it may be published."""

    site: Site | None
    studies: tuple[CaseStudy, ...]
    bodies: Mapping[str, ParsedBody]
    links: Mapping[str, Mapping[int, str | None]]
    quotes: Mapping[str, tuple[QuoteCheck, ...]]
    report: Report


def check(options: Options) -> tuple[Checked | None, Report]:
    """Every stage up to the gate; writes nothing. None when anything is an error."""
    a = analyse(options)
    if a.site is None or a.report.has_errors:
        return None, a.report
    built = {cs.source for cs in a.site.case_studies}
    return (
        Checked(
            a.site,
            MappingProxyType({k: v for k, v in a.bodies.items() if k in built}),
            MappingProxyType({k: v for k, v in a.links.items() if k in built}),
            MappingProxyType({k: v for k, v in a.quotes.items() if k in built}),
        ),
        a.report,
    )


def quote_worklist(options: Options) -> tuple[list[QuoteCheck] | None, Report]:
    """Every quote of every case study, drafts included, checked against its record."""
    a = analyse(options)
    if a.site is None:
        return None, a.report
    return [q for cs in a.studies for q in a.quotes[cs.source]], a.report


def analyse(options: Options) -> Analysis:
    report = Report()
    empty: Analysis = Analysis(None, (), {}, {}, {}, report)
    root = options.root
    if not (root / "content").is_dir():
        report.add(
            error(
                Location("content"),
                "not-a-site",
                f"there is no content/ folder in {root}",
                "run casesite in the folder that holds content/, layouts/ and assets/, "
                "or pass --root",
            )
        )
        return empty
    assets, found = list_assets(root)
    report.extend(found)
    config, found = load_config(root, assets)
    report.extend(found)
    programmes, found = _load_programmes(root, assets)
    report.extend(found)
    # A programme whose file has errors is still known by name: its own errors say what is wrong.
    programme_files, _ = content.list_dir(root, PROGRAMMES_DIR, (".yml",))
    known = schema.Known(frozenset(PurePosixPath(p).stem for p in programme_files), assets)
    context = Context(config or FALLBACK_CONFIG, known)
    analysed, found = analyse_files(root, context, options.workers, file_cache(options))
    report.extend(found)
    files = analysed.files
    studies: list[CaseStudy] = []
    for f in files:
        soften = f.draft and not options.drafts
        report.extend(as_warning(d) if soften else d for d in f.problems)
        if f.case_study is not None:
            studies.append(f.case_study)
    for r in analysed.records:
        report.extend(r.problems)
    records = (r.approval for r in analysed.records if r.approval is not None)
    approvals = collect(records, (config or FALLBACK_CONFIG).lang)
    if config is None:
        return empty
    site, found = assemble(config, programmes, studies, assets, options.drafts)
    report.extend(found)

    # Every case study is checked; a draft that is not being built reports warnings only,
    # and a draft's quote problems are never errors (its preview marks them instead).
    bodies = {f.rel: f.body for f in files if f.case_study is not None and f.body is not None}
    invalid = frozenset(f.rel for f in files if f.case_study is None)
    links, link_problems = _resolve_links(studies, site.case_studies, bodies, assets, invalid)
    quotes = check_quotes(studies, bodies, approvals, options.as_of, options.channels)
    for cs in studies:
        soften = cs.draft and not options.drafts
        found = [*bodies[cs.source].diagnostics, *link_problems.get(cs.source, [])]
        found += check_stray_quotations(bodies[cs.source].paragraphs, bodies[cs.source].links)
        report.extend(as_warning(d) if soften else d for d in found)
        if cs.draft:
            report.extend(as_warning(d) for q in quotes[cs.source] for d in q.problems)
        elif options.lapsed_is_error:
            report.extend(d for q in quotes[cs.source] for d in q.problems)
        else:
            quotes[cs.source] = _take_down_lapsed(quotes[cs.source], report)
    # A quote in a file with front-matter errors still counts as a use of its record.
    other = [f.body for f in files if f.case_study is None and f.body is not None]
    used = (u.id for b in (*bodies.values(), *other) for u in b.quotes)
    report.extend(unused_records(approvals, used))
    return Analysis(site, tuple(studies), bodies, links, quotes, report)
