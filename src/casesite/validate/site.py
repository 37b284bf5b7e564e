"""Assemble the checked content into a Site: which pages exist, in what order, where they
live, and which pages are versions of one story in other languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from casesite.diagnostics import Diagnostic, error
from casesite.model import CaseStudy, Programme, language_key
from casesite.routes import case_study_url, edition_prefix
from casesite.validate.config import SiteConfig


@dataclass(frozen=True)
class Site:
    """The whole site (`edition` None), or the part of it in one language (`edition` ""
    for the site's own language, "hu" for Hungarian), whose `case_studies` are the versions
    in that language only and whose settings and programmes are in that language."""

    config: SiteConfig
    programmes: Mapping[str, Programme]
    case_studies: tuple[CaseStudy, ...]  # the ones being built, newest first
    assets: frozenset[str]
    edition: str | None = None
    everything: tuple[CaseStudy, ...] = ()  # of a part: every version in every language

    def by_source(self) -> Mapping[str, CaseStudy]:
        return MappingProxyType({cs.source: cs for cs in self.case_studies})

    @property
    def all_versions(self) -> tuple[CaseStudy, ...]:
        return self.case_studies if self.edition is None else self.everything

    @property
    def prefix(self) -> str:
        """Where this part's pages start: "" or "hu/"."""
        return edition_prefix(self.edition or "")

    def editions(self) -> tuple[str, ...]:
        """The site's parts: its own language ("") first, then the others by key."""
        others = {cs.edition for cs in self.all_versions if cs.edition}
        return ("", *sorted(others))

    def part(self, edition: str) -> Site:
        """The part of the whole site in one language."""
        if self.edition is not None:  # already a part: of itself only
            if edition != self.edition:
                raise ValueError(f"the part '{self.edition}' has no part '{edition}'")
            return self
        lang = edition or self.config.lang
        return Site(
            self.config.in_language(language_key(lang), lang),
            MappingProxyType(
                {k: p.in_language(language_key(lang)) for k, p in self.programmes.items()}
            ),
            tuple(cs for cs in self.case_studies if cs.edition == edition),
            self.assets,
            edition,
            self.case_studies,
        )

    def versions(self, slug: str) -> tuple[CaseStudy, ...]:
        """Every version of a story, the site's language first, then by language key."""
        return self._versions.get(slug, ())

    @cached_property
    def _versions(self) -> Mapping[str, tuple[CaseStudy, ...]]:
        found: dict[str, list[CaseStudy]] = {}
        for cs in self.all_versions:
            found.setdefault(cs.slug, []).append(cs)
        order = lambda cs: (cs.edition != "", cs.edition)  # noqa: E731
        return MappingProxyType({slug: tuple(sorted(v, key=order)) for slug, v in found.items()})

    def stories(self) -> tuple[CaseStudy, ...]:
        """One version of each story (the site's language where there is one): totals count
        a story once, whatever languages it is written in."""
        first: dict[str, CaseStudy] = {}
        for cs in sorted(self.all_versions, key=lambda cs: (cs.edition != "", cs.edition)):
            first.setdefault(cs.slug, cs)
        return tuple(cs for cs in self.all_versions if first[cs.slug] is cs)


def newest_first(case_studies: list[CaseStudy]) -> tuple[CaseStudy, ...]:
    by_slug = sorted(case_studies, key=lambda cs: (cs.slug, cs.edition))
    return tuple(sorted(by_slug, key=lambda cs: cs.published, reverse=True))


def assemble(
    config: SiteConfig,
    programmes: Mapping[str, Programme],
    case_studies: list[CaseStudy],
    assets: frozenset[str],
    include_drafts: bool,
) -> tuple[Site, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    seen: dict[tuple[str, str], CaseStudy] = {}
    for cs in sorted(case_studies, key=lambda c: c.source):
        first = seen.get((cs.edition, cs.slug))
        if first is not None:
            problems.append(
                error(
                    cs.location,
                    "slug-collision",
                    f"this case study and {first.source} would both be published at "
                    f"{case_study_url(cs)}",
                    "give one of them another file name or a different 'slug:'; a version in "
                    f"another language is named {cs.slug}.<language>.md, e.g. {cs.slug}.hu.md",
                )
            )
            continue
        seen[(cs.edition, cs.slug)] = cs
    chosen = [cs for cs in seen.values() if include_drafts or not cs.draft]
    ordered = MappingProxyType({k: programmes[k] for k in sorted(programmes)})
    return Site(config, ordered, newest_first(chosen), assets), problems
