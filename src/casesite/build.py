"""The build, stage by stage, in the order they run: the gate (load, validate, assemble,
check), the PDF briefs, the pages, the site's own files and checks, then the swap."""

from __future__ import annotations

import sys
import time
from functools import partial

from casesite.core import BriefsForPages, BuildResult, Options
from casesite.diagnostics import Report
from casesite.gate import check
from casesite.incremental.outputs import load_manifest, save_manifest
from casesite.incremental.store import CacheMode, Store
from casesite.outputs.finish import finish_site, write_data_files
from casesite.outputs.linkcheck import scan_tuples
from casesite.publish import Staging, epoch_from_environment, manifest
from casesite.render.environment import TemplateProblem
from casesite.render.facets import site_facets
from casesite.render.pages import write_site


def build(options: Options) -> tuple[BuildResult | None, Report]:
    started = time.perf_counter()
    checked, report = check(options)
    if checked is None:
        return None, report
    facets = site_facets(checked.site)  # for the programme collections, pages and sitemap
    briefs: BriefsForPages | None = None
    if options.pdf and options.preview:
        from casesite.pdf.on_request import BriefsOnRequest

        briefs = BriefsOnRequest()
    elif options.pdf:  # before the pages, which show each brief's size and page count
        from casesite.pdf.stage import make_briefs  # WeasyPrint loads only when briefs are made

        briefs, found = make_briefs(
            checked,
            facets,
            options.root,
            options.jobs,
            sys.stderr,
            prune=not options.drafts,
            cache=options.cache,
        )
        report.extend(found)
        if briefs is None:
            return None, report
    # A preview's temporary folder is new each session: nothing to reuse or remember.
    keep = options.cache.writes and not options.preview
    store = Store(options.root, options.cache if keep else CacheMode.OFF)
    previous = load_manifest(store, options.out) if keep else {}
    cache = store if keep else None
    with Staging(options.out, epoch_from_environment(), previous) as staging:
        try:
            pages = write_site(
                checked,
                facets,
                options.root,
                staging,
                briefs,
                options.workers,
                options.preview,
                meanwhile=partial(write_data_files, checked, staging),
                scan=scan_tuples,  # the link check's scan, made as each page is written
                cache=cache,
            )
        except TemplateProblem as problem:
            report.add(problem.diagnostic)
            return None, report
        # The sitemap, then the link check and the search index, on the whole site.
        pdf_written = options.pdf and not options.preview
        finished = finish_site(
            checked,
            facets,
            staging,
            pdf_written,
            search=options.search and not options.preview,
            root=options.root,
            scans=pages.scans,
            cache=cache,
        )
        if finished:
            report.extend(finished)
            return None, report
        staging.commit()
    if keep:
        save_manifest(store, options.out, manifest(options.out, staging.written))
    seconds = time.perf_counter() - started
    studies = len(checked.site.case_studies)
    return BuildResult(pages.count, studies, seconds, staging.unchanged()), report
