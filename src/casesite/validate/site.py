"""Assemble the checked content into a Site: which pages exist, in what order, where they live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from casesite.diagnostics import Diagnostic, error
from casesite.model import CaseStudy, Programme
from casesite.routes import case_study_url
from casesite.validate.config import SiteConfig


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    programmes: Mapping[str, Programme]
    case_studies: tuple[CaseStudy, ...]  # the ones being built, newest first
    assets: frozenset[str]

    def by_source(self) -> Mapping[str, CaseStudy]:
        return MappingProxyType({cs.source: cs for cs in self.case_studies})


def newest_first(case_studies: list[CaseStudy]) -> tuple[CaseStudy, ...]:
    by_slug = sorted(case_studies, key=lambda cs: cs.slug)
    return tuple(sorted(by_slug, key=lambda cs: cs.published, reverse=True))


def assemble(
    config: SiteConfig,
    programmes: Mapping[str, Programme],
    case_studies: list[CaseStudy],
    assets: frozenset[str],
    include_drafts: bool,
) -> tuple[Site, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    seen: dict[str, CaseStudy] = {}
    for cs in sorted(case_studies, key=lambda c: c.source):
        first = seen.get(cs.slug)
        if first is not None:
            problems.append(
                error(
                    cs.location,
                    "slug-collision",
                    f"this case study and {first.source} would both be published at "
                    f"{case_study_url(cs)}",
                    "give one of them another file name or a different 'slug:'",
                )
            )
            continue
        seen[cs.slug] = cs
    chosen = [cs for cs in seen.values() if include_drafts or not cs.draft]
    ordered = MappingProxyType({k: programmes[k] for k in sorted(programmes)})
    return Site(config, ordered, newest_first(chosen), assets), problems
