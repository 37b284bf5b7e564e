"""The ways a reader browses: by country, network, programme, year of change and theme.

A pure function of the published case studies: each facet value gets a page of its own at
a stable, readable address ("countries/hu/", "networks/river-keepers-network/"), listing
its case studies newest first.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from casesite import formatting
from casesite.model import CaseStudy, Programme
from casesite.routes import facet_url
from casesite.validate.site import Site

KINDS: tuple[str, ...] = ("country", "network", "programme", "year", "theme")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Facet:
    kind: str  # one of KINDS
    key: str  # the last part of its address: lower case letters, digits, hyphens
    label: str  # what a reader sees: "Hungary", "2021", "hate crime"
    value: str  # the value in the content: "HU", "stronger-roots", "2021", "hate crime"
    case_studies: tuple[CaseStudy, ...]  # newest first, as on the index
    prefix: str = ""  # the part of the site in its language: "" or "hu/"

    @property
    def url(self) -> str:
        """Site-relative address of the facet's page, without a leading slash."""
        return self.prefix + facet_url(self.kind, self.key)

    @property
    def count(self) -> int:
        return len(self.case_studies)


@dataclass(frozen=True)
class Facets:
    groups: Mapping[str, tuple[Facet, ...]]  # kind -> its facets, in reading order
    by_source: Mapping[str, Mapping[str, tuple[Facet, ...]]]  # case study -> kind -> facets

    def all(self) -> tuple[Facet, ...]:
        return tuple(f for kind in KINDS for f in self.groups.get(kind, ()))

    def of(self, cs: CaseStudy) -> Mapping[str, tuple[Facet, ...]]:
        """The facets a case study belongs to, by kind."""
        return self.by_source.get(cs.source, MappingProxyType({}))


def slugify(text: str) -> str:
    """An address-safe form of a name; names with no Latin letters get a short stable hash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:80].strip("-")
    if slug:
        return slug
    return "n-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _plain(text: str) -> str:
    return " ".join(text.split())


def values(cs: CaseStudy) -> Mapping[str, tuple[str, ...]]:
    """The raw values a case study has for each kind (codes, ids, names, years)."""
    last = cs.change_period.end or cs.change_period.start
    years = tuple(str(y) for y in range(cs.change_period.start.year, last.year + 1))
    return MappingProxyType(
        {
            "country": (cs.country,),
            "network": (_plain(cs.network),),
            "programme": (cs.programme,),
            "year": years,
            "theme": tuple(dict.fromkeys(_plain(t) for t in cs.themes)),
        }
    )


def _unique_keys(labels: Iterable[str], make: dict[str, str]) -> dict[str, str]:
    """value -> key, adding -2, -3 ... when two values would share an address."""
    taken: set[str] = set()
    keys: dict[str, str] = {}
    for value in sorted(labels):
        base = make.get(value) or slugify(value)
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        keys[value] = key
    return keys


def build_facets(
    case_studies: tuple[CaseStudy, ...],
    programmes: Mapping[str, Programme],
    lang: str,
    prefix: str = "",
) -> Facets:
    """Group the published case studies (newest first) by every kind of facet."""
    members: dict[str, dict[str, list[CaseStudy]]] = {kind: {} for kind in KINDS}
    for cs in case_studies:
        for kind, found in values(cs).items():
            for value in found:
                members[kind].setdefault(value, []).append(cs)

    def label(kind: str, value: str) -> str:
        if kind == "country":
            return formatting.country_name(value, lang)
        if kind == "programme" and value in programmes:
            return programmes[value].name
        return value

    groups: dict[str, tuple[Facet, ...]] = {}
    for kind in KINDS:
        fixed = {v: v.lower() for v in members[kind]} if kind in ("country", "year") else {}
        if kind == "programme":
            fixed = {v: slugify(v) for v in members[kind]}
        keys = _unique_keys(members[kind], fixed)
        facets = [
            Facet(kind, keys[value], label(kind, value), value, tuple(found), prefix)
            for value, found in members[kind].items()
        ]
        if kind == "year":
            facets.sort(key=lambda f: f.label, reverse=True)  # the latest year first
        else:
            facets.sort(key=lambda f: (f.label.casefold(), f.key))
        groups[kind] = tuple(facets)
    of: dict[str, dict[str, list[Facet]]] = {
        cs.source: {k: [] for k in KINDS} for cs in case_studies
    }
    for kind in KINDS:
        for facet in groups[kind]:
            for cs in facet.case_studies:
                of[cs.source][kind].append(facet)
    by_source = {
        src: MappingProxyType({k: tuple(v) for k, v in kinds.items()}) for src, kinds in of.items()
    }
    return Facets(MappingProxyType(groups), MappingProxyType(by_source))


def site_facets(site: Site) -> Mapping[str, Facets]:
    """The facets of each language's part of a (whole) site, by edition ("" for the site's
    own language first), each in its language. build.py computes them once a build and
    passes them to the PDF stage (a collection per programme page), the pages and the
    sitemap."""
    found: dict[str, Facets] = {}
    for edition in site.editions():
        part = site.part(edition)
        found[edition] = build_facets(
            part.case_studies, part.programmes, part.config.lang, part.prefix
        )
    return MappingProxyType(found)
